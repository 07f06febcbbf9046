"""JSON-schema lights (`"schema": "json"`): one JSON object per command, one per state message."""

from __future__ import annotations

import json
from typing import Any

import orjson

from hub.codecs import colors
from hub.codecs.base import PAYLOAD_NONE, UNKNOWN, Draft, cfg_bool, log_drop, message
from hub.codecs.light_modes import COLOR_MODES, brightness_from_device, device_brightness, set_color
from hub.domain import Entity, Message


def json_on(entity: Entity, brightness: int | None, colour: tuple[str, Any] | None,
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
        payload["brightness"] = device_brightness(entity, brightness)
    if effect is not None:
        payload["effect"] = effect
    return message(entity, "command_topic", json.dumps(payload))


def json_off(entity: Entity, transition: float | None) -> Message:
    """The turn-off object (`{"state": "OFF"}`, with the transition when given)."""
    payload: dict[str, Any] = {"state": "OFF"}
    if transition is not None:
        payload["transition"] = transition
    return message(entity, "command_topic", json.dumps(payload))


def json_state(entity: Entity, payload: str, draft: Draft) -> None:
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
            brightness_from_device(entity, float(raw))
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
