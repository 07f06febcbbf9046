"""Cover codec: open/close/stop payloads and positions scaled between `position_closed` and
`position_open` (HA's MQTT cover)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
from hub.templates import render_command, render_value

OPEN, CLOSE, SET_POSITION, STOP = 1, 2, 4, 8
"""HA's CoverEntityFeature bits."""

_PAYLOADS = {"payload_open": "OPEN", "payload_close": "CLOSE", "payload_stop": "STOP"}


def _payload(entity: Entity, key: str) -> str | None:
    """A command payload; an explicit null in the config disables the command (HA)."""
    if key in entity.config and entity.config[key] is None:
        return None
    return cfg_str(entity, key, _PAYLOADS[key])


def _position_range(entity: Entity) -> tuple[float, float]:
    """HA's `_pos_range`: (position_closed + 1, position_open)."""
    return cfg_float(entity, "position_closed", 0) + 1, cfg_float(entity, "position_open", 100)


def percent_to_position(entity: Entity, percentage: float) -> int:
    """0–100 % → the device's position value (HA's `percentage_to_ranged_value`, rounded)."""
    low, high = _position_range(entity)
    return round((high - low + 1) * percentage / 100 + low - 1)


def position_to_percent(entity: Entity, value: float) -> int:
    """A device position → 0–100 % (HA's `ranged_value_to_percentage`, clamped)."""
    low, high = _position_range(entity)
    return int(clamp(int(((value - (low - 1)) * 100) // (high - low + 1)), 0, 100))


def _can(payload_key: str) -> Callable[[Entity], bool]:
    def supported(entity: Entity) -> bool:
        return has(entity, "command_topic") and _payload(entity, payload_key) is not None

    return supported


def _send(payload_key: str) -> Encoder:
    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        return [message(entity, "command_topic", _payload(entity, payload_key) or "")]

    return encode


def _set_position(entity: Entity, data: Mapping[str, Any], current: State | None,
                  ) -> list[Message]:
    percentage = round(clamp(number(data, "position"), 0, 100))
    ranged = percent_to_position(entity, percentage)
    payload = render_command(
        cfg(entity, "set_position_template"), ranged,
        position=percentage,
        entity_id=entity.entity_id,
        position_open=cfg_float(entity, "position_open", 100),
        position_closed=cfg_float(entity, "position_closed", 0),
        tilt_min=cfg_float(entity, "tilt_min", 0),
        tilt_max=cfg_float(entity, "tilt_max", 100),
    )
    return [message(entity, "set_position_topic", payload)]


def _state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    if not value:
        return
    if value == cfg_str(entity, "state_stopped", "stopped"):
        if has(entity, "position_topic"):
            draft.state = "closed" if draft.attributes.get("current_position") == 0 else "open"
        else:
            draft.state = "closed" if draft.state in ("closed", "closing") else "open"
        return
    for key in ("opening", "closing", "open", "closed"):
        if value == cfg_str(entity, f"state_{key}", key):
            draft.state = key
            return
    if value == PAYLOAD_NONE:
        draft.state = UNKNOWN
    else:
        log_drop(entity, "state_topic", payload, "not open/closed/opening/closing/stopped")


def _position(entity: Entity, payload: str, draft: Draft) -> None:
    value: Any = render_value(cfg(entity, "position_template"), payload)
    if not value:
        return
    try:
        parsed = orjson.loads(value)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        if "position" not in parsed:
            log_drop(entity, "position_topic", payload, "JSON without position")
            return
        value = parsed["position"]
    draft.attributes["current_position"] = position_to_percent(entity, float(value))
    if not has(entity, "state_topic"):
        draft.state = "closed" if draft.attributes["current_position"] == 0 else "open"


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    roles: list[tuple[str, Handler]] = [("position_topic", _position), ("state_topic", _state)]
    return [(t, h) for key, h in roles if (t := topic(entity, key)) is not None]


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    features = 0
    for bit, key in ((OPEN, "payload_open"), (CLOSE, "payload_close"), (STOP, "payload_stop")):
        if _can(key)(entity):
            features |= bit
    if has(entity, "set_position_topic"):
        features |= SET_POSITION
    attrs["supported_features"] = features
    return attrs


CODEC = Codec(
    component="cover",
    services=(
        Service("open_cover", _send("payload_open"), supported=_can("payload_open")),
        Service("close_cover", _send("payload_close"), supported=_can("payload_close")),
        Service("stop_cover", _send("payload_stop"), supported=_can("payload_stop")),
        Service("set_cover_position", _set_position, frozenset({"position"}),
                lambda entity: has(entity, "set_position_topic")),
    ),
    handlers=_handlers,
    attributes=_attributes,
)
