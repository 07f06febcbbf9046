"""What an intent asks of the target selection (`Request`) and what it comes to (`Selection`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from hub import answers
from hub.domain import Entity, Parse
from hub.resolver.mention import Mention

EVERYTHING_COMPONENTS = ("light", "switch", "fan")
"""What "everything" in an area means: never locks, covers, climate or vacuums."""
TEMPERATURE = re.compile(
    r"\b(warm|hot|cold|cool|chilly|temperature|temp|degrees)\b|温度|几度|多少度|冷|热|室温"
)
"""Words of a question about temperature."""
_HUMIDITY = re.compile(r"\b(humid|humidity|damp)\b|湿度|潮湿|干燥")


@dataclass(frozen=True)
class Selection:
    """The chosen targets, or why there are none."""

    entities: tuple[Entity, ...] = ()
    group: bool = False
    """Chosen as a group (class or area): members that cannot do the action are skipped."""
    area: str | None = None
    """The home area the command was narrowed to, for answers."""
    error: str | None = None


@dataclass(frozen=True)
class Request:
    """What the intent needs: the components that can do it, and the parse."""

    parse: Parse
    comps: tuple[str, ...]
    """Components that can carry out the intent (all of them for a question)."""
    everything: tuple[str, ...] = EVERYTHING_COMPONENTS
    """What an area alone or "everything" means for this intent."""


def label(entity: Entity) -> str:
    return f"{entity.name} ({entity.area})" if entity.area else entity.name


def prefer(found: list[Entity], comps: Sequence[str], hint: str) -> list[Entity]:
    fit = [e for e in found if e.component in comps]
    found = fit or found
    if len({e.component for e in found}) > 1 and re.search(r"lock|锁", hint):
        found = [e for e in found if e.component == "lock"] or found
    return found


def one_or_all(found: list[Entity], m: Mention, req: Request, area: str | None) -> Selection:
    if len(found) == 1 or m.all_words or req.parse.intent == "get_state":
        return Selection(tuple(found), group=len(found) > 1, area=area)
    what = m.names[0] if m.names else (m.device_class or "")
    return Selection(error=answers.ambiguous(what, [label(e) for e in found[:8]], req.parse.lang))


def what(req: Request, lang: str) -> str:
    if lang == "zh":
        return "设备"
    kinds = primary(req)
    return "devices" if len(kinds) > 1 else f"{kinds[0]}s"


def primary(req: Request) -> tuple[str, ...]:
    """The kinds an area alone means for this intent: "everything" (lights, switches, fans) for
    on/off; else the intent's first kind (the kitchen's temperature is its climate, not its water
    heater; "open the garden" opens covers, never valves)."""
    if len(req.comps) == 1:
        return req.comps
    shared = tuple(c for c in req.everything if c in req.comps)
    return shared or req.comps[:1]


def question_filter(req: Request, members: list[Entity]) -> list[Entity]:
    """A question about temperature or humidity reads matching sensors, else climate entities."""
    if req.parse.intent != "get_state":
        return members
    text = req.parse.text.casefold()
    wanted = "humidity" if _HUMIDITY.search(text) else "temperature" if TEMPERATURE.search(text) else None
    if wanted is None:
        return members
    sensors = [e for e in members if e.component == "sensor" and e.device_class == wanted]
    if sensors:
        return sensors
    return [e for e in members if e.component == "climate"] if wanted == "temperature" else []
