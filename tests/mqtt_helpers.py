"""Small helpers for tests that talk to a real broker."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion


class Peer:
    """A plain paho client in the test (a device, a bridge, an observer)."""

    def __init__(self, port: int, client_id: str = "", *, clean: bool = True, protocol: int = 5) -> None:
        self.messages: list[tuple[str, bytes, bool]] = []
        self._lock = threading.Lock()
        self._connected = threading.Event()
        kwargs: dict[str, Any] = {}
        if protocol == 4:
            kwargs["clean_session"] = clean
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=paho.MQTTv5 if protocol == 5 else paho.MQTTv311, **kwargs)
        self.client.on_message = self._on_message
        self.client.on_connect = lambda *a: self._connected.set()
        self.client.on_disconnect = lambda *a: self._connected.clear()
        self.port = port
        self.subs: list[tuple[str, int]] = []
        self.protocol = protocol
        self.clean = clean

    def _on_message(self, client: Any, userdata: Any, msg: paho.MQTTMessage) -> None:
        with self._lock:
            self.messages.append((msg.topic, bytes(msg.payload), msg.retain))

    def start(self) -> Peer:
        kwargs: dict[str, Any] = {}
        if self.protocol == 5:
            from paho.mqtt.packettypes import PacketTypes
            from paho.mqtt.properties import Properties

            props = Properties(PacketTypes.CONNECT)
            if not self.clean:
                props.SessionExpiryInterval = 3600
            kwargs = {"clean_start": self.clean, "properties": props}
        self.client.connect("127.0.0.1", self.port, **kwargs)
        self.client.loop_start()
        assert self._connected.wait(10), "peer could not connect"
        return self

    def subscribe(self, topic: str, qos: int = 1) -> None:
        self.client.subscribe(topic, qos)
        time.sleep(0.1)

    def publish(self, topic: str, payload: str | bytes, qos: int = 1, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos, retain).wait_for_publish(10)

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def payloads(self, topic: str) -> list[str]:
        with self._lock:
            return [p.decode() for t, p, _ in self.messages if t == topic]


async def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll `predicate` until truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)
