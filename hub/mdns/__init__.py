"""Zeroconf (mDNS / DNS-SD): find a broker, announce the hub, note devices it does not manage yet.

Three jobs, all on python-zeroconf's asyncio API:

* `find_broker()` browses `_mqtt._tcp.local.` once, for a hub started with no broker configured.
* `MdnsService` announces the hub's HTTP API as `_home-hub._tcp.local.` (the hub's own type) and
  as `_http._tcp.local.` with TXT `path=/` (so generic browsers list the web page).
* `MdnsService` also browses the service types of popular devices (ESPHome, Shelly, HomeKit, Hue,
  Cast) and keeps them as `SeenDevice` records: devices on the network that the hub cannot control
  until they speak MQTT discovery, each with a hint on how to get there.

Modules: `records` (service types, reading a resolved service), `devices` (`SeenDevice`, the kinds
and how to manage each), `broker` (`find_broker`), `announce` (the addresses announced),
`service` (`MdnsService`).

Tests bind every instance to loopback (`interfaces=["127.0.0.1"]`) so nothing leaves the machine.
See `docs/zeroconf.md`.
"""

from hub.mdns.broker import find_broker
from hub.mdns.devices import DEVICE_TYPES, HOW_TO_MANAGE, SeenDevice, device_kind
from hub.mdns.records import HTTP_TYPE, HUB_TYPE, MQTT_TYPE, WYOMING_TYPE, Interfaces
from hub.mdns.service import MdnsService

__all__ = [
    "DEVICE_TYPES",
    "HOW_TO_MANAGE",
    "HTTP_TYPE",
    "HUB_TYPE",
    "MQTT_TYPE",
    "WYOMING_TYPE",
    "Interfaces",
    "MdnsService",
    "SeenDevice",
    "device_kind",
    "find_broker",
]
