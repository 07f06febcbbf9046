"""The composition root: the only module that wires I/O (store, MQTT, HTTP) to the pure core.

Lifetimes nest on one `AsyncExitStack`: database, broker (embedded when none is configured),
MQTT, HTTP; they unwind in reverse.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections.abc import Collection, Mapping
from typing import Any

from hub.api.context import ApiContext
from hub.assistant import Assistant
from hub.broker import start_embedded_broker
from hub.commands import CommandResult, CommandService, Policy, Requester
from hub.config import Settings
from hub.domain import Message, State
from hub.entitysync import EntitySync
from hub.errors import ConfigError, HubError, UnknownEntityError
from hub.health import HealthChecks, report
from hub.hermes import Hermes
from hub.ingest import Ingest
from hub.mdns import MdnsService, find_broker
from hub.mqtt import MqttClient
from hub.mqtt_url import MqttUrl
from hub.persistence import EntityPersistence
from hub.registry import Registry
from hub.resolver.lexicon import load_word_lists
from hub.schedule import ScheduleRunner
from hub.states import StateBus, StateView
from hub.store import Store
from hub.store.schedule import ScheduleStore
from hub.textcmd import TextCommands
from hub.token import ensure_token
from hub.tracker import StateTracker
from hub.wyoming.commands import HubCommands

_LOGGER = logging.getLogger(__name__)

class HubState(enum.Enum):
    NOT_STARTED = "not_started"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"


class Hub:
    """The composition root: builds the parts, wires them, and runs their lifetimes.

    The parts and what each owns:
    - `store` (the database), `registry` (the entities provided), `tracker` (decoded states);
    - `sync` (`EntitySync`: discovery → registry → subscriptions → persistence);
    - `ingest` (`Ingest`: MQTT batches → sync, or states → store → bus);
    - `views` (`StateView` over the tracker or the store) and `bus` (`StateBus`, change listeners);
    - `commands` (`CommandService`: the one command path), `assistant` (the language model);
    - `checks` (`HealthChecks`) and `counters`.

    Interfaces get narrow objects from here (`api_context()`, `text_commands()`, `hermes()`,
    `wyoming_commands()`), never the hub itself. Constructors only assign; `start()` does the work.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.state = HubState.NOT_STARTED
        self.registry = Registry()
        self.tracker = StateTracker()
        self.store = Store(settings.database_url)
        self.mqtt: MqttClient | None = None
        self.mdns: MdnsService | None = None
        """Seen-but-unmanaged LAN devices and the API announcement (set by the runtime)."""
        self.assistant = Assistant(settings)
        self.token = ""
        self.started_at = 0.0
        self.connect_timeout = 5.0
        """How long `start()` waits for the broker before going on (it keeps retrying)."""
        self._stack = contextlib.AsyncExitStack()
        self._tasks: set[asyncio.Task[Any]] = set()
        self.counters: dict[str, int] = {"messages_in": 0, "states": 0, "discovery_errors": 0, "commands": 0}
        self.persistence = EntityPersistence(self.store, self.spawn)
        """Saves registry changes to the store (the one owner of that)."""
        self.sync = EntitySync(
            self.registry, self.tracker, self.persistence, discovery_prefix=settings.discovery_prefix,
            shared_group=settings.shared_group or "", removal_grace=settings.removal_grace,
            on_names=self.assistant.registry_changed, spawn=self.spawn, counters=self.counters,
        )
        self.bus = StateBus()
        self.ingest = Ingest(self.sync, self.tracker, self.store, self.bus, self.counters)
        self.views = StateView(self.tracker, self.registry, self.store, shared=bool(settings.shared_group),
                               bus=self.bus)
        self.checks = HealthChecks(settings.data_dir)
        """What `/health` reports as problems; probes the broker."""
        self.schedule = ScheduleStore(self.store.engine)
        """Scheduled commands (the table); `scheduler` runs them."""
        self.commands = CommandService(
            parse=lambda text, lang: self.assistant.parse(text, lang),  # looked up per call
            snapshot=self.registry.snapshot, read_states=self.views.read_all,
            log=self.store, publisher=lambda: self.mqtt,
            policy=Policy(confirm=settings.confirm, exempt=frozenset(settings.confirm_exempt),
                          ttl=settings.confirm_ttl, sensitive_expiry=settings.sensitive_expiry),
            language=settings.language, counters=self.counters,
            schedules=self.schedule, zone=settings.zone,
        )
        """The one command path (text, service calls, confirmations) every interface calls."""
        self.scheduler = ScheduleRunner(self.schedule, self.commands, settings.zone, settings.schedule_grace)
        """Runs scheduled commands when due (started once MQTT is up)."""

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the database, restore the registry and states, connect to MQTT."""
        self.state = HubState.STARTING
        self.started_at = time.monotonic()
        self.token = await asyncio.to_thread(_prepare_data_dir, self.settings)
        await asyncio.to_thread(load_word_lists)  # read once, off the loop: the resolver reads them
        await self._stack.enter_async_context(self.store)
        entities = await self.store.load_entities()
        self.registry.load(entities)
        for entity in entities:
            self.tracker.track(entity)
        self.tracker.restore((await self.store.current_states()).values())
        _LOGGER.info("restored %d entities from %s", len(entities), _safe_url(self.settings.database_url))
        url, protocol = await self._broker_url()
        prefix = self.settings.topic_prefix
        self.mqtt = MqttClient(
            url,
            client_id=self.settings.client_id,
            will=Message(f"{prefix}/status", "offline", qos=1, retain=True),
            birth=Message(f"{prefix}/status", "online", qos=1, retain=True),
            protocol=protocol,
            reconnect_max=self.settings.reconnect_max,
        )
        self.mqtt.add_handler(self.ingest.on_messages)
        self.mqtt.on_connect(self.sync.on_connect)
        self.sync.attach(self.mqtt)
        self.registry.begin_sweep()
        await self.mqtt.start(self.connect_timeout)
        self._stack.push_async_callback(self.mqtt.stop)
        self.spawn(self.checks.probe(self.mqtt, f"{prefix}/probe"), "broker-probe")
        await self.assistant.start()
        self._stack.push_async_callback(self.assistant.stop)
        await self._stack.enter_async_context(self.scheduler)  # commands in time: after MQTT, before RUNNING
        self.state = HubState.RUNNING

    async def stop(self) -> None:
        """Flush everything and close in reverse order."""
        if self.state in (HubState.STOPPED, HubState.NOT_STARTED):
            return
        self.state = HubState.STOPPING
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.commands.drain()
        await self.persistence.flush()
        await self._stack.aclose()
        self.state = HubState.STOPPED

    async def __aenter__(self) -> Hub:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _broker_url(self) -> tuple[MqttUrl, int]:
        configured = self.settings.mqtt
        if configured is not None:
            return configured, self.settings.mqtt_protocol
        if self.settings.zeroconf and not self.settings.demo:
            found = await find_broker(self.settings.zeroconf_timeout)
            if found is not None:
                _LOGGER.info("using the broker found by zeroconf: %s", found)
                return found, self.settings.mqtt_protocol
        broker, highest = await start_embedded_broker()
        self._stack.push_async_callback(broker.close)
        return MqttUrl.parse(broker.url), min(highest, self.settings.mqtt_protocol)

    def spawn(self, coro: Any, name: str) -> asyncio.Task[Any]:
        """Start a task the hub owns: cancelled and awaited on stop, failures logged."""
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                _LOGGER.error("task %s failed", name, exc_info=t.exception())

        task.add_done_callback(done)
        return task

    def _started_mqtt(self) -> MqttClient:
        if self.mqtt is None:
            raise HubError("the hub is not started (no MQTT client)")
        return self.mqtt

    # -- what the interfaces get -----------------------------------------------------------
    def api_context(self) -> ApiContext:
        """What the HTTP API and the WebSocket may use (after `start()`: the token is read there)."""
        return ApiContext(
            commands=self.commands, states=self.views, registry=self.registry, store=self.store,
            schedule=self.schedule, zone=self.settings.zone, health=self.health, token=self.token,
            ingress_proxy=self.settings.ingress_proxy,
            bridge_devices=self.sync.bridge_devices, counters=self.counters,
            parse_seconds=lambda: self.assistant.parse_seconds,
            published=lambda: self.mqtt.published if self.mqtt is not None else 0,
        )

    def text_commands(self) -> TextCommands:
        """The MQTT text-command service on this hub's connection (after `start()`)."""
        return TextCommands(self.commands, self._started_mqtt(), prefix=self.settings.topic_prefix,
                            allow=self.settings.command_allow)

    def hermes(self, execute: bool = False) -> Hermes:
        """The Hermes NLU service on this hub's connection (after `start()`)."""
        return Hermes(self.commands, self._started_mqtt(), language=self.settings.language,
                      allow=self.settings.command_allow, execute=execute)

    def wyoming_commands(self) -> HubCommands:
        """The command runner and recognizer the Wyoming server uses."""
        return HubCommands(self.commands, allow=self.settings.command_allow)

    # -- reads (for callers that hold the hub: tests) ------------------------------------
    def get_state(self, entity_id: str) -> State | None:
        return self.views.get(entity_id)

    async def read_states(self) -> dict[str, State]:
        """`StateView.read_all`."""
        return await self.views.read_all()

    # -- commands ----------------------------------------------------------------------------
    async def call_service(self, domain: str, service: str, data: Mapping[str, Any],
                           requester: Requester | None = None) -> CommandResult:
        """A Home Assistant service call through the command service (confirmations included)."""
        return await self.commands.call_service(domain, service, data, requester or Requester("service"))

    async def handle_text(
        self, text: str, lang: str | None = None, *, source: str = "api", execute: bool = True,
        allow: Collection[str] = (), conversation_id: str | None = None,
    ) -> dict[str, Any]:
        """`CommandService.run_text` for `source`, as the `hub ask` object plus `outcome`."""
        requester = Requester(source, conversation_id=conversation_id)
        result = await self.commands.run_text(text, lang, requester, execute=execute, allow=allow)
        return result.as_contract()

    # -- health ----------------------------------------------------------------------------
    def problems(self) -> list[str]:
        """Why the hub is degraded (empty when healthy): what a watchdog should restart it for."""
        return self.checks.problems(self.mqtt, self.store, self.started_at)

    def health(self) -> dict[str, Any]:
        """The `/health` body (`hub.health.report`)."""
        return report(self.checks, state=self.state.value, started_at=self.started_at, mqtt=self.mqtt,
                      store=self.store, entities=len(self.registry), nlu=self.assistant.status(),
                      counters=self.counters, unhandled=self.sync.unhandled.as_dict())


def _prepare_data_dir(settings: Settings) -> str:
    """Create the data dir, check it is writable, and return the API token.

    Raises:
        ConfigError: The data dir cannot be created or written (read-only, wrong owner).
    """
    folder = settings.data_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
        return ensure_token(settings)
    except OSError as err:
        reason = err.strerror or err
        raise ConfigError("data_dir (HUB_DATA_DIR)", f"{folder} is not writable: {reason}") from None


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


__all__ = ["Hub", "HubState", "UnknownEntityError"]  # UnknownEntityError: hub.errors, re-exported
