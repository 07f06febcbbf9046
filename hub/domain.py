"""The hub's shared value types. Standard library only; every other module may import this one.

Data flows one way (see docs/design.md): discovery parsers produce `Entity` and `Removal`
values, codecs turn MQTT payloads into `State` and `Action` into `Message`, the NLU produces a
`Parse`, and the resolver turns a `Parse` plus a registry snapshot into `Action`s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

COMPONENTS: tuple[str, ...] = (
    "light",
    "switch",
    "fan",
    "climate",
    "cover",
    "lock",
    "vacuum",
    "sensor",
    "binary_sensor",
    "button",
    "number",
    "select",
    "scene",
    "siren",
    "valve",
    "humidifier",
    "water_heater",
    "alarm_control_panel",
    "lawn_mower",
    "text",
    "update",
    "device_tracker",
    "event",
    "device_automation",
    "tag",
    "image",
    "camera",
    "notify",
)
"""Components the hub understands (HA's MQTT platforms). Discovery of other components is
counted and skipped. The first nine come first: where a word names several components, the
earlier one wins (`hub.devices.class_words`)."""

LANGUAGES: tuple[str, ...] = ("en", "zh")
"""Languages the hub understands and answers in: the model, the word lists, Wyoming and Hermes."""


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A physical device as discovery describes it (HA's `device` block, abbreviations expanded)."""

    identifiers: tuple[str, ...]
    """Stable ids of the device; the first one is the device's key in the store."""
    name: str | None = None
    """The device's name; also the entity's friendly name when the entity `name` is null."""
    manufacturer: str | None = None
    model: str | None = None
    sw_version: str | None = None
    suggested_area: str | None = None
    """Area the bridge suggests ("Living Room"); becomes the entity's area unless configured."""
    via_device: str | None = None
    connections: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """The id the store and registry use for this device."""
        if self.identifiers:
            return self.identifiers[0]
        if self.connections:
            return ":".join(self.connections[0])
        return self.name or ""


@dataclass(frozen=True)
class Entity:
    """One entity announced by discovery.

    `config` holds the discovery payload with abbreviations expanded (`cmd_t` → `command_topic`)
    and `~` substituted, so codecs read HA's full key names and nothing else.
    """

    entity_id: str
    """`<component>.<object_id>`, e.g. `light.living_room_ceiling`."""
    component: str
    """One of `COMPONENTS`."""
    name: str
    """Friendly name: device name + entity name, HA's rule (null entity name → device name)."""
    discovery_topic: str
    """The config topic that announced it."""
    config: Mapping[str, Any]
    """Expanded discovery config (full key names, `~` replaced, device-discovery shared options merged)."""
    unique_id: str | None = None
    component_key: str | None = None
    """Key inside `cmps` for device-based discovery; None for single-component discovery."""
    device: DeviceInfo | None = None
    area: str | None = None
    """Area name as people say it ("Living Room"); from `suggested_area` unless configured."""
    device_class: str | None = None
    aliases: tuple[str, ...] = ()
    """Other names people use for it (from configuration or zigbee2mqtt's description)."""

    @property
    def object_id(self) -> str:
        """The part of `entity_id` after the dot."""
        return self.entity_id.split(".", 1)[1]

    @property
    def discovery_key(self) -> str:
        """Identity of the announcement: the config topic, plus the `cmps` key when there is one."""
        if self.component_key is None:
            return self.discovery_topic
        return f"{self.discovery_topic}#{self.component_key}"


@dataclass(frozen=True, slots=True)
class Removal:
    """Discovery withdrew entities: an empty retained payload, or a `cmps` entry with only `p`."""

    discovery_topic: str
    component_key: str | None = None
    """None removes every entity announced on `discovery_topic`."""


@dataclass(frozen=True)
class State:
    """An entity's state, in Home Assistant's REST shape."""

    entity_id: str
    state: str
    """"on", "off", "21.5", "locked", "open", "unavailable", "unknown", …"""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    last_changed: datetime = field(default_factory=utcnow)
    """When `state` last changed (attribute-only updates keep it)."""
    last_updated: datetime = field(default_factory=utcnow)
    """When state or attributes were last written."""

    def as_dict(self) -> dict[str, Any]:
        """The REST API's JSON shape."""
        return {
            "entity_id": self.entity_id,
            "state": self.state,
            "attributes": dict(self.attributes),
            "last_changed": self.last_changed.isoformat(),
            "last_updated": self.last_updated.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Slot:
    """One filled slot of a parse."""

    name: str
    """Slot name from the contract: area, name, device_class, brightness, color, …"""
    text: str
    """Surface string as it appeared in the sentence ("twenty two", "客厅")."""
    value: Any = None
    """Normalised value (22, (255, 0, 0), 2700, "heat"); None when it has no normal form."""
    start: int = 0
    """Character offset of `text` in the sentence."""
    end: int = 0


@dataclass(frozen=True)
class Parse:
    """What the NLU understood of one sentence."""

    text: str
    lang: str
    """"en" or "zh"."""
    intent: str
    """One of the intent inventory in docs/design.md, or "none"."""
    confidence: float
    slots: tuple[Slot, ...] = ()

    def slot(self, name: str) -> Slot | None:
        """The first slot with that name, if any."""
        return next((s for s in self.slots if s.name == name), None)

    def slots_named(self, name: str) -> list[Slot]:
        """Every slot with that name, in sentence order."""
        return [s for s in self.slots if s.name == name]

    def slot_texts(self) -> dict[str, Any]:
        """Slot name → surface text, a list when the slot occurs more than once (`hub ask`'s shape)."""
        out: dict[str, Any] = {}
        for slot in self.slots:
            if slot.name in out:
                prev = out[slot.name]
                out[slot.name] = [*prev, slot.text] if isinstance(prev, list) else [prev, slot.text]
            else:
                out[slot.name] = slot.text
        return out


@dataclass(frozen=True)
class Action:
    """A Home Assistant service call."""

    service: str
    """`<domain>.<service>`, e.g. `light.turn_on`."""
    entity_ids: tuple[str, ...]
    data: Mapping[str, Any] = field(default_factory=dict)
    confirm: bool = False
    """Sensitive (unlock, open a garage door): the live hub waits for a confirmation."""

    @property
    def domain(self) -> str:
        return self.service.split(".", 1)[0]

    def as_dict(self) -> dict[str, Any]:
        """The `hub ask` contract's shape."""
        return {
            "service": self.service,
            "entity_id": list(self.entity_ids),
            "data": dict(self.data),
            "confirm": self.confirm,
        }


@dataclass(frozen=True, slots=True)
class Message:
    """An MQTT message to publish or that was received."""

    topic: str
    payload: str
    qos: int = 0
    retain: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "payload": self.payload, "qos": self.qos, "retain": self.retain}
