"""Devices on the network the hub does not manage yet: which service types mean which kind of device,
and what a user can do to bring each kind under the hub's control."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hub.mdns.records import HTTP_TYPE, instance_label

DEVICE_TYPES: Mapping[str, str] = {
    "_esphomelib._tcp.local.": "esphome",
    "_shelly._tcp.local.": "shelly",
    "_hap._tcp.local.": "homekit",
    "_hap._udp.local.": "homekit",
    "_hue._tcp.local.": "hue",
    "_googlecast._tcp.local.": "cast",
}
"""Service type → device kind, for the types browsed besides `_http._tcp` (Shelly by name)."""

HOW_TO_MANAGE: Mapping[str, str] = {
    "esphome": (
        "Add the MQTT component to the node's YAML (mqtt: broker: <your broker>, discovery: true) "
        "and flash it; the hub then discovers its entities over MQTT."
    ),
    "shelly": (
        "Enable MQTT in the device's settings (web UI: Settings → MQTT, or the Shelly app), point it "
        "at your broker; Gen2+ firmware needs 'Generic status update over MQTT'. Bridge it to Home "
        "Assistant discovery (e.g. Shelly's HA script or shellies-discovery) so the hub sees entities."
    ),
    "hue": (
        "Pair the bulbs with a Zigbee coordinator running zigbee2mqtt (reset them first), or keep the "
        "Hue bridge and expose it over MQTT with a bridge such as hue2mqtt."
    ),
    "homekit": (
        "Not controllable over MQTT: HomeKit accessories speak HAP. Use the maker's MQTT option if "
        "there is one, or Home Assistant's HomeKit Controller and its MQTT statestream."
    ),
    "cast": "Not controllable over MQTT: Cast devices are media players, outside the hub's scope.",
}
"""What a user can do to bring each kind of device under the hub's control."""

_SHELLY_HTTP_PREFIX = "shelly"
"""Shelly Gen1 devices announce only `_http._tcp`, named `shelly<model>-<mac>` (HA matches `shelly*`)."""


def device_kind(type_: str, name: str) -> str | None:
    """The kind of device a service is (`esphome`, `shelly`, …), or None when the hub ignores it.

    Args:
        type_: The service type, e.g. `_http._tcp.local.`.
        name: The full service name, e.g. `shelly1-ABC123._http._tcp.local.`.
    """
    if type_ == HTTP_TYPE:
        return "shelly" if instance_label(name, type_).lower().startswith(_SHELLY_HTTP_PREFIX) else None
    return DEVICE_TYPES.get(type_)


@dataclass(frozen=True, slots=True)
class SeenDevice:
    """A device announced on the network that the hub does not manage (it is not on MQTT)."""

    name: str
    """Instance label of the service, e.g. `kitchen-node` or `shellyplus1-a8032ab12345`."""
    type: str
    """DNS-SD service type it was seen on, e.g. `_esphomelib._tcp.local.`."""
    kind: str
    """`esphome`, `shelly`, `homekit`, `hue` or `cast`."""
    addresses: tuple[str, ...]
    """IP addresses, IPv4 first."""
    port: int | None
    """The service's port."""
    properties: Mapping[str, str | None] = field(default_factory=dict, hash=False)
    """TXT record, decoded (a key without `=` maps to None)."""
    server: str | None = None
    """Host name from the SRV record, e.g. `kitchen-node.local.`."""
    first_seen: datetime = field(default_factory=lambda: datetime.now(UTC))
    """When the service was first resolved (UTC)."""
    last_seen: datetime = field(default_factory=lambda: datetime.now(UTC))
    """When it was last resolved or updated (UTC)."""

    @property
    def how_to_manage(self) -> str:
        """What to do to control this device through the hub."""
        return HOW_TO_MANAGE.get(self.kind, "No known way to manage this device over MQTT.")

    @property
    def friendly_name(self) -> str:
        """The device's own display name when its TXT record has one, else the instance label."""
        props = self.properties
        return props.get("friendly_name") or props.get("fn") or props.get("md") or self.name

    @property
    def controllable(self) -> bool:
        """Whether the device can be brought under MQTT control at all."""
        return self.kind not in ("homekit", "cast")

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what the HTTP API returns)."""
        return {
            "name": self.name,
            "friendly_name": self.friendly_name,
            "type": self.type,
            "kind": self.kind,
            "addresses": list(self.addresses),
            "port": self.port,
            "server": self.server,
            "properties": dict(self.properties),
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "controllable": self.controllable,
            "how_to_manage": self.how_to_manage,
        }
