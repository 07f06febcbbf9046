"""Simulated devices for `hub run --demo` and the tests.

Each device announces retained HA discovery (a home file: topic → discovery payload, the same
format as `hub ask --home`) and answers commands the way zigbee2mqtt, Tasmota and ESPHome do:
the new state is echoed on the state topic. It is a separate MQTT client, like a real bridge.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from hub.discovery import parse_discovery
from hub.domain import Entity
from hub.errors import DiscoveryError
from hub.mqtt_url import MqttUrl
from hub.resources import data_path

_LOGGER = logging.getLogger(__name__)

# command-topic key → state-topic key for echoes that copy the payload across.
_ECHO = {
    "brightness_command_topic": "brightness_state_topic",
    "rgb_command_topic": "rgb_state_topic",
    "color_temp_command_topic": "color_temp_state_topic",
    "hs_command_topic": "hs_state_topic",
    "xy_command_topic": "xy_state_topic",
    "percentage_command_topic": "percentage_state_topic",
    "preset_mode_command_topic": "preset_mode_state_topic",
    "temperature_command_topic": "temperature_state_topic",
    "mode_command_topic": "mode_state_topic",
    "set_position_topic": "position_topic",
}
_JSON_FIELD = re.compile(r"value_json\.(\w+)")


def load_home(path: Path | None = None) -> dict[str, Any]:
    """Read a home file (topic → discovery payload); default: the demo home in config/."""
    path = path or data_path("config") / "demo-home.json"
    home = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(home, dict):
        raise ValueError(f"{path}: a home file is a JSON object mapping discovery topics to payloads")
    return home


class Simulator:
    """Devices that announce `home` and echo commands as state.

    Args:
        url: The broker.
        home: Discovery topic → payload (dict or JSON string).
        prefix: Discovery prefix the home's topics use.
    """

    def __init__(self, url: MqttUrl, home: Mapping[str, Any], prefix: str = "homeassistant",
                 protocol: int = 5, report_states: bool = False) -> None:
        self.url = url
        self.home = dict(home)
        self.prefix = prefix
        self.protocol = protocol
        self.received: list[tuple[str, str]] = []
        """Every command (topic, payload) the devices received, in order (tests read it)."""
        self._entities: list[Entity] = []
        self._routes: dict[str, list[tuple[Entity, str]]] = {}
        self._json_state: dict[str, dict[str, Any]] = {}
        self._reported: set[str] = set()
        self.report_states = report_states
        """Every device reports a state on start (`hub run --demo`); otherwise only the
        sensors, the lock and the climate's room temperature do, so a test sees a command's
        echo as the first state change of a switch or light."""
        self._client: paho.Client | None = None
        # announce() runs on the test's thread and again on paho's when the hub says it is online:
        # one at a time, or two half-done announces interleave their first states.
        self._announcing = threading.Lock()
        self._last_sent: paho.MQTTMessageInfo | None = None
        self._connected = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def _index(self) -> None:
        for topic, payload in self.home.items():
            raw = payload if isinstance(payload, str) else json.dumps(payload)
            try:
                updates = parse_discovery(topic, raw, self.prefix)
            except DiscoveryError as err:
                _LOGGER.warning("demo: skipped %s: %s", topic, err)
                continue
            for update in updates:
                if isinstance(update, Entity):
                    self._entities.append(update)
                    for key, value in update.config.items():
                        if key.endswith("_topic") and ("command" in key or key == "set_position_topic"):
                            self._routes.setdefault(str(value), []).append((update, key))

    async def start(self) -> None:
        """Connect, subscribe to the command topics, publish discovery (retained) and states."""
        self._loop = asyncio.get_running_loop()
        self._index()
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"hub-demo-{id(self):x}",
                             protocol=paho.MQTTv5 if self.protocol == 5 else paho.MQTTv311)
        if self.url.username:
            client.username_pw_set(self.url.username, self.url.password)
        client.on_connect = self._on_connect
        client.on_message = self._on_message
        client.connect_async(self.url.host, self.url.port)
        client.loop_start()
        self._client = client
        await asyncio.wait_for(self._connected.wait(), 10)

    async def stop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.disconnect()
            await asyncio.to_thread(client.loop_stop)

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def announce(self) -> None:
        """Publish every discovery config (retained) and an initial state."""
        assert self._client is not None
        with self._announcing:
            for topic, payload in list(self.home.items()):
                raw = payload if isinstance(payload, str) else json.dumps(payload)
                self._last_sent = self._client.publish(topic, raw, qos=1, retain=True)
            for entity in self._entities:
                self._initial_state(entity)

    def forget(self, discovery_topic: str) -> None:
        """Stop announcing `discovery_topic` (a bridge that dropped a device).

        Returns once every announce so far has reached the broker, so a removal published after
        this call cannot be overtaken by a re-announce that was already under way. Call it from
        the test's thread, never from paho's.
        """
        with self._announcing:
            self.home.pop(discovery_topic, None)
            self._entities = [e for e in self._entities if e.discovery_topic != discovery_topic]
            sent = self._last_sent
        if sent is not None:
            sent.wait_for_publish(10)

    def _initial_state(self, entity: Entity) -> None:
        """Report a plausible state at once, as a real device does when it (re)connects, so no
        demo card reads "unknown" (a button has no state to report)."""
        cfg = entity.config
        first = entity.entity_id not in self._reported  # a re-announce keeps the current state
        self._reported.add(entity.entity_id)
        payloads = _initial_payloads(entity) if first else []
        if not self.report_states:
            passive = entity.component in ("sensor", "binary_sensor", "lock")
            payloads = [(k, p) for k, p in payloads
                        if passive or k == "current_temperature_topic"]
        for key, payload in payloads:
            if not cfg.get(key):
                continue
            topic = str(cfg[key])
            if entity.component in ("sensor", "binary_sensor"):
                # zigbee2mqtt puts every value of a device in one retained message: merge, or
                # the humidity would overwrite the temperature on their shared topic.
                merged = self._json_state.setdefault(topic, {})
                merged.update(json.loads(payload))
                payload = json.dumps(merged)
            self._publish(topic, payload)
        if first and self.report_states and entity.component == "light" \
                and cfg.get("schema") == "json":
            state = self._json_state.setdefault(entity.entity_id, {"state": "OFF", "brightness": 180})
            self._publish_json(str(cfg["state_topic"]), state)
        avail = cfg.get("availability_topic")
        if avail:
            self._publish(str(avail), str(cfg.get("payload_available", "online")))
        for item in cfg.get("availability") or []:
            if isinstance(item, Mapping) and "topic" in item:
                payload = '{"state":"online"}' if "value_json" in str(item.get("value_template", "")) \
                    else str(item.get("payload_available", "online"))
                self._publish(str(item["topic"]), payload)

    # -- paho thread -----------------------------------------------------------------------
    def _on_connect(self, client: paho.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        if reason.is_failure:
            return
        topics = [(t, 1) for t in self._routes]
        if topics:
            client.subscribe(topics)
        client.subscribe("homeassistant/status", 1)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._connected.set)

    def _on_message(self, client: paho.Client, userdata: Any, msg: paho.MQTTMessage) -> None:
        payload = msg.payload.decode("utf-8", "replace")
        if msg.topic == "homeassistant/status":
            if payload == "online":
                self.announce()
            return
        self.received.append((msg.topic, payload))
        for entity, key in self._routes.get(msg.topic, []):
            try:
                self._answer(entity, key, payload)
            except Exception:  # a simulator must never die on odd input
                _LOGGER.exception("demo device %s failed to answer", entity.entity_id)

    def _answer(self, entity: Entity, key: str, payload: str) -> None:
        cfg = entity.config
        if key == "command_topic" and cfg.get("schema") == "json":
            state = self._json_state.setdefault(entity.entity_id, {"state": "OFF"})
            state.update(json.loads(payload))
            self._publish_json(str(cfg["state_topic"]), state)
            return
        if key in _ECHO and cfg.get(_ECHO[key]):
            self._publish(str(cfg[_ECHO[key]]), payload)
            if key == "set_position_topic" and cfg.get("state_topic"):
                self._publish(str(cfg["state_topic"]), "closed" if payload in ("0", "0.0") else "open")
            return
        if key != "command_topic" or not cfg.get("state_topic"):
            return
        state_topic = str(cfg["state_topic"])
        reply = self._state_for(entity, payload)
        match = _JSON_FIELD.search(str(cfg.get("value_template", "")))
        if match and entity.component != "vacuum":
            self._publish_json(state_topic, {match.group(1): reply})
        else:
            self._publish(state_topic, reply)

    @staticmethod
    def _state_for(entity: Entity, payload: str) -> str:
        cfg = entity.config
        if entity.component == "cover":
            return {
                str(cfg.get("payload_open", "OPEN")): str(cfg.get("state_open", "open")),
                str(cfg.get("payload_close", "CLOSE")): str(cfg.get("state_closed", "closed")),
                str(cfg.get("payload_stop", "STOP")): str(cfg.get("state_stopped", "stopped")),
            }.get(payload, payload)
        if entity.component == "lock":
            return {
                str(cfg.get("payload_lock", "LOCK")): str(cfg.get("state_locked", "LOCKED")),
                str(cfg.get("payload_unlock", "UNLOCK")): str(cfg.get("state_unlocked", "UNLOCKED")),
                str(cfg.get("payload_open", "OPEN")): str(cfg.get("state_open", "OPEN")),
            }.get(payload, payload)
        if entity.component == "vacuum":
            state = {"start": "cleaning", "return_to_base": "returning", "stop": "idle",
                     "pause": "paused", "locate": "idle", "clean_spot": "cleaning"}.get(payload, "idle")
            return json.dumps({"state": state, "battery_level": 80})
        return payload

    def _publish(self, topic: str, payload: str) -> None:
        if self._client is not None:
            self._last_sent = self._client.publish(topic, payload, qos=1, retain=True)

    def _publish_json(self, topic: str, payload: Mapping[str, Any]) -> None:
        self._publish(topic, json.dumps(dict(payload)))


def _json_or_plain(entity: Entity, value: str) -> str:
    """`value` wrapped the way the entity's value template reads it (`{"POWER": "OFF"}`)."""
    match = _JSON_FIELD.search(str(entity.config.get("value_template", "")))
    return json.dumps({match.group(1): value}) if match else value


