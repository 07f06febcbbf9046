"""Light codec: HA's default ("basic") and JSON schemas.

`turn_on` data is first normalised the way HA's light service does it (percentages to 0–255
brightness, steps from the current brightness, colour names to RGB, and colours converted to a
colour mode the light supports), then encoded per schema: separate topics for the default
schema (ordered by `on_command_type`), one JSON object for the JSON schema.

Decoded brightness and colour attributes keep their last known values while the light is off
(HA shows null): devices send the level before `payload_on`, and keeping it loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

from hub.codecs import colors, light_template
from hub.codecs.base import (
    PAYLOAD_NONE,
    UNKNOWN,
    Codec,
    Draft,
    Handler,
    Service,
    base_attributes,
    cfg,
    cfg_bool,
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

COLOR_MODES = ("hs", "xy", "rgb")
"""Colour modes the hub can command (rgbw/rgbww/white lights get on/off, brightness, CT)."""
EFFECT, FLASH, TRANSITION = 4, 8, 32
"""HA's LightEntityFeature bits."""
_COLOR_KEYS = ("color_name", "rgb_color", "hs_color", "xy_color", "color_temp_kelvin")
_BRIGHTNESS_KEYS = ("brightness", "brightness_pct", "brightness_step", "brightness_step_pct")
UNKNOWN_BRIGHTNESS = 128
"""Assumed brightness for a step when the current one is unknown (HA would assume off: 0, which
turns a light off on "a bit dimmer"); the midpoint moves it the way the words ask."""


def is_json(entity: Entity) -> bool:
    """Whether the light uses the JSON schema."""
    return cfg_str(entity, "schema", "basic") == "json"


def color_modes(entity: Entity) -> list[str]:
    """Supported colour modes, from `supported_color_modes` (JSON), the templates (template)
    or the topics (default)."""
    if light_template.is_template(entity):
        return light_template.color_modes(entity)
    if is_json(entity):
        listed = cfg_list(entity, "supported_color_modes")
        if listed:
            return listed
        legacy = [m for m in ("color_temp", "hs", "rgb", "xy") if cfg_bool(entity, m)]
        return legacy or (["brightness"] if cfg_bool(entity, "brightness") else ["onoff"])
    found = [m for m in ("color_temp", "hs", "rgb", "rgbw", "rgbww", "xy", "white")
             if has(entity, f"{m}_command_topic")]
    if found:
        return found
    return ["brightness"] if has(entity, "brightness_command_topic") else ["onoff"]


def supports_brightness(entity: Entity) -> bool:
    """Whether brightness can be commanded.

    JSON: `brightness: true`, or any colour mode other than onoff (HA: every such mode implies
    brightness). Default schema: a brightness topic, or an RGB topic (HA scales the RGB).
    """
    if is_json(entity):
        return cfg_bool(entity, "brightness") or any(m != "onoff" for m in color_modes(entity))
    if light_template.is_template(entity):
        return color_modes(entity) != ["onoff"]
    return has(entity, "brightness_command_topic") or has(entity, "rgb_command_topic")


def kelvin_range(entity: Entity) -> tuple[int, int]:
    """(min, max) colour temperature in Kelvin from `min/max_kelvin` or `max/min_mireds`."""
    low = cfg(entity, "min_kelvin") or (
        colors.mired_to_kelvin(float(cfg(entity, "max_mireds"))) if cfg(entity, "max_mireds")
        else 2000)
    high = cfg(entity, "max_kelvin") or (
        colors.mired_to_kelvin(float(cfg(entity, "min_mireds"))) if cfg(entity, "min_mireds")
        else 6535)
    return int(float(low)), int(float(high))


def _scale(entity: Entity) -> float:
    scale = cfg_float(entity, "brightness_scale", 255)
    return scale if scale > 0 else 255


def _current_brightness(current: State | None) -> int:
    if current is None or current.state not in ("on", "off"):
        return UNKNOWN_BRIGHTNESS
    value = current.attributes.get("brightness")
    return int(value) if current.state == "on" and isinstance(value, int | float) else 0


