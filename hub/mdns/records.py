"""DNS-SD records: the service types the hub announces and browses, and reading a resolved service
(its TXT record, its addresses, its instance label)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence

from zeroconf import InterfaceChoice, IPVersion
from zeroconf.asyncio import AsyncServiceInfo

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


def decode_txt(properties: Mapping[bytes, bytes | None]) -> dict[str, str | None]:
    """TXT keys as ASCII and values as UTF-8 (RFC 6763 §6.4/6.5); undecodable bytes are replaced."""
    return {
        key.decode("ascii", "replace"): None if value is None else value.decode("utf-8", "replace")
        for key, value in properties.items()
    }


def addresses_of(info: AsyncServiceInfo) -> tuple[str, ...]:
    """IPv4 addresses first, then IPv6 (scoped, e.g. `fe80::1%eth0`)."""
    return tuple(info.parsed_addresses(IPVersion.V4Only)) + tuple(
        info.parsed_scoped_addresses(IPVersion.V6Only)
    )


def instance_label(name: str, type_: str) -> str:
    """The instance label of a DNS-SD service name: `kitchen._esphomelib._tcp.local.` → `kitchen`."""
    return name[: -len(type_) - 1] if name.endswith("." + type_) else name


async def cancel(tasks: set[asyncio.Task[None]]) -> None:
    """Cancel and await `tasks` (swallowing their cancellation)."""
    pending = list(tasks)
    for task in pending:
        task.cancel()
    for task in pending:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
