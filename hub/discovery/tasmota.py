"""Tasmota's native discovery (`tasmota/discovery/<mac>/config` and `…/sensors`) turned into
the entities Home Assistant's Tasmota integration (hatasmota) makes.

Current Tasmota firmware (9.x and later, `SetOption19 0`, the default) no longer publishes HA
MQTT discovery; it announces itself in its own format. This module translates one device's
config into HA MQTT configs, so the existing codecs drive the device unchanged:

* a relay (`rl[i] == 1`) → a switch: `cmnd/Power<i+1>` with `ON`/`OFF`, state from the
  `POWER`/`POWER<i+1>` key of `stat/RESULT` and `tele/STATE`;
* a light (`rl[i] == 2`) → a light with on/off, `Dimmer` brightness (0–100) when the light
  subtype `lt_st` is 1 or more, `CT` (mireds 153–500) for subtype 2, 4 and 5, and hue and
  saturation (`HSBColor1`/`HSBColor2` in one `Backlog`) for subtype 3 and up;
* each pair of shutter relays (`rl[i] == 3`) → a cover: `ShutterOpen<n>`/`ShutterClose<n>`/
  `ShutterStop<n>` through `Backlog`, `ShutterPosition<n>`, position from `Shutter<n>` in
  `stat/RESULT` and `tele/SENSOR`;
* each quantity of the `sensors` message → a sensor on `tele/SENSOR` (`{"DHT11":
  {"Temperature": 21.3}}` → `sensor.<device>_dht11_temperature`), with HA's unit and device
  class for the quantities it knows;
* availability from `tele/LWT` with the `onln`/`ofln` payloads.

Topics are built from the FullTopic `ft` with `%prefix%` (one of `tp`), `%topic%` (`t`),
`%hostname%` (`hn`) and `%id%` (the MAC's last six digits). Buttons and switches as triggers,
shutter tilt and the white channel of RGBW lights are not translated. Pure: config in,
entities out; the only state is the last config per device, which the sensors message needs.
"""

from __future__ import annotations

import re
from typing import Any, Final

import orjson

from hub.discovery import schema
from hub.discovery.ha import friendly_name, slugify
from hub.domain import DeviceInfo, Entity, Removal
from hub.errors import DiscoveryError

PREFIX: Final = "tasmota/discovery"
"""The topic prefix of Tasmota's discovery (HA's `tasmota` integration's DEFAULT_PREFIX)."""
_TOPIC_RE: Final = re.compile(r"tasmota/discovery/(?P<mac>[0-9A-Fa-f]{12})/(?P<kind>config|sensors)")
_MAX_RELAYS: Final = 32

_QUANTITIES: Final[dict[str, tuple[str | None, str | None, str | None]]] = {
    # quantity → (unit, device_class, state_class)
    "Temperature": (None, "temperature", "measurement"),
    "DewPoint": (None, "temperature", "measurement"),
    "Humidity": ("%", "humidity", "measurement"),
    "Pressure": ("hPa", "pressure", "measurement"),
    "SeaPressure": ("hPa", "pressure", "measurement"),
    "Illuminance": ("lx", "illuminance", "measurement"),
    "Power": ("W", "power", "measurement"),
    "ApparentPower": ("VA", "apparent_power", "measurement"),
    "ReactivePower": ("var", "reactive_power", "measurement"),
    "Factor": (None, "power_factor", "measurement"),
    "Voltage": ("V", "voltage", "measurement"),
    "Current": ("A", "current", "measurement"),
    "Frequency": ("Hz", "frequency", "measurement"),
    "Total": ("kWh", "energy", "total_increasing"),
    "Today": ("kWh", "energy", "total_increasing"),
    "Yesterday": ("kWh", "energy", None),
    "CarbonDioxide": ("ppm", "carbon_dioxide", "measurement"),
    "eCO2": ("ppm", "carbon_dioxide", "measurement"),
    "TVOC": ("ppb", "volatile_organic_compounds_parts", "measurement"),
    "PM2.5": ("µg/m³", "pm25", "measurement"),
    "PM10": ("µg/m³", "pm10", "measurement"),
    "PM1": ("µg/m³", "pm1", "measurement"),
    "Distance": ("cm", "distance", "measurement"),
}
"""Quantities hatasmota gives a unit and device class (a subset of its table)."""
_SKIP_SENSOR_KEYS: Final = frozenset({"Time", "TempUnit", "PressureUnit", "SpeedUnit"})


def parse_tasmota_topic(topic: str) -> tuple[str, str] | None:
    """(mac, "config" or "sensors") for a Tasmota discovery topic, else None."""
    match = _TOPIC_RE.fullmatch(topic)
    return (match["mac"].upper(), match["kind"]) if match else None


