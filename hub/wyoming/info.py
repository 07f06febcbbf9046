"""What the hub tells a Wyoming client about itself (`describe` → `info`).

Home Assistant's wyoming integration registers one conversation agent per service: named after
the first installed `intent` program (else the `handle` program), for the languages of its
installed models, with home control when the program says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from wyoming.info import Attribution, HandleModel, HandleProgram, Info, IntentModel, IntentProgram

import hub
from hub.domain import LANGUAGES

"""Languages the hub understands, one model each (Wyoming and HA use these codes)."""
PROGRAM = "hub"
ATTRIBUTION = Attribution(name="Hub", url="")
"""Who made the programs (the project has no public home page to link yet)."""


def hub_info(languages: Sequence[str] = LANGUAGES) -> Info:
    """The `info` answer: a `handle` program (sentences carried out by the hub on its MQTT
    devices) and an `intent` program (sentences turned into HA's built-in intents)."""
    handle_models = [
        HandleModel(name=f"{PROGRAM}-{lang}", attribution=ATTRIBUTION, installed=True,
                    description=f"Hub commands ({lang})", version=hub.__version__, languages=[lang])
        for lang in languages
    ]
    intent_models = [
        IntentModel(name=f"{PROGRAM}-intents-{lang}", attribution=ATTRIBUTION, installed=True,
                    description=f"Hub sentences as Home Assistant intents ({lang})",
                    version=hub.__version__, languages=[lang])
        for lang in languages
    ]
    return Info(
        handle=[HandleProgram(
            name=PROGRAM, attribution=ATTRIBUTION, installed=True, version=hub.__version__,
            description="Carries out English and Chinese commands on the hub's MQTT devices",
            models=handle_models, supports_home_control=True,
        )],
        intent=[IntentProgram(
            name=PROGRAM, attribution=ATTRIBUTION, installed=True, version=hub.__version__,
            description="Turns English and Chinese commands into Home Assistant intents",
            models=intent_models,
        )],
    )


def wyoming_language(code: str | None) -> str:
    """The hub's language for a Wyoming/HA language code: `en-US` → en, `zh-cn` → zh, else auto."""
    base = (code or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in LANGUAGES else "auto"


__all__ = ["LANGUAGES", "hub_info", "wyoming_language"]
