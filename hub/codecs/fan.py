"""Fan codec: on/off, percentage speeds over `speed_range_min`..`speed_range_max`, presets,
oscillation and direction (HA's MQTT fan)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from hub.codecs.base import (
    PAYLOAD_NONE,
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
    clamp,
    has,
    log_drop,
    message,
    number,
    onoff_handler,
    render_state,
    toggle_service,
    topic,
)
from hub.domain import Entity, Message, State
from hub.errors import CodecError
from hub.templates import render_command

SET_SPEED, OSCILLATE, DIRECTION, PRESET_MODE, TURN_OFF, TURN_ON = 1, 2, 4, 8, 16, 32
"""HA's FanEntityFeature bits."""


def speed_range(entity: Entity) -> tuple[int, int]:
    """(`speed_range_min`, `speed_range_max`), HA defaults 1 and 100."""
    low = int(cfg_float(entity, "speed_range_min", 1))
    high = int(cfg_float(entity, "speed_range_max", 100))
    return (low, high) if high >= low else (1, 100)


def _states_in_range(rng: tuple[int, int]) -> int:
    return rng[1] - rng[0] + 1


def percentage_to_ranged_value(rng: tuple[int, int], percentage: float) -> float:
    """HA's `percentage_to_ranged_value`: 0–100 % → a value in the device's range."""
    return _states_in_range(rng) * percentage / 100 + rng[0] - 1


