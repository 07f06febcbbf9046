"""The confirmation policy and the command path's guards, through every interface, on a real hub.

Each test here is an attack or a careless use from issue 10 that worked before: doors opened by a
service call, confirmations given by someone else, actions that left no trace, bad text answered
with a 500 or silence.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from hub.broker import MosquittoProcess
from hub.commands import Confirmations, InvalidText, clean_text
from hub.commands.validate import check_service_data
from hub.domain import Action
from hub.errors import CodecError
from tests.hubs import TOKEN, Api
from tests.mqtt_helpers import Peer, wait_for
from tests.test_api import live_hub, ws_url

LOCK_TOPIC = "home/lock/front/set"


# -- pure pieces ------------------------------------------------------------------------------
def test_confirmations_are_bound_single_use_capped_and_expire() -> None:
    now = [0.0]
    store = Confirmations(ttl=10, cap=5, per_requester=2, clock=lambda: now[0])
    action = (Action("lock.unlock", ("lock.front_door",), confirm=True),)
    first = store.add("api:token", action, text="unlock", lang="en")
    assert len(first) >= 20  # 128 random bits: not guessable
    assert store.take(first, "mqtt:") is None  # someone else cannot take it …
    assert store.take(first, "api:token") is not None  # … its asker can, once
    assert store.take(first, "api:token") is None
    ids = [store.add("mqtt:panel", action, text=None, lang=None) for _ in range(3)]
    assert store.take(ids[0], "mqtt:panel") is None  # one requester holds at most 2
    for i in range(10):
        store.add(f"mqtt:c{i}", action, text=None, lang=None)
    assert len(store) == 5  # and everyone together at most the cap
    now[0] = 11.0
    assert len(store) == 0  # all expired


def test_clean_text_refuses_what_no_answer_can_carry() -> None:
    with pytest.raises(InvalidText, match="surrogate"):
        clean_text("turn on \ud800 the lamp")
    with pytest.raises(InvalidText, match="longer"):
        clean_text("a" * 10_000)
    with pytest.raises(InvalidText, match="empty"):
        clean_text(" \x00\x01 ")
    assert clean_text("turn on\x00the\x1blamp") == "turn on the lamp"


def test_service_data_ranges_name_the_range() -> None:
    with pytest.raises(CodecError, match=r"brightness_pct must be from 0 to 100 %, got -5"):
        check_service_data("light.turn_on", {"brightness_pct": -5})
    with pytest.raises(CodecError, match="64-bit"):
        check_service_data("lock.unlock", {"code": 123456789012345678901234567890})
    with pytest.raises(CodecError, match="finite"):
        check_service_data("climate.set_temperature", {"temperature": float("nan")})
    check_service_data("light.turn_on", {"brightness_pct": 40})


# -- through the interfaces -------------------------------------------------------------------
async def _answer_to(ws: aiohttp.ClientWebSocketResponse, msg_id: int) -> dict[str, Any]:
    """The answer to request `msg_id`: state events the simulator's devices cause may come first."""
    while True:
        message = await asyncio.wait_for(ws.receive_json(), 10)
        if message.get("id") == msg_id:
            return dict(message)


