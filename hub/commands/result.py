"""What a command came to: the `Outcome`, the asker, and the one serialisation of a result.

Every interface (CLI dry run, HTTP, WebSocket, MQTT text, Hermes, Wyoming) gets a `CommandResult`
from the command service and only serialises it: `as_contract()` is the `hub ask` object
(ARCHITECTURE.md) plus `outcome`, built here and nowhere else.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.domain import Action, Message, Parse


class Outcome(enum.StrEnum):
    """What became of a command. The values are the `outcome` field of the API's answers."""

    EXECUTED = "executed"
    """The messages were logged, then published."""
    NEEDS_CONFIRMATION = "needs_confirmation"
    """Sensitive: waits for the asker's confirmation (`confirm_id`, or "yes" in the conversation)."""
    ANSWERED = "answered"
    """A question, answered from the states; nothing published."""
    REJECTED = "rejected"
    """Nothing to do: not understood, nothing matched, or the target cannot do it (`error` says)."""
    REFUSED = "refused"
    """Understood but not allowed here (`command_allow`, or a confirmation this interface cannot give)."""
    NOT_READY = "not_ready"
    """No language model yet."""
    DRY_RUN = "dry_run"
    """Understood and planned; asked not to execute."""
    INVALID = "invalid"
    """The request itself is unusable (bad text, bad payload)."""
    FAILED = "failed"
    """It could not be carried out safely (the command log or the broker is unavailable)."""
    BUSY = "busy"
    """Too many commands at once on this interface."""
    SCHEDULED = "scheduled"
    """Understood, planned and kept to run later (`schedule` says when); nothing published now."""
    CANCELLED = "cancelled"
    """Scheduled commands were cancelled (`schedule.cancelled` lists them); nothing published."""


@dataclass(frozen=True, slots=True)
class Requester:
    """Who asks: the interface and, where the interface can tell, the principal behind it.

    A confirmation is bound to its requester: only the same source and principal may give it.
    """

    source: str
    """`api`, `websocket`, `mqtt`, `hermes`, `wyoming`, `cli`, `service`."""
    principal: str = ""
    """The identity the interface vouches for: the API token's holder, an MQTT client name, …"""
    conversation_id: str | None = None
    """A conversation's id: follow-ups and "yes" resolve against its short memory."""
    area: str | None = None
    """The area the request comes from (a satellite's room), for "in here"."""

    @property
    def key(self) -> str:
        """`source:principal`, the unit confirmations and exemptions are bound to."""
        return f"{self.source}:{self.principal}"


@dataclass(frozen=True)
class CommandResult:
    """One command's result. Immutable; `as_contract()` is its only serialisation."""

    text: str | None
    lang: str | None
    outcome: Outcome
    intent: str | None = None
    confidence: float = 0.0
    slots: Mapping[str, Any] = field(default_factory=dict)
    actions: tuple[Action, ...] = ()
    query: tuple[str, ...] | None = None
    answer: str | None = None
    mqtt: tuple[Message, ...] = ()
    error: str | None = None
    confirm_id: str | None = None
    schedule: Mapping[str, Any] | None = None
    """What is (or in a dry run would be) scheduled, or the schedule asked about; None when the
    sentence says no time (the contract object then has no `schedule` key, as before)."""

    @classmethod
    def invalid(cls, error: str, text: str | None = None, lang: str | None = None,
                outcome: Outcome = Outcome.INVALID) -> CommandResult:
        """A result that did nothing and says why."""
        return cls(text=text, lang=lang, outcome=outcome, error=error)

    @classmethod
    def of_parse(cls, parse: Parse, outcome: Outcome, **rest: Any) -> CommandResult:
        """A result carrying `parse`'s text, language, intent, confidence and slots."""
        return cls(text=parse.text, lang=parse.lang, outcome=outcome, intent=parse.intent,
                   confidence=parse.confidence, slots=parse.slot_texts(), **rest)

    def contract(self) -> dict[str, Any]:
        """The `hub ask` object (ARCHITECTURE.md), without `outcome`: what a dry run prints.

        A command with a time adds `schedule` (`{"id", "when", "kind", "next_run", "repeat", …}`);
        every other keeps exactly the keys it had.
        """
        body: dict[str, Any] = {
            "text": self.text,
            "lang": self.lang,
            "intent": self.intent,
            "confidence": self.confidence,
            "slots": dict(self.slots),
            "actions": [a.as_dict() for a in self.actions],
            "query": list(self.query) if self.query is not None else None,
            "answer": self.answer,
            "mqtt": [m.as_dict() for m in self.mqtt],
            "error": self.error,
        }
        if self.schedule is not None:
            body["schedule"] = dict(self.schedule)
        return body

    def as_contract(self, *, with_confirm_id: bool = True) -> dict[str, Any]:
        """The `hub ask` object plus `outcome` (and `confirm_id` when one was issued).

        Args:
            with_confirm_id: False where others may read the answer (a shared MQTT topic): the id
                then goes only to the asker.
        """
        body = self.contract()
        if self.confirm_id is not None and with_confirm_id:
            body["confirm_id"] = self.confirm_id
        body["outcome"] = self.outcome.value
        return body


__all__ = ["CommandResult", "Outcome", "Requester"]
