"""`hub run`: the hub, its API and (with --demo) the simulated devices, until told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from hub.api import ApiServer
from hub.app import Hub
from hub.config import MqttUrl, Settings, parse_hostport
from hub.demo import Simulator, load_home
from hub.hermes import Hermes
from hub.mdns import MdnsService
from hub.textcmd import TextCommands
from hub.wyoming import HubCommands, WyomingServer

_LOGGER = logging.getLogger(__name__)


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Run until `stop` is set. Lifetimes nest: hub (DB, broker, MQTT), then API, then demo."""
    async with contextlib.AsyncExitStack() as stack:
        hub = await stack.enter_async_context(Hub(settings))
        await stack.enter_async_context(TextCommands(hub))
        if settings.hermes != "off":
            await stack.enter_async_context(Hermes(hub, execute=settings.hermes == "execute"))
        host, port = settings.http_hostport
        await stack.enter_async_context(ApiServer(hub, host, port))
        wyoming = parse_hostport(settings.wyoming, "wyoming.listen") if settings.wyoming else None
        if wyoming is not None:
            commands = HubCommands(hub)
            await stack.enter_async_context(WyomingServer(commands, commands, *wyoming))
        if settings.zeroconf:
            hub.mdns = await stack.enter_async_context(MdnsService(host, port, wyoming=wyoming))
        if settings.demo:
            assert hub.mqtt is not None
            url: MqttUrl = hub.mqtt.url
            sim = Simulator(url, load_home(), protocol=hub.mqtt.protocol)
            await stack.enter_async_context(sim)
            sim.announce()
            _LOGGER.info("demo: %d simulated devices announced", len(sim.home))
        _LOGGER.info("hub running; API http://%s:%d (token in %s/token unless HUB_TOKEN is set)",
                     host, port, settings.data_dir)
        await stop.wait()
        _LOGGER.info("stopping")
