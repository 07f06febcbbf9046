"""Entity sync: discovery messages → the registry → the tracker's subscriptions → the store.

The one owner of what the hub provides. A discovery message (HA's, or Tasmota's native one) is
parsed by the pure `hub.discovery` parsers; the registry's changes subscribe or unsubscribe the
state topics, are saved by `EntityPersistence`, and tell the assistant its names changed.
Retained configs not seen again within `removal_grace` after the first connect are removed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from hub.discovery import UnsupportedComponentError, parse_bridge_devices, parse_discovery
from hub.discovery.tasmota import PREFIX as TASMOTA_PREFIX
from hub.discovery.tasmota import TasmotaDiscovery
from hub.discovery.unhandled import SUMMARY_DELAY_S, UnhandledDiscovery
from hub.domain import Entity, Message
from hub.errors import DiscoveryError
from hub.persistence import EntityPersistence
from hub.registry import Changes, Registry
from hub.tracker import StateTracker

_LOGGER = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]


class Subscriptions(Protocol):
    """What entity sync uses of the MQTT client."""

    def subscribe(self, pattern: str, qos: int = 0) -> None: ...

    def unsubscribe(self, pattern: str) -> None: ...

    def publish_nowait(self, message: Message) -> None: ...


class EntitySync:
    """Keeps the registry, the tracker's topics and the stored entities in step with discovery.

    Args:
        registry: The entities the hub provides.
        tracker: Decodes state topics (it is told which entities to track).
        persistence: Saves added and removed entities.
        discovery_prefix: HA's discovery prefix (`homeassistant`).
        shared_group: An MQTT shared-subscription group for state topics, or "".
        removal_grace: Seconds after the first connect before unseen retained configs are removed.
        on_names: Called with the registry's entities when entities were added (the assistant's
            names).
        spawn: Starts a task the hub owns.
        counters: Where `discovery_errors` is counted.
    """

    def __init__(self, registry: Registry, tracker: StateTracker, persistence: EntityPersistence, *,
                 discovery_prefix: str, shared_group: str, removal_grace: float,
                 on_names: Callable[[Any], None], spawn: Spawn, counters: dict[str, int]) -> None:
        self.registry = registry
        self.tracker = tracker
        self.persistence = persistence
        self.discovery_prefix = discovery_prefix
        self.shared_group = shared_group
        self.removal_grace = removal_grace
        self._on_names = on_names
        self._spawn = spawn
        self._counters = counters
        self.unhandled = UnhandledDiscovery()
        """Discovery messages for components the hub does not handle, by component (`/health`)."""
        self.tasmota = TasmotaDiscovery()
        self.bridge_devices: dict[str, Any] = {}
        """zigbee2mqtt's `bridge/devices` entries by `<base topic>:<ieee address>`."""
        self._mqtt: Subscriptions | None = None
        self._sweep_started = False
        self._retained_keys: set[str] = set()

    def topics(self) -> list[str]:
        """Every subscription entity sync needs: discovery, bridges, and the tracked state topics."""
        dp = self.discovery_prefix
        fixed = [f"{dp}/+/+/config", f"{dp}/+/+/+/config", "+/bridge/devices", f"{TASMOTA_PREFIX}/+/+"]
        return fixed + [self._state_pattern(t) for t in self.tracker.topics()]

    def attach(self, mqtt: Subscriptions) -> None:
        """Use `mqtt` for the state topics from now on (and subscribe to everything needed)."""
        self._mqtt = mqtt
        for topic in self.topics():
            mqtt.subscribe(topic, 1)

    def wants(self, topic: str) -> bool:
        """Whether `topic` carries discovery (HA or Tasmota) rather than states."""
        return (topic.startswith(self.discovery_prefix + "/") and topic.endswith("/config")) or \
            topic.startswith(TASMOTA_PREFIX + "/")

    def on_connect(self) -> None:
        """Ask bridges to announce themselves; start the removal sweep's grace at the first connect."""
        if self._mqtt is not None:
            # HA's birth message makes bridges (zigbee2mqtt, Tasmota, ESPHome) re-announce discovery.
            self._mqtt.publish_nowait(Message("homeassistant/status", "online", qos=1, retain=False))
        if not self._sweep_started:
            self._sweep_started = True
            self._spawn(self._sweep_after_grace(), "removal-sweep")

    async def _sweep_after_grace(self) -> None:
        await asyncio.sleep(self.removal_grace)
        self.apply(self.registry.end_sweep(self._retained_keys))

    def _state_pattern(self, topic: str) -> str:
        return f"$share/{self.shared_group}/{topic}" if self.shared_group else topic

    def on_discovery(self, topic: str, payload: str, retained: bool) -> None:
        """One discovery message: parse, apply to the registry, follow the changes."""
        try:
            if topic.startswith(TASMOTA_PREFIX + "/"):
                updates = self.tasmota.handle(topic, payload)
            else:
                updates = parse_discovery(topic, payload, self.discovery_prefix, self._unhandled)
        except UnsupportedComponentError as err:
            self._unhandled(err.component)
            return
        except DiscoveryError as err:
            self._counters["discovery_errors"] = self._counters.get("discovery_errors", 0) + 1
            _LOGGER.warning("skipped discovery message on %s: %s", topic, err)
            return
        if retained:
            self._retained_keys.update(u.discovery_key for u in updates if isinstance(u, Entity))
        self.apply(self.registry.apply(updates))

    def _unhandled(self, component: str) -> None:
        # A component the hub does not handle is not an error: count it, say so once.
        if (kind := self.unhandled.add(component)) is not None:
            async def summary() -> None:
                await asyncio.sleep(SUMMARY_DELAY_S)
                _LOGGER.info("skipped %d discovery messages for component %r, which the hub "
                             "does not handle (counted on /health)", self.unhandled.count(kind), kind)

            self._spawn(summary(), f"unhandled-{kind}")

    def on_bridge_devices(self, topic: str, payload: str) -> None:
        """zigbee2mqtt's device list (model, vendor, firmware), kept for `/api/devices`."""
        try:
            devices = parse_bridge_devices(payload)
        except DiscoveryError as err:
            _LOGGER.warning("skipped %s: %s", topic, err)
            return
        base = topic.rsplit("/bridge/devices", 1)[0]
        for device in devices:
            self.bridge_devices[f"{base}:{device.ieee_address}"] = device

    def apply(self, changes: Changes) -> None:
        """Follow the registry's `changes`: subscriptions, persistence, the assistant's names."""
        if not changes:
            return
        mqtt = self._mqtt
        assert mqtt is not None, "attach() before discovery arrives"
        for entity in changes.removed:
            for topic in self.tracker.untrack(entity.entity_id):
                mqtt.unsubscribe(self._state_pattern(topic))
            self.persistence.removed(entity.entity_id)
            _LOGGER.info("entity removed: %s", entity.entity_id)
        for entity in changes.added:
            needed, unneeded = self.tracker.track(entity)
            for topic in needed:
                mqtt.subscribe(self._state_pattern(topic), 1)
            for topic in unneeded:
                mqtt.unsubscribe(self._state_pattern(topic))
            self.persistence.added(entity)
        if changes.added:
            self._on_names(self.registry.entities)
        self.persistence.schedule()
