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
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from hub.assistant import Assistant
from hub.broker import start_embedded_broker
from hub.commands import CommandResult, CommandService, Policy, Requester
from hub.config import Settings, mqtt_version_name
from hub.discovery import UnsupportedComponentError, parse_bridge_devices, parse_discovery
from hub.discovery.tasmota import PREFIX as TASMOTA_PREFIX
from hub.discovery.tasmota import TasmotaDiscovery
from hub.discovery.unhandled import SUMMARY_DELAY_S, UnhandledDiscovery
from hub.domain import Entity, Message, State
from hub.errors import ConfigError, DiscoveryError, UnknownEntityError
from hub.health import HealthChecks
from hub.mdns import MdnsService, find_broker
from hub.mqtt import MqttClient, Received
from hub.mqtt_url import MqttUrl
from hub.persistence import EntityPersistence
from hub.registry import Changes, Registry
from hub.resolver.lexicon import load_word_lists
from hub.schedule import ScheduleRunner
from hub.store import Store
from hub.store.schedule import ScheduleStore
from hub.token import ensure_token
from hub.tracker import StateTracker

_LOGGER = logging.getLogger(__name__)

StateListener = Callable[[Sequence[State]], None]


class HubState(enum.Enum):
    NOT_STARTED = "not_started"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"


