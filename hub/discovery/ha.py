"""Home Assistant MQTT discovery: one retained config message in, entities or removals out.

Follows `homeassistant/components/mqtt/discovery.py`: the topic regex, removal by an empty
payload, abbreviation expansion (root, `availability[]`, `device`, `origin`, each `cmps` entry),
then `~` substitution, device-based discovery with shared options, and HA's naming rules for the
friendly name and the entity id. Pure: no I/O, nothing but values in and values out.

Where this module deliberately differs from Home Assistant:

* HA drops a payload with an invalid `origin`; only a non-object `origin` is refused here.
* A `~` at the root of a device payload also expands the root's shared options before they are
  copied into the components (HA would copy the literal `~/state`, which never works).
* HA's slugify transliterates with `unidecode` ("书房灯" → `shu_fang_deng`); that package is not
  a dependency, so letters outside ASCII are kept as they are (`light.书房灯`) after accents are
  stripped (`café` → `cafe`). Publishers that care set `object_id`/`default_entity_id`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import orjson

from hub.discovery import schema
from hub.discovery.abbreviations import expand_all
from hub.domain import COMPONENTS, DeviceInfo, Entity, Removal
from hub.errors import DiscoveryError

_LOGGER = logging.getLogger(__name__)

DEVICE_COMPONENT: Final = "device"
"""The `<component>` of device-based discovery topics."""

_TOPIC_RE: Final = re.compile(
    r"(?P<component>\w+)/(?:(?P<node_id>[a-zA-Z0-9_-]+)/)?(?P<object_id>[a-zA-Z0-9_-]+)/config",
    re.ASCII,
)

SHARED_OPTIONS: Final = (
    "availability", "availability_mode", "availability_template", "availability_topic",
    "payload_available", "payload_not_available", "state_topic", "command_topic", "qos",
    "encoding", "message_expiry_interval",
)
"""Root options of a device payload that components inherit unless they set them (HA's list)."""

DEFAULT_NAMES: Final[dict[str, str]] = {
    "light": "MQTT Light", "switch": "MQTT Switch", "fan": "MQTT Fan", "climate": "MQTT HVAC",
    "cover": "MQTT Cover", "lock": "MQTT Lock", "vacuum": "MQTT Vacuum",
    "sensor": "MQTT Sensor", "binary_sensor": "MQTT Binary sensor", "button": "MQTT Button",
    "number": "MQTT Number", "select": "MQTT Select", "scene": "MQTT Scene",
    "siren": "MQTT Siren", "valve": "MQTT Valve", "humidifier": "MQTT Humidifier",
    "water_heater": "MQTT Water Heater", "alarm_control_panel": "MQTT Alarm",
    "lawn_mower": "MQTT Lawn Mower", "text": "MQTT Text", "update": "MQTT Update",
    "device_tracker": "MQTT Device Tracker", "event": "MQTT Event",
    "device_automation": "MQTT Trigger", "tag": "MQTT Tag", "image": "MQTT Image",
    "camera": "MQTT Camera", "notify": "MQTT Notify",
}
"""HA's name for an entity that has neither a name nor a device."""

_CLASS_TITLES: Final[dict[str, str]] = {
    "pm1": "PM1", "pm10": "PM10", "pm25": "PM2.5", "co": "Carbon monoxide",
    "co2": "Carbon dioxide", "aqi": "Air quality index", "volatile_organic_compounds": "VOCs",
}
_TRANSLITERATE: Final = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d",
                                       "ł": "l", "þ": "th", "ı": "i"})
_MAX_OBJECT_ID: Final = 200
"""HA caps entity ids at 255 characters; keep the object id well inside that."""
MAX_PAYLOAD_BYTES: Final = 64 * 1024
"""Largest discovery payload accepted. Real ones are under 4 KiB (a zigbee2mqtt light with
every option is about 2 KiB); a bigger one is refused before it is parsed."""
MAX_COMPONENTS: Final = 256
"""Most `cmps` entries one device payload may announce (a large ESPHome or zigbee2mqtt
device has a few dozen)."""


