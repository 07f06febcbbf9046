"""Template-schema lights (`"schema": "template"`, HA's `schema_template.py`).

A template light has one command topic and two templates: `command_on_template` renders the
turn-on payload from `state` (True), `brightness` (0–255, unscaled), `color_temp` (mireds, or
Kelvin with `color_temp_kelvin`), `red`/`green`/`blue` (the colour at the requested
brightness), `hue`/`sat`, `effect`, `flash` and `transition`; `command_off_template` renders the
turn-off payload from `state` (False) and `transition`. A variable the call did not set is
undefined, so templates use `| d` as HA's examples do. State messages are read through
`state_template` ("on"/"off"), `brightness_template`, `color_temp_template`,
`red_template`/`green_template`/`blue_template` and `effect_template`.

The turn-on data arrives already normalised by `hub.codecs.light_modes` (brightness 0–255, the colour
converted to a mode `color_modes` offers).
"""

from __future__ import annotations

from typing import Any

from hub.codecs import colors
from hub.codecs.base import (
    PAYLOAD_NONE,
    UNKNOWN,
    Draft,
    Handler,
    cfg,
    cfg_bool,
    cfg_list,
    log_drop,
    message,
    topic,
)
from hub.domain import Entity, Message, State
from hub.templates import render, render_value

_RGB_KEYS = ("red_template", "green_template", "blue_template")


def is_template(entity: Entity) -> bool:
    """Whether the light uses the template schema."""
    return bool(cfg(entity, "schema") == "template")


def color_modes(entity: Entity) -> list[str]:
    """HA's template light: hs with red/green/blue templates, color_temp with its template,
    brightness with a brightness template, else onoff (filtered as HA filters them)."""
    modes = []
    if cfg(entity, "color_temp_template"):
        modes.append("color_temp")
    if all(cfg(entity, key) for key in _RGB_KEYS):
        modes.append("hs")
    if modes:
        return modes
    return ["brightness"] if cfg(entity, "brightness_template") else ["onoff"]


def _known_brightness(current: State | None) -> int | None:
    value = current.attributes.get("brightness") if current is not None else None
    return int(value) if isinstance(value, int | float) and value else None


def turn_on(entity: Entity, brightness: int | None, colour: tuple[str, Any] | None,
            transition: float | None, effect: str | None, current: State | None) -> Message:
    """The turn-on message: `command_on_template` rendered with HA's variables."""
    values: dict[str, Any] = {"state": True}
    if brightness is not None:
        values["brightness"] = brightness
    if colour is not None:
        mode, value = colour
        if mode == "color_temp":
            values["color_temp"] = value if cfg_bool(entity, "color_temp_kelvin") \
                else colors.kelvin_to_mired(value)
        else:  # light.py converted it to hs, the only colour mode a template light has
            hue, sat = value
            level = brightness or _known_brightness(current) or 255
            values["red"], values["green"], values["blue"] = colors.hsv_to_rgb(
                hue, sat, level / 255 * 100)
            values["hue"], values["sat"] = hue, sat
    if effect is not None:
        values["effect"] = effect
    if transition is not None:
        values["transition"] = transition
    return message(entity, "command_topic", render(cfg(entity, "command_on_template"), **values))


def turn_off(entity: Entity, transition: float | None) -> Message:
    """The turn-off message: `command_off_template` rendered with `state` False."""
    values: dict[str, Any] = {"state": False}
    if transition is not None:
        values["transition"] = transition
    return message(entity, "command_topic", render(cfg(entity, "command_off_template"), **values))


def _rendered(entity: Entity, key: str, payload: str) -> str | None:
    source = cfg(entity, key)
    return render_value(source, payload) if source else None


def _state(entity: Entity, payload: str, draft: Draft) -> None:
    state = _rendered(entity, "state_template", payload)
    if state is None:
        state = payload
    if state in ("on", "off"):
        draft.state = state
    elif state == PAYLOAD_NONE:
        draft.state = UNKNOWN
    elif state:
        log_drop(entity, "state_topic", payload, f"state_template gave {state!r}, not on/off")
    _brightness(entity, payload, draft)
    _color_temp(entity, payload, draft)
    _rgb(entity, payload, draft)
    effect = _rendered(entity, "effect_template", payload)
    if effect and effect in cfg_list(entity, "effect_list"):
        draft.attributes["effect"] = effect


def _brightness(entity: Entity, payload: str, draft: Draft) -> None:
    text = _rendered(entity, "brightness_template", payload)
    if not text or text == PAYLOAD_NONE:
        return
    try:
        value = int(float(text))
    except ValueError:
        log_drop(entity, "brightness_template", payload, f"{text!r} is not a number")
        return
    if 0 < value <= 255:
        draft.attributes["brightness"] = value
    elif value != 0:  # 0 is "off", which the state template says; HA ignores it too
        log_drop(entity, "brightness_template", payload, f"{value} is outside 1–255")


def _color_temp(entity: Entity, payload: str, draft: Draft) -> None:
    text = _rendered(entity, "color_temp_template", payload)
    if not text or text == PAYLOAD_NONE:
        return
    raw = float(text)
    kelvin = raw if cfg_bool(entity, "color_temp_kelvin") else colors.mired_to_kelvin(raw)
    draft.attributes.update(colors.color_attributes("color_temp", kelvin))


def _rgb(entity: Entity, payload: str, draft: Draft) -> None:
    parts = [_rendered(entity, key, payload) for key in _RGB_KEYS]
    if not all(parts) or PAYLOAD_NONE in parts:
        return
    red, green, blue = (int(float(p or 0)) for p in parts)
    draft.attributes.update(colors.color_attributes("hs", colors.rgb_to_hs(red, green, blue)))


def handlers(entity: Entity) -> list[tuple[str, Handler]]:
    """The state topic, read through the templates."""
    state_topic = topic(entity, "state_topic")
    return [] if state_topic is None else [(state_topic, _state)]
