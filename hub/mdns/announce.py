"""Which addresses and names the hub announces itself under."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence

from hub.mdns.records import Interfaces


def is_wildcard(host: str) -> bool:
    return host in ("", "0.0.0.0", "::", "*")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def local_addresses() -> list[str]:
    """The machine's non-loopback IPv4 addresses (blocking: call it in a thread)."""
    import ifaddr  # a dependency of zeroconf

    return [
        str(ip.ip)
        for adapter in ifaddr.get_adapters()
        for ip in adapter.ips
        if isinstance(ip.ip, str) and not ipaddress.ip_address(ip.ip).is_loopback
    ]


def dns_label(text: str) -> str:
    label = "".join(c if c.isalnum() or c == "-" else "-" for c in text.split(".", 1)[0]).strip("-")
    return label[:63] or "hub"


async def announce_addresses(host: str, interfaces: Interfaces) -> list[str]:
    """The addresses to announce a service listening on `host` under.

    A wildcard (`0.0.0.0`) gives the addresses of `interfaces` (every non-loopback IPv4 with
    `InterfaceChoice.All`); a loopback address is announced only when `interfaces` is loopback-only
    (tests), else nothing; a host name is resolved to its IPv4 addresses.
    """
    loopback_only = isinstance(interfaces, Sequence) and all(
        isinstance(i, str) and is_loopback(i) for i in interfaces
    )
    if is_wildcard(host):
        if isinstance(interfaces, Sequence):
            return [i for i in interfaces if isinstance(i, str)]
        return await asyncio.to_thread(local_addresses)
    if is_loopback(host) and not loopback_only:
        return []
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return [str(info[4][0]) for info in await asyncio.get_running_loop().getaddrinfo(
            host, None, family=socket.AF_INET)]
    return [host]