class UnsupportedComponentError(DiscoveryError):
    """A well-formed discovery message for a component the hub does not handle.

    Not a fault of the publisher: the hub counts these by component and stays quiet.
    """

    def __init__(self, topic: str, component: str) -> None:
        super().__init__(f"{topic}: component {component!r} is not supported")
        self.component = component


@dataclass(frozen=True, slots=True)
class DiscoveryTopic:
    """The parts of a discovery config topic."""

    component: str
    """`light`, `sensor`, …, or `device` for device-based discovery."""
    node_id: str | None
    """Optional middle part; zigbee2mqtt puts the IEEE address here."""
    object_id: str
    """Last part before `/config`. Not the entity's object id (HA ignores it for that)."""

    @property
    def discovery_id(self) -> str:
        """HA's discovery id: `"<node_id> <object_id>"`, or the object id alone."""
        return f"{self.node_id} {self.object_id}" if self.node_id else self.object_id


def parse_topic(topic: str, prefix: str = "homeassistant") -> DiscoveryTopic:
    """Split a discovery topic `<prefix>/<component>/[<node_id>/]<object_id>/config`.

    Args:
        topic: The topic the message arrived on.
        prefix: The discovery prefix.

    Returns:
        The parts; the component is not checked against the supported ones.

    Raises:
        DiscoveryError: The topic is not a discovery config topic.
    """
    head = f"{prefix}/"
    match = _TOPIC_RE.fullmatch(topic[len(head):]) if topic.startswith(head) else None
    if match is None:
        raise DiscoveryError(f"{topic!r} is not a discovery topic ({prefix}/<component>/"
                             "[<node_id>/]<object_id>/config, ids of [a-zA-Z0-9_-])")
    return DiscoveryTopic(match["component"], match["node_id"], match["object_id"])


def parse_discovery(
    topic: str,
    payload: bytes | str,
    prefix: str = "homeassistant",
    on_unhandled: Callable[[str], None] | None = None,
) -> list[Entity | Removal]:
    """Turn one discovery message into entities, or removals.

    Args:
        topic: The config topic, e.g. `homeassistant/light/kitchen/config`.
        payload: The message payload (JSON object); empty means "remove".
        prefix: The discovery prefix the hub subscribes under.
        on_unhandled: Called with the platform of each `cmps` entry skipped because the hub
            does not handle that component (counted, not logged per message).

    Returns:
        One `Entity` for single-component discovery; for device discovery one `Entity` per
        usable `cmps` entry and a `Removal(topic, key)` per entry reduced to its platform
        (an unusable entry is logged and skipped). An empty payload, or HA's
        `{"migrate_discovery": true}`, gives `[Removal(topic)]`.

    Raises:
        UnsupportedComponentError: The topic names a component the hub does not handle.
        DiscoveryError: Bad topic, or an unusable payload (not JSON, over `MAX_PAYLOAD_BYTES`,
            more than `MAX_COMPONENTS` entries, a wildcard topic, …); the message names the
            topic. The caller logs it and skips the message.
    """
    where = parse_topic(topic, prefix)
    if where.component != DEVICE_COMPONENT and where.component not in COMPONENTS:
        raise UnsupportedComponentError(topic, where.component)
    if len(payload) == 0:
        return [Removal(topic)]
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise DiscoveryError(f"{topic}: payload of {len(payload)} bytes is over the "
                             f"{MAX_PAYLOAD_BYTES}-byte limit for discovery")
    config = _load_object(topic, payload)
    if config.get("migrate_discovery") is True or config.get("migr_discvry") is True:
        return [Removal(topic)]
    expand_all(config)
    if where.component == DEVICE_COMPONENT:
        return _parse_device(topic, config, on_unhandled)
    config.pop("components", None)
    return [_entity(topic, where.component, config, None, where.object_id)]


