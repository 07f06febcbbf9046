"""Valve codec (HA's MQTT valve, 2024.1).

Two kinds. Without `reports_position`, open/close/stop publish `payload_open`/`payload_close`/
`payload_stop` and the state topic carries `state_open`/`state_opening`/`state_closed`/
`state_closing` (or JSON `{"state": …}`). With `reports_position`, every command publishes a
position: open sends `position_open`, close `position_closed`, `set_valve_position` the
percentage scaled into that range (through `command_template`); the state topic carries the
position (or JSON `{"state": "opening", "position": 10}`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

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
    cfg_bool,
    cfg_float,
    cfg_str,
    clamp,
    has,
    log_drop,
    message,
    number,
    render_state,
    topic,
)
from hub.domain import Entity, Message, State
from hub.templates import render_command

OPEN, CLOSE, SET_POSITION, STOP = 1, 2, 4, 8
"""HA's ValveEntityFeature bits."""
_STATES = ("open", "opening", "closed", "closing")


def reports_position(entity: Entity) -> bool:
    """Whether the valve takes and reports positions."""
    return cfg_bool(entity, "reports_position")


def _range(entity: Entity) -> tuple[float, float]:
    return cfg_float(entity, "position_closed", 0), cfg_float(entity, "position_open", 100)


def _to_device(entity: Entity, percentage: float) -> int:
    closed, opened = _range(entity)
    return round(closed + (opened - closed) * percentage / 100)


def _to_percent(entity: Entity, value: float) -> int:
    closed, opened = _range(entity)
    return round(clamp((value - closed) * 100 / (opened - closed), 0, 100))


def _send(entity: Entity, value: Any) -> list[Message]:
    return [message(entity, "command_topic", render_command(cfg(entity, "command_template"), value))]


def _command(payload_key: str, default: str, position_key: str | None) -> Encoder:
    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        if reports_position(entity) and position_key is not None:
            return _send(entity, round(cfg_float(entity, position_key,
                                                 100 if position_key == "position_open" else 0)))
        return _send(entity, cfg_str(entity, payload_key, default))

    return encode


def _set_position(entity: Entity, data: Mapping[str, Any], current: State | None,
                  ) -> list[Message]:
    percentage = round(clamp(number(data, "position"), 0, 100))
    return _send(entity, _to_device(entity, percentage))


def _can_stop(entity: Entity) -> bool:
    return has(entity, "command_topic") and cfg(entity, "payload_stop") is not None


def _can_move(entity: Entity) -> bool:
    return has(entity, "command_topic")


def _state_words(entity: Entity) -> dict[str, str]:
    return {cfg_str(entity, f"state_{s}", s): s for s in _STATES}


def _state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    if not value:
        return
    state: Any = None
    position: Any = None
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict):
        state, position = parsed.get("state"), parsed.get("position")
    elif reports_position(entity) and value not in _state_words(entity) and value != PAYLOAD_NONE:
        position = value
    else:
        state = value
    words = _state_words(entity)
    if state is not None and state != PAYLOAD_NONE and state not in words:
        log_drop(entity, "state_topic", payload, "not a valve state")
        return
    if state == PAYLOAD_NONE:
        draft.state = UNKNOWN
        return
    if position is not None and reports_position(entity):
        percent = _to_percent(entity, float(position))
        draft.attributes["current_position"] = percent
        draft.state = "closed" if percent == 0 else "open"
    if state is not None:
        draft.state = words[state]


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    state_topic = topic(entity, "state_topic")
    return [] if state_topic is None else [(state_topic, _state)]


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    features = OPEN | CLOSE if _can_move(entity) else 0
    if _can_stop(entity):
        features |= STOP
    if reports_position(entity) and _can_move(entity):
        features |= SET_POSITION
    attrs["supported_features"] = features
    attrs["reports_position"] = reports_position(entity)
    return attrs


def _with_position(entity: Entity) -> bool:
    return _can_move(entity) and reports_position(entity)


CODEC = Codec(
    component="valve",
    services=(
        Service("open_valve", _command("payload_open", "OPEN", "position_open"), supported=_can_move),
        Service("close_valve", _command("payload_close", "CLOSE", "position_closed"),
                supported=_can_move),
        Service("stop_valve", _command("payload_stop", "STOP", None), supported=_can_stop),
        Service("set_valve_position", _set_position, frozenset({"position"}), _with_position),
    ),
    handlers=_handlers,
    attributes=_attributes,
)
