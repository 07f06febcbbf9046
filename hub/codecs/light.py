"""Light codec: the services and state handlers of every light schema.

`turn_on` data is first normalised the way HA's light service does it (`light_modes.py`:
percentages to 0–255 brightness, steps from the current brightness, colour names to RGB, and
colours converted to a colour mode the light supports), then encoded per schema: separate topics
for the default schema (`light_basic.py`, ordered by `on_command_type`), one JSON object for the
JSON schema (`light_json.py`), the templates of a template light (`light_template.py`).

Decoded brightness and colour attributes keep their last known values while the light is off
(HA shows null): devices send the level before `payload_on`, and keeping it loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.codecs import light_template
from hub.codecs.base import (
    Codec,
    Handler,
    Service,
    base_attributes,
    cfg_list,
    cfg_str,
    message,
    toggle_service,
    topic,
)
from hub.codecs.light_basic import BASIC_ROLES, basic_on
from hub.codecs.light_json import json_off, json_on, json_state
from hub.codecs.light_modes import (
    BRIGHTNESS_KEYS,
    COLOR_KEYS,
    color_modes,
    is_json,
    kelvin_range,
    requested_brightness,
    requested_color,
    requested_effect,
    requested_transition,
)
from hub.domain import Entity, Message, State

EFFECT, FLASH, TRANSITION = 4, 8, 32
"""HA's LightEntityFeature bits."""


def _turn_on(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    brightness = requested_brightness(entity, data, current)
    colour, transition = requested_color(entity, data), requested_transition(data)
    effect = requested_effect(entity, data)
    if brightness == 0:
        return _turn_off(entity, data, current)
    if light_template.is_template(entity):
        return [light_template.turn_on(entity, brightness, colour, transition, effect, current)]
    if is_json(entity):
        return [json_on(entity, brightness, colour, transition, effect)]
    return basic_on(entity, brightness, colour, effect, current)


def _turn_off(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    if light_template.is_template(entity):
        return [light_template.turn_off(entity, requested_transition(data))]
    if is_json(entity):
        return [json_off(entity, requested_transition(data))]
    return [message(entity, "command_topic", cfg_str(entity, "payload_off", "OFF"))]


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    if light_template.is_template(entity):
        return light_template.handlers(entity)
    if is_json(entity):
        state_topic = topic(entity, "state_topic")
        return [] if state_topic is None else [(state_topic, json_state)]
    return [(t, h) for key, h in BASIC_ROLES if (t := topic(entity, key)) is not None]


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    modes = color_modes(entity)
    attrs["supported_color_modes"] = modes
    features = FLASH | TRANSITION if is_json(entity) or light_template.is_template(entity) else 0
    if cfg_list(entity, "effect_list"):
        features |= EFFECT
        attrs["effect_list"] = cfg_list(entity, "effect_list")
    attrs["supported_features"] = features
    if "color_temp" in modes:
        attrs["min_color_temp_kelvin"], attrs["max_color_temp_kelvin"] = kelvin_range(entity)
    return attrs


_ON_FIELDS = frozenset({*BRIGHTNESS_KEYS, *COLOR_KEYS, "transition", "effect"})

CODEC = Codec(
    component="light",
    services=(
        Service("turn_on", _turn_on, _ON_FIELDS),
        Service("turn_off", _turn_off, frozenset({"transition"})),
        Service("toggle", toggle_service(_turn_on, _turn_off), _ON_FIELDS),
    ),
    handlers=_handlers,
    attributes=_attributes,
)
