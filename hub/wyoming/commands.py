"""The two things the Wyoming server needs from the hub, as small protocols, and their adapters.

`CommandRunner` carries a sentence out (the hub's one command path); `Recognizer` only parses it.
The adapters below are the single place that knows today's `Hub` API: re-point them, not the
server, when the command path moves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

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
    allow-list (`command_allow`) applies. Sensitive actions are never carried out here: the hub
    answers `needs_confirmation` and keeps them pending.
    """

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def run(
        self, text: str, lang: str, *, source: str, conversation_id: str | None
    ) -> Mapping[str, Any]:
        # conversation_id: Hub.handle_text has no conversation memory yet; the command service
        # that replaces it takes the id (docs/design.md, "Wyoming").
        del conversation_id
        return await self.hub.handle_text(text, lang, source=source, allow=self.hub.settings.command_allow)

    async def parse(self, text: str, lang: str) -> Sequence[Parse]:
        return [await self.hub.assistant.parse(text, lang)]


__all__ = ["CommandRunner", "HubCommands", "Recognizer"]