def _load_object(topic: str, payload: bytes | str) -> dict[str, Any]:
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError as err:
        raise DiscoveryError(f"{topic}: payload is not valid JSON ({err})") from None
    if not isinstance(value, dict):
        raise DiscoveryError(f"{topic}: payload must be a JSON object, not {type(value).__name__}")
    return value


def _parse_device(
    topic: str, config: dict[str, Any], on_unhandled: Callable[[str], None] | None
) -> list[Entity | Removal]:
    components = config.get("components")
    if not isinstance(components, dict):
        raise DiscoveryError(f"{topic}: device discovery needs a components (cmps) object")
    if len(components) > MAX_COMPONENTS:
        raise DiscoveryError(f"{topic}: {len(components)} components (cmps) is over the limit "
                             f"of {MAX_COMPONENTS} per device")
    try:
        device = schema.device(config.get("device"))
        if "~" in config:
            _replace_topic_base(config)
    except DiscoveryError as err:
        raise DiscoveryError(f"{topic}: {err}") from None
    shared = {key: config[key] for key in SHARED_OPTIONS if key in config}
    results: list[Entity | Removal] = []
    for key, entry in components.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("platform"), str):
            _LOGGER.warning("%s#%s: component needs an object with a platform (p); skipped",
                            topic, key)
            continue
        component_config = dict(entry)
        platform = component_config.pop("platform")
        if not component_config:
            results.append(Removal(topic, key))
            continue
        if platform not in COMPONENTS:
            _LOGGER.debug("%s#%s: platform %r is not supported; skipped", topic, key, platform)
            if on_unhandled is not None:
                on_unhandled(platform)
            continue
        for option, value in shared.items():
            component_config.setdefault(option, value)
        component_config["device"] = device
        if "origin" in config:
            component_config["origin"] = config["origin"]
        try:
            results.append(_entity(topic, platform, component_config, key, key))
        except DiscoveryError as err:
            _LOGGER.warning("%s", err)
    return results


def _replace_topic_base(config: dict[str, Any]) -> None:
    """Pop `~` and substitute it at the start or end of `*topic` values (HA's rule)."""
    base = config.pop("~")
    if not isinstance(base, str):
        raise DiscoveryError(f"~ must be a string, got {type(base).__name__}")

    def substitute(value: str) -> str:
        if value.startswith("~"):
            value = base + value[1:]
        if value.endswith("~"):
            value = value[:-1] + base
        return value

    for key, value in config.items():
        if key.endswith("topic") and isinstance(value, str):
            config[key] = substitute(value)
    entries = config.get("availability")
    if isinstance(entries, list):
        # Copies: in device discovery the same list is shared by every component.
        config["availability"] = [
            {**e, "topic": substitute(e["topic"])}
            if isinstance(e, dict) and isinstance(e.get("topic"), str) else e
            for e in entries
        ]


def _entity(
    topic: str, component: str, config: dict[str, Any], key: str | None, fallback_id: str
) -> Entity:
    label = topic if key is None else f"{topic}#{key}"
    try:
        if "~" in config:
            _replace_topic_base(config)
        schema.validate(component, config)
    except DiscoveryError as err:
        raise DiscoveryError(f"{label}: {err}") from None
    device = _device_info(config.get("device"))
    if component in _NAMELESS:
        config.setdefault("name", _nameless_name(component, config, fallback_id))
    name, is_default = friendly_name(component, config, device)
    object_id = _object_id(config, name, is_default, fallback_id)
    return Entity(
        entity_id=f"{component}.{object_id}",
        component=component,
        name=name,
        discovery_topic=topic,
        config=config,
        unique_id=config.get("unique_id"),
        component_key=key,
        device=device,
        area=device.suggested_area if device else None,
        device_class=config.get("device_class"),
    )


_NAMELESS: Final = frozenset({"device_automation", "tag"})
"""Components HA does not make entities of; their payloads carry no name."""


