"""Validation and light coercion of an expanded discovery config, the way HA's schemas do it.

Home Assistant runs every discovery payload through voluptuous schemas that reject wrong types
and coerce the rest (`"max_temp": "35"` becomes `35.0`, `"retain": "true"` becomes `True`, a
number in `unique_id` becomes a string). Codecs read `Entity.config` and nothing else, so doing
the same here keeps every codec free of type checks: after `validate`, the keys listed below
have the types documented on each set, and unknown keys are left exactly as they came.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

from hub.errors import DiscoveryError

REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "light": ("command_topic",),
    "switch": ("command_topic",),
    "fan": ("command_topic",),
    "lock": ("command_topic",),
    "vacuum": ("command_topic",),
    "sensor": ("state_topic",),
    "binary_sensor": ("state_topic",),
    "button": ("command_topic",),
    "number": ("command_topic",),
    "select": ("command_topic", "options"),
    "scene": ("command_topic",),
    "siren": ("command_topic",),
    "humidifier": ("command_topic", "target_humidity_command_topic"),
    "alarm_control_panel": ("command_topic", "state_topic"),
    "text": ("command_topic",),
    "event": ("state_topic", "event_types"),
    "device_automation": ("topic", "type", "subtype"),
    "tag": ("topic",),
    "camera": ("topic",),
    "notify": ("command_topic",),
}
"""Keys a component cannot work without (HA's schemas). Climate needs any `*_command_topic`
(checked apart), an image an `image_topic` or a `url_topic`; a cover, valve, water heater, lawn
mower, update or device tracker may have none (HA allows them read-only)."""

LIGHT_SCHEMAS: Final = frozenset({"default", "basic", "json", "template"})
"""`default` was renamed `basic` in HA 2024; both mean the default schema. Absent means basic."""

COLOR_MODES: Final = frozenset(
    {"onoff", "brightness", "color_temp", "hs", "xy", "rgb", "rgbw", "rgbww", "white"}
)

_FLOAT_KEYS: Final = frozenset(
    {"min_temp", "max_temp", "temp_step", "precision", "min_humidity", "max_humidity", "min",
     "max", "step"}
)
"""Coerced to float (zigbee2mqtt sends `"max_temp": "35"`)."""

_INT_KEYS: Final[dict[str, int]] = {
    "qos": 0, "brightness_scale": 1, "white_scale": 1, "min_mireds": 1, "max_mireds": 1,
    "min_kelvin": 1, "max_kelvin": 1, "position_open": 0, "position_closed": 0, "tilt_min": 0,
    "tilt_max": 0, "tilt_opened_value": 0, "tilt_closed_value": 0, "speed_range_min": 1,
    "speed_range_max": 1, "flash_time_short": 0, "flash_time_long": 0, "expire_after": 0,
    "off_delay": 0, "suggested_display_precision": 0,
}
"""Coerced to int, with the smallest value HA accepts (a `brightness_scale` of 0 would divide by
zero in a codec)."""

_BOOL_KEYS: Final = frozenset(
    {"retain", "optimistic", "brightness", "color_temp_kelvin", "effect", "force_update",
     "enabled_by_default", "flash", "tilt_optimistic", "hs", "rgb", "xy", "color_temp",
     "reports_position", "code_arm_required", "code_disarm_required", "code_trigger_required",
     "support_duration", "support_volume_set"}
)
"""Coerced to bool with HA's `cv.boolean` rules ("on", "true", 1, …)."""

_STR_LIST_KEYS: Final = frozenset(
    {"modes", "fan_modes", "swing_modes", "swing_horizontal_modes", "preset_modes",
     "effect_list", "supported_color_modes", "options", "fan_speed_list", "supported_features",
     "event_types", "available_tones"}
)
"""Lists of strings; a lone string becomes a one-item list, as `cv.ensure_list` does."""

_STR_KEYS: Final = frozenset({"unique_id", "object_id", "default_entity_id", "schema", "code",
                             "type", "subtype", "automation_type", "payload", "mode",
                             "pattern"})
_NULLABLE_STR_KEYS: Final = frozenset({"name", "device_class", "icon", "entity_category"})
_DEVICE_STR_KEYS: Final = (
    "name", "manufacturer", "model", "model_id", "sw_version", "hw_version", "serial_number",
    "suggested_area", "via_device", "configuration_url",
)
_AVAILABILITY_MODES: Final = frozenset({"all", "any", "latest"})
_MAX_TOPIC_BYTES: Final = 65535
_TRUE: Final = frozenset({"1", "true", "yes", "on", "enable"})
_FALSE: Final = frozenset({"0", "false", "no", "off", "disable"})


def _fail(key: str, what: str, value: Any) -> DiscoveryError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return DiscoveryError(f"{key} must be {what}, got {shown}")


def _string(key: str, value: Any) -> str:
    """HA's `cv.string`: strings pass, numbers and booleans become strings, the rest fail."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    raise _fail(key, "a string", value)


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _fail(key, "a number", value)
    try:
        number = float(value)
    except ValueError:
        raise _fail(key, "a number", value) from None
    if not math.isfinite(number):
        raise _fail(key, "a finite number", value)
    return number


def _integer(key: str, value: Any, minimum: int) -> int:
    number = _number(key, value)
    if not number.is_integer():
        raise _fail(key, "a whole number", value)
    if number < minimum:
        raise _fail(key, f"at least {minimum}", value)
    return int(number)


def _boolean(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _fail(key, "a boolean", value)


def _string_list(key: str, value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [_string(key, item) for item in items]


def topic(key: str, value: Any, *, publish: bool) -> str:
    """Check one MQTT topic value: no topic from a discovery payload may hold a wildcard.

    A publish topic with `+` or `#` is not a topic at all; a state or availability topic with
    one would make the hub subscribe to whatever the payload asks, up to `#` (every message on
    the broker), on the word of anything that can publish under the discovery prefix.

    Args:
        key: The config key, for the error message.
        value: The value to check.
        publish: True for topics the hub publishes to (`*command_topic`, `set_position_topic`).

    Returns:
        The topic, unchanged.

    Raises:
        DiscoveryError: The value is not a usable topic.
    """
    if not isinstance(value, str) or not value:
        raise _fail(key, "a non-empty topic string", value)
    if "\0" in value or len(value.encode("utf-8", "surrogatepass")) > _MAX_TOPIC_BYTES:
        raise _fail(key, "a valid MQTT topic", value)
    if "+" in value or "#" in value:
        why = "a topic without wildcards" if publish else \
            "a topic without wildcards (the hub never subscribes to a wildcard from discovery)"
        raise _fail(key, why, value)
    return value


def _is_publish_topic(key: str) -> bool:
    return key.endswith("command_topic") or key.startswith("set_")


def _availability(config: dict[str, Any]) -> None:
    if "availability" in config and "availability_topic" in config:
        raise DiscoveryError("availability and availability_topic are mutually exclusive")
    if "availability" in config:
        entries = config["availability"]
        if isinstance(entries, dict):
            entries = [entries]
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise _fail("availability", "a list of objects", config["availability"])
        checked = []
        for entry in entries:
            entry = dict(entry)
            entry["topic"] = topic("availability[].topic", entry.get("topic"), publish=False)
            for key in ("payload_available", "payload_not_available", "value_template"):
                if key in entry:
                    entry[key] = _string(f"availability[].{key}", entry[key])
            checked.append(entry)
        config["availability"] = checked
    mode = config.get("availability_mode", "latest")
    if not isinstance(mode, str) or mode not in _AVAILABILITY_MODES:
        raise _fail("availability_mode", "all, any or latest", mode)


def device(value: Any) -> dict[str, Any]:
    """Check a `device` block (abbreviations already expanded) and normalise its ids.

    Args:
        value: The `device` value of the config.

    Returns:
        A copy with `identifiers` a list of strings and `connections` a list of pairs.

    Raises:
        DiscoveryError: Not an object, or neither identifiers nor connections (HA's rule).
    """
    if not isinstance(value, dict):
        raise _fail("device", "an object", value)
    block = dict(value)
    ids = block.get("identifiers", [])
    block["identifiers"] = _string_list("device.identifiers", ids)
    connections = block.get("connections", [])
    if not isinstance(connections, list) or not all(
        isinstance(c, list) and len(c) == 2 for c in connections
    ):
        raise _fail("device.connections", "a list of [type, id] pairs", connections)
    block["connections"] = [[_string("device.connections", p) for p in c] for c in connections]
    if not block["identifiers"] and not block["connections"]:
        raise DiscoveryError("device needs identifiers or connections")
    for key in _DEVICE_STR_KEYS:
        if block.get(key) is not None:
            block[key] = _string(f"device.{key}", block[key])
    return block


def _light(config: dict[str, Any]) -> None:
    schema = config.get("schema", "basic")
    if schema not in LIGHT_SCHEMAS:
        raise _fail("schema", "one of basic, default, json, template", schema)
    if schema == "template":
        for key in ("command_on_template", "command_off_template"):
            if key not in config:
                raise DiscoveryError(f"a template-schema light needs {key}")
    modes = config.get("supported_color_modes")
    if modes is not None:
        if not set(modes) <= COLOR_MODES:
            raise _fail("supported_color_modes", f"a subset of {sorted(COLOR_MODES)}", modes)
        if len(modes) > 1 and {"onoff", "brightness"} & set(modes):
            raise DiscoveryError("supported_color_modes: onoff and brightness must stand alone")


def _ranges(config: dict[str, Any]) -> None:
    pairs = (("min_temp", "max_temp"), ("min_humidity", "max_humidity"),
             ("min_mireds", "max_mireds"), ("min_kelvin", "max_kelvin"),
             ("speed_range_min", "speed_range_max"), ("min", "max"))
    for low, high in pairs:
        if low in config and high in config and config[low] > config[high]:
            raise DiscoveryError(f"{low} ({config[low]}) is above {high} ({config[high]})")
    if config.get("qos", 0) > 2:
        raise _fail("qos", "0, 1 or 2", config["qos"])
    for one, other in (("position_open", "position_closed"), ("tilt_max", "tilt_min")):
        if one in config and other in config and config[one] == config[other]:
            raise DiscoveryError(f"{one} and {other} must differ")


_SCALARS: Final[tuple[tuple[frozenset[str], Callable[[str, Any], Any]], ...]] = (
    (_FLOAT_KEYS, _number),
    (_BOOL_KEYS, _boolean),
    (_STR_LIST_KEYS, _string_list),
    (_STR_KEYS, _string),
)


def validate(component: str, config: dict[str, Any]) -> None:
    """Validate `config` for `component` in place, coercing the known keys.

    Args:
        component: One of `hub.domain.COMPONENTS`.
        config: The expanded config (abbreviations and `~` already replaced); changed in place.

    Raises:
        DiscoveryError: A required key is missing or a known key has an unusable value. The
            message names the key; the caller adds the topic.
    """
    for key, value in list(config.items()):
        if key == "topic" or key.endswith("_topic"):
            config[key] = topic(key, value, publish=_is_publish_topic(key))
        elif key.endswith("template"):
            if value is None or isinstance(value, dict | list):
                raise _fail(key, "a template string", value)
            config[key] = _string(key, value)
        elif key.startswith("payload_") or (key.startswith("state_") and key != "state_class"):
            if value is not None:
                config[key] = _string(key, value)
        elif key in _INT_KEYS:
            config[key] = _integer(key, value, _INT_KEYS[key])
        elif key in _NULLABLE_STR_KEYS:
            config[key] = None if value is None else _string(key, value)
        else:
            for keys, coerce in _SCALARS:
                if key in keys:
                    config[key] = coerce(key, value)
                    break
    _availability(config)
    if "device" in config:
        config["device"] = device(config["device"])
    if "origin" in config and not isinstance(config["origin"], dict):
        raise _fail("origin", "an object", config["origin"])
    for key in REQUIRED.get(component, ()):
        if key not in config:
            raise DiscoveryError(f"{component} needs {key}")
    if component == "climate" and not any(k.endswith("command_topic") for k in config):
        raise DiscoveryError("climate needs at least one *_command_topic")
    if component == "light":
        _light(config)
    if component == "image" and not ("image_topic" in config or "url_topic" in config):
        raise DiscoveryError("image needs image_topic or url_topic")
    if component == "device_automation" and config.get("automation_type", "trigger") != "trigger":
        raise _fail("automation_type", "trigger", config.get("automation_type"))
    _ranges(config)
