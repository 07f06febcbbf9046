"""The two things the Wyoming server needs from the hub, as small protocols, and their adapters.

`CommandRunner` carries a sentence out (the hub's one command path); `Recognizer` only parses it.
`HubCommands` implements both over the command service: the server knows nothing else of the hub.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol

from hub.commands import CommandService, Requester
from hub.commands.compound import split_compound
from hub.domain import Parse


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
    """`CommandRunner` and `Recognizer` over the command service.

    Text from Wyoming is as unauthenticated as text on the MQTT command topic, so the same
    allow-list (`command_allow`) applies. A sensitive action is carried out only after "yes" in
    the same conversation (Home Assistant's conversation id).

    Args:
        commands: The command service.
        allow: `command_allow`: what text from Wyoming may act on (empty: everything).
    """

    def __init__(self, commands: CommandService, allow: Collection[str] = ()) -> None:
        self.commands = commands
        self.allow = allow

    async def run(
        self, text: str, lang: str, *, source: str, conversation_id: str | None
    ) -> Mapping[str, Any]:
        # A sensitive action waits for "yes" in the same conversation; with no conversation to
        # answer in, it is refused rather than left pending.
        requester = Requester(source, "", conversation_id)
        result = await self.commands.run_text(text, lang, requester, allow=self.allow,
                                              confirmable=conversation_id is not None)
        return result.as_contract(with_confirm_id=False)

    async def parse(self, text: str, lang: str) -> Sequence[Parse]:
        parts = split_compound(text)
        if len(parts) > 1:
            parses = [await self.commands.parse(p, lang) for p in parts]
            if all(p.intent != "none" for p in parses):
                return parses
        return [await self.commands.parse(text, lang)]


__all__ = ["CommandRunner", "HubCommands", "Recognizer"]
