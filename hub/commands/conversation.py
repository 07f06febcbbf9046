"""A conversation's short memory: follow-ups resolve against the last command (pure but for the clock).

"turn on the desk lamp" … "now turn it off" / "dim it a bit" / "调暗一点" act on the desk lamp;
"turn on the kitchen lights" … "and the bedroom too" / "卧室也要" repeat the last command
elsewhere. A follow-up is tried only when the sentence alone does nothing: a sentence that names
its own target always means what it says.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from hub.commands.plan import place, plan
from hub.commands.result import CommandResult, Outcome
from hub.domain import Parse, Slot, State
from hub.registry import Snapshot

TARGET_SLOTS = frozenset({"name", "area", "device_class"})
_ALSO_EN = re.compile(r"^(?:and|also|what about|how about|same for|now)\b|\b(?:too|also|as well)\W*$", re.I)
_ALSO_ZH = re.compile(r"^(?:还有|那|再|同样)|(?:也|也是|也要|也一样|也打开|也关上)\W*$")


@dataclass(frozen=True, slots=True)
class Turn:
    """What a conversation remembers of its last command."""

    intent: str
    lang: str
    names: tuple[str, ...]
    """Friendly names of the entities it acted on or asked about."""
    slots: tuple[Slot, ...]
    """Its slots (targets and values), for "and the bedroom too"."""
    at: float


class Conversations:
    """Turns by conversation id, forgotten after `ttl` seconds; at most `cap` conversations."""

    def __init__(self, ttl: float = 300.0, cap: int = 1000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.cap = cap
        self._clock = clock
        self._turns: OrderedDict[str, Turn] = OrderedDict()

    def remember(self, conversation_id: str, parse: Parse, names: tuple[str, ...]) -> None:
        """Keep `parse` (which acted on `names`) as the conversation's last command."""
        self._turns.pop(conversation_id, None)
        self._turns[conversation_id] = Turn(parse.intent, parse.lang, names, parse.slots, self._clock())
        while len(self._turns) > self.cap:
            self._turns.popitem(last=False)

    def recall(self, conversation_id: str) -> Turn | None:
        """The conversation's last command, unless it is older than `ttl`."""
        turn = self._turns.get(conversation_id)
        if turn is not None and self._clock() - turn.at > self.ttl:
            del self._turns[conversation_id]
            return None
        return turn


def follow_up(parse: Parse, last: Turn) -> Parse | None:
    """`parse` read as a follow-up of `last`, or None when it is not one.

    - A command with no target of its own ("turn it off", "调暗一点") acts on the last targets.
    - A target with no command of its own ("and the bedroom too", "卧室也要") repeats the last
      command there, with its values.
    """
    targets = [s for s in parse.slots if s.name in TARGET_SLOTS]
    if parse.intent not in ("none", "get_state") and not targets and last.names:
        return replace(parse, slots=(*parse.slots, *(Slot("name", n) for n in last.names)))
    also = _ALSO_ZH if parse.lang == "zh" else _ALSO_EN
    if targets and last.intent not in ("none", "get_state") and (
        parse.intent == "none" or also.search(parse.text.strip())
    ):
        values = tuple(s for s in last.slots if s.name not in TARGET_SLOTS)
        classes = () if any(s.name in ("device_class", "name") for s in targets) else tuple(
            s for s in last.slots if s.name == "device_class")
        return replace(parse, intent=last.intent, slots=(*targets, *classes, *values))
    return None


def plan_in(memory: Conversations, conversation_id: str | None, parse: Parse, snapshot: Snapshot,
            states: Mapping[str, State], area: str | None = None) -> CommandResult:
    """`plan` within a conversation: "here" is `area`; a sentence that alone does nothing is tried as a
    follow-up of the conversation's last command."""
    parse = place(parse, area)
    planned = plan(parse, snapshot, states)
    last = memory.recall(conversation_id) if conversation_id else None
    if planned.outcome is not Outcome.REJECTED or last is None:
        return planned
    rewritten = follow_up(parse, last)
    if rewritten is None:
        return planned
    again = plan(rewritten, snapshot, states)
    return planned if again.outcome is Outcome.REJECTED else replace(again, text=parse.text)


def remember(memory: Conversations, conversation_id: str | None, parse: Parse, result: CommandResult,
             snapshot: Snapshot) -> None:
    """Keep what `result` acted on or asked about as the conversation's last command."""
    if not conversation_id or not (result.actions or result.query):
        return
    ids = [i for a in result.actions for i in a.entity_ids] + list(result.query or ())
    names = tuple(dict.fromkeys(e.name for i in ids if (e := snapshot.get(i)) is not None))
    memory.remember(conversation_id, replace(parse, intent=result.intent or parse.intent), names)


__all__ = ["Conversations", "Turn", "follow_up", "plan_in", "remember"]
