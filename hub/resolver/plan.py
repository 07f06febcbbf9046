"""Intent → Home Assistant service call per target entity (the contract's names and data)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.domain import Entity, Parse, State
from hub.text.values import normalize, percent

INTENT_COMPONENTS: dict[str, tuple[str, ...]] = {
    "turn_on": ("light", "switch", "fan", "climate", "vacuum", "scene", "siren", "humidifier", "water_heater",
                "lawn_mower", "valve", "button"),
    "turn_off": ("light", "switch", "fan", "climate", "vacuum", "siren", "humidifier", "water_heater",
                 "lawn_mower", "valve"),
    "toggle": ("light", "switch", "fan", "siren", "humidifier", "button"),
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
    "set_value": ("number", "humidifier"),
    "select_option": ("select",),
    "arm": ("alarm_control_panel",),
    "disarm": ("alarm_control_panel",),
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
    ("button", "turn_on"): "button.press",  # "press the doorbell button", as HA's HassTurnOn does
    ("button", "toggle"): "button.press",  # "hit the doorbell button": a button's only action
    ("alarm_control_panel", "disarm"): "alarm_control_panel.alarm_disarm",
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
    if intent == "set_value":
        return _set_value(parse, comp)
    if intent == "select_option":
        found = parse.slot("option")
        if found is None or not found.text.strip():
            return Call(None, {}, "value")
        return Call("select.select_option", {"option": pick_option(found.text, entity.config.get("options"))})
    if intent == "arm":
        return Call(f"alarm_control_panel.alarm_arm_{arm_mode(parse)}", {})
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


_UNITS = re.compile(r"(?i)\b(?:cm|centimet(?:er|re)s?|mm|millimet(?:er|re)s?|seconds?|secs?|minutes?|mins?"
                    r"|percent|per cent|pct|humidity)\b|厘米|公分|毫米|秒钟?|分钟|湿度|%")


def _set_value(parse: Parse, comp: str) -> Call:
    """A number entity's value ("desk height to 95 cm") or a humidifier's target ("45 %")."""
    found = parse.slot("value")
    text = found.text if found is not None else ""
    number = _number(percent(_UNITS.sub(" ", text).strip(), parse.lang)) if text else None
    if number is None:
        number = _number(_value(parse, "percentage"))  # a value the tagger called something else
    if number is None:
        return Call(None, {}, "value")
    if comp == "humidifier":
        return Call("humidifier.set_humidity", {"humidity": round(number)})
    return Call("number.set_value", {"value": number})


def pick_option(said: str, options: Any) -> str:
    """The select option the user meant: same words, then a unique option that starts with or
    contains what was said ("stand" → "Standing"); else what was said (the codec refuses it and
    names the options)."""
    if not isinstance(options, list | tuple):
        return said.strip()
    key = _option_key(said)
    keys = {str(o): _option_key(str(o)) for o in options}
    for option, k in keys.items():
        if k == key:
            return option
    for loose in (False, True):
        hits = [o for o, k in keys.items() if k and key and _near(k, key, loose)]
        if len(hits) == 1:
            return hits[0]
    return said.strip()


def _near(a: str, b: str, loose: bool) -> bool:
    """One starts with the other (or, loosely, contains it)."""
    return (a in b or b in a) if loose else (a.startswith(b) or b.startswith(a))


def _option_key(text: str) -> str:
    t = re.sub(r"(?i)\b(?:mode|setting|option|program(?:me)?)\b|模式|选项|档|程序", " ", text.casefold())
    return re.sub(r"[\s_\-]+", " ", t).strip()


_ARM_MODES = (
    ("custom_bypass", re.compile(r"(?i)custom|bypass|自定义")),
    ("vacation", re.compile(r"(?i)vacation|holiday|度假|假期")),
    ("night", re.compile(r"(?i)night|sleep|bed|夜|睡")),
    ("home", re.compile(r"(?i)\bhome\b|\bstay\b|在家|留守")),
    ("away", re.compile(r"(?i)away|out|leav|离家|外出|出门")),
)


_ARM_WORDS = re.compile(r"(?i)\barm(?:ed)?\s+(\w+)|\b(\w+)\s+mode\b|\bfor the (night)\b|(\w{2})(?:布防|模式)")


def arm_mode(parse: Parse) -> str:
    """Which arm service: the arm_mode slot, else a mode word where the sentence says one ("arm
    home", "night mode", "for the night", 夜间布防), else away (HA's usual). A name such as
    "home alarm" is not a mode."""
    found = parse.slot("arm_mode")
    said = [found.text] if found is not None else []
    said += [w for m in _ARM_WORDS.finditer(parse.text) for w in m.groups() if w]
    for text in said:
        for mode, words in _ARM_MODES:
            if words.search(text):
                return mode
    return "away"
