"""Climate codec: target temperature, HVAC modes, power, fan and preset modes (HA's MQTT climate).

The state string is the HVAC mode, as in HA. A target temperature outside `min_temp`..`max_temp`
is refused (HA raises too); inside, it is rounded to `temp_step` (else `precision`, else 1).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
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

DEFAULT_MODES = ["auto", "off", "cool", "heat", "dry", "fan_only"]
"""HA's default `modes`."""
DEFAULT_FAN_MODES = ["auto", "low", "medium", "high"]
ACTIONS = ("off", "heating", "cooling", "drying", "idle", "fan", "preheating", "defrosting")
"""Values HA accepts from `action_topic`."""
TARGET_TEMPERATURE, TARGET_TEMPERATURE_RANGE, TARGET_HUMIDITY = 1, 2, 4
FAN_MODE, PRESET_MODE, TURN_OFF, TURN_ON = 8, 16, 128, 256
"""HA's ClimateEntityFeature bits."""


def modes(entity: Entity) -> list[str]:
    """The HVAC modes the entity offers."""
    return cfg_list(entity, "modes", DEFAULT_MODES)


def temperature_range(entity: Entity) -> tuple[float, float]:
    """(`min_temp`, `max_temp`), defaulting to 7–35 °C or 44.6–95 °F as HA does."""
    fahrenheit = cfg_str(entity, "temperature_unit", "C").upper().startswith("F")
    low, high = (44.6, 95.0) if fahrenheit else (7.0, 35.0)
    return cfg_float(entity, "min_temp", low), cfg_float(entity, "max_temp", high)


def temperature_step(entity: Entity) -> float:
    """`temp_step`, else `precision`, else HA's default step of 1."""
    step = cfg_float(entity, "temp_step", cfg_float(entity, "precision", 1.0))
    return step if step > 0 else 1.0


def _temperature(entity: Entity, data: Mapping[str, Any], key: str) -> float:
    value = number(data, key)
    low, high = temperature_range(entity)
    if not low <= value <= high:
        raise CodecError(f"{entity.entity_id}: {key} {value:g} is outside {low:g}–{high:g}")
    step = temperature_step(entity)
    rounded = round(math.floor(value / step + 0.5) * step, 4)
    return min(max(rounded, low), high)


def _mode_message(entity: Entity, mode: str) -> Message:
    payload = render_command(cfg(entity, "mode_command_template"), mode)
    return message(entity, "mode_command_topic", payload)


def _set_temperature(entity: Entity, data: Mapping[str, Any], current: State | None,
                     ) -> list[Message]:
    messages: list[Message] = []
    if "hvac_mode" in data:
        if not has(entity, "mode_command_topic"):
            raise CodecError(f"{entity.entity_id} cannot set its HVAC mode")
        messages.append(_mode_message(entity, choice(entity, data, "hvac_mode", modes(entity))))
    targets = (("temperature", "temperature_command"),
               ("target_temp_low", "temperature_low_command"),
               ("target_temp_high", "temperature_high_command"))
    for key, prefix in targets:
        if key not in data:
            continue
        if not has(entity, f"{prefix}_topic"):
            raise CodecError(f"{entity.entity_id} does not take {key}")
        value = _temperature(entity, data, key)
        payload = render_command(cfg(entity, f"{prefix}_template"), value)
        messages.append(message(entity, f"{prefix}_topic", payload))
    if not messages:
        raise CodecError("climate.set_temperature needs temperature (or target_temp_low/high)")
    return messages


def _set_hvac_mode(entity: Entity, data: Mapping[str, Any], current: State | None,
                   ) -> list[Message]:
    return [_mode_message(entity, choice(entity, data, "hvac_mode", modes(entity)))]


def _on_mode(entity: Entity) -> str | None:
    """HA's fallback turn_on: heat_cool, heat or cool if offered, else the first non-off mode."""
    offered = modes(entity)
    for mode in ("heat_cool", "heat", "cool", *offered):
        if mode in offered and mode != "off":
            return mode
    return None


def _power(payload_key: str, default: str) -> Encoder:
    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        if has(entity, "power_command_topic"):
            payload = render_command(cfg(entity, "power_command_template"),
                                     cfg_str(entity, payload_key, default))
            return [message(entity, "power_command_topic", payload)]
        mode = "off" if payload_key == "payload_off" else _on_mode(entity)
        return [_mode_message(entity, mode or "off")]

    return encode


def _can_turn(on: bool) -> Callable[[Entity], bool]:
    def supported(entity: Entity) -> bool:
        if has(entity, "power_command_topic"):
            return True
        if not has(entity, "mode_command_topic"):
            return False
        return _on_mode(entity) is not None if on else "off" in modes(entity)

    return supported


def _select(field: str, options_key: str, default: list[str], prefix: str) -> Encoder:
    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        value = choice(entity, data, field, cfg_list(entity, options_key, default))
        payload = render_command(cfg(entity, f"{prefix}_command_template"), value)
        return [message(entity, f"{prefix}_command_topic", payload)]

    return encode


