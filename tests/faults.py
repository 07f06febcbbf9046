"""Load generators and figure recording for the fault suite."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def sensor_home(n: int, prefix: str = "load") -> dict[str, str]:
    """Discovery for `n` temperature sensors reading `{"t": ...}` from `<prefix>/s<i>`."""
    return {
        f"homeassistant/sensor/{prefix}{i}/config": json.dumps({
            "name": None, "object_id": f"{prefix}_{i}", "unique_id": f"{prefix}-{i}",
            "device_class": "temperature", "state_topic": f"{prefix}/s{i}", "value_template": "{{ value_json.t }}",
            "device": {"identifiers": [f"{prefix}-{i}"], "name": f"{prefix} {i}", "suggested_area": "Lab"},
        })
        for i in range(n)
    }


class LoadPublisher(threading.Thread):
    """Publishes `{"t": seq}` round-robin over `entities` topics at `rate` msg/s (QoS 1) until stopped.

    Its paho client reconnects by itself, so it keeps publishing through a broker restart.
    """

    def __init__(self, port: int, entities: int, rate: float, prefix: str = "load") -> None:
        super().__init__(daemon=True)
        self.port, self.entities, self.rate, self.prefix = port, entities, rate, prefix
        self.sent = 0
        self._halt = threading.Event()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"load-{id(self):x}")
        self.client.reconnect_delay_set(0.2, 1)

    def run(self) -> None:
        self.client.connect("127.0.0.1", self.port)
        self.client.loop_start()
        start = time.monotonic()
        while not self._halt.is_set():
            due = start + self.sent / self.rate
            if (delay := due - time.monotonic()) > 0:
                time.sleep(delay)
            self.client.publish(f"{self.prefix}/s{self.sent % self.entities}", json.dumps({"t": self.sent}), qos=1)
            self.sent += 1
        self.client.loop_stop()
        self.client.disconnect()

    def stop(self) -> None:
        self._halt.set()
        self.join(10)


def record(name: str, figures: dict[str, Any]) -> None:
    """Keep a fault test's figures in test-artifacts/faults.json (BENCHMARKS.md quotes them)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "faults.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = figures
    path.write_text(json.dumps(data, indent=2, sort_keys=True))
    print(f"\n{name}: {figures}")
