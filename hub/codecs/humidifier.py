"""Humidifier codec (HA's MQTT humidifier): power, target humidity, mode.

The state string is on/off; `humidity` (the target), `mode`, `current_humidity` and `action`
are attributes. A target outside `min_humidity`..`max_humidity` (HA's defaults 0–100) is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hub.codecs.base import (
    PAYLOAD_NONE,
    UNKNOWN,
    Codec,
    Draft,
    Handler,
    Service,
    base_attributes,
    cfg,
    cfg_float,
    cfg_list,
    cfg_str,
    choice,
    has,
    log_drop,
    message,
    number,
    onoff_service,
    parse_number,
    render_state,
    toggle_service,
    topic,
)
from hub.domain import Entity, Message, State
from hub.errors import CodecError
from hub.templates import render_command, render_value

MODES = 1
"""HA's HumidifierEntityFeature.MODES."""
ACTIONS = ("off", "humidifying", "drying", "idle")
"""Values HA accepts from `action_topic`."""

_turn_on = onoff_service("payload_on", "ON", "command_template")
_turn_off = onoff_service("payload_off", "OFF", "command_template")


def humidity_range(entity: Entity) -> tuple[float, float]:
    """(`min_humidity`, `max_humidity`), HA's defaults 0 and 100."""
    return cfg_float(entity, "min_humidity", 0), cfg_float(entity, "max_humidity", 100)


def _set_humidity(entity: Entity, data: Mapping[str, Any], current: State | None,
                  ) -> list[Message]:
    value = number(data, "humidity")
    low, high = humidity_range(entity)
    if not low <= value <= high:
        raise CodecError(f"{entity.entity_id}: humidity {value:g} is outside {low:g}–{high:g}")
    payload = render_command(cfg(entity, "target_humidity_command_template"), round(value))
    return [message(entity, "target_humidity_command_topic", payload)]


def _set_mode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    mode = choice(entity, data, "mode", cfg_list(entity, "modes"))
    payload = render_command(cfg(entity, "mode_command_template"), mode)
    return [message(entity, "mode_command_topic", payload)]


def _state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_value(cfg(entity, "state_value_template"), payload)
    if value == cfg_str(entity, "payload_on", "ON"):
        draft.state = "on"
    elif value == cfg_str(entity, "payload_off", "OFF"):
        draft.state = "off"
    elif value == PAYLOAD_NONE:
        draft.state = UNKNOWN
    elif value:
        log_drop(entity, "state_topic", payload, "neither payload_on nor payload_off")


def _number(attr: str, template_key: str, reset_key: str | None = None) -> Handler:
    def handle(entity: Entity, payload: str, draft: Draft) -> None:
        value = render_state(entity, template_key, payload)
        reset = cfg_str(entity, reset_key, PAYLOAD_NONE) if reset_key else PAYLOAD_NONE
        if value == "":
            return
        if value == reset:
            draft.attributes[attr] = None
        elif (parsed := parse_number(value)) is not None and 0 <= parsed <= 100:
            draft.attributes[attr] = parsed
        else:
            log_drop(entity, attr, payload, "not a humidity 0–100")

    return handle


def _choice(attr: str, template_key: str, allowed: Callable[[Entity], list[str]],
            reset_key: str | None = None) -> Handler:
    def handle(entity: Entity, payload: str, draft: Draft) -> None:
        value = render_state(entity, template_key, payload)
        reset = cfg_str(entity, reset_key, PAYLOAD_NONE) if reset_key else PAYLOAD_NONE
        if value == reset:
            draft.attributes[attr] = None
        elif value in allowed(entity):
            draft.attributes[attr] = value
        elif value:
            log_drop(entity, attr, payload, "not an allowed value")

    return handle


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    roles: list[tuple[str, Handler]] = [
        ("state_topic", _state),
        ("target_humidity_state_topic", _number(
            "humidity", "target_humidity_state_template", "payload_reset_humidity")),
        ("current_humidity_topic", _number("current_humidity", "current_humidity_template")),
        ("mode_state_topic", _choice("mode", "mode_state_template",
                                     lambda e: cfg_list(e, "modes"), "payload_reset_mode")),
        ("action_topic", _choice("action", "action_template", lambda e: list(ACTIONS))),
    ]
    return [(t, h) for key, h in roles if (t := topic(entity, key)) is not None]


def _can_set_mode(entity: Entity) -> bool:
    return has(entity, "mode_command_topic") and bool(cfg_list(entity, "modes"))


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    attrs.setdefault("device_class", "humidifier")
    attrs["min_humidity"], attrs["max_humidity"] = humidity_range(entity)
    attrs["supported_features"] = MODES if _can_set_mode(entity) else 0
    if _can_set_mode(entity):
        attrs["available_modes"] = cfg_list(entity, "modes")
    return attrs


CODEC = Codec(
    component="humidifier",
    services=(
        Service("turn_on", _turn_on),
        Service("turn_off", _turn_off),
        Service("toggle", toggle_service(_turn_on, _turn_off)),
        Service("set_humidity", _set_humidity, frozenset({"humidity"}),
                lambda e: has(e, "target_humidity_command_topic")),
        Service("set_mode", _set_mode, frozenset({"mode"}), _can_set_mode),
    ),
    handlers=_handlers,
    attributes=_attributes,
)