def _brightness(entity: Entity, data: Mapping[str, Any], current: State | None) -> int | None:
    given = [k for k in _BRIGHTNESS_KEYS if k in data]
    if not given:
        return None
    if len(given) > 1:
        raise CodecError(f"give one of {', '.join(given)}, not several")
    if not supports_brightness(entity):
        raise CodecError(f"{entity.entity_id} cannot dim; it only turns on and off")
    key = given[0]
    value = number(data, key)
    if key == "brightness":
        return round(clamp(value, 0, 255))
    if key == "brightness_pct":
        return round(clamp(value, 0, 100) * 255 / 100)
    level = _current_brightness(current)
    if key == "brightness_step":
        return round(clamp(level + value, 0, 255))
    pct = round(level / 255 * 100)  # HA: steps are taken in whole percents
    return round(clamp((pct + clamp(value, -100, 100)) / 100 * 255, 0, 255))


def _triple(data: Mapping[str, Any], key: str, size: int) -> list[float]:
    value = data[key]
    if not isinstance(value, list | tuple) or len(value) != size:
        raise CodecError(f"{key} must be a list of {size} numbers, not {value!r}")
    return [number({key: v}, key) for v in value]


def _color(entity: Entity, data: Mapping[str, Any]) -> tuple[str, Any] | None:
    """The requested colour as (mode, value) in a mode the light supports (HA's conversions)."""
    given = [k for k in _COLOR_KEYS if k in data]
    if not given:
        return None
    if len(given) > 1:
        raise CodecError(f"give one of {', '.join(given)}, not several")
    key, modes = given[0], color_modes(entity)
    colour_modes = [m for m in COLOR_MODES if m in modes]
    if key == "color_temp_kelvin":
        kelvin = number(data, key)
        if "color_temp" in modes:
            low, high = kelvin_range(entity)
            return "color_temp", round(clamp(kelvin, low, high))
        if not colour_modes:
            raise CodecError(f"{entity.entity_id} has no colour temperature control")
        requested: tuple[str, Any] = ("hs", colors.kelvin_to_hs(kelvin))
    elif key == "color_name":
        rgb = colors.name_to_rgb(str(data[key]))
        if rgb is None:
            raise CodecError(f"unknown colour name {data[key]!r}")
        requested = ("rgb", rgb)
    elif key == "rgb_color":
        requested = ("rgb", tuple(round(clamp(c, 0, 255)) for c in _triple(data, key, 3)))
    elif key == "hs_color":
        hue, sat = _triple(data, key, 2)
        requested = ("hs", (hue % 360, clamp(sat, 0, 100)))
    else:
        x, y = _triple(data, key, 2)
        requested = ("xy", (clamp(x, 0, 1), clamp(y, 0, 1)))
    if not colour_modes and "color_temp" not in modes:
        raise CodecError(f"{entity.entity_id} cannot change colour")
    return _convert(entity, requested, colour_modes)


def _convert(entity: Entity, requested: tuple[str, Any], targets: list[str]) -> tuple[str, Any]:
    mode, value = requested
    if mode in targets:
        return mode, tuple(value)
    if mode == "hs":
        rgb: tuple[float, ...] = colors.hs_to_rgb(*value)
    else:
        rgb = colors.xy_to_rgb(*value) if mode == "xy" else tuple(value)
    if "rgb" in targets:
        return "rgb", tuple(rgb)
    if "hs" in targets:
        return "hs", colors.rgb_to_hs(*rgb)
    if "xy" in targets:
        return "xy", colors.rgb_to_xy(*rgb)
    low, high = kelvin_range(entity)  # colour-temperature-only light: nearest white (HA)
    return "color_temp", round(clamp(colors.xy_to_kelvin(*colors.rgb_to_xy(*rgb)), low, high))


def _transition(data: Mapping[str, Any]) -> float | None:
    return clamp(number(data, "transition"), 0, 6553) if "transition" in data else None


def _effect(entity: Entity, data: Mapping[str, Any]) -> str | None:
    if "effect" not in data:
        return None
    return choice(entity, data, "effect", cfg_list(entity, "effect_list"))


