"""`MdnsService`: announce the hub's API (and Wyoming) and record devices seen on the network."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable
from datetime import UTC, datetime

from zeroconf import InterfaceChoice, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from hub import __version__ as _HUB_VERSION
from hub.mdns.announce import announce_addresses, dns_label
from hub.mdns.devices import DEVICE_TYPES, HOW_TO_MANAGE, SeenDevice, device_kind
from hub.mdns.records import (
    HTTP_TYPE,
    HUB_TYPE,
    WYOMING_TYPE,
    Interfaces,
    addresses_of,
    cancel,
    decode_txt,
    instance_label,
)

_LOGGER = logging.getLogger(__name__)


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
        await cancel(self._tasks)
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
        return await announce_addresses(host or self.hub_http_host, self.interfaces)

    async def _announce(self) -> None:
        assert self._aiozc is not None
        if self.wyoming is not None:
            await self._announce_wyoming(*self.wyoming)
        addresses = await self._announce_addresses()
        if not addresses:
            _LOGGER.info("zeroconf: the API listens on %s only; not announced", self.hub_http_host)
            return
        hostname = dns_label(socket.gethostname())
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
        hostname = dns_label(socket.gethostname())
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
            name=instance_label(name, type_), type=type_, kind=kind, addresses=addresses_of(info),
            port=info.port,
            properties=decode_txt(info.properties or {}), server=info.server,
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
