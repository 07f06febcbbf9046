"""Sensitive commands waiting for their confirmation: the policy, one store, one TTL, a cap.

An id is 128 random bits (never guessed), bound to the requester that asked (only the same
`source:principal` may confirm it), used once, and forgotten after `ttl` seconds. The store holds at
most `per_requester` entries for one requester and `cap` in all; the oldest go first, so a flood of
unconfirmed requests costs a bounded amount of memory. `Policy` says who must confirm; the words
a held or refused command is answered with live here too.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from hub.commands.result import CommandResult, Requester
from hub.config import CONFIRM_TTL
from hub.domain import Action
from hub.text.when import When


@dataclass(frozen=True, slots=True)
class Pending:
    """A sensitive command waiting for its confirmation."""

    requester_key: str
    conversation_id: str | None
    text: str | None
    lang: str | None
    actions: tuple[Action, ...]
    created: float
    when: When | None = None
    """A command with a time: confirming it schedules it (confirmed) rather than running it."""


class Confirmations:
    """Pending confirmations keyed by id.

    Args:
        ttl: Seconds a pending command waits.
        cap: Most pending commands in all.
        per_requester: Most pending commands for one requester.
        clock: Monotonic seconds (tests pass their own).
    """

    def __init__(self, ttl: float = CONFIRM_TTL, cap: int = 256, per_requester: int = 8,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.cap = cap
        self.per_requester = per_requester
        self._clock = clock
        self._pending: OrderedDict[str, Pending] = OrderedDict()

    def __len__(self) -> int:
        self._expire()
        return len(self._pending)

    def add(self, requester_key: str, actions: tuple[Action, ...], *, text: str | None,
            lang: str | None, conversation_id: str | None = None, when: When | None = None) -> str:
        """Store a pending command; returns its id."""
        self._expire()
        mine = [k for k, p in self._pending.items() if p.requester_key == requester_key]
        for key in mine[: max(0, len(mine) - self.per_requester + 1)]:
            del self._pending[key]
        while len(self._pending) >= self.cap:
            self._pending.popitem(last=False)
        confirm_id = secrets.token_urlsafe(16)
        pending = Pending(requester_key, conversation_id, text, lang, actions, self._clock(), when)
        self._pending[confirm_id] = pending
        return confirm_id

    def take(self, confirm_id: str, requester_key: str) -> Pending | None:
        """The pending command `confirm_id` of this requester, removed; None when unknown, expired
        or asked by someone else (then it stays for its asker)."""
        self._expire()
        pending = self._pending.get(confirm_id)
        if pending is None or pending.requester_key != requester_key:
            return None
        del self._pending[confirm_id]
        return pending

    def latest_in(self, conversation_id: str, requester_key: str) -> str | None:
        """The newest pending id of this requester in this conversation ("yes" confirms it)."""
        self._expire()
        for key, pending in reversed(self._pending.items()):
            if pending.conversation_id == conversation_id and pending.requester_key == requester_key:
                return key
        return None

    def _expire(self) -> None:
        cutoff = self._clock() - self.ttl
        while self._pending:
            key, oldest = next(iter(self._pending.items()))
            if oldest.created > cutoff:
                break
            del self._pending[key]

@dataclass(frozen=True)
class Policy:
    """The confirmation policy, from the settings."""

    confirm: str = "sensitive"
    """`sensitive` or `never`."""
    exempt: frozenset[str] = frozenset()
    """Requesters that need no confirmation: a source (`api`) or `source:principal`."""
    ttl: float = CONFIRM_TTL
    """Seconds a pending confirmation waits (`confirm_ttl`)."""
    sensitive_expiry: float = 5.0
    """Seconds a sensitive command may wait for the broker before it is refused."""

    def needs_confirmation(self, requester: Requester) -> bool:
        if self.confirm == "never":
            return False
        return requester.source not in self.exempt and requester.key not in self.exempt


YES = frozenset({"yes", "yes please", "yeah", "yep", "sure", "ok", "okay", "confirm", "do it", "go ahead",
                 "是", "是的", "好", "好的", "确认", "確認", "对", "對", "可以", "行", "执行", "執行"})
"""Answers that confirm the pending command of the conversation."""


def is_yes(text: str) -> bool:
    """Whether `text` confirms the conversation's pending command."""
    return text.strip().lower().rstrip(".!。！") in YES


def _ids(result: CommandResult) -> str:
    return ", ".join(i for a in result.actions for i in a.entity_ids)


def confirm_question(result: CommandResult, lang: str) -> str:
    """The question a sensitive command is held with."""
    if lang == "zh":
        return f"这是敏感操作（{_ids(result)}），请确认后执行。"
    return f"This is a sensitive action ({_ids(result)}); confirm to carry it out."


def cannot_confirm(result: CommandResult, lang: str, source: str) -> str:
    """Why a sensitive command from an interface that cannot confirm is refused."""
    if lang == "zh":
        return f"敏感操作（{_ids(result)}）需要确认，而 {source} 无法确认；请在应用或 API 中操作。"
    return (f"{_ids(result)}: a sensitive action needs a confirmation that {source} cannot give; "
            "use the app or the API")


__all__ = ["YES", "Confirmations", "Pending", "Policy", "cannot_confirm", "confirm_question", "is_yes"]