def _turn_on(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    brightness = _brightness(entity, data, current)
    colour, transition, effect = _color(entity, data), _transition(data), _effect(entity, data)
    if brightness == 0:
        return _turn_off(entity, data, current)
    if light_template.is_template(entity):
        return [light_template.turn_on(entity, brightness, colour, transition, effect, current)]
    if is_json(entity):
        return [_json_on(entity, brightness, colour, transition, effect)]
    return _basic_on(entity, brightness, colour, effect, current)


def _turn_off(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    if light_template.is_template(entity):
        return [light_template.turn_off(entity, _transition(data))]
    if is_json(entity):
        payload: dict[str, Any] = {"state": "OFF"}
        if (transition := _transition(data)) is not None:
            payload["transition"] = transition
        return [message(entity, "command_topic", json.dumps(payload))]
    return [message(entity, "command_topic", cfg_str(entity, "payload_off", "OFF"))]


def _device_brightness(entity: Entity, brightness: int) -> int:
    scale = _scale(entity)
    return int(max(min(round(brightness / 255 * scale), scale), 1))


def _json_on(entity: Entity, brightness: int | None, colour: tuple[str, Any] | None,
             transition: float | None, effect: str | None) -> Message:
    payload: dict[str, Any] = {"state": "ON"}
    if colour is not None:
        mode, value = colour
        if mode == "color_temp":
            ct_kelvin = cfg_bool(entity, "color_temp_kelvin")
            payload["color_temp"] = value if ct_kelvin else colors.kelvin_to_mired(value)
        else:
            payload["color"] = dict(zip(mode, value, strict=True))  # "rgb" → r, g, b
    if transition is not None:
        payload["transition"] = transition
    if brightness is not None:
        payload["brightness"] = _device_brightness(entity, brightness)
    if effect is not None:
        payload["effect"] = effect
    return message(entity, "command_topic", json.dumps(payload))


def _basic_on(entity: Entity, brightness: int | None, colour: tuple[str, Any] | None,
              effect: str | None, current: State | None) -> list[Message]:
    """HA's schema_basic `async_turn_on`: style topics, with `payload_on` first or last."""
    out: list[Message] = []
    on_type = cfg_str(entity, "on_command_type", "last")
    on = message(entity, "command_topic", cfg_str(entity, "payload_on", "ON"))
    known = current.attributes.get("brightness") if current is not None else None
    known_level = int(known) if isinstance(known, int | float) and known else None
    if on_type == "first":
        out.append(on)
    elif on_type == "brightness" and brightness is None:
        brightness = known_level or 255
    has_brightness_topic = has(entity, "brightness_command_topic")
    mode: str = colour[0] if colour is not None else ""
    value: Any = colour[1] if colour is not None else None
    if mode == "hs":
        out.append(_tpl(entity, "hs", f"{value[0]},{value[1]}", hue=value[0], sat=value[1]))
    if mode == "rgb":
        # A brightness topic carries the level, so the colour itself goes out unscaled.
        level = 255 if has_brightness_topic else brightness or known_level or 255
        out.append(_rgb(entity, value, level))
    if mode == "xy":
        out.append(_tpl(entity, "xy", f"{value[0]},{value[1]}", x=value[0], y=value[1]))
    if brightness is not None and has_brightness_topic:
        out.append(_tpl(entity, "brightness", _device_brightness(entity, brightness)))
    elif brightness is not None and mode != "rgb" and has(entity, "rgb_command_topic"):
        rgb = current.attributes.get("rgb_color") if current is not None else None
        out.append(_rgb(entity, rgb if isinstance(rgb, list | tuple) else (255, 255, 255),
                        brightness))
    if mode == "color_temp":
        ct_kelvin = cfg_bool(entity, "color_temp_kelvin")
        out.append(_tpl(entity, "color_temp", value if ct_kelvin else colors.kelvin_to_mired(value)))
    if effect is not None:
        out.append(_tpl(entity, "effect", effect))
    if on_type == "last":
        out.append(on)
    return out


def _rgb(entity: Entity, rgb: Any, level: int) -> Message:
    red, green, blue = (int(float(c) * level / 255) for c in rgb)
    return _tpl(entity, "rgb", f"{red},{green},{blue}", red=red, green=green, blue=blue)


def _tpl(entity: Entity, kind: str, value: Any, **variables: Any) -> Message:
    if not has(entity, f"{kind}_command_topic"):
        raise CodecError(f"{entity.entity_id} has no {kind}_command_topic")
    payload = render_command(cfg(entity, f"{kind}_command_template"), value, **variables)
    return message(entity, f"{kind}_command_topic", payload)


# --- decoding ---------------------------------------------------------------------------------

def set_color(draft: Draft, mode: str, value: Any) -> None:
    """Record a colour (or a Kelvin white) in every representation HA shows."""
    draft.attributes.update(colors.color_attributes(mode, value))


def _brightness_from_device(entity: Entity, value: float) -> int:
    return int(max(1, min(255, round(value / _scale(entity) * 255))))


def _pair(text: str) -> tuple[float, ...]:
    return tuple(float(part) for part in text.split(","))


def _colour_handler(mode: str, size: int) -> Handler:
    """A handler for a comma-separated colour topic (`rgb`, `hs`, `xy`) or `color_temp`."""

    def handle(entity: Entity, payload: str, draft: Draft) -> None:
        value = _pair(render_state(entity, f"{mode}_value_template", payload))
        if len(value) != size:
            raise ValueError(f"expected {size} comma-separated numbers")
        reported = draft.attributes.get("color_mode")
        if mode == "color_temp":
            ct_kelvin = cfg_bool(entity, "color_temp_kelvin")
            set_color(draft, mode, value[0] if ct_kelvin else colors.mired_to_kelvin(value[0]))
        else:
            set_color(draft, mode, value)
        if has(entity, "color_mode_state_topic"):  # the device says which mode counts
            draft.attributes["color_mode"] = reported
        if mode == "rgb" and not has(entity, "brightness_state_topic"):
            draft.attributes["brightness"] = min(round(colors.rgb_to_hsv(*value)[2] / 100 * 255),
                                                 255)

    return handle


def _brightness_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = float(render_state(entity, "brightness_value_template", payload))
    if value == 0:  # HA ignores it: the state topic says whether the light is off
        log_drop(entity, "brightness_state_topic", payload, "zero brightness")
        return
    draft.attributes["brightness"] = _brightness_from_device(entity, value)


def _mode_state(entity: Entity, payload: str, draft: Draft) -> None:
    if value := render_state(entity, "color_mode_value_template", payload):
        draft.attributes["color_mode"] = value


def _effect_state(entity: Entity, payload: str, draft: Draft) -> None:
    if value := render_state(entity, "effect_value_template", payload):
        draft.attributes["effect"] = value


_BASIC_ROLES: tuple[tuple[str, Handler], ...] = (
    ("state_topic", onoff_handler("payload_on", "payload_off", "state_value_template")),
    ("color_mode_state_topic", _mode_state),
    ("brightness_state_topic", _brightness_state),
    ("rgb_state_topic", _colour_handler("rgb", 3)),
    ("hs_state_topic", _colour_handler("hs", 2)),
    ("xy_state_topic", _colour_handler("xy", 2)),
    ("color_temp_state_topic", _colour_handler("color_temp", 1)),
    ("effect_state_topic", _effect_state),
)
"""Default-schema state topics and their handlers, in the order HA applies them."""


def _json_state(entity: Entity, payload: str, draft: Draft) -> None:
    values = orjson.loads(payload)
    if not isinstance(values, dict):
        raise ValueError("JSON light state is not an object")
    if "state" in values:
        state = values["state"]
        if state is None or state == PAYLOAD_NONE:
            draft.state = UNKNOWN
        elif str(state).upper() in ("ON", "OFF"):
            draft.state = str(state).lower()
        else:
            log_drop(entity, "state_topic", payload, f"state {state!r}")
    if "brightness" in values:
        raw = values["brightness"]
        draft.attributes["brightness"] = None if raw is None else \
            _brightness_from_device(entity, float(raw))
    mode, colour = values.get("color_mode"), values.get("color")
    if mode is None and isinstance(colour, dict):
        mode = next((m for m in COLOR_MODES if all(k in colour for k in m)), None)
    elif mode is None and values.get("color_temp") is not None:
        mode = "color_temp"
    if mode == "color_temp" and values.get("color_temp") is not None:
        raw_ct = float(values["color_temp"])
        set_color(draft, mode, raw_ct if cfg_bool(entity, "color_temp_kelvin")
                  else colors.mired_to_kelvin(raw_ct))
    elif mode in COLOR_MODES and isinstance(colour, dict):
        set_color(draft, mode, tuple(float(colour[k]) for k in mode))
    elif mode is not None:
        draft.attributes["color_mode"] = mode
    if isinstance(values.get("effect"), str):
        draft.attributes["effect"] = values["effect"]


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    if light_template.is_template(entity):
        return light_template.handlers(entity)
    if is_json(entity):
        state_topic = topic(entity, "state_topic")
        return [] if state_topic is None else [(state_topic, _json_state)]
    return [(t, h) for key, h in _BASIC_ROLES if (t := topic(entity, key)) is not None]


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


_ON_FIELDS = frozenset({*_BRIGHTNESS_KEYS, *_COLOR_KEYS, "transition", "effect"})

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