async def test_service_calls_hold_doors_for_a_confirmation(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    peer = Peer(mosquitto.port).start()
    try:
        peer.subscribe(LOCK_TOPIC)
        async with live_hub(mosquitto, tmp_path) as (_hub, settings, _sim):
            api = Api(settings)
            status, held = await api.post("/api/services/lock/unlock", {"entity_id": "lock.front_door"})
            assert status == 202 and held["outcome"] == "needs_confirmation" and held["confirm_id"]
            # The WebSocket is another requester: it cannot confirm what the REST caller asked for.
            async with aiohttp.ClientSession() as session, session.ws_connect(ws_url(settings)) as ws:
                await ws.receive_json()
                await ws.send_json({"type": "auth", "access_token": TOKEN})
                await ws.receive_json()
                await ws.send_json({"id": 1, "type": "command", "confirm": held["confirm_id"]})
                other = await _answer_to(ws, 1)
                assert other["success"] is False
                # A WebSocket service call is held the same way.
                await ws.send_json({"id": 2, "type": "call_service", "domain": "lock", "service": "unlock",
                                    "target": {"entity_id": "lock.front_door"}})
                ws_held = await _answer_to(ws, 2)
                assert ws_held["success"] is False and ws_held["error"]["code"] == 202
                assert ws_held["error"]["confirm_id"]
            assert peer.payloads(LOCK_TOPIC) == []
            status, done = await api.post("/api/command", {"confirm": held["confirm_id"]})
            assert status == 200 and done["outcome"] == "executed"
            await wait_for(lambda: peer.payloads(LOCK_TOPIC) == ["UNLOCK"], what="unlock sent")
            status, rows = await api.get("/api/commands?limit=5")
            assert {(r["source"], r["outcome"]) for r in rows} == {
                ("service", "needs_confirmation"), ("confirm", "executed")}
            # Locking is not sensitive.
            status, _ = await api.post("/api/services/lock/lock", {"entity_id": "lock.front_door"})
            assert status == 200
    finally:
        peer.stop()


async def test_confirmation_rechecks_the_target(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    peer = Peer(mosquitto.port).start()
    try:
        peer.subscribe(LOCK_TOPIC)
        async with live_hub(mosquitto, tmp_path) as (hub, settings, sim):
            api = Api(settings)
            _, held = await api.post("/api/services/lock/unlock", {"entity_id": "lock.front_door"})
            lock = hub.registry.get("lock.front_door")
            assert lock is not None
            sim.forget(lock.discovery_topic)  # the bridge forgets it (no re-announce on HA's birth) …
            peer.publish(lock.discovery_topic, b"", retain=True)  # … and removes its discovery
            await wait_for(lambda: hub.registry.get("lock.front_door") is None, what="lock removed")
            status, late = await api.post("/api/command", {"confirm": held["confirm_id"]})
            assert status == 404 and "no longer exists" in late["error"]
            assert peer.payloads(LOCK_TOPIC) == []
    finally:
        peer.stop()


@pytest.mark.parametrize(("setting", "value"), [("confirm", "never"), ("confirm_exempt", ("api",))])
async def test_policy_can_be_relaxed_per_setting(
    mosquitto: MosquittoProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, value: Any
) -> None:
    from tests import test_api

    real = test_api.hub_settings
    monkeypatch.setattr(test_api, "hub_settings", lambda *a, **k: real(*a, **{**k, setting: value}))
    async with live_hub(mosquitto, tmp_path) as (_hub, settings, _sim):
        status, states = await Api(settings).post("/api/services/lock/unlock", {"entity_id": "lock.front_door"})
        assert status == 200 and isinstance(states, list)


async def test_values_that_cannot_be_logged_are_refused_before_acting(
    mosquitto: MosquittoProcess, tmp_path: Path
) -> None:
    peer = Peer(mosquitto.port).start()
    try:
        peer.subscribe(LOCK_TOPIC)
        peer.subscribe("zigbee2mqtt/Floor lamp/set")
        async with live_hub(mosquitto, tmp_path) as (_hub, settings, _sim):
            api = Api(settings)
            status, body = await api.post("/api/services/lock/lock", {"entity_id": "lock.front_door",
                                                                      "code": 123456789012345678901234567890})
            assert status == 400 and "64-bit" in body["message"]
            status, body = await api.post("/api/services/light/turn_on", {"entity_id": "light.floor_lamp",
                                                                          "brightness_pct": -5})
            assert status == 400 and "from 0 to 100" in body["message"]
            status, rows = await api.get("/api/commands?limit=5")
            assert rows == []
        assert peer.payloads(LOCK_TOPIC) == [] and peer.payloads("zigbee2mqtt/Floor lamp/set") == []
    finally:
        peer.stop()


async def test_a_command_that_cannot_be_logged_is_not_sent(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    peer = Peer(mosquitto.port).start()
    try:
        peer.subscribe("cmnd/kettle/POWER")
        async with live_hub(mosquitto, tmp_path) as (_hub, settings, _sim):
            with sqlite3.connect(settings.data_dir / "hub.db") as db:  # the log breaks under the hub
                db.execute("DROP TABLE commands")
            status, body = await Api(settings).post("/api/services/switch/turn_on", {"entity_id": "switch.kettle"})
            assert status == 503 and "command log" in body["message"]
        assert peer.payloads("cmnd/kettle/POWER") == []
    finally:
        peer.stop()


async def test_bad_text_gets_an_error_on_every_interface(mosquitto: MosquittoProcess, tmp_path: Path) -> None:

    lone = '{"text": "turn on \\ud800", "id": "s"}'
    peer = Peer(mosquitto.port).start()
    try:
        async with live_hub(mosquitto, tmp_path) as (hub, settings, _sim), hub.text_commands(), hub.hermes():
            for topic in ("hub/command/result", "hermes/error/nlu"):
                peer.subscribe(topic)
            host, port = settings.http_hostport
            async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {TOKEN}",
                                                      "Content-Type": "application/json"}) as session:
                for body in (lone, json.dumps({"text": "x" * 10_000}), '{"text": "\\u0000\\u0001"}'):
                    async with session.post(f"http://{host}:{port}/api/command", data=body) as resp:
                        assert 400 <= resp.status < 500, body
                        answer = await resp.json()
                        assert answer.get("message") or answer.get("error"), answer
                async with session.ws_connect(ws_url(settings, f"?token={TOKEN}")) as ws:
                    await ws.receive_json()
                    await ws.send_str('{"id": 1, "type": "command", "text": "\\ud800"}')
                    answer = await ws.receive_json()
                    assert answer["success"] is False and 400 <= answer["error"]["code"] < 500
                    await ws.send_json({"id": 2, "type": "ping"})
                    assert (await ws.receive_json())["type"] == "pong"  # the socket stays open
            peer.publish("hub/command", lone)
            await wait_for(lambda: peer.payloads("hub/command/result"), what="MQTT answer")
            result = json.loads(peer.payloads("hub/command/result")[0])
            assert result["outcome"] == "invalid" and "surrogate" in result["error"]
            peer.publish("hermes/nlu/query", '{"input": "turn on \\ud800"}')
            await wait_for(lambda: peer.payloads("hermes/error/nlu"), what="Hermes error")
            assert "surrogate" in json.loads(peer.payloads("hermes/error/nlu")[0])["error"]
    finally:
        peer.stop()


async def test_health_is_503_while_the_broker_is_gone(
    mosquitto: MosquittoProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hub.health

    monkeypatch.setattr(hub.health, "MQTT_GRACE", 0.5)
    async with live_hub(mosquitto, tmp_path) as (_hub, settings, _sim):
        api = Api(settings, token=None)
        status, health = await api.get("/health")
        assert status == 200 and health["status"] == "ok" and health["problems"] == []
        await mosquitto.close()

        async def degraded() -> bool:
            status, _ = await api.get("/health")
            return status == 503

        for _ in range(100):
            if await degraded():
                break
            await asyncio.sleep(0.1)
        status, health = await api.get("/health")
        assert status == 503 and health["status"] == "degraded"
        assert any("MQTT" in p for p in health["problems"])


async def test_health_notices_a_stalled_broker(
    mosquitto: MosquittoProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broker that stops answering without closing the connection (SIGSTOP) is degraded too."""
    import signal

    import hub.health

    monkeypatch.setattr(hub.health, "MQTT_GRACE", 1.0)
    monkeypatch.setattr(hub.health, "PROBE_INTERVAL", 0.3)
    async with live_hub(mosquitto, tmp_path) as (_hub, settings, _sim):
        api = Api(settings, token=None)
        await asyncio.sleep(0.8)  # a probe or two acknowledged
        assert (await api.get("/health"))[0] == 200
        assert mosquitto.process is not None
        mosquitto.process.send_signal(signal.SIGSTOP)
        try:
            for _ in range(80):
                status, health = await api.get("/health")
                if status == 503:
                    break
                await asyncio.sleep(0.1)
            assert status == 503 and any("acknowledg" in p for p in health["problems"]), health
        finally:
            mosquitto.process.send_signal(signal.SIGCONT)


async def test_request_paths_cannot_forge_log_lines_and_the_page_cannot_be_framed(
    mosquitto: MosquittoProcess, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.test_api import raw

    async with live_hub(mosquitto, tmp_path) as (_hub, settings, _sim):
        status, _, _ = await raw(settings, "GET", "/api/states%0a12:00:00%20INFO%20forged", token=None)
        assert status == 401
        lines = [r.getMessage() for r in caplog.records if r.name == "hub.api.auth"]
        assert any("%0a" in line.lower() for line in lines) and not any("\n" in line for line in lines)
        host, port = settings.http_hostport
        async with aiohttp.ClientSession() as session, session.get(f"http://{host}:{port}/") as resp:
            assert "frame-ancestors 'self'" in resp.headers["Content-Security-Policy"]
            assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"


async def test_unauthenticated_websockets_are_capped(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    from hub.api.websocket import MAX_UNAUTHENTICATED

    async with live_hub(mosquitto, tmp_path) as (_hub, settings, _sim), aiohttp.ClientSession() as session:
        waiting = [await session.ws_connect(ws_url(settings)) for _ in range(MAX_UNAUTHENTICATED)]
        for ws in waiting:
            assert (await ws.receive_json())["type"] == "auth_required"
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(ws_url(settings))
        assert refused.value.status == 503
        await waiting[0].close()
        await asyncio.sleep(0.1)
        again = await session.ws_connect(ws_url(settings))  # a place came free
        assert (await again.receive_json())["type"] == "auth_required"
        for ws in [*waiting[1:], again]:
            await ws.close()


def test_retraining_is_rate_limited(tmp_path: Path) -> None:
    from hub.assistant import Assistant
    from tests.hubs import hub_settings

    assistant = Assistant(hub_settings(tmp_path, None, retrain_interval=3600))
    assistant._last_change = 100.0
    assert assistant._next_retrain(300) == 400.0  # first: after 5 quiet minutes
    assistant._last_retrain = 200.0
    assert assistant._next_retrain(300) == 3800.0  # then not within the hour, however chatty


async def test_a_sensitive_command_is_not_sent_late(
    mosquitto: MosquittoProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the broker away, an unlock is refused after `sensitive_expiry` instead of waiting in a
    queue to open the door whenever the broker comes back; a light still queues as before."""
    from tests import test_api

    real = test_api.hub_settings
    monkeypatch.setattr(test_api, "hub_settings",
                        lambda *a, **k: real(*a, **{**k, "confirm": "never", "sensitive_expiry": 0.5}))
    async with live_hub(mosquitto, tmp_path) as (hub, settings, _sim):
        api = Api(settings)
        await mosquitto.close()
        await wait_for(lambda: hub.mqtt is not None and not hub.mqtt.connected, what="the hub sees it")
        status, body = await api.post("/api/services/lock/unlock", {"entity_id": "lock.front_door"})
        assert status == 503 and "broker is unavailable" in body["message"]
        status, _ = await api.post("/api/services/light/turn_on", {"entity_id": "light.floor_lamp"})
        assert status == 200
