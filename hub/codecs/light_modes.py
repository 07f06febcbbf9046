"""What a light can do (its colour modes, brightness, colour-temperature range) and a `turn_on`
request normalised to it the way HA's light service does: percentages to 0–255 brightness, steps
from the current brightness, colour names to RGB, and colours converted to a mode the light
supports. Shared by the default, JSON and template schemas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.codecs import colors, light_template
from hub.codecs.base import (
    Draft,
    cfg,
    cfg_bool,
    cfg_float,
    cfg_list,
    cfg_str,
    choice,
    clamp,
    has,
    number,
)
from hub.domain import Entity, State
from hub.errors import CodecError

COLOR_MODES = ("hs", "xy", "rgb")
"""Colour modes the hub can command (rgbw/rgbww/white lights get on/off, brightness, CT)."""
COLOR_KEYS = ("color_name", "rgb_color", "hs_color", "xy_color", "color_temp_kelvin")
BRIGHTNESS_KEYS = ("brightness", "brightness_pct", "brightness_step", "brightness_step_pct")
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


def brightness_scale(entity: Entity) -> float:
    scale = cfg_float(entity, "brightness_scale", 255)
    return scale if scale > 0 else 255


def _current_brightness(current: State | None) -> int:
    if current is None or current.state not in ("on", "off"):
        return UNKNOWN_BRIGHTNESS
    value = current.attributes.get("brightness")
    return int(value) if current.state == "on" and isinstance(value, int | float) else 0


def requested_brightness(entity: Entity, data: Mapping[str, Any], current: State | None) -> int | None:
    given = [k for k in BRIGHTNESS_KEYS if k in data]
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


def requested_color(entity: Entity, data: Mapping[str, Any]) -> tuple[str, Any] | None:
    """The requested colour as (mode, value) in a mode the light supports (HA's conversions)."""
    given = [k for k in COLOR_KEYS if k in data]
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


def requested_transition(data: Mapping[str, Any]) -> float | None:
    return clamp(number(data, "transition"), 0, 6553) if "transition" in data else None


def requested_effect(entity: Entity, data: Mapping[str, Any]) -> str | None:
    if "effect" not in data:
        return None
    return choice(entity, data, "effect", cfg_list(entity, "effect_list"))


def device_brightness(entity: Entity, brightness: int) -> int:
    scale = brightness_scale(entity)
    return int(max(min(round(brightness / 255 * scale), scale), 1))


def brightness_from_device(entity: Entity, value: float) -> int:
    return int(max(1, min(255, round(value / brightness_scale(entity) * 255))))


def set_color(draft: Draft, mode: str, value: Any) -> None:
    """Record a colour (or a Kelvin white) in every representation HA shows."""
    draft.attributes.update(colors.color_attributes(mode, value))
