"""Water heater codec (HA's MQTT water_heater): target temperature, operation mode, power.

The state string is the operation mode, as in HA. A temperature outside `min_temp`..`max_temp`
(HA's defaults: 110–140 °F, i.e. 43.3–60 °C) is refused; inside, it is rounded to `precision`.
"""

from __future__ import annotations

import math
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
    cfg_float,
    cfg_list,
    cfg_str,
    choice,
    has,
    log_drop,
    message,
    number,
    parse_number,
    render_state,
    topic,
)
from hub.domain import Entity, Message, State
from hub.errors import CodecError
from hub.templates import render_command

DEFAULT_MODES = ["off", "eco", "electric", "gas", "heat_pump", "high_demand", "performance"]
"""HA's default `modes`."""
TARGET_TEMPERATURE, OPERATION_MODE, AWAY_MODE, ON_OFF = 1, 2, 4, 8
"""HA's WaterHeaterEntityFeature bits."""


def modes(entity: Entity) -> list[str]:
    """The operation modes the heater offers."""
    return cfg_list(entity, "modes", DEFAULT_MODES)


def _fahrenheit(entity: Entity) -> bool:
    return cfg_str(entity, "temperature_unit", "C").upper().startswith("F")


def temperature_range(entity: Entity) -> tuple[float, float]:
    """(`min_temp`, `max_temp`) with HA's water-heater defaults in the entity's unit."""
    low, high = (110.0, 140.0) if _fahrenheit(entity) else (43.3, 60.0)
    return cfg_float(entity, "min_temp", low), cfg_float(entity, "max_temp", high)


def precision(entity: Entity) -> float:
    """`precision`, else HA's default: tenths in °C, whole degrees in °F."""
    value = cfg_float(entity, "precision", 1.0 if _fahrenheit(entity) else 0.1)
    return value if value > 0 else 1.0


def _mode_message(entity: Entity, mode: str) -> Message:
    return message(entity, "mode_command_topic",
                   render_command(cfg(entity, "mode_command_template"), mode))


def _set_temperature(entity: Entity, data: Mapping[str, Any], current: State | None,
                     ) -> list[Message]:
    value = number(data, "temperature")
    low, high = temperature_range(entity)
    if not low <= value <= high:
        raise CodecError(f"{entity.entity_id}: temperature {value:g} is outside {low:g}–{high:g}")
    step = precision(entity)
    rounded = round(math.floor(value / step + 0.5) * step, 4)
    payload = render_command(cfg(entity, "temperature_command_template"), rounded)
    messages = [message(entity, "temperature_command_topic", payload)]
    if "operation_mode" in data:
        if not has(entity, "mode_command_topic"):
            raise CodecError(f"{entity.entity_id} cannot set its operation mode")
        messages.insert(0, _mode_message(entity, choice(entity, data, "operation_mode",
                                                        modes(entity))))
    return messages


def _set_mode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    return [_mode_message(entity, choice(entity, data, "operation_mode", modes(entity)))]


def _power(payload_key: str, default: str) -> Encoder:
    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        payload = render_command(cfg(entity, "power_command_template"),
                                 cfg_str(entity, payload_key, default))
        return [message(entity, "power_command_topic", payload)]

    return encode


def _mode_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, "mode_state_template", payload)
    if value in modes(entity):
        draft.state = value
    elif value == PAYLOAD_NONE:
        draft.state = UNKNOWN
    elif value:
        log_drop(entity, "mode_state_topic", payload, f"not one of {modes(entity)}")


def _number_attr(attr: str, template_key: str) -> Handler:
    def handle(entity: Entity, payload: str, draft: Draft) -> None:
        value = render_state(entity, template_key, payload)
        if value == PAYLOAD_NONE:
            draft.attributes[attr] = None
        elif (parsed := parse_number(value)) is not None:
            draft.attributes[attr] = parsed
        elif value:
            log_drop(entity, attr, payload, "not a number")

    return handle


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    roles: list[tuple[str, Handler]] = [
        ("mode_state_topic", _mode_state),
        ("temperature_state_topic", _number_attr("temperature", "temperature_state_template")),
        ("current_temperature_topic",
         _number_attr("current_temperature", "current_temperature_template")),
    ]
    return [(t, h) for key, h in roles if (t := topic(entity, key)) is not None]


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    low, high = temperature_range(entity)
    attrs.update(min_temp=low, max_temp=high, target_temp_step=precision(entity))
    features = 0
    if has(entity, "temperature_command_topic"):
        features |= TARGET_TEMPERATURE
    if has(entity, "mode_command_topic"):
        features |= OPERATION_MODE
        attrs["operation_list"] = modes(entity)
    if has(entity, "power_command_topic"):
        features |= ON_OFF
    attrs["supported_features"] = features
    return attrs


CODEC = Codec(
    component="water_heater",
    services=(
        Service("set_temperature", _set_temperature,
                frozenset({"temperature", "operation_mode"}),
                lambda e: has(e, "temperature_command_topic")),
        Service("set_operation_mode", _set_mode, frozenset({"operation_mode"}),
                lambda e: has(e, "mode_command_topic")),
        Service("turn_on", _power("payload_on", "ON"),
                supported=lambda e: has(e, "power_command_topic")),
        Service("turn_off", _power("payload_off", "OFF"),
                supported=lambda e: has(e, "power_command_topic")),
    ),
    handlers=_handlers,
    attributes=_attributes,
)
