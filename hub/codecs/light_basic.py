"""Default-schema ("basic") lights: a topic per attribute, commands ordered by `on_command_type`,
state read from each state topic in the order HA applies them."""

from __future__ import annotations

from typing import Any

from hub.codecs import colors
from hub.codecs.base import (
    Draft,
    Handler,
    cfg,
    cfg_bool,
    cfg_str,
    has,
    log_drop,
    message,
    onoff_handler,
    render_state,
)
from hub.codecs.light_modes import brightness_from_device, device_brightness, set_color
from hub.domain import Entity, Message, State
from hub.errors import CodecError
from hub.templates import render_command


def basic_on(entity: Entity, brightness: int | None, colour: tuple[str, Any] | None,
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
        out.append(_tpl(entity, "brightness", device_brightness(entity, brightness)))
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
    draft.attributes["brightness"] = brightness_from_device(entity, value)


def _mode_state(entity: Entity, payload: str, draft: Draft) -> None:
    if value := render_state(entity, "color_mode_value_template", payload):
        draft.attributes["color_mode"] = value


def _effect_state(entity: Entity, payload: str, draft: Draft) -> None:
    if value := render_state(entity, "effect_value_template", payload):
        draft.attributes["effect"] = value


BASIC_ROLES: tuple[tuple[str, Handler], ...] = (
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
