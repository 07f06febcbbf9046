"""The two things the Wyoming server needs from the hub, as small protocols, and their adapters.

`CommandRunner` carries a sentence out (the hub's one command path); `Recognizer` only parses it.
The adapters below are the single place that knows today's `Hub` API: re-point them, not the
server, when the command path moves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from hub.commands import Requester
from hub.commands.compound import split_compound
from hub.domain import Parse

if TYPE_CHECKING:
    from hub.app import Hub


class CommandRunner(Protocol):
    """Carries out one sentence and returns the `hub ask` object plus `outcome`."""

    async def run(
        self, text: str, lang: str, *, source: str, conversation_id: str | None
    ) -> Mapping[str, Any]:
        """Run `text` ("auto", "en" or "zh"); `conversation_id` ties follow-ups together."""
        ...


class Recognizer(Protocol):
    """Parses one sentence into the commands it holds (one parse per command)."""

    async def parse(self, text: str, lang: str) -> Sequence[Parse]:
        """Parse `text`; raises `ModelNotReadyError` while there is no model."""
        ...


class HubCommands:
    """`CommandRunner` and `Recognizer` over a running `Hub`.

    Text from Wyoming is as unauthenticated as text on the MQTT command topic, so the same
    allow-list (`command_allow`) applies. A sensitive action is carried out only after "yes" in
    the same conversation (Home Assistant's conversation id).
    """

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def run(
        self, text: str, lang: str, *, source: str, conversation_id: str | None
    ) -> Mapping[str, Any]:
        # A sensitive action waits for "yes" in the same conversation; with no conversation to
        # answer in, it is refused rather than left pending.
        requester = Requester(source, "", conversation_id)
        allow = self.hub.settings.command_allow
        result = await self.hub.commands.run_text(text, lang, requester, allow=allow,
                                                  confirmable=conversation_id is not None)
        return result.as_contract(with_confirm_id=False)

    async def parse(self, text: str, lang: str) -> Sequence[Parse]:
        parts = split_compound(text)
        if len(parts) > 1:
            parses = [await self.hub.assistant.parse(p, lang) for p in parts]
            if all(p.intent != "none" for p in parses):
                return parses
        return [await self.hub.assistant.parse(text, lang)]


__all__ = ["CommandRunner", "HubCommands", "Recognizer"]
