"""The fault suite: the hub stays up, reports the fault, recovers by itself and loses nothing.

Each test runs a real hub under load on loopback services and is bounded in time. Figures
(outage seen, recovery time) go to test-artifacts/faults.json for BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import paho.mqtt.publish as mqtt_publish
import pytest

from hub.app import Hub
from hub.broker import MosquittoProcess
from hub.domain import Message
from tests.faults import LoadPublisher, record, sensor_home
from tests.hubs import hub_settings, running_hub
from tests.mqtt_helpers import Peer, wait_for
from tests.scale_helpers import private_database

ENTITIES = 100
RATE = 500.0


async def _announce(port: int, home: dict[str, str], hub: Hub) -> None:
    msgs = [{"topic": t, "payload": p, "qos": 1, "retain": True} for t, p in home.items()]
    await asyncio.to_thread(mqtt_publish.multiple, msgs, hostname="127.0.0.1", port=port)
    await wait_for(lambda: len(hub.registry) >= len(home), 20, "discovery")
    await asyncio.sleep(0.5)


async def _drained(hub: Hub) -> None:
    """Every state the hub accepted is committed (nothing acknowledged was lost).

    Messages still in flight when the load stops keep arriving for a moment: wait until the
    hub's count of accepted states stops moving, then compare it with the database.
    """
    accepted = -1
    for _ in range(100):
        if hub.counters["states"] == accepted:
            break
        accepted = hub.counters["states"]
        await asyncio.sleep(0.2)
    await hub.store.flush()
    stats = hub.store.stats
    assert stats.queue_length == 0 and stats.dropped_history == 0 and stats.rejected == 0, stats
    assert await hub.store.count("state_history") == hub.counters["states"]


async def _watch_health(hub: Hub, seen: set[str], stop: asyncio.Event) -> None:
    while not stop.is_set():
        seen.add(hub.health()["status"])
        await asyncio.sleep(0.02)


async def test_broker_killed_under_load(tmp_path: Path) -> None:
    broker = MosquittoProcess(workdir=tmp_path, persistence=True)
    await broker.start()
    settings = hub_settings(tmp_path / "data", broker.url, reconnect_max=1)
    try:
        async with running_hub(settings) as hub:
            await _announce(broker.port, sensor_home(ENTITIES), hub)
            device = Peer(broker.port, "fault-device", clean=False).start()
            device.subscribe("fault/cmd", 1)
            load = LoadPublisher(broker.port, ENTITIES, RATE)
            load.start()
            await asyncio.sleep(1.5)  # load flowing; Mosquitto autosaves the device's session
            seen: set[str] = set()
            stop = asyncio.Event()
            watcher = asyncio.create_task(_watch_health(hub, seen, stop))
            states_before = hub.counters["states"]
            await broker.stop(kill=True)
            t_down = time.monotonic()
            for i in range(20):  # commands while the broker is away: QoS 1, queued in the client
                await hub.mqtt.publish(Message("fault/cmd", f"c{i}", qos=1))  # type: ignore[union-attr]
            await asyncio.sleep(1.0)
            await broker.start()
            await wait_for(lambda: hub.mqtt is not None and hub.mqtt.connected, 20, "reconnect")
            recovered = time.monotonic() - t_down
            states_at_reconnect = hub.counters["states"]
            await wait_for(lambda: hub.counters["states"] > states_at_reconnect + 100, 20, "ingest resumed")
            device.stop()
            device = Peer(broker.port, "fault-device", clean=False).start()
            await wait_for(lambda: len(set(device.payloads("fault/cmd"))) == 20, 20, "all 20 QoS 1 commands")
            load.stop()
            stop.set()
            await watcher
            assert "degraded" in seen and hub.health()["status"] == "ok"
            await _drained(hub)
            device.stop()
            record("broker_killed", {"reconnect_s": round(recovered, 2), "commands_delivered": 20,
                                     "states_stored": hub.counters["states"],
                                     "states_before_kill": states_before})
    finally:
        await broker.close()


@pytest.mark.postgres
async def test_postgresql_restarted_under_load(mosquitto: MosquittoProcess, pg_url: str, tmp_path: Path) -> None:
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster"):
        pytest.skip("restarting PostgreSQL needs root and pg_ctlcluster")
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    async with private_database(pg_url) as db_url:
        settings = hub_settings(tmp_path / "data", mosquitto.url, db_url=db_url)
        async with running_hub(settings) as hub:
            await _announce(mosquitto.port, sensor_home(ENTITIES), hub)
            load = LoadPublisher(mosquitto.port, ENTITIES, RATE)
            load.start()
            await asyncio.sleep(1.0)
            seen: set[str] = set()
            stop = asyncio.Event()
            watcher = asyncio.create_task(_watch_health(hub, seen, stop))
            t0 = time.monotonic()
            await asyncio.to_thread(subprocess.run, ["pg_ctlcluster", "--skip-systemctl-redirect", version,
                                                     "main", "restart"], check=True, capture_output=True)
            restart_s = time.monotonic() - t0
            await asyncio.sleep(1.0)
            load.stop()
            await wait_for(lambda: hub.store.healthy and hub.store.stats.queue_length == 0, 30, "store recovered")
            recovered = time.monotonic() - t0
            stop.set()
            await watcher
            await _drained(hub)
            assert hub.health()["status"] == "ok"
            record("postgresql_restarted", {"restart_s": round(restart_s, 2), "recovered_s": round(recovered, 2),
                                            "errors_seen": hub.store.stats.errors,
                                            "health_seen": sorted(seen), "states_stored": hub.counters["states"]})


async def test_sqlite_locked_under_load(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    settings = hub_settings(tmp_path / "data", mosquitto.url)
    async with running_hub(settings) as hub:
        await _announce(mosquitto.port, sensor_home(ENTITIES), hub)
        load = LoadPublisher(mosquitto.port, ENTITIES, RATE)
        load.start()
        await asyncio.sleep(0.5)
        locker = sqlite3.connect(settings.data_dir / "hub.db", timeout=1)
        locker.execute("BEGIN EXCLUSIVE")
        t0 = time.monotonic()
        await wait_for(lambda: not hub.store.healthy, 30, "the writer to notice the lock")
        assert hub.health()["status"] == "degraded" and hub.health()["store"]["last_error"]
        await asyncio.sleep(1.0)
        locker.rollback()
        locker.close()
        await wait_for(lambda: hub.store.healthy, 30, "recovery")
        recovered = time.monotonic() - t0
        load.stop()
        await _drained(hub)
        record("sqlite_locked", {"locked_s": round(recovered, 2), "errors_seen": hub.store.stats.errors,
                                 "states_stored": hub.counters["states"]})


async def test_disk_full(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    """The data dir on a tiny tmpfs fills up; after it grows, everything queued is committed."""
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root")
    data = tmp_path / "data"
    data.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(data)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        settings = hub_settings(data, mosquitto.url)
        async with running_hub(settings) as hub:
            await _announce(mosquitto.port, sensor_home(ENTITIES), hub)
            load = LoadPublisher(mosquitto.port, ENTITIES, 2000.0)
            load.start()
            await wait_for(lambda: not hub.store.healthy, 60, "the disk to fill")
            error = hub.health()["store"]["last_error"]
            assert "full" in error.lower(), error
            load.stop()
            assert hub.health()["state"] == "running"
            subprocess.run(["mount", "-o", "remount,size=64m", str(data)], check=True)
            t0 = time.monotonic()
            await wait_for(lambda: hub.store.healthy and hub.store.stats.queue_length == 0, 30, "recovery")
            await _drained(hub)
            record("disk_full", {"error": error, "recovered_s": round(time.monotonic() - t0, 2),
                                 "states_stored": hub.counters["states"]})
    finally:
        subprocess.run(["umount", "-l", str(data)])


async def test_device_flooding_one_topic(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    settings = hub_settings(tmp_path / "data", mosquitto.url)
    async with running_hub(settings) as hub:
        await _announce(mosquitto.port, sensor_home(10), hub)
        flood = LoadPublisher(mosquitto.port, 1, 20_000.0)  # one topic, as fast as it goes
        flood.start()
        await asyncio.sleep(1.0)
        # The hub keeps serving and other devices' states still land while the flood goes on.
        t0 = time.monotonic()
        peer = Peer(mosquitto.port).start()
        peer.publish("load/s5", json.dumps({"t": -5}))
        await wait_for(lambda: (s := hub.get_state("sensor.load_5")) is not None and s.state == "-5", 20,
                       "another device's state during the flood")
        other_latency = time.monotonic() - t0
        health_t0 = time.monotonic()
        assert hub.health()["state"] == "running"
        health_s = time.monotonic() - health_t0
        flood.stop()
        peer.stop()
        await _drained(hub)
        record("flood_one_topic", {"flood_msgs": flood.sent, "other_state_latency_s": round(other_latency, 3),
                                   "health_call_s": round(health_s, 4), "states_stored": hub.counters["states"]})


async def test_discovery_storm(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    settings = hub_settings(tmp_path / "data", mosquitto.url)
    storm = sensor_home(3000, prefix="storm")
    async with running_hub(settings) as hub:
        t0 = time.monotonic()
        msgs = [{"topic": t, "payload": p, "qos": 0, "retain": True} for t, p in storm.items()]
        await asyncio.to_thread(mqtt_publish.multiple, msgs, hostname="127.0.0.1", port=mosquitto.port)
        # Re-announcements and garbage in the same storm.
        garbage = [{"topic": f"homeassistant/light/bad{i}/config", "payload": "{", "qos": 0} for i in range(500)]
        await asyncio.to_thread(mqtt_publish.multiple, garbage + msgs[:1000], hostname="127.0.0.1",
                                port=mosquitto.port)
        await wait_for(lambda: len(hub.registry) == len(storm), 60, "every entity registered")
        registered = time.monotonic() - t0
        with contextlib.suppress(Exception):
            await asyncio.sleep(0.5)
        await hub.persistence.flush()
        assert len(await hub.store.load_entities()) == len(storm)
        assert hub.counters["discovery_errors"] >= 500 and hub.health()["state"] == "running"
        record("discovery_storm", {"entities": len(storm), "registered_s": round(registered, 2),
                                   "discovery_errors": hub.counters["discovery_errors"]})
