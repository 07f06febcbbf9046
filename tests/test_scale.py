"""Scale-out: two hub processes share one PostgreSQL and one Mosquitto (`$share` subscriptions)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from hub.broker import MosquittoProcess
from hub.store import Store
from tests.mqtt_helpers import Peer, wait_for
from tests.scale_helpers import HubProcess, private_database

ENTITIES = 50
MESSAGES = 2000


def _discovery(i: int) -> str:
    return json.dumps({
        "name": None, "object_id": f"scale_{i}", "unique_id": f"scale-{i}", "device_class": "temperature",
        "state_topic": f"scale/sensor{i}", "value_template": "{{ value_json.t }}",
        "device": {"identifiers": [f"scale-{i}"], "name": f"Scale sensor {i}", "suggested_area": "Lab"},
    })


@pytest.mark.postgres
@pytest.mark.parametrize("protocol", ["5", "3.1.1"])
async def test_two_instances_store_every_state_exactly_once(
    mosquitto: MosquittoProcess, pg_url: str, tmp_path: Path, protocol: str
) -> None:
    """Mosquitto shares `$share/…` subscriptions among MQTT 5 and 3.1.1 clients alike."""
    async with private_database(pg_url) as db_url:
        hubs = [HubProcess(tmp_path / f"hub{i}", mosquitto.url, db_url, HUB_CLIENT_ID=f"hub-{i}",
                           HUB_SHARED_GROUP="hubs", HUB_MQTT_PROTOCOL=protocol) for i in range(2)]
        peer = Peer(mosquitto.port).start()
        try:
            for hub in hubs:
                await hub.start()
            for i in range(ENTITIES):
                peer.publish(f"homeassistant/sensor/scale{i}/config", _discovery(i), retain=True)
            for _ in range(200):
                healths = [await h.get("/health") for h in hubs]
                if all(h["entities"] == ENTITIES for h in healths):
                    break
                await asyncio.sleep(0.1)
            assert all(h["entities"] == ENTITIES for h in healths), healths
            assert [h["mqtt"]["protocol"] for h in healths] == [protocol, protocol]
            await asyncio.sleep(1.0)  # both instances' state subscriptions are in place
            before = [h["counters"]["messages_in"] for h in healths]
            for n in range(MESSAGES):
                peer.client.publish(f"scale/sensor{n % ENTITIES}", json.dumps({"t": n}), qos=1)
            async with Store(db_url) as store:
                async def stored() -> int:
                    return await store.count("state_history")

                for _ in range(300):
                    if await stored() >= MESSAGES:
                        break
                    await asyncio.sleep(0.1)
                await asyncio.sleep(0.5)
                assert await stored() == MESSAGES  # every message once: none lost, none twice
                values: list[int] = []
                for e in range(ENTITIES):
                    values += [int(float(s.state)) for s in await store.history(f"sensor.scale_{e}", limit=MESSAGES)]
                values.sort()
                assert values == list(range(MESSAGES))
            after = [(await h.get("/health"))["counters"]["messages_in"] for h in hubs]
            shares = [a - b for a, b in zip(after, before, strict=True)]
            assert all(s > MESSAGES // 4 for s in shares), shares  # both instances did real work
            # One registry: either instance serves every entity and the latest states.
            states = await hubs[1].get("/api/states")
            assert len(states) == ENTITIES
            latest = {s["entity_id"]: float(s["state"]) for s in states}
            # Round-robin sharing gives no per-entity order across instances: the newest decode
            # wins in the database, so the current state is one of the entity's last updates
            # (published 50 messages, a few milliseconds, apart).
            assert latest["sensor.scale_0"] in {MESSAGES - ENTITIES, MESSAGES - 2 * ENTITIES}, latest["sensor.scale_0"]
            # Commands are accepted by any instance.
            device = Peer(mosquitto.port).start()
            peer.publish("homeassistant/switch/scale_plug/config", json.dumps(
                {"name": "Plug", "object_id": "scale_plug", "command_topic": "scale/plug/set"}), retain=True)
            device.subscribe("scale/plug/set")
            for _ in range(100):
                counts = [(await h.get("/health"))["entities"] for h in hubs]
                if counts == [ENTITIES + 1] * 2:
                    break
                await asyncio.sleep(0.1)
            await hubs[0].post("/api/services/switch/turn_on", {"entity_id": "switch.scale_plug"})
            await hubs[1].post("/api/services/switch/turn_off", {"entity_id": "switch.scale_plug"})
            await wait_for(lambda: device.payloads("scale/plug/set") == ["ON", "OFF"], what="commands")
            device.stop()
        finally:
            peer.stop()
            for hub in hubs:
                await hub.stop()