def _initial_payloads(entity: Entity) -> list[tuple[str, str]]:
    """(config key of a state topic, payload) pairs a demo device reports on start."""
    cfg = entity.config
    component = entity.component
    if component == "sensor" and entity.device_class in ("temperature", "humidity"):
        value = 21.5 if entity.device_class == "temperature" else 45
        return [("state_topic", json.dumps({entity.device_class: value}))]
    if component == "binary_sensor":
        return [("state_topic", json.dumps({"contact": True}))]
    if component == "light" and cfg.get("schema") != "json":
        return [("state_topic", str(cfg.get("payload_off", "OFF"))),
                ("brightness_state_topic", str(round(0.6 * float(cfg.get("brightness_scale", 255))))),
                ("rgb_state_topic", "255,160,90")]
    if component in ("switch", "fan"):
        return [("state_topic", _json_or_plain(entity, str(cfg.get("payload_off", "OFF")))),
                ("percentage_state_topic", "50")]
    if component == "climate":
        return [("mode_state_topic", "heat"), ("temperature_state_topic", "21"),
                ("current_temperature_topic", "20.5")]
    if component == "cover":
        if cfg.get("position_topic"):
            return [("position_topic", "60"), ("state_topic", str(cfg.get("state_open", "open")))]
        return [("state_topic", str(cfg.get("state_closed", "closed")))]
    if component == "lock":
        return [("state_topic", str(cfg.get("state_locked", "LOCKED")))]
    if component == "vacuum":
        return [("state_topic", json.dumps({"state": "docked", "battery_level": 100}))]
    if component == "valve":
        return [("state_topic", "0" if cfg.get("reports_position") else "closed")]
    if component == "water_heater":
        return [("mode_state_topic", "eco"), ("temperature_state_topic", "55"),
                ("current_temperature_topic", "52")]
    if component == "number":
        low, high = float(cfg.get("min", 1)), float(cfg.get("max", 100))
        return [("state_topic", str(round((low + high) / 2)))]
    if component == "select" and cfg.get("options"):
        return [("state_topic", str(cfg["options"][0]))]
    return []
