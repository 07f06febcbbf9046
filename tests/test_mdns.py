"""Zeroconf on loopback only: every AsyncZeroconf here binds to 127.0.0.1, nothing leaves the machine.

A second AsyncZeroconf in the test plays the network: it registers fake services (an ESPHome node,
Shelly Gen2 and Gen1, a HomeKit accessory, an MQTT broker) that the hub's code browses for.
Instance names carry a random suffix so concurrent runs on the same loopback do not collide.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

from hub.config import MqttUrl
from hub.mdns import HOW_TO_MANAGE, HTTP_TYPE, HUB_TYPE, MdnsService, SeenDevice, device_kind, find_broker

LOOPBACK = ["127.0.0.1"]
WAIT = 10.0
"""Upper bound for anything to appear on loopback (it takes ~1-2 s: probing, then query delays)."""


@pytest.fixture
async def network() -> AsyncIterator[AsyncZeroconf]:
    """The rest of the 'network': another responder on loopback."""
    aiozc = AsyncZeroconf(interfaces=LOOPBACK)
    try:
        yield aiozc
    finally:
        await aiozc.async_unregister_all_services()
        await aiozc.async_close()


def _suffix() -> str:
    return uuid.uuid4().hex[:6]


def _info(type_: str, instance: str, port: int, txt: dict[str, str] | None = None) -> AsyncServiceInfo:
    return AsyncServiceInfo(type_, f"{instance}.{type_}", port=port, properties=txt or {},
                            server=f"{instance}.local.", parsed_addresses=["127.0.0.1"])


async def _until(predicate: Callable[[], bool], timeout: float = WAIT) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


def test_device_kind() -> None:
    assert device_kind("_esphomelib._tcp.local.", "x._esphomelib._tcp.local.") == "esphome"
    assert device_kind(HTTP_TYPE, "shelly1-ABC._http._tcp.local.") == "shelly"
    assert device_kind(HTTP_TYPE, "printer._http._tcp.local.") is None
    assert device_kind("_ipp._tcp.local.", "p._ipp._tcp.local.") is None
    assert set(HOW_TO_MANAGE) == {"esphome", "shelly", "hue", "homekit", "cast"}


def test_seen_device_as_dict() -> None:
    t = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    device = SeenDevice("kitchen-node", "_esphomelib._tcp.local.", "esphome", ("10.0.0.5",), 6053,
                        {"friendly_name": "Kitchen", "mac": "aabb"}, "kitchen-node.local.", t, t)
    data = device.as_dict()
    assert data["friendly_name"] == "Kitchen"
    assert data["controllable"] is True
    assert "discovery: true" in data["how_to_manage"]
    assert data["first_seen"] == "2026-01-02T03:04:05+00:00"
    cast = SeenDevice("tv", "_googlecast._tcp.local.", "cast", (), 8009)
    assert not cast.controllable and "Not controllable over MQTT" in cast.how_to_manage


async def test_find_broker(network: AsyncZeroconf) -> None:
    await network.async_register_service(_info("_mqtt._tcp.local.", f"Broker {_suffix()}", 18883))
    url = await find_broker(WAIT, interfaces=LOOPBACK)
    assert url == MqttUrl(host="127.0.0.1", port=18883)


async def test_find_broker_none_within_timeout() -> None:
    started = asyncio.get_running_loop().time()
    url = await find_broker(0.5, interfaces=LOOPBACK)
    if url is not None:
        pytest.skip(f"another test run announces a broker on loopback ({url})")
    assert asyncio.get_running_loop().time() - started < 2.0


async def test_devices_seen_updated_and_removed(network: AsyncZeroconf) -> None:
    s = _suffix()
    esphome = _info("_esphomelib._tcp.local.", f"kitchen-{s}", 6053,
                    {"version": "2025.1.0", "mac": "aabbccddeeff", "platform": "ESP32", "friendly_name": "Küche"})
    shelly2 = _info("_shelly._tcp.local.", f"shellyplus1-{s}", 80, {"gen": "2", "app": "Plus1"})
    shelly2_http = _info(HTTP_TYPE, f"shellyplus1-{s}", 80, {"gen": "2"})
    shelly1 = _info(HTTP_TYPE, f"shelly1-{s}", 80, {"arch": "esp8266"})
    homekit = _info("_hap._tcp.local.", f"Bridge-{s}", 51826, {"md": "Bridge", "sf": "1", "ci": "2"})
    printer = _info(HTTP_TYPE, f"printer-{s}", 631)
    # registering probes for ~1 s per service: do it concurrently
    await asyncio.gather(*(network.async_register_service(i)
                           for i in (esphome, shelly2, shelly2_http, shelly1, homekit, printer)))
    clock_times = iter(datetime(2026, 1, 1, 0, 0, i, tzinfo=UTC) for i in range(1000))

    def mine() -> dict[str, SeenDevice]:
        return {d.name: d for d in mdns.devices() if d.name.endswith(s)}

    async with MdnsService("127.0.0.1", 8765, LOOPBACK, instance_name=f"Hub {s}", clock=lambda: next(clock_times),
                           resolve_timeout=2.0) as mdns:
        await _until(lambda: len(mine()) == 4)
        seen = mine()
        kitchen = seen[f"kitchen-{s}"]
        assert kitchen.kind == "esphome" and kitchen.port == 6053
        assert kitchen.addresses == ("127.0.0.1",)
        assert kitchen.properties["friendly_name"] == "Küche" and kitchen.friendly_name == "Küche"
        assert kitchen.server == f"kitchen-{s}.local."
        assert "MQTT component" in kitchen.how_to_manage
        # the Gen2 Shelly is on two types: listed once, from _shelly._tcp
        assert seen[f"shellyplus1-{s}"].type == "_shelly._tcp.local."
        assert seen[f"shellyplus1-{s}"].properties["app"] == "Plus1"
        assert seen[f"shelly1-{s}"].kind == "shelly" and seen[f"shelly1-{s}"].type == HTTP_TYPE
        assert seen[f"Bridge-{s}"].kind == "homekit" and not seen[f"Bridge-{s}"].controllable
        assert f"printer-{s}" not in seen  # a plain web server is not a device
        assert not any(d.name == f"Hub {s}" for d in mdns.devices())  # nor the hub itself

        # TXT update → same record, later last_seen
        first = kitchen.first_seen
        esphome = _info("_esphomelib._tcp.local.", f"kitchen-{s}", 6053,
                        {"version": "2025.2.0", "friendly_name": "Küche"})
        await network.async_update_service(esphome)
        await _until(lambda: mine()[f"kitchen-{s}"].properties.get("version") == "2025.2.0")
        assert mine()[f"kitchen-{s}"].first_seen == first < mine()[f"kitchen-{s}"].last_seen

        await asyncio.gather(network.async_unregister_service(esphome),
                             network.async_unregister_service(shelly1))
        await _until(lambda: f"kitchen-{s}" not in mine() and f"shelly1-{s}" not in mine())
        assert set(mine()) == {f"shellyplus1-{s}", f"Bridge-{s}"}


async def test_announces_the_api(network: AsyncZeroconf) -> None:
    s = _suffix()
    async with MdnsService("127.0.0.1", 8765, LOOPBACK, instance_name=f"Hub {s}", browse=False) as mdns:
        assert mdns.announced == [f"Hub {s}.{HUB_TYPE}", f"Hub {s}.{HTTP_TYPE}"]
        for type_ in (HUB_TYPE, HTTP_TYPE):
            info = await network.async_get_service_info(type_, f"Hub {s}.{type_}", timeout=3000)
            assert info is not None
            assert info.port == 8765 and info.parsed_addresses() == ["127.0.0.1"]
            assert info.properties[b"path"] == b"/" and info.properties[b"api"] == b"/api/"


async def test_loopback_api_not_announced_on_the_network() -> None:
    mdns = MdnsService("127.0.0.1", 8765)
    assert await mdns._announce_addresses() == []
    wildcard = MdnsService("0.0.0.0", 8765, LOOPBACK)
    assert await wildcard._announce_addresses() == ["127.0.0.1"]