class TasmotaDiscovery:
    """Tasmota discovery messages → entities and removals, one device at a time."""

    def __init__(self) -> None:
        self._configs: dict[str, dict[str, Any]] = {}
        self._sensors: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, set[str]] = {}

    def handle(self, topic: str, payload: bytes | str) -> list[Entity | Removal]:
        """The entities (and removals) after one message on `tasmota/discovery/<mac>/…`.

        Raises:
            DiscoveryError: Not a Tasmota discovery topic, or an unusable payload.
        """
        where = parse_tasmota_topic(topic)
        if where is None:
            raise DiscoveryError(f"{topic!r} is not a Tasmota discovery topic "
                                 f"({PREFIX}/<mac>/config or …/sensors)")
        mac, kind = where
        config_topic = f"{PREFIX}/{mac}/config"
        if len(payload) > 64 * 1024:
            raise DiscoveryError(f"{topic}: payload over the 64 KiB discovery limit")
        if len(payload) == 0:
            if kind == "config":
                self._configs.pop(mac, None)
                self._sensors.pop(mac, None)
                self._keys.pop(mac, None)
                return [Removal(config_topic)]
            self._sensors.pop(mac, None)
            return self._rebuild(mac, config_topic)
        value = _load(topic, payload)
        if kind == "config":
            self._configs[mac] = value
        else:
            sensors = value.get("sn")
            if not isinstance(sensors, dict):
                raise DiscoveryError(f"{topic}: sensors message needs an sn object")
            self._sensors[mac] = sensors
        return self._rebuild(mac, config_topic)

    def _rebuild(self, mac: str, config_topic: str) -> list[Entity | Removal]:
        config = self._configs.get(mac)
        if config is None:
            return []  # sensors before the config: kept until the config arrives
        try:
            entities = device_entities(config_topic, config, self._sensors.get(mac, {}))
        except (KeyError, TypeError, ValueError, IndexError) as err:
            raise DiscoveryError(f"{config_topic}: unusable Tasmota config ({err})") from None
        keys = {e.component_key for e in entities if e.component_key}
        gone = self._keys.get(mac, set()) - keys
        self._keys[mac] = keys
        return [*entities, *(Removal(config_topic, key) for key in sorted(gone))]


def _load(topic: str, payload: bytes | str) -> dict[str, Any]:
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError as err:
        raise DiscoveryError(f"{topic}: payload is not valid JSON ({err})") from None
    if not isinstance(value, dict):
        raise DiscoveryError(f"{topic}: payload must be a JSON object")
    return value


def full_topic(config: dict[str, Any], prefix_index: int, command: str) -> str:
    """A runtime topic: `ft` with its placeholders filled, then the command (`LWT`, `POWER1`)."""
    prefixes = config["tp"]
    mac = str(config["mac"])
    text = (str(config["ft"]).replace("%prefix%", str(prefixes[prefix_index]))
            .replace("%topic%", str(config["t"])).replace("%hostname%", str(config.get("hn", "")))
            .replace("%id%", mac[-6:]))
    if not text.endswith("/"):
        text += "/"
    return text + command


def _device(config: dict[str, Any]) -> dict[str, Any]:
    mac = str(config["mac"])
    return {"identifiers": [mac], "connections": [["mac", mac.lower()]],
            "name": str(config.get("dn") or config["t"]), "manufacturer": "Tasmota",
            "model": config.get("md"), "sw_version": config.get("sw")}


def _base(config: dict[str, Any]) -> dict[str, Any]:
    return {"availability_topic": full_topic(config, 2, "LWT"),
            "payload_available": str(config.get("onln", "Online")),
            "payload_not_available": str(config.get("ofln", "Offline")),
            "device": _device(config)}


def _power_key(config: dict[str, Any], index: int) -> str:
    relays = sum(1 for kind in config["rl"] if kind)
    single = relays == 1 and str(config.get("so", {}).get("26", 0)) in ("0", "None")
    return "POWER" if single and index == 0 else f"POWER{index + 1}"


def _relay_config(config: dict[str, Any], index: int, kind: int) -> tuple[str, dict[str, Any]]:
    names = config.get("fn") or []
    name = names[index] if index < len(names) and names[index] else f"{config.get('dn')} {index + 1}"
    key = _power_key(config, index)
    texts = config.get("state") or ["OFF", "ON"]
    platform = "light" if kind == 2 else "switch"
    entry: dict[str, Any] = {
        **_base(config), "name": name, "unique_id": f"{config['mac']}_{platform}_relay_{index}",
        "command_topic": full_topic(config, 0, f"POWER{index + 1}"),
        "state_topic": full_topic(config, 1, "RESULT"),
        "telemetry_topic": full_topic(config, 2, "STATE"),
        "payload_on": str(texts[1]), "payload_off": str(texts[0]),
        "qos": 0,
    }
    if kind == 2:
        entry["state_value_template"] = f"{{{{ value_json.{key} }}}}"
        subtype = int(config.get("lt_st") or 0)
        if subtype >= 1:
            entry.update(brightness_command_topic=full_topic(config, 0, "Dimmer"),
                         brightness_scale=100, on_command_type="brightness",
                         brightness_state_topic=full_topic(config, 1, "RESULT"),
                         brightness_value_template="{{ value_json.Dimmer }}")
        if subtype >= 3:  # RGB and up: hue and saturation through HSBColor1/2, one Backlog
            entry.update(
                hs_command_topic=full_topic(config, 0, "Backlog"),
                hs_command_template="NoDelay;HSBColor1 {{ hue | round(0) | int }};NoDelay;"
                                    "HSBColor2 {{ sat | round(0) | int }}",
                hs_state_topic=full_topic(config, 1, "RESULT"),
                hs_value_template="{{ value_json.HSBColor.split(',')[:2] | join(',') }}")
        if subtype in (2, 4, 5):
            entry.update(color_temp_command_topic=full_topic(config, 0, "CT"),
                         color_temp_state_topic=full_topic(config, 1, "RESULT"),
                         color_temp_value_template="{{ value_json.CT }}",
                         min_mireds=153, max_mireds=500)
        return platform, entry
    entry["value_template"] = f"{{{{ value_json.{key} }}}}"
    return platform, entry


