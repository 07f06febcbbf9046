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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from hub.config import MqttUrl
from hub.discovery import parse_discovery
from hub.domain import Entity
from hub.errors import DiscoveryError
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
                 protocol: int = 5) -> None:
        self.url = url
        self.home = dict(home)
        self.prefix = prefix
        self.protocol = protocol
        self.received: list[tuple[str, str]] = []
        """Every command (topic, payload) the devices received, in order (tests read it)."""
        self._entities: list[Entity] = []
        self._routes: dict[str, list[tuple[Entity, str]]] = {}
        self._json_state: dict[str, dict[str, Any]] = {}
        self._client: paho.Client | None = None
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
        for topic, payload in self.home.items():
            raw = payload if isinstance(payload, str) else json.dumps(payload)
            self._client.publish(topic, raw, qos=1, retain=True)
        for entity in self._entities:
            self._initial_state(entity)

    def _initial_state(self, entity: Entity) -> None:
        cfg = entity.config
        if entity.component == "sensor" and entity.device_class in ("temperature", "humidity"):
            self._publish_json(str(cfg["state_topic"]), {entity.device_class: 21.5 if
                                                          entity.device_class == "temperature" else 45})
        elif entity.component == "binary_sensor":
            self._publish_json(str(cfg["state_topic"]), {"contact": True})
        elif entity.component == "climate":
            if "current_temperature_topic" in cfg:
                self._publish(str(cfg["current_temperature_topic"]), "20.5")
        elif entity.component == "lock" and "state_topic" in cfg:
            self._publish(str(cfg["state_topic"]), str(cfg.get("state_locked", "LOCKED")))
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
            self._client.publish(topic, payload, qos=1, retain=True)

    def _publish_json(self, topic: str, payload: Mapping[str, Any]) -> None:
        self._publish(topic, json.dumps(dict(payload)))
