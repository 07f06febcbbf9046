"""The MQTT client: paho-mqtt 2.x on its own network thread, bridged to the event loop.

Chosen by measurement (`bench/mqtt_receive.py`, BENCHMARKS.md): paho on its own network thread
received 39k msg/s on MQTT 5 and 69k on 3.1.1 here, aiomqtt (paho driven from the event loop)
9k and 31k. Received messages are handed to the loop in batches: the paho thread appends to a
deque and schedules one wake-up; the loop drains everything that arrived meanwhile.

Reconnects are paho's own (exponential backoff up to `reconnect_max`). The subscription table
here is the source of truth and is replayed on every (re)connect. A broker that refuses the
credentials stops the retries: `start()` raises `MqttAuthError`, later refusals go to the log
and `state`. QoS 1 publishes made while the broker is away wait in paho's queue and go out on
reconnect.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import enum
import logging
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from hub.config import MqttUrl
from hub.domain import Message
from hub.errors import MqttAuthError, MqttError

_LOGGER = logging.getLogger(__name__)

# CONNACK reason codes meaning "these credentials will never work" (MQTT 5 and 3.1.1 mapped).
_AUTH_FAILURES = {"Bad user name or password", "Not authorized", "Banned"}


@dataclass(frozen=True, slots=True)
class Received:
    """One message from the broker."""

    topic: str
    payload: bytes
    retain: bool
    qos: int
    received_at: float
    """`loop.time()`-compatible monotonic time when paho handed it over."""


class ConnectionState(enum.Enum):
    NOT_STARTED = "not_started"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    AUTH_FAILED = "auth_failed"
    STOPPED = "stopped"


Handler = Callable[[Sequence[Received]], None]


class MqttClient:
    """An asyncio-facing MQTT client.

    Args:
        url: Broker address and credentials.
        client_id: MQTT client id.
        will: Last will (the hub's availability topic → "offline").
        birth: Published after every connect (availability → "online").
        protocol: 4 (3.1.1, the default, as Home Assistant's) or 5 (MQTT 5).
        reconnect_max: Longest backoff between reconnect attempts, seconds.
    """

    def __init__(
        self,
        url: MqttUrl,
        *,
        client_id: str = "hub",
        will: Message | None = None,
        birth: Message | None = None,
        protocol: int = 4,
        reconnect_max: float = 30.0,
    ) -> None:
        self.url = url
        self.client_id = client_id
        self.will = will
        self.birth = birth
        self.protocol = protocol
        self.reconnect_max = reconnect_max
        self._state = ConnectionState.NOT_STARTED
        self.state_since = time.monotonic()
        """When `state` last changed (monotonic seconds): how long an outage has lasted."""
        self.last_error: str | None = None
        self.connects = 0
        self.received = 0
        self.published = 0
        self._subscriptions: dict[str, int] = {}
        self._handlers: list[Handler] = []
        self._on_connect_hooks: list[Callable[[], None]] = []
        self._inbox: collections.deque[Received] = collections.deque()
        self._wakeup_pending = False
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: paho.Client | None = None
        self._first_connack: asyncio.Future[None] | None = None

    @property
    def state(self) -> ConnectionState:
        return self._state

    @state.setter
    def state(self, value: ConnectionState) -> None:
        if value is not self._state:
            self._state = value
            self.state_since = time.monotonic()

    # -- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> MqttClient:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self, timeout: float = 5.0) -> None:
        """Connect in the background; wait up to `timeout` for the first connection.

        A broker that is down is not an error (paho keeps retrying); refused credentials are.

        Raises:
            MqttAuthError: The broker refused the credentials.
        """
        self._loop = asyncio.get_running_loop()
        self._first_connack = self._loop.create_future()
        client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            protocol=paho.MQTTv5 if self.protocol == 5 else paho.MQTTv311,
            reconnect_on_failure=True,
        )
        client.enable_logger(logging.getLogger("hub.mqtt.paho"))
        if self.url.username:
            client.username_pw_set(self.url.username, self.url.password)
        if self.url.tls:
            client.tls_set_context(ssl.create_default_context())
        if self.will:
            client.will_set(self.will.topic, self.will.payload, self.will.qos, self.will.retain)
        client.reconnect_delay_set(min_delay=1, max_delay=max(1, int(self.reconnect_max)))
        client.max_queued_messages_set(0)  # unbounded: a QoS 1 command is never dropped locally
        client.max_inflight_messages_set(100)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        self._client = client
        self.state = ConnectionState.CONNECTING
        kwargs: dict[str, Any] = {}
        if self.protocol == 5:
            kwargs["clean_start"] = True
        client.connect_async(self.url.host, self.url.port, keepalive=30, **kwargs)
        client.loop_start()
        try:
            await asyncio.wait_for(asyncio.shield(self._first_connack), timeout)
        except TimeoutError:
            _LOGGER.warning("MQTT broker %s not reachable yet; retrying in the background", self.url)

    async def stop(self) -> None:
        """Disconnect cleanly (publishing nothing: the broker keeps the will for crashes only)."""
        client, self._client = self._client, None
        if client is None:
            return
        self.state = ConnectionState.STOPPED
        if self.will and client.is_connected():
            # A clean disconnect suppresses the will; say "offline" ourselves.
            info = client.publish(self.will.topic, self.will.payload, self.will.qos, self.will.retain)
            await asyncio.to_thread(_wait_published, info, 2.0)
        # paho's thread may run its loop once more after the DISCONNECT went out and log "Client
        # is not connected" as an error on every clean stop; nothing is wrong then.
        client.disable_logger()
        client.disconnect()
        await asyncio.to_thread(client.loop_stop)

    @property
    def connected(self) -> bool:
        return self.state is ConnectionState.CONNECTED

    # -- subscriptions and handlers --------------------------------------------------------
    def add_handler(self, handler: Handler) -> None:
        """Call `handler` on the event loop with each batch of received messages."""
        self._handlers.append(handler)

    def remove_handler(self, handler: Handler) -> None:
        """Stop calling `handler` (a consumer that stops)."""
        if handler in self._handlers:
            self._handlers.remove(handler)

    def on_connect(self, hook: Callable[[], None]) -> None:
        """Call `hook` on the event loop after every successful (re)connect."""
        self._on_connect_hooks.append(hook)

    def subscribe(self, pattern: str, qos: int = 0) -> None:
        """Subscribe now (if connected) and on every reconnect."""
        with self._lock:
            self._subscriptions[pattern] = max(qos, self._subscriptions.get(pattern, 0))
        if self._client is not None and self.connected:
            self._client.subscribe(pattern, qos)

    def unsubscribe(self, pattern: str) -> None:
        with self._lock:
            self._subscriptions.pop(pattern, None)
        if self._client is not None and self.connected:
            self._client.unsubscribe(pattern)

    # -- publishing ------------------------------------------------------------------------
    def publish_nowait(self, message: Message) -> None:
        """Queue `message` in paho (sent now, or on reconnect for QoS ≥ 1)."""
        if self._client is None:
            raise MqttError("MQTT client is not started")
        info = self._client.publish(message.topic, message.payload, message.qos, message.retain)
        if info.rc not in (paho.MQTT_ERR_SUCCESS, paho.MQTT_ERR_NO_CONN):
            raise MqttError(f"publish to {message.topic} failed: {paho.error_string(info.rc)}")
        if info.rc == paho.MQTT_ERR_NO_CONN and message.qos == 0:
            _LOGGER.debug("dropped QoS 0 message to %s while disconnected", message.topic)
        self.published += 1

    async def publish(self, message: Message, *, wait: bool = False, timeout: float = 10.0) -> None:
        """Publish; with `wait`, return once the broker acknowledged it (QoS ≥ 1).

        Raises:
            MqttError: Not started, or (with `wait`) not acknowledged within `timeout`.
        """
        if self._client is None:
            raise MqttError("MQTT client is not started")
        info = self._client.publish(message.topic, message.payload, message.qos, message.retain)
        self.published += 1
        if wait and message.qos > 0:
            ok = await asyncio.to_thread(_wait_published, info, timeout)
            if not ok:
                raise MqttError(f"publish to {message.topic} not acknowledged within {timeout}s")

    # -- paho thread callbacks -------------------------------------------------------------
    def _on_connect(
        self, client: paho.Client, userdata: Any, flags: Any, reason: ReasonCode, props: Properties | None
    ) -> None:
        if reason.is_failure:
            self.last_error = f"broker refused the connection: {reason}"
            if str(reason) in _AUTH_FAILURES:
                self.state = ConnectionState.AUTH_FAILED
                _LOGGER.error("MQTT broker %s refused the credentials (%s); not retrying", self.url, reason)
                client.disconnect()
                error = MqttAuthError(f"MQTT broker {self.url} refused the credentials: {reason}")
                self._resolve_first(error)
            else:
                _LOGGER.warning("MQTT connect to %s refused: %s", self.url, reason)
            return
        self.state = ConnectionState.CONNECTED
        self.connects += 1
        self.last_error = None
        with self._lock:
            subs = list(self._subscriptions.items())
        if subs:
            client.subscribe(subs)
        if self.birth:
            client.publish(self.birth.topic, self.birth.payload, self.birth.qos, self.birth.retain)
        _LOGGER.info("MQTT connected to %s (%d subscriptions)", self.url, len(subs))
        self._resolve_first(None)
        if self._loop is not None and self._on_connect_hooks:
            for hook in self._on_connect_hooks:
                self._loop.call_soon_threadsafe(hook)

    def _on_disconnect(
        self, client: paho.Client, userdata: Any, flags: Any, reason: ReasonCode, props: Properties | None
    ) -> None:
        if self.state in (ConnectionState.STOPPED, ConnectionState.AUTH_FAILED):
            return
        self.state = ConnectionState.DISCONNECTED
        self.last_error = f"disconnected: {reason}"
        _LOGGER.warning("MQTT disconnected from %s (%s); reconnecting", self.url, reason)

    def _on_message(self, client: paho.Client, userdata: Any, msg: paho.MQTTMessage) -> None:
        try:
            topic = msg.topic
        except UnicodeDecodeError:
            _LOGGER.warning("skipped a message whose topic is not UTF-8")
            return
        loop = self._loop
        if loop is None:
            return
        self._inbox.append(Received(topic, bytes(msg.payload), msg.retain, msg.qos, loop.time()))
        with self._lock:
            if self._wakeup_pending:
                return
            self._wakeup_pending = True
        with contextlib.suppress(RuntimeError):  # the loop closed during shutdown
            loop.call_soon_threadsafe(self._drain)

    def _resolve_first(self, error: Exception | None) -> None:
        future, loop = self._first_connack, self._loop
        if future is None or loop is None:
            return

        def resolve() -> None:
            if future.done():
                return
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

        loop.call_soon_threadsafe(resolve)

    # -- event loop side -------------------------------------------------------------------
    def _drain(self) -> None:
        with self._lock:
            self._wakeup_pending = False
        batch: list[Received] = []
        inbox = self._inbox
        while inbox:
            batch.append(inbox.popleft())
        if not batch:
            return
        self.received += len(batch)
        for handler in self._handlers:
            try:
                handler(batch)
            except Exception:  # one broken consumer must not stop the others
                _LOGGER.exception("MQTT message handler %r failed", handler)


def _wait_published(info: paho.MQTTMessageInfo, timeout: float) -> bool:
    try:
        info.wait_for_publish(timeout)
    except (RuntimeError, ValueError):
        return False
    return info.is_published()


def topic_matches(pattern: str, topic: str) -> bool:
    """MQTT wildcard match (`+`, `#`), `$share/<group>/` prefixes ignored."""
    if pattern.startswith("$share/"):
        pattern = pattern.split("/", 2)[2]
    return bool(paho.topic_matches_sub(pattern, topic))
