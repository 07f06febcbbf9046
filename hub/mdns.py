"""Zeroconf (mDNS / DNS-SD): find a broker, announce the hub, note devices it does not manage yet.

Three jobs, all on python-zeroconf's asyncio API:

* `find_broker()` browses `_mqtt._tcp.local.` once, for a hub started with no broker configured.
* `MdnsService` announces the hub's HTTP API as `_home-hub._tcp.local.` (the hub's own type) and
  as `_http._tcp.local.` with TXT `path=/` (so generic browsers list the web page).
* `MdnsService` also browses the service types of popular devices (ESPHome, Shelly, HomeKit, Hue,
  Cast) and keeps them as `SeenDevice` records: devices on the network that the hub cannot control
  until they speak MQTT discovery, each with a hint on how to get there.

Tests bind every instance to loopback (`interfaces=["127.0.0.1"]`) so nothing leaves the machine.
See `docs/zeroconf.md`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from zeroconf import InterfaceChoice, IPVersion, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from hub import __version__ as _HUB_VERSION
from hub.mqtt_url import MqttUrl

_LOGGER = logging.getLogger(__name__)

Interfaces = InterfaceChoice | Sequence[str | int]
"""What `AsyncZeroconf(interfaces=...)` takes: a choice, or a list of addresses (or v6 indexes)."""

MQTT_TYPE = "_mqtt._tcp.local."
"""DNS-SD type of MQTT brokers (advertised only when configured, e.g. an Avahi service file)."""
HUB_TYPE = "_home-hub._tcp.local."
"""The hub's own service type: its HTTP API (TXT `path`, `api`, `version`)."""
HTTP_TYPE = "_http._tcp.local."
"""Generic web servers: the hub's page is announced here too; Shelly devices also use it."""
WYOMING_TYPE = "_wyoming._tcp.local."
"""Wyoming services; Home Assistant's wyoming integration offers each one it finds."""

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


def _decode_txt(properties: Mapping[bytes, bytes | None]) -> dict[str, str | None]:
    """TXT keys as ASCII and values as UTF-8 (RFC 6763 §6.4/6.5); undecodable bytes are replaced."""
    return {
        key.decode("ascii", "replace"): None if value is None else value.decode("utf-8", "replace")
        for key, value in properties.items()
    }


def _addresses(info: AsyncServiceInfo) -> tuple[str, ...]:
    """IPv4 addresses first, then IPv6 (scoped, e.g. `fe80::1%eth0`)."""
    return tuple(info.parsed_addresses(IPVersion.V4Only)) + tuple(
        info.parsed_scoped_addresses(IPVersion.V6Only)
    )


def _instance(name: str, type_: str) -> str:
    """The instance label of a DNS-SD service name: `kitchen._esphomelib._tcp.local.` → `kitchen`."""
    return name[: -len(type_) - 1] if name.endswith("." + type_) else name


def device_kind(type_: str, name: str) -> str | None:
    """The kind of device a service is (`esphome`, `shelly`, …), or None when the hub ignores it.

    Args:
        type_: The service type, e.g. `_http._tcp.local.`.
        name: The full service name, e.g. `shelly1-ABC123._http._tcp.local.`.
    """
    if type_ == HTTP_TYPE:
        return "shelly" if _instance(name, type_).lower().startswith(_SHELLY_HTTP_PREFIX) else None
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