def _shutter_config(config: dict[str, Any], number: int) -> dict[str, Any]:
    """Shutter `number` (1-based; each uses a pair of `rl == 3` relays) → an HA cover."""
    key = f"Shutter{number}"
    return {
        **_base(config), "name": f"{config.get('dn')} {key}" if number > 1 else None,
        "unique_id": f"{config['mac']}_cover_shutter_{number - 1}", "device_class": "shutter",
        "command_topic": full_topic(config, 0, "Backlog"),
        "payload_open": f"ShutterOpen{number}", "payload_close": f"ShutterClose{number}",
        "payload_stop": f"ShutterStop{number}",
        "set_position_topic": full_topic(config, 0, f"ShutterPosition{number}"),
        "position_topic": full_topic(config, 1, "RESULT"),
        "telemetry_topic": full_topic(config, 2, "SENSOR"),
        "position_template": f"{{{{ value_json.{key}.Position }}}}",
        "qos": 0,
    }


def _sensor_configs(config: dict[str, Any], sensors: dict[str, Any]) -> list[dict[str, Any]]:
    temperature_unit = "°F" if str(sensors.get("TempUnit", "C")).upper() == "F" else "°C"
    out = []
    for group, values in sensors.items():
        if group in _SKIP_SENSOR_KEYS or not isinstance(values, dict):
            continue
        for quantity, value in values.items():
            if isinstance(value, dict | list):
                continue
            unit, device_class, state_class = _QUANTITIES.get(quantity, (None, None, None))
            if device_class == "temperature":
                unit = temperature_unit
            if device_class == "pressure" and sensors.get("PressureUnit"):
                unit = str(sensors["PressureUnit"])
            entry: dict[str, Any] = {
                **_base(config), "name": f"{group} {quantity}",
                "unique_id": f"{config['mac']}_sensor_sensor_{group}_{quantity}",
                "state_topic": full_topic(config, 2, "SENSOR"),
                "value_template": f"{{{{ value_json[{_quote(group)}][{_quote(quantity)}] }}}}",
            }
            for key, item in (("unit_of_measurement", unit), ("device_class", device_class),
                              ("state_class", state_class)):
                if item:
                    entry[key] = item
            out.append(entry)
    return out


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def device_entities(config_topic: str, config: dict[str, Any],
                    sensors: dict[str, Any]) -> list[Entity]:
    """The entities of one Tasmota device.

    Args:
        config_topic: `tasmota/discovery/<mac>/config` (the entities' discovery topic).
        config: The config message.
        sensors: The `sn` object of the sensors message (empty when none arrived).

    Raises:
        DiscoveryError: A translated config fails validation (e.g. a wildcard in `t`).
    """
    configs: list[tuple[str, str, dict[str, Any]]] = []
    for index, kind in enumerate(list(config["rl"])[:_MAX_RELAYS]):
        if kind in (1, 2):
            component, entry = _relay_config(config, index, int(kind))
            configs.append((component, f"relay_{index}", entry))
    shutters = sum(1 for kind in list(config["rl"])[:_MAX_RELAYS] if kind == 3) // 2
    for number in range(1, shutters + 1):
        configs.append(("cover", f"shutter_{number - 1}", _shutter_config(config, number)))
    for entry in _sensor_configs(config, sensors):
        configs.append(("sensor", slugify(entry["name"]), entry))
    entities = []
    for component, key, entry in configs:
        try:
            schema.validate(component, entry)
        except DiscoveryError as err:
            raise DiscoveryError(f"{config_topic}#{key}: {err}") from None
        device = entry["device"]
        info = DeviceInfo(identifiers=tuple(device["identifiers"]), name=device.get("name"),
                          manufacturer=device.get("manufacturer"), model=device.get("model"),
                          sw_version=device.get("sw_version"),
                          connections=tuple((k, v) for k, v in device["connections"]))
        name, _ = friendly_name(component, entry, info)
        entities.append(Entity(
            entity_id=f"{component}.{slugify(name) or key}", component=component, name=name,
            discovery_topic=config_topic, config=entry, unique_id=entry["unique_id"],
            component_key=key, device=info, device_class=entry.get("device_class"),
        ))
    return entities
