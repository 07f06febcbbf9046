"""`hub run`: the hub, its API and (with --demo) the simulated devices, until told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

from hub.api import ApiServer
from hub.app import Hub
from hub.config import Settings, parse_hostport
from hub.demo import Simulator, load_home
from hub.errors import ConfigError
from hub.mdns import MdnsService
from hub.mqtt_url import MqttUrl
from hub.wyoming import WyomingServer

_LOGGER = logging.getLogger(__name__)


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Run until `stop` is set. Lifetimes nest: hub (DB, broker, MQTT), then API, then demo."""
    host, port = settings.http_hostport
    _check_port(host, port)  # before the database and the broker: fail at once, in one line
    async with contextlib.AsyncExitStack() as stack:
        hub = await stack.enter_async_context(Hub(settings))
        await stack.enter_async_context(hub.text_commands())
        if settings.hermes != "off":
            await stack.enter_async_context(hub.hermes(execute=settings.hermes == "execute"))
        try:
            await stack.enter_async_context(ApiServer(hub.api_context(), host, port))
        except OSError as err:  # the port is taken, or the address is not this machine's
            reason = err.strerror or err
            raise ConfigError("http (HUB_HTTP)", f"cannot listen on {host}:{port}: {reason}") from None
        wyoming = parse_hostport(settings.wyoming, "wyoming.listen") if settings.wyoming else None
        if wyoming is not None:
            commands = hub.wyoming_commands()
            await stack.enter_async_context(WyomingServer(commands, commands, *wyoming))
        if settings.zeroconf:
            hub.mdns = await stack.enter_async_context(MdnsService(host, port, wyoming=wyoming))
        if settings.demo:
            assert hub.mqtt is not None
            url: MqttUrl = hub.mqtt.url
            sim = Simulator(url, load_home(), protocol=hub.mqtt.protocol, report_states=True)
            await stack.enter_async_context(sim)
            sim.announce()
            _LOGGER.info("demo: %d simulated devices announced", len(sim.home))
        _LOGGER.info("hub running; API http://%s:%d (token in %s/token unless HUB_TOKEN is set)",
                     host, port, settings.data_dir)
        await stop.wait()
        _LOGGER.info("stopping")


def _check_port(host: str, port: int) -> None:
    """Raise `ConfigError` naming `http` when host:port cannot be listened on (taken, not ours)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            reason = err.strerror or err
            raise ConfigError("http (HUB_HTTP)", f"cannot listen on {host}:{port}: {reason}") from None
