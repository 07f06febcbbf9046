"""The hub's parses as Home Assistant's built-in intents (pure: no I/O).

Home Assistant carries out an `intent` answer itself, on *all* its entities (ZHA, Z-Wave and
Matter too), by intent name and slots: `HassTurnOn {"name": "floor lamp", "domain": "light"}`.
This module maps one `Parse` to those names and slot names, or says why it cannot:

| hub intent | HA intent | slots besides name, area, domain, device_class |
|---|---|---|
| turn_on, turn_off, toggle | HassTurnOn, HassTurnOff, HassToggle | |
| lock, unlock | HassTurnOn, HassTurnOff with domain `lock` (HA's own sentences do this) | |
| open, close, stop | HassTurnOn, HassTurnOff, HassStopMoving with domain `cover` | |
| set_brightness, set_color, set_color_temp | HassLightSet | brightness %, color (CSS name), temperature K |
| set_temperature | HassClimateSetTemperature | temperature |
| set_position | HassSetPosition | position |
| set_fan_speed | HassFanSetSpeed | percentage |
| vacuum_start, vacuum_return | HassVacuumStart, HassVacuumReturnToBase | |
| get_state | HassGetState | |

Relative changes (brightness_up, temperature_down, …) and set_hvac_mode have no built-in intent:
they are "not recognized" with that reason, and HA's own agent may still try the sentence.

A device-class phrase ("lamp", "blinds", "空调") becomes HA's `domain` (and `device_class` when it
names one); words next to it that are no device class are part of the device's name ("floor" +
"lamp" → name "floor lamp", domain light), so a name never widens into "every light".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hub.codecs.colors import CSS_COLORS
from hub.domain import Parse, Slot
from hub.resolver.lexicon import EVERYTHING_WORDS, class_targets, key

SIMPLE: Mapping[str, tuple[str, str | None]] = {
    "turn_on": ("HassTurnOn", None),
    "turn_off": ("HassTurnOff", None),
    "toggle": ("HassToggle", None),
    "lock": ("HassTurnOn", "lock"),
    "unlock": ("HassTurnOff", "lock"),
    "open": ("HassTurnOn", "cover"),
    "close": ("HassTurnOff", "cover"),
    "stop": ("HassStopMoving", "cover"),
    "set_brightness": ("HassLightSet", "light"),
    "set_color": ("HassLightSet", "light"),
    "set_color_temp": ("HassLightSet", "light"),
    "set_temperature": ("HassClimateSetTemperature", None),
    "set_position": ("HassSetPosition", None),
    "set_fan_speed": ("HassFanSetSpeed", "fan"),
    "vacuum_start": ("HassVacuumStart", None),
    "vacuum_return": ("HassVacuumReturnToBase", None),
    "get_state": ("HassGetState", None),
}
"""Hub intent → (HA intent, the domain it implies or None)."""

VALUE_SLOTS: Mapping[str, tuple[str, str]] = {
    "set_brightness": ("brightness", "brightness"),
    "set_color": ("color", "color"),
    "set_color_temp": ("color_temp", "temperature"),
    "set_temperature": ("temperature", "temperature"),
    "set_position": ("position", "position"),
    "set_fan_speed": ("percentage", "percentage"),
}
"""Hub intent → (the hub slot with its value, HA's slot name for it)."""

HA_INTENTS: tuple[str, ...] = tuple(dict.fromkeys(name for name, _ in SIMPLE.values()))
"""Every HA intent this mapping can answer with."""

_NO_EQUIVALENT = {
    "brightness_up": "brighter/dimmer", "brightness_down": "brighter/dimmer",
    "temperature_up": "warmer/cooler", "temperature_down": "warmer/cooler",
    "set_hvac_mode": "an HVAC mode change",
}  # fmt: skip
_TARGET_SLOTS = ("name", "device_class")


@dataclass(frozen=True)
class HaIntent:
    """One Home Assistant intent with its slots (HA's names, plain JSON values)."""

    name: str
    """HA's intent type, e.g. `HassTurnOn`."""
    slots: Mapping[str, Any] = field(default_factory=dict)
    """Slot name → value: `name`, `area`, `domain`, `device_class`, `brightness`, … ."""


@dataclass(frozen=True)
class Recognition:
    """The HA intents of one sentence, or why there are none (`intents` empty, `reason` set)."""

    intents: tuple[HaIntent, ...] = ()
    reason: str | None = None


def recognize(parses: Sequence[Parse]) -> Recognition:
    """Map the parses of one sentence (one per command it holds) to HA intents.

    All or nothing: when one command has no HA equivalent, none is answered, so HA never carries
    out half of a compound sentence.
    """
    if not parses:
        return Recognition(reason="nothing to recognize")
    found: list[HaIntent] = []
    for parse in parses:
        one = to_ha_intent(parse)
        if isinstance(one, str):
            return Recognition(reason=one)
        found.append(one)
    return Recognition(intents=tuple(found))


def to_ha_intent(parse: Parse) -> HaIntent | str:
    """One parse as one HA intent, or the reason (a sentence) it has none."""
    zh = parse.lang == "zh"
    if parse.intent == "none":
        return "这不像是一个家居指令。" if zh else "That doesn't sound like a home command."
    if parse.intent in _NO_EQUIVALENT:
        what = _NO_EQUIVALENT[parse.intent]
        return (f"Home Assistant 没有对应的内置意图（{parse.intent}）。" if zh
                else f"Home Assistant has no built-in intent for {what} ({parse.intent}).")
    if parse.intent not in SIMPLE:
        return f"unknown intent {parse.intent!r}"
    ha_name, implied = SIMPLE[parse.intent]
    slots: dict[str, Any] = {}
    name, domain, device_class = _target(parse)
    if name is None and domain is None and any(
            s.name == "device_class" and key(s.text) in EVERYTHING_WORDS for s in parse.slots):
        # The hub's "everything" is lights, switches and fans; one HA intent takes one domain, and
        # an area alone would reach locks and covers too.
        return ("Home Assistant 的意图一次只针对一类设备，请说明是灯、开关还是风扇。" if zh
                else "Home Assistant's intents take one kind of device: say lights, switches or fans.")
    if name:
        slots["name"] = name
    area = parse.slot("area")
    if area is not None and area.text.strip():
        slots["area"] = area.text.strip()
    domain = implied or domain
    if domain:
        slots["domain"] = domain
    if device_class:
        slots["device_class"] = device_class
    if parse.intent in VALUE_SLOTS:
        hub_slot, ha_slot = VALUE_SLOTS[parse.intent]
        value = _value(parse.slot(hub_slot))
        if value is None:
            return (f"没听清要设成多少（{hub_slot}）。" if zh
                    else f"I did not catch the value to set ({hub_slot}).")
        slots[ha_slot] = value
    untargeted = parse.intent in ("vacuum_start", "vacuum_return")  # "start vacuuming": HA finds the one
    if not untargeted and not ({"name", "area", "domain"} & slots.keys()):
        return "没听清是哪个设备。" if zh else "I did not catch which device you mean."
    return HaIntent(ha_name, slots)


def _target(parse: Parse) -> tuple[str | None, str | None, str | None]:
    """(name, domain, device class) from the name and device-class slots.

    Adjacent target slots are read as one phrase: a device-class word inside it gives the domain
    (and device class); the whole phrase is the name when any part of it is not a class word.
    """
    spans = _phrases([s for s in parse.slots if s.name in _TARGET_SLOTS], parse.text)
    name: str | None = None
    domain: str | None = None
    device_class: str | None = None
    for phrase, parts in spans:
        is_name = False
        for slot in parts:
            if slot.name == "device_class" and key(slot.text) in EVERYTHING_WORDS:
                continue
            targets = class_targets(slot.text, parse.lang) if slot.name == "device_class" else []
            if targets:
                component, cls = targets[0]
                domain = domain or component
                device_class = device_class or cls
            else:
                is_name = True
        if is_name and name is None:
            name = phrase
    return name, domain, device_class


def _phrases(slots: list[Slot], text: str) -> list[tuple[str, list[Slot]]]:
    """Group slots that touch in the sentence (only spaces or 的 between them)."""
    ordered = sorted(slots, key=lambda s: (s.start, s.end))
    groups: list[list[Slot]] = []
    for slot in ordered:
        last = groups[-1][-1] if groups else None
        if last is not None and slot.start >= last.end and not text[last.end:slot.start].strip(" 的"):
            groups[-1].append(slot)
        else:
            groups.append([slot])
    out = []
    for group in groups:
        start, end = group[0].start, group[-1].end
        phrase = text[start:end].strip() if 0 <= start < end <= len(text) else " ".join(s.text for s in group)
        out.append((phrase or " ".join(s.text for s in group), group))
    return out


def _value(slot: Slot | None) -> Any:
    """A slot's normalised value as HA takes it (a colour as its CSS name); None when it has none."""
    if slot is None or slot.value is None:
        return None
    value = slot.value
    if slot.name == "color":
        rgb = tuple(value) if isinstance(value, list | tuple) else None
        spelled = slot.text.strip().casefold().replace(" ", "")
        if spelled in CSS_COLORS and CSS_COLORS[spelled] == rgb:
            return spelled
        return next((name for name, known in CSS_COLORS.items() if known == rgb), None)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


__all__ = ["HA_INTENTS", "HaIntent", "Recognition", "recognize", "to_ha_intent"]