class Hub:
    """The running hub. Constructors only assign; `start()` does the work."""

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
        self.bridge_devices: dict[str, Any] = {}
        self._stack = contextlib.AsyncExitStack()
        self._listeners: list[StateListener] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self.persistence = EntityPersistence(self.store, self.spawn)
        """Saves registry changes to the store (the one owner of that)."""
        self._sweep_started = False
        self._retained_keys: set[str] = set()
        self.counters: dict[str, int] = {"messages_in": 0, "states": 0, "discovery_errors": 0, "commands": 0}
        self.unhandled_discovery = UnhandledDiscovery()
        self.tasmota = TasmotaDiscovery()
        self.checks = HealthChecks(settings.data_dir)
        """What `/health` reports as problems; probes the broker."""
        self.schedule = ScheduleStore(self.store.engine)
        """Scheduled commands (the table); `scheduler` runs them."""
        self.commands = CommandService(
            parse=lambda text, lang: self.assistant.parse(text, lang),  # looked up per call
            snapshot=self.registry.snapshot, read_states=self.read_states,
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
        self.mqtt.add_handler(self._on_messages)
        self.mqtt.on_connect(self._on_connect)
        dp = self.settings.discovery_prefix
        self.mqtt.subscribe(f"{dp}/+/+/config", 1)
        self.mqtt.subscribe(f"{dp}/+/+/+/config", 1)
        self.mqtt.subscribe("+/bridge/devices", 1)
        self.mqtt.subscribe(f"{TASMOTA_PREFIX}/+/+", 1)
        for topic in self.tracker.topics():
            self.mqtt.subscribe(self._state_pattern(topic), 1)
        self.registry.begin_sweep()
        await self.mqtt.start(self.connect_timeout)
        self._stack.push_async_callback(self.mqtt.stop)
        self.spawn(self.checks.probe(self.mqtt, f"{self.settings.topic_prefix}/probe"), "broker-probe")
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

    # -- MQTT ------------------------------------------------------------------------------
    def _state_pattern(self, topic: str) -> str:
        group = self.settings.shared_group
        return f"$share/{group}/{topic}" if group else topic

    def _on_connect(self) -> None:
        assert self.mqtt is not None
        # HA's birth message makes bridges (zigbee2mqtt, Tasmota, ESPHome) re-announce discovery.
        self.mqtt.publish_nowait(Message("homeassistant/status", "online", qos=1, retain=False))
        if not self._sweep_started:
            self._sweep_started = True
            self.spawn(self._sweep_after_grace(), "removal-sweep")

    async def _sweep_after_grace(self) -> None:
        await asyncio.sleep(self.settings.removal_grace)
        self._apply_changes(self.registry.end_sweep(self._retained_keys))

    def _on_messages(self, batch: Sequence[Received]) -> None:
        self.counters["messages_in"] += len(batch)
        dp = self.settings.discovery_prefix + "/"
        changed: list[State] = []
        for message in batch:
            topic = message.topic
            try:
                payload = message.payload.decode("utf-8")
            except UnicodeDecodeError:
                _LOGGER.warning("skipped a non-UTF-8 payload on %s", topic)
                continue
            if (topic.startswith(dp) and topic.endswith("/config")) or \
                    topic.startswith(TASMOTA_PREFIX + "/"):
                self._on_discovery(topic, payload, message.retain)
            elif topic.endswith("/bridge/devices"):
                self._on_bridge_devices(topic, payload)
            else:
                changed.extend(self.tracker.handle(topic, payload))
        if changed:
            self.counters["states"] += len(changed)
            for state in changed:
                self.store.put_state(state)
            self._notify(changed)

    def _on_discovery(self, topic: str, payload: str, retained: bool) -> None:
        def unhandled(component: str) -> None:
            # A component the hub does not handle is not an error: count it, say so once.
            if (kind := self.unhandled_discovery.add(component)) is not None:
                async def summary() -> None:
                    await asyncio.sleep(SUMMARY_DELAY_S)
                    _LOGGER.info("skipped %d discovery messages for component %r, which the hub "
                                 "does not handle (counted on /health)",
                                 self.unhandled_discovery.count(kind), kind)

                self.spawn(summary(), f"unhandled-{kind}")

        try:
            if topic.startswith(TASMOTA_PREFIX + "/"):
                updates = self.tasmota.handle(topic, payload)
            else:
                updates = parse_discovery(topic, payload, self.settings.discovery_prefix,
                                          unhandled)
        except UnsupportedComponentError as err:
            unhandled(err.component)
            return
        except DiscoveryError as err:
            self.counters["discovery_errors"] += 1
            _LOGGER.warning("skipped discovery message on %s: %s", topic, err)
            return
        if retained:
            self._retained_keys.update(u.discovery_key for u in updates if isinstance(u, Entity))
        self._apply_changes(self.registry.apply(updates))

    def _on_bridge_devices(self, topic: str, payload: str) -> None:
        try:
            devices = parse_bridge_devices(payload)
        except DiscoveryError as err:
            _LOGGER.warning("skipped %s: %s", topic, err)
            return
        base = topic.rsplit("/bridge/devices", 1)[0]
        for device in devices:
            self.bridge_devices[f"{base}:{device.ieee_address}"] = device

    def _apply_changes(self, changes: Changes) -> None:
        if not changes:
            return
        assert self.mqtt is not None
        for entity in changes.removed:
            for topic in self.tracker.untrack(entity.entity_id):
                self.mqtt.unsubscribe(self._state_pattern(topic))
            self.persistence.removed(entity.entity_id)
            _LOGGER.info("entity removed: %s", entity.entity_id)
        for entity in changes.added:
            needed, unneeded = self.tracker.track(entity)
            for topic in needed:
                self.mqtt.subscribe(self._state_pattern(topic), 1)
            for topic in unneeded:
                self.mqtt.unsubscribe(self._state_pattern(topic))
            self.persistence.added(entity)
        if changes.added:
            self.assistant.registry_changed(self.registry.entities)
        self.persistence.schedule()

    # -- state listeners -------------------------------------------------------------------
    def add_state_listener(self, listener: StateListener) -> Callable[[], None]:
        """Call `listener` with every batch of changed states; returns the remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, states: Sequence[State]) -> None:
        for listener in list(self._listeners):
            try:
                listener(states)
            except Exception:
                _LOGGER.exception("state listener failed")

    # -- reads -----------------------------------------------------------------------------
    def states(self) -> list[State]:
        """Current states of every provided entity."""
        return [s for eid, s in self.tracker.states().items() if eid in self.registry]

    def get_state(self, entity_id: str) -> State | None:
        return self.tracker.get(entity_id) if entity_id in self.registry else None

    async def read_states(self) -> dict[str, State]:
        """Current states for readers (API, questions).

        With a shared subscription each instance sees only part of the state traffic, so the
        database, which every instance writes, is the one complete view.
        """
        if self.settings.shared_group:
            await self.store.flush()
            stored = await self.store.current_states()
            return {eid: s for eid, s in stored.items() if eid in self.registry}
        return {eid: s for eid, s in self.tracker.states().items() if eid in self.registry}

    async def read_state(self, entity_id: str) -> State | None:
        if self.settings.shared_group:
            return (await self.read_states()).get(entity_id)
        return self.get_state(entity_id)

    # -- commands ----------------------------------------------------------------------------
    # The command service owns the path; these wrappers keep the older call sites working.
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
        mqtt = self.mqtt
        stats = self.store.stats
        problems = self.problems()
        # "degraded" at once when a dependency is away; `problems` (and with them a 503 for the
        # watchdog) only once it has stayed away past the grace period, so a blip restarts nothing.
        away = mqtt is None or not mqtt.connected or not self.store.healthy
        return {
            "status": "degraded" if problems or away else "ok",
            "problems": problems,
            "state": self.state.value,
            "uptime_s": round(time.monotonic() - self.started_at, 1) if self.started_at else 0,
            "mqtt": {
                "state": mqtt.state.value if mqtt else "not_started",
                "error": mqtt.last_error if mqtt else None,
                "connects": mqtt.connects if mqtt else 0,
                "protocol": mqtt_version_name(mqtt.protocol) if mqtt else None,
            },
            "store": {"healthy": self.store.healthy, **_jsonable(stats)},
            "entities": len(self.registry),
            "nlu": self.assistant.status(),
            "counters": dict(self.counters),
            "discovery": {"unhandled": self.unhandled_discovery.as_dict()},
        }


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


def _jsonable(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(value)
    return {"stats": str(value)}


__all__ = ["Hub", "HubState", "UnknownEntityError"]  # UnknownEntityError: hub.errors, re-exported