def ranged_value_to_percentage(rng: tuple[int, int], value: float) -> int:
    """HA's `ranged_value_to_percentage`: a device value → 0–100 %."""
    return int(((value - (rng[0] - 1)) * 100) // _states_in_range(rng))


def _percentage_message(entity: Entity, percentage: float) -> Message:
    ranged = math.ceil(percentage_to_ranged_value(speed_range(entity), clamp(percentage, 0, 100)))
    payload = render_command(cfg(entity, "percentage_command_template"), ranged)
    return message(entity, "percentage_command_topic", payload)


def _preset_message(entity: Entity, data: Mapping[str, Any]) -> Message:
    preset = choice(entity, data, "preset_mode", cfg_list(entity, "preset_modes"))
    payload = render_command(cfg(entity, "preset_mode_command_template"), preset)
    return message(entity, "preset_mode_command_topic", payload)


def _turn_on(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    payload = render_command(cfg(entity, "command_template"), cfg_str(entity, "payload_on", "ON"))
    messages = [message(entity, "command_topic", payload)]
    if "percentage" in data:
        if not has(entity, "percentage_command_topic"):
            raise CodecError(f"{entity.entity_id} has no speed control")
        messages.append(_percentage_message(entity, number(data, "percentage")))
    if "preset_mode" in data:
        if not _has_presets(entity):
            raise CodecError(f"{entity.entity_id} has no preset modes")
        messages.append(_preset_message(entity, data))
    return messages


def _turn_off(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    payload = render_command(cfg(entity, "command_template"), cfg_str(entity, "payload_off", "OFF"))
    return [message(entity, "command_topic", payload)]


def _set_percentage(entity: Entity, data: Mapping[str, Any], current: State | None,
                    ) -> list[Message]:
    return [_percentage_message(entity, number(data, "percentage"))]


def _step(direction: int) -> Callable[[Entity, Mapping[str, Any], State | None], list[Message]]:
    """HA's `_async_adjust_speed`: one speed step up or down from the current percentage."""

    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        now = current.attributes.get("percentage") if current is not None else None
        level = float(now) if isinstance(now, int | float) else 0.0
        if "percentage_step" in data:
            target = level + number(data, "percentage_step") * direction
        else:
            speeds = (1, min(_states_in_range(speed_range(entity)), 100))
            index = math.ceil(percentage_to_ranged_value(speeds, level))
            target = ranged_value_to_percentage(speeds, index + direction)
        return [_percentage_message(entity, clamp(target, 0, 100))]

    return encode


def _set_preset(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    return [_preset_message(entity, data)]


def _oscillate(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    value = data["oscillating"]
    if not isinstance(value, bool):
        raise CodecError(f"oscillating must be true or false, not {value!r}")
    key, default = ("payload_oscillation_on", "oscillate_on") if value else (
        "payload_oscillation_off", "oscillate_off")
    payload = render_command(cfg(entity, "oscillation_command_template"),
                             cfg_str(entity, key, default))
    return [message(entity, "oscillation_command_topic", payload)]


def _set_direction(entity: Entity, data: Mapping[str, Any], current: State | None,
                   ) -> list[Message]:
    direction = choice(entity, data, "direction", ["forward", "reverse"])
    payload = render_command(cfg(entity, "direction_command_template"), direction)
    return [message(entity, "direction_command_topic", payload)]


def _has_presets(entity: Entity) -> bool:
    return has(entity, "preset_mode_command_topic") and bool(cfg_list(entity, "preset_modes"))


def _percentage_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, "percentage_value_template", payload)
    if value == "":
        return
    if value == cfg_str(entity, "payload_reset_percentage", PAYLOAD_NONE):
        draft.attributes["percentage"] = None
        return
    percentage = ranged_value_to_percentage(speed_range(entity), int(float(value)))
    if 0 <= percentage <= 100:
        draft.attributes["percentage"] = percentage
    else:
        log_drop(entity, "percentage_state_topic", payload, "outside the speed range")


def _preset_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, "preset_mode_value_template", payload)
    if value == cfg_str(entity, "payload_reset_preset_mode", PAYLOAD_NONE):
        draft.attributes["preset_mode"] = None
    elif value in cfg_list(entity, "preset_modes"):
        draft.attributes["preset_mode"] = value
    elif value:
        log_drop(entity, "preset_mode_state_topic", payload, "not one of preset_modes")


def _oscillation_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, "oscillation_value_template", payload)
    if value == cfg_str(entity, "payload_oscillation_on", "oscillate_on"):
        draft.attributes["oscillating"] = True
    elif value == cfg_str(entity, "payload_oscillation_off", "oscillate_off"):
        draft.attributes["oscillating"] = False


def _direction_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, "direction_value_template", payload)
    if value in ("forward", "reverse"):
        draft.attributes["direction"] = value


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    roles: list[tuple[str, Handler]] = [
        ("state_topic", onoff_handler("payload_on", "payload_off", "state_value_template")),
        ("percentage_state_topic", _percentage_state),
        ("preset_mode_state_topic", _preset_state),
        ("oscillation_state_topic", _oscillation_state),
        ("direction_state_topic", _direction_state),
    ]
    return [(t, h) for key, h in roles if (t := topic(entity, key)) is not None]


def _finish(entity: Entity, draft: Draft) -> None:
    # Without a state topic the speed is the only evidence of on/off.
    percentage = draft.attributes.get("percentage")
    if topic(entity, "state_topic") is None and isinstance(percentage, int):
        draft.state = "on" if percentage > 0 else "off"


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    features = TURN_ON | TURN_OFF
    if has(entity, "percentage_command_topic"):
        features |= SET_SPEED
        attrs["percentage_step"] = 100 / min(_states_in_range(speed_range(entity)), 100)
    if _has_presets(entity):
        features |= PRESET_MODE
        attrs["preset_modes"] = cfg_list(entity, "preset_modes")
    if has(entity, "oscillation_command_topic"):
        features |= OSCILLATE
    if has(entity, "direction_command_topic"):
        features |= DIRECTION
    attrs["supported_features"] = features
    return attrs


def _with(key: str) -> Callable[[Entity], bool]:
    return lambda entity: has(entity, key)


CODEC = Codec(
    component="fan",
    services=(
        Service("turn_on", _turn_on, frozenset({"percentage", "preset_mode"})),
        Service("turn_off", _turn_off),
        Service("toggle", toggle_service(_turn_on, _turn_off)),
        Service("set_percentage", _set_percentage, frozenset({"percentage"}),
                _with("percentage_command_topic")),
        Service("increase_speed", _step(1), frozenset({"percentage_step"}),
                _with("percentage_command_topic")),
        Service("decrease_speed", _step(-1), frozenset({"percentage_step"}),
                _with("percentage_command_topic")),
        Service("set_preset_mode", _set_preset, frozenset({"preset_mode"}), _has_presets),
        Service("oscillate", _oscillate, frozenset({"oscillating"}),
                _with("oscillation_command_topic")),
        Service("set_direction", _set_direction, frozenset({"direction"}),
                _with("direction_command_topic")),
    ),
    handlers=_handlers,
    attributes=_attributes,
    finish=_finish,
)
