"""Lock codec: `payload_lock`/`payload_unlock`/`payload_open` commands, `state_*` states (HA's lock)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.codecs.base import (
    PAYLOAD_NONE,
    UNKNOWN,
    Codec,
    Draft,
    Encoder,
    Handler,
    Service,
    base_attributes,
    cfg,
    cfg_str,
    log_drop,
    message,
    render_state,
    topic,
)
from hub.domain import Entity, Message, State
from hub.templates import render_command

FEATURE_OPEN = 1
"""HA's LockEntityFeature.OPEN."""

_STATES: tuple[tuple[str, str, str], ...] = (
    ("state_locked", "LOCKED", "locked"),
    ("state_unlocked", "UNLOCKED", "unlocked"),
    ("state_locking", "LOCKING", "locking"),
    ("state_unlocking", "UNLOCKING", "unlocking"),
    ("state_jammed", "JAMMED", "jammed"),
    ("state_open", "OPEN", "open"),
    ("state_opening", "OPENING", "opening"),
)
"""(config key, HA default payload, state string)."""


def _command(payload_key: str, default: str | None) -> Encoder:
    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        payload = cfg_str(entity, payload_key, default or "")
        code = data.get("code")
        rendered = render_command(cfg(entity, "command_template"), payload,
                                  code=None if code is None else str(code))
        return [message(entity, "command_topic", rendered)]

    return encode


def _can_open(entity: Entity) -> bool:
    return cfg(entity, "payload_open") is not None


def _state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    if value == cfg_str(entity, "payload_reset", PAYLOAD_NONE):
        draft.state = UNKNOWN
        return
    for key, default, state in _STATES:
        if value == cfg_str(entity, key, default):
            draft.state = state
            return
    # Not HA: simple devices echo the command payload back; accept it rather than drop it.
    if value == cfg_str(entity, "payload_lock", "LOCK"):
        draft.state = "locked"
    elif value == cfg_str(entity, "payload_unlock", "UNLOCK"):
        draft.state = "unlocked"
    else:
        log_drop(entity, "state_topic", payload, "not a lock state")


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    state_topic = topic(entity, "state_topic")
    return [] if state_topic is None else [(state_topic, _state)]


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    attrs["supported_features"] = FEATURE_OPEN if _can_open(entity) else 0
    if cfg(entity, "code_format"):
        attrs["code_format"] = cfg(entity, "code_format")
    return attrs


_CODE = frozenset({"code"})

CODEC = Codec(
    component="lock",
    services=(
        Service("lock", _command("payload_lock", "LOCK"), _CODE),
        Service("unlock", _command("payload_unlock", "UNLOCK"), _CODE),
        Service("open", _command("payload_open", None), _CODE, _can_open),
    ),
    handlers=_handlers,
    attributes=_attributes,
)