async def find_broker(timeout: float, interfaces: Interfaces = InterfaceChoice.All) -> MqttUrl | None:
    """Browse `_mqtt._tcp.local.` and return the first broker that resolves, or None.

    Zeroconf carries no credentials: a broker that needs them must be configured (HUB_MQTT_URL).

    Args:
        timeout: Seconds to wait in all (browse and resolve).
        interfaces: Where to listen and ask; tests pass `["127.0.0.1"]`.

    Returns:
        `mqtt://<address>:<port>`, the address IPv4 when the broker has one; None when none answered.
    """
    loop = asyncio.get_running_loop()
    found: asyncio.Future[MqttUrl] = loop.create_future()
    tasks: set[asyncio.Task[None]] = set()
    deadline = loop.time() + timeout

    async def resolve(zc: Zeroconf, type_: str, name: str) -> None:
        info = AsyncServiceInfo(type_, name)
        wait_ms = max(100.0, (deadline - loop.time()) * 1000)
        if not await info.async_request(zc, wait_ms):
            return
        addresses = _addresses(info)
        if addresses and info.port and not found.done():
            # Scoped v6 (fe80::1%eth0) cannot go in a URL host without brackets; MqttUrl takes it raw.
            found.set_result(MqttUrl(host=addresses[0], port=info.port))

    def on_change(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        if state_change is ServiceStateChange.Removed or found.done():
            return
        task = loop.create_task(resolve(zeroconf, service_type, name), name=f"mdns-resolve {name}")
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    aiozc = AsyncZeroconf(interfaces=interfaces)
    browser: AsyncServiceBrowser | None = None
    try:
        browser = AsyncServiceBrowser(aiozc.zeroconf, [MQTT_TYPE], handlers=[on_change])
        async with asyncio.timeout(timeout):
            url = await asyncio.shield(found)
        _LOGGER.info("zeroconf: found a broker at %s", url)
        return url
    except TimeoutError:
        _LOGGER.info("zeroconf: no _mqtt._tcp broker answered within %.1f s", timeout)
        return None
    finally:
        await _cancel(tasks)
        if browser is not None:
            await browser.async_cancel()
        await aiozc.async_close()


async def _cancel(tasks: set[asyncio.Task[None]]) -> None:
    """Cancel and await `tasks` (swallowing their cancellation)."""
    pending = list(tasks)
    for task in pending:
        task.cancel()
    for task in pending:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def _is_wildcard(host: str) -> bool:
    return host in ("", "0.0.0.0", "::", "*")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _local_addresses() -> list[str]:
    """The machine's non-loopback IPv4 addresses (blocking: call it in a thread)."""
    import ifaddr  # a dependency of zeroconf

    return [
        str(ip.ip)
        for adapter in ifaddr.get_adapters()
        for ip in adapter.ips
        if isinstance(ip.ip, str) and not ipaddress.ip_address(ip.ip).is_loopback
    ]


def _dns_label(text: str) -> str:
    label = "".join(c if c.isalnum() or c == "-" else "-" for c in text.split(".", 1)[0]).strip("-")
    return label[:63] or "hub"


class MdnsService:
    """Announce the hub's API and record devices seen on the network; an async context manager.

    Args:
        hub_http_host: The address the API listens on. A wildcard (`0.0.0.0`) announces the
            addresses of `interfaces` (every non-loopback IPv4 with `InterfaceChoice.All`);
            a loopback address is announced only when `interfaces` is loopback-only (tests).
        hub_http_port: The API's port.
        interfaces: Where zeroconf listens and answers; tests pass `["127.0.0.1"]`.
        instance_name: The announced instance label (default `Hub on <hostname>`).
        announce: Announce the API (`_home-hub._tcp` and `_http._tcp`).
        browse: Browse the device types of `DEVICE_TYPES` (and Shelly's `_http._tcp`).
        resolve_timeout: Seconds to wait for a service's SRV/TXT/A records.
        clock: Returns the current time (UTC); injected by tests.
        wyoming: (host, port) of the Wyoming server to announce as `_wyoming._tcp`, if any.
    """

    def __init__(
        self,
        hub_http_host: str,
        hub_http_port: int,
        interfaces: Interfaces = InterfaceChoice.All,
        *,
        instance_name: str | None = None,
        announce: bool = True,
        browse: bool = True,
        resolve_timeout: float = 3.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        wyoming: tuple[str, int] | None = None,
    ) -> None:
        self.wyoming = wyoming
        self.hub_http_host = hub_http_host
        self.hub_http_port = hub_http_port
        self.interfaces = interfaces
        self.instance_name = instance_name
        self.announce = announce
        self.browse = browse
        self.resolve_timeout = resolve_timeout
        self._clock = clock
        self._aiozc: AsyncZeroconf | None = None
        self._browser: AsyncServiceBrowser | None = None
        self._registered: list[AsyncServiceInfo] = []
        self._seen: dict[str, SeenDevice] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._listeners: list[Callable[[], None]] = []

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        """Start zeroconf, announce the API and start browsing."""
        self._aiozc = AsyncZeroconf(interfaces=self.interfaces)
        try:
            if self.announce:
                await self._announce()
            if self.browse:
                types = [*DEVICE_TYPES, HTTP_TYPE]
                self._browser = AsyncServiceBrowser(self._aiozc.zeroconf, types, handlers=[self._on_change])
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Withdraw the announcements (goodbye packets), stop browsing and close zeroconf."""
        await _cancel(self._tasks)
        if self._browser is not None:
            await self._browser.async_cancel()
            self._browser = None
        if self._aiozc is not None:
            for info in self._registered:
                with contextlib.suppress(Exception):
                    await self._aiozc.async_unregister_service(info)
            self._registered.clear()
            await self._aiozc.async_close()
            self._aiozc = None

    async def __aenter__(self) -> MdnsService:
        """Start; see `start()`."""
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Stop; see `stop()`."""
        await self.stop()

    # -- reads -----------------------------------------------------------------------------
    def devices(self) -> list[SeenDevice]:
        """Devices seen and still announced, one per device, sorted by kind and name.

        A Shelly Gen2+ announces both `_shelly._tcp` and `_http._tcp` under one name; it is
        listed once (the `_shelly._tcp` record wins).
        """
        merged: dict[tuple[str, str], SeenDevice] = {}
        for device in self._seen.values():
            key = (device.kind, device.name)
            if key not in merged or merged[key].type == HTTP_TYPE:
                merged[key] = device
        return sorted(merged.values(), key=lambda d: (d.kind, d.name))

    @property
    def announced(self) -> list[str]:
        """Full names of the services this instance announces (e.g. `Hub on x._home-hub._tcp.local.`)."""
        return [info.name for info in self._registered]

    def add_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener()` whenever `devices()` changes; returns the remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # -- announcing ------------------------------------------------------------------------
    async def _announce_addresses(self, host: str | None = None) -> list[str]:
        host = host or self.hub_http_host
        loopback_only = isinstance(self.interfaces, Sequence) and all(
            isinstance(i, str) and _is_loopback(i) for i in self.interfaces
        )
        if _is_wildcard(host):
            if isinstance(self.interfaces, Sequence):
                return [i for i in self.interfaces if isinstance(i, str)]
            return await asyncio.to_thread(_local_addresses)
        if _is_loopback(host) and not loopback_only:
            return []
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return [str(info[4][0]) for info in await asyncio.get_running_loop().getaddrinfo(
                host, None, family=socket.AF_INET)]
        return [host]

    async def _announce(self) -> None:
        assert self._aiozc is not None
        if self.wyoming is not None:
            await self._announce_wyoming(*self.wyoming)
        addresses = await self._announce_addresses()
        if not addresses:
            _LOGGER.info("zeroconf: the API listens on %s only; not announced", self.hub_http_host)
            return
        hostname = _dns_label(socket.gethostname())
        instance = self.instance_name or f"Hub on {hostname}"
        server = f"{hostname}.local."
        txt = {"path": "/", "api": "/api/", "version": _HUB_VERSION}
        for type_ in (HUB_TYPE, HTTP_TYPE):
            info = AsyncServiceInfo(
                type_, f"{instance}.{type_}", port=self.hub_http_port, properties=txt,
                server=server, parsed_addresses=addresses,
            )
            # allow_name_change: a second hub on the network becomes "Hub on x-2" instead of failing.
            await self._aiozc.async_register_service(info, allow_name_change=True)
            self._registered.append(info)
        _LOGGER.info("zeroconf: announced the API as %r on %s port %d", instance,
                     ", ".join(addresses), self.hub_http_port)

    async def _announce_wyoming(self, host: str, port: int) -> None:
        assert self._aiozc is not None
        addresses = await self._announce_addresses(host)
        if not addresses:
            _LOGGER.info("zeroconf: Wyoming listens on %s only; not announced", host)
            return
        hostname = _dns_label(socket.gethostname())
        instance = self.instance_name or f"Hub on {hostname}"
        info = AsyncServiceInfo(WYOMING_TYPE, f"{instance}.{WYOMING_TYPE}", port=port,
                                server=f"{hostname}.local.", parsed_addresses=addresses)
        await self._aiozc.async_register_service(info, allow_name_change=True)
        self._registered.append(info)
        _LOGGER.info("zeroconf: announced Wyoming on %s port %d", ", ".join(addresses), port)

    # -- browsing --------------------------------------------------------------------------
    def _on_change(
        self, zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        """Browser handler: runs in the loop and must not block, so resolution is a task."""
        kind = device_kind(service_type, name)
        if kind is None or name in self.announced:
            return
        if state_change is ServiceStateChange.Removed:
            if self._seen.pop(name, None) is not None:
                _LOGGER.info("zeroconf: %s %s went away", kind, name)
                self._changed()
            return
        task = asyncio.get_running_loop().create_task(
            self._resolve(zeroconf, service_type, name, kind), name=f"mdns-resolve {name}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _resolve(self, zc: Zeroconf, type_: str, name: str, kind: str) -> None:
        info = AsyncServiceInfo(type_, name)
        if not await info.async_request(zc, self.resolve_timeout * 1000):
            _LOGGER.debug("zeroconf: %s did not resolve", name)
            return
        now = self._clock()
        previous = self._seen.get(name)
        self._seen[name] = SeenDevice(
            name=_instance(name, type_), type=type_, kind=kind, addresses=_addresses(info), port=info.port,
            properties=_decode_txt(info.properties or {}), server=info.server,
            first_seen=previous.first_seen if previous else now, last_seen=now,
        )
        if previous is None:
            _LOGGER.info("zeroconf: seen %s %s (not managed: %s)", kind, name, HOW_TO_MANAGE.get(kind, ""))
        self._changed()

    def _changed(self) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:
                _LOGGER.exception("mdns listener failed")


__all__ = [
    "DEVICE_TYPES",
    "HOW_TO_MANAGE",
    "HTTP_TYPE",
    "HUB_TYPE",
    "MQTT_TYPE",
    "WYOMING_TYPE",
    "MdnsService",
    "SeenDevice",
    "device_kind",
    "find_broker",
]
