"""Intent → Home Assistant service call per target entity (the contract's names and data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.domain import Entity, Parse, State
from hub.text.values import normalize

INTENT_COMPONENTS: dict[str, tuple[str, ...]] = {
    "turn_on": ("light", "switch", "fan", "climate", "vacuum", "scene", "siren", "humidifier", "water_heater",
                "lawn_mower", "valve"),
    "turn_off": ("light", "switch", "fan", "climate", "vacuum", "siren", "humidifier", "water_heater",
                 "lawn_mower", "valve"),
    "toggle": ("light", "switch", "fan", "siren", "humidifier"),
    "set_brightness": ("light",),
    "brightness_up": ("light",),
    "brightness_down": ("light",),
    "set_color": ("light",),
    "set_color_temp": ("light",),
    "set_temperature": ("climate", "water_heater"),
    "temperature_up": ("climate",),
    "temperature_down": ("climate",),
    "set_hvac_mode": ("climate",),
    "open": ("cover", "valve"),
    "close": ("cover", "valve"),
    "stop": ("cover", "valve", "lawn_mower"),
    "set_position": ("cover", "valve"),
    "lock": ("lock",),
    "unlock": ("lock",),
    "set_fan_speed": ("fan",),
    "vacuum_start": ("vacuum", "lawn_mower"),
    "vacuum_return": ("vacuum", "lawn_mower"),
    "get_state": ("light", "switch", "fan", "climate", "cover", "lock", "vacuum", "sensor", "binary_sensor",
                  "valve", "humidifier", "water_heater", "alarm_control_panel", "lawn_mower", "update",
                  "device_tracker", "siren", "number", "select", "text"),
}
"""Components that can carry out each intent, most natural first."""

_SIMPLE: dict[tuple[str, str], str] = {
    ("vacuum", "turn_on"): "vacuum.start",
    ("vacuum", "turn_off"): "vacuum.return_to_base",
    ("cover", "open"): "cover.open_cover",
    ("cover", "close"): "cover.close_cover",
    ("cover", "stop"): "cover.stop_cover",
    ("vacuum", "stop"): "vacuum.stop",
    ("switch", "stop"): "switch.turn_off",  # "stop the sprinkler"
    ("fan", "stop"): "fan.turn_off",
    ("lock", "lock"): "lock.lock",
    ("lock", "unlock"): "lock.unlock",
    ("lock", "open"): "lock.open",
    ("vacuum", "vacuum_start"): "vacuum.start",
    ("vacuum", "vacuum_return"): "vacuum.return_to_base",
    # The components HA added since: the same intents, their own service names.
    ("valve", "open"): "valve.open_valve",
    ("valve", "turn_on"): "valve.open_valve",  # as HA's HassTurnOn does for a valve
    ("valve", "turn_off"): "valve.close_valve",
    ("valve", "close"): "valve.close_valve",
    ("valve", "stop"): "valve.stop_valve",
    ("lawn_mower", "turn_on"): "lawn_mower.start_mowing",
    ("lawn_mower", "vacuum_start"): "lawn_mower.start_mowing",
    ("lawn_mower", "turn_off"): "lawn_mower.dock",
    ("lawn_mower", "vacuum_return"): "lawn_mower.dock",
    ("lawn_mower", "stop"): "lawn_mower.pause",
}


@dataclass(frozen=True)
class Call:
    """One planned service call for one entity, or why it cannot be planned."""

    service: str | None
    data: Mapping[str, Any]
    problem: str | None = None
    """"value" (a needed value is missing), "state" (needs a current value) or None."""


_NUMERIC = ("brightness", "percentage", "position", "temperature")


def _value(parse: Parse, slot: str) -> Any:
    """A slot's value; a number tagged as another numeric slot is re-read as this one."""
    found = parse.slot(slot)
    if found is not None and found.value is not None:
        return found.value
    if slot not in _NUMERIC:
        return None
    for other in (parse.slot(n) for n in _NUMERIC):
        if other is not None:
            value = normalize(slot, other.text, parse.lang)
            if value is not None:
                return value
    return None


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else round(float(value), 1)


def plan(parse: Parse, entity: Entity, state: State | None) -> Call:
    """The service call an intent means for one entity (unsupported services are checked later)."""
    intent, comp = parse.intent, entity.component
    if (comp, intent) in _SIMPLE:
        return Call(_SIMPLE[(comp, intent)], {})
    if intent in ("turn_on", "turn_off", "toggle"):
        return Call(f"{comp}.{intent}", {})
    if intent == "set_brightness":
        pct = _number(_value(parse, "brightness"))
        if pct is None:
            return Call(None, {}, "value")
        return (
            Call("light.turn_off", {})
            if pct <= 0
            else Call("light.turn_on", {"brightness_pct": min(pct, 100)})
        )
    if intent in ("brightness_up", "brightness_down"):
        step = _number(_value(parse, "brightness")) or 20
        return Call(
            "light.turn_on", {"brightness_step_pct": abs(step) * (1 if intent == "brightness_up" else -1)}
        )
    if intent == "set_color":
        color = _value(parse, "color")
        if isinstance(color, tuple | list) and len(color) == 3:
            return Call("light.turn_on", {"rgb_color": [int(c) for c in color]})
        if isinstance(color, str) and color:
            return Call("light.turn_on", {"color_name": color})
        return Call(None, {}, "value")
    if intent == "set_color_temp":
        kelvin = _number(_value(parse, "color_temp"))
        return (
            Call("light.turn_on", {"color_temp_kelvin": int(kelvin)}) if kelvin else Call(None, {}, "value")
        )
    if intent == "set_temperature":
        temp = _number(_value(parse, "temperature"))
        return (
            Call(f"{comp}.set_temperature", {"temperature": temp})
            if temp is not None
            else Call(None, {}, "value")
        )
    if intent in ("temperature_up", "temperature_down"):
        return _relative_temperature(parse, state)
    if intent == "set_hvac_mode":
        mode = _value(parse, "hvac_mode")
        return (
            Call("climate.set_hvac_mode", {"hvac_mode": mode})
            if isinstance(mode, str)
            else Call(None, {}, "value")
        )
    if intent == "set_position":
        pos = _number(_value(parse, "position"))
        if pos is None:
            return Call(None, {}, "value")
        service = "valve.set_valve_position" if comp == "valve" else "cover.set_cover_position"
        return Call(service, {"position": max(0, min(pos, 100))})
    if intent == "set_fan_speed":
        pct = _number(_value(parse, "percentage"))
        if pct is None:
            return Call(None, {}, "value")
        return (
            Call("fan.turn_off", {})
            if pct <= 0
            else Call("fan.set_percentage", {"percentage": min(pct, 100)})
        )
    verb = {"open": "open", "close": "close", "stop": "stop", "lock": "lock", "unlock": "unlock",
            "vacuum_start": "start", "vacuum_return": "return_to_base"}.get(intent, intent)  # fmt: skip
    return Call(f"{comp}.{verb}", {})


def _relative_temperature(parse: Parse, state: State | None) -> Call:
    target = None if state is None else state.attributes.get("temperature")
    if not isinstance(target, int | float) or isinstance(target, bool):
        return Call(None, {}, "state")
    step = _number(_value(parse, "temperature"))
    # A step slot is a difference ("two degrees"); an absolute-looking value above 10 is not.
    amount = step if step is not None and 0 < step <= 10 else 1
    sign = 1 if parse.intent == "temperature_up" else -1
    return Call("climate.set_temperature", {"temperature": _number(float(target) + sign * amount)})
