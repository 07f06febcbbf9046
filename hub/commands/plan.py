"""Parse + home → what a command would do: resolve once, encode once (pure, no I/O).

`plan` is the step every path shares: the CLI's dry run prints its `contract()`, the command
service carries out its actions and publishes its messages — the very messages planned here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import replace

from hub.codecs import encode
from hub.commands.result import CommandResult, Outcome
from hub.domain import Action, Message, Parse, Slot, State
from hub.errors import CodecError
from hub.registry import Snapshot
from hub.resolver import resolve

_LOGGER = logging.getLogger(__name__)


def encode_actions(actions: tuple[Action, ...], snapshot: Snapshot,
                   states: Mapping[str, State]) -> tuple[Message, ...]:
    """The MQTT messages for `actions`, in order.

    Raises:
        CodecError: A service or value an entity cannot take (nothing is to be published then).
        KeyError: An entity id `snapshot` does not have.
    """
    messages: list[Message] = []
    for action in actions:
        for entity_id in action.entity_ids:
            entity = snapshot.get(entity_id)
            if entity is None:
                raise KeyError(entity_id)
            messages += encode(entity, action.service, action.data, current_state=states.get(entity_id))
    return tuple(messages)


_HERE_EN = re.compile(r"\b(?:in |on )?(?:here|this room)\b", re.IGNORECASE)
_HERE_ZH = re.compile(r"这里|這裡|这儿|這兒|这边|這邊|这个房间|這個房間|本房间")


def place(parse: Parse, area: str | None) -> Parse:
    """`parse` with "here" / "这里" read as `area`, the room the request comes from (a satellite's).

    An area slot that the model filled with the word "here" is replaced; otherwise an area slot is
    added when the sentence says "here" and names no area of its own.
    """
    if not area:
        return parse
    here = _HERE_ZH if parse.lang == "zh" else _HERE_EN
    slots = list(parse.slots)
    for i, slot in enumerate(slots):
        if slot.name == "area" and here.fullmatch(slot.text.strip()):
            slots[i] = replace(slot, text=area, value=None)
            return replace(parse, slots=tuple(slots))
    if parse.slot("area") is None and here.search(parse.text):
        return replace(parse, slots=(*slots, Slot("area", area)))
    return parse


def plan(parse: Parse, snapshot: Snapshot, states: Mapping[str, State] | None = None) -> CommandResult:
    """What `parse` means in this home, with the messages it would publish.

    The outcome is `answered` for a question, `rejected` when nothing is to be done, and `dry_run`
    otherwise; the command service decides what actually happens.
    """
    states = states or {}
    resolution = resolve(parse, snapshot, states)
    messages: list[Message] = []
    for action in resolution.actions:
        for entity_id in action.entity_ids:
            entity = snapshot.get(entity_id)
            if entity is None:
                continue
            try:
                messages += encode(entity, action.service, action.data, current_state=states.get(entity_id))
            except CodecError as err:  # the resolver checked; a failure here is a bug worth a log line
                _LOGGER.warning("%s: %s", entity_id, err)
    if resolution.query is not None:
        outcome = Outcome.ANSWERED
    elif not resolution.actions:
        outcome = Outcome.REJECTED
    else:
        outcome = Outcome.DRY_RUN
    return CommandResult.of_parse(
        parse, outcome, actions=resolution.actions, query=resolution.query, answer=resolution.answer,
        mqtt=tuple(messages), error=resolution.error,
    )


__all__ = ["encode_actions", "place", "plan"]