def _set_humidity(entity: Entity, data: Mapping[str, Any], current: State | None,
                  ) -> list[Message]:
    value = number(data, "humidity")
    low = cfg_float(entity, "min_humidity", 30)
    high = cfg_float(entity, "max_humidity", 99)
    if not low <= value <= high:
        raise CodecError(f"{entity.entity_id}: humidity {value:g} is outside {low:g}–{high:g}")
    payload = render_command(cfg(entity, "target_humidity_command_template"), round(value))
    return [message(entity, "target_humidity_command_topic", payload)]


def _number_attr(attr: str, template_key: str) -> Handler:
    def handle(entity: Entity, payload: str, draft: Draft) -> None:
        value = render_state(entity, template_key, payload)
        if value == "":
            return
        if value == PAYLOAD_NONE:
            draft.attributes[attr] = None
        elif (parsed := parse_number(value)) is not None:
            draft.attributes[attr] = parsed
        else:
            log_drop(entity, attr, payload, "not a number")

    return handle


def _choice_attr(attr: str, template_key: str, allowed: Callable[[Entity], list[str]]) -> Handler:
    def handle(entity: Entity, payload: str, draft: Draft) -> None:
        value = render_state(entity, template_key, payload)
        if value in (PAYLOAD_NONE, "none"):
            draft.attributes[attr] = None
        elif value in allowed(entity):
            draft.attributes[attr] = value
        elif value:
            log_drop(entity, attr, payload, "not an allowed value")

    return handle


def _mode_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, "mode_state_template", payload)
    if value in modes(entity):
        draft.state = value
    elif value == PAYLOAD_NONE:
        draft.state = UNKNOWN
    elif value:
        log_drop(entity, "mode_state_topic", payload, f"not one of {modes(entity)}")


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    roles: list[tuple[str, Handler]] = [
        ("mode_state_topic", _mode_state),
        ("current_temperature_topic",
         _number_attr("current_temperature", "current_temperature_template")),
        ("temperature_state_topic", _number_attr("temperature", "temperature_state_template")),
        ("temperature_low_state_topic",
         _number_attr("target_temp_low", "temperature_low_state_template")),
        ("temperature_high_state_topic",
         _number_attr("target_temp_high", "temperature_high_state_template")),
        ("current_humidity_topic", _number_attr("current_humidity", "current_humidity_template")),
        ("target_humidity_state_topic",
         _number_attr("humidity", "target_humidity_state_template")),
        ("action_topic", _choice_attr("hvac_action", "action_template", lambda e: list(ACTIONS))),
        ("fan_mode_state_topic", _choice_attr(
            "fan_mode", "fan_mode_state_template",
            lambda e: cfg_list(e, "fan_modes", DEFAULT_FAN_MODES))),
        ("preset_mode_state_topic", _choice_attr(
            "preset_mode", "preset_mode_value_template", lambda e: cfg_list(e, "preset_modes"))),
    ]
    return [(t, h) for key, h in roles if (t := topic(entity, key)) is not None]


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    low, high = temperature_range(entity)
    attrs.update(hvac_modes=modes(entity), min_temp=low, max_temp=high,
                 target_temp_step=temperature_step(entity))
    features = 0
    if has(entity, "temperature_command_topic"):
        features |= TARGET_TEMPERATURE
    if has(entity, "temperature_low_command_topic") or has(entity, "temperature_high_command_topic"):
        features |= TARGET_TEMPERATURE_RANGE
    if has(entity, "target_humidity_command_topic"):
        features |= TARGET_HUMIDITY
    if has(entity, "fan_mode_command_topic"):
        features |= FAN_MODE
        attrs["fan_modes"] = cfg_list(entity, "fan_modes", DEFAULT_FAN_MODES)
    if has(entity, "preset_mode_command_topic") and cfg_list(entity, "preset_modes"):
        features |= PRESET_MODE
        attrs["preset_modes"] = cfg_list(entity, "preset_modes")
    features |= (TURN_ON if _can_turn(True)(entity) else 0)
    features |= (TURN_OFF if _can_turn(False)(entity) else 0)
    attrs["supported_features"] = features
    return attrs


def _with(key: str) -> Callable[[Entity], bool]:
    return lambda entity: has(entity, key)


def _any_temperature_topic(entity: Entity) -> bool:
    return any(has(entity, f"temperature{p}_command_topic") for p in ("", "_low", "_high"))


CODEC = Codec(
    component="climate",
    services=(
        Service("set_temperature", _set_temperature,
                frozenset({"temperature", "target_temp_low", "target_temp_high", "hvac_mode"}),
                _any_temperature_topic),
        Service("set_hvac_mode", _set_hvac_mode, frozenset({"hvac_mode"}),
                _with("mode_command_topic")),
        Service("turn_on", _power("payload_on", "ON"), supported=_can_turn(True)),
        Service("turn_off", _power("payload_off", "OFF"), supported=_can_turn(False)),
        Service("set_fan_mode", _select("fan_mode", "fan_modes", DEFAULT_FAN_MODES, "fan_mode"),
                frozenset({"fan_mode"}), _with("fan_mode_command_topic")),
        Service("set_preset_mode", _select("preset_mode", "preset_modes", [], "preset_mode"),
                frozenset({"preset_mode"}),
                lambda e: has(e, "preset_mode_command_topic") and bool(cfg_list(e, "preset_modes"))),
        Service("set_humidity", _set_humidity, frozenset({"humidity"}),
                _with("target_humidity_command_topic")),
    ),
    handlers=_handlers,
    attributes=_attributes,
)
