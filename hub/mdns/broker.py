"""Finding an MQTT broker on the network (`_mqtt._tcp.local.`) for a hub started without one."""

from __future__ import annotations

import asyncio
import logging

from zeroconf import InterfaceChoice, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from hub.mdns.records import MQTT_TYPE, Interfaces, addresses_of, cancel
from hub.mqtt_url import MqttUrl

_LOGGER = logging.getLogger(__name__)


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
        addresses = addresses_of(info)
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
        await cancel(tasks)
        if browser is not None:
            await browser.async_cancel()
        await aiozc.async_close()