def _nameless_name(component: str, config: dict[str, Any], fallback_id: str) -> str:
    """A name for a device trigger ("action single") or a tag scanner ("tag")."""
    if component == "device_automation":
        parts = [str(config.get("type", "")), str(config.get("subtype", ""))]
        return " ".join(p.replace("_", " ") for p in parts if p) or fallback_id
    return "tag"


def _device_info(block: dict[str, Any] | None) -> DeviceInfo | None:
    if block is None:
        return None
    return DeviceInfo(
        identifiers=tuple(block["identifiers"]),
        name=block.get("name"),
        manufacturer=block.get("manufacturer"),
        model=block.get("model"),
        sw_version=block.get("sw_version"),
        suggested_area=block.get("suggested_area"),
        via_device=block.get("via_device"),
        connections=tuple((kind, ident) for kind, ident in block["connections"]),
    )


def class_title(device_class: str) -> str:
    """The English name HA gives a device class (`carbon_dioxide` → `Carbon dioxide`).

    Args:
        device_class: A device class such as `temperature`.

    Returns:
        The name in sentence case.
    """
    return _CLASS_TITLES.get(device_class) or device_class.replace("_", " ").strip().capitalize()


def friendly_name(
    component: str, config: dict[str, Any], device: DeviceInfo | None
) -> tuple[str, bool]:
    """Apply HA's naming rules to an expanded, validated config.

    * `name` null (or empty) → the device's name.
    * `name` set and a device name → `"<device> <name>"`, unless `name` already starts with the
      device name (HA strips such a prefix and puts it back, which gives the same text).
    * `name` missing with a `device_class` → `"<device> <Class title>"`, or the class title.
    * `name` missing otherwise → the device's name.
    * No usable name and no device name → HA's default (`MQTT Light`).

    Args:
        component: The entity's component.
        config: The expanded config.
        device: The entity's device, if any.

    Returns:
        The friendly name, and whether it is the component default.
    """
    device_name = (device.name or "").strip() if device else ""
    name = config.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if name:
        if not device_name or name.casefold().startswith(device_name.casefold()):
            return name, False
        return f"{device_name} {name}", False
    device_class = config.get("device_class")
    if "name" not in config and isinstance(device_class, str) and device_class.strip():
        title = class_title(device_class)
        return (f"{device_name} {title}" if device_name else title), False
    if device_name:
        return device_name, False
    return DEFAULT_NAMES.get(component, f"MQTT {component}"), True


def slugify(text: str) -> str:
    """HA-style slug: lowercase, accents stripped, runs of other characters → one `_`.

    Unlike HA (which transliterates with `unidecode`), letters of other scripts are kept, so a
    Chinese name gives a Chinese slug rather than an empty one.

    Args:
        text: Any text.

    Returns:
        The slug; empty when `text` holds no letters or digits. At most 200 characters.
    """
    # Only the head can reach the slug; cutting first keeps a 1 MB name cheap.
    head = text[: _MAX_OBJECT_ID * 4].lower().translate(_TRANSLITERATE)
    decomposed = unicodedata.normalize("NFKD", head)
    chars = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        chars.append(char if char.isalnum() else "_")
    slug = re.sub(r"_+", "_", "".join(chars)).strip("_")
    return slug[:_MAX_OBJECT_ID].rstrip("_")


def _object_id(config: dict[str, Any], name: str, is_default: bool, fallback_id: str) -> str:
    """`default_entity_id` (after its dot), `object_id`, the name, unique_id, the topic id."""
    hint = config.get("default_entity_id")
    candidates = [hint.split(".", 1)[-1] if isinstance(hint, str) else None,
                  config.get("object_id")]
    # A default name ("MQTT Light") would give every unnamed light the same id.
    fallbacks = [config.get("unique_id"), fallback_id]
    candidates += [*fallbacks, name] if is_default else [name, *fallbacks]
    for candidate in candidates:
        if isinstance(candidate, str) and (slug := slugify(candidate)):
            return slug
    return "unnamed"
