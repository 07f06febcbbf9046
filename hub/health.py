"""What makes the hub degraded, for `/health` and a watchdog: the broker, the database, the disk.

The broker counts as gone when it has been disconnected, or has stopped acknowledging a QoS 1
probe (a broker that stalls without closing the connection), for longer than `MQTT_GRACE`: a
blip restarts nothing. The database counts when its writes fail; the disk when the data dir has
less than `MIN_FREE_BYTES` free.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.config import mqtt_version_name
from hub.domain import Message
from hub.errors import HubError

if TYPE_CHECKING:
    from hub.mqtt import MqttClient
    from hub.store import Store

MQTT_GRACE = 10.0
"""Seconds the broker may be away (or stop acknowledging) before it is a problem."""
PROBE_INTERVAL = 3.0
"""Seconds between broker probes."""
MIN_FREE_BYTES = 32 * 1024 * 1024
"""Less free disk than this in the data dir is a problem: writes are about to fail."""


class HealthChecks:
    """The hub's health problems; `probe` keeps the broker's acknowledgements fresh.

    Args:
        data_dir: Where the database and models live (its disk is checked).
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.last_ack: float | None = None
        """When the broker last acknowledged a probe (monotonic), None while disconnected."""

    def problems(self, mqtt: MqttClient | None, store: Store, started_at: float) -> list[str]:
        """Why the hub is degraded now; empty when healthy."""
        problems: list[str] = []
        now = time.monotonic()
        if mqtt is None or not mqtt.connected:
            down = now - (mqtt.state_since if mqtt is not None else started_at)
            if down > MQTT_GRACE:
                problems.append(f"MQTT broker unreachable for {down:.0f} s")
        elif self.last_ack is not None and now - self.last_ack > MQTT_GRACE:
            problems.append(f"MQTT broker not acknowledging for {now - self.last_ack:.0f} s")
        if not store.healthy:
            problems.append("database failing (see the log)")
        free = _free_bytes(self.data_dir)
        if free is not None and free < MIN_FREE_BYTES:
            problems.append(f"disk nearly full: {free // 1024} KiB free in {self.data_dir}")
        return problems

    async def probe(self, mqtt: MqttClient, topic: str) -> None:
        """Publish a QoS 1 probe every `PROBE_INTERVAL` s and note each acknowledgement (runs until
        cancelled)."""
        message = Message(topic, "", qos=1, retain=False)
        while True:
            if mqtt.connected:
                try:
                    await mqtt.publish(message, wait=True, timeout=PROBE_INTERVAL)
                    self.last_ack = time.monotonic()
                except HubError:
                    pass
            else:
                self.last_ack = None
            await asyncio.sleep(PROBE_INTERVAL)


def report(checks: HealthChecks, *, state: str, started_at: float, mqtt: MqttClient | None, store: Store,
           entities: int, nlu: dict[str, Any], counters: Mapping[str, int],
           unhandled: dict[str, Any]) -> dict[str, Any]:
    """The `/health` body: status, problems, and what each part of the hub says of itself."""
    problems = checks.problems(mqtt, store, started_at)
    # "degraded" at once when a dependency is away; `problems` (and with them a 503 for the
    # watchdog) only once it has stayed away past the grace period, so a blip restarts nothing.
    away = mqtt is None or not mqtt.connected or not store.healthy
    return {
        "status": "degraded" if problems or away else "ok",
        "problems": problems,
        "state": state,
        "uptime_s": round(time.monotonic() - started_at, 1) if started_at else 0,
        "mqtt": {
            "state": mqtt.state.value if mqtt else "not_started",
            "error": mqtt.last_error if mqtt else None,
            "connects": mqtt.connects if mqtt else 0,
            "protocol": mqtt_version_name(mqtt.protocol) if mqtt else None,
        },
        "store": {"healthy": store.healthy, **asdict(store.stats)},
        "entities": entities,
        "nlu": nlu,
        "counters": dict(counters),
        "discovery": {"unhandled": unhandled},
    }


def _free_bytes(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


__all__ = ["MIN_FREE_BYTES", "MQTT_GRACE", "PROBE_INTERVAL", "HealthChecks", "report"]
