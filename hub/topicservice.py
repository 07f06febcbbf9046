"""A service on one MQTT topic of the hub's connection (text commands, Hermes): lifetime and tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Self

from hub.mqtt import MqttClient, Received

_LOGGER = logging.getLogger(__name__)


class TopicService:
    """Subscribes to `topic` on start and hands message batches to `_on_messages`.

    Subclasses set `topic` and implement `_on_messages`; the tasks they start go in `_tasks` and
    are cancelled, then awaited, on stop. Constructors only assign.

    Args:
        mqtt: The hub's MQTT client (started).
    """

    def __init__(self, mqtt: MqttClient) -> None:
        self.mqtt = mqtt
        self._running = False
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def topic(self) -> str:
        """The topic to subscribe to (QoS 1)."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Subscribe to the topic (QoS 1)."""
        mqtt = self.mqtt
        if not self._running:
            self._running = True
            mqtt.add_handler(self._on_messages)
            mqtt.subscribe(self.topic, 1)
            _LOGGER.info("%s listening on %s", type(self).__name__, self.topic)

    async def stop(self) -> None:
        """Unsubscribe, then cancel and await the work in flight."""
        if not self._running:
            return
        self._running = False
        self.mqtt.unsubscribe(self.topic)
        self.mqtt.remove_handler(self._on_messages)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _on_messages(self, batch: Sequence[Received]) -> None:
        raise NotImplementedError
