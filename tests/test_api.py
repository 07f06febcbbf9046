"""The HTTP/WebSocket API against a live hub: demo devices on a private Mosquitto, SQLite."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest

from hub.api.metrics import OUTCOMES, ParseHistogram
from hub.api.websocket import CLOSE_TOO_SLOW, CLOSE_UNAUTHORIZED, Client
from hub.app import Hub
from hub.broker import MosquittoProcess
from hub.config import MqttUrl, Settings
from hub.demo import Simulator, load_home
from hub.domain import State
from tests.hubs import TOKEN, Api, hub_settings, running_hub
from tests.mqtt_helpers import wait_for

HOME = load_home()


@contextlib.asynccontextmanager
async def live_hub(mosquitto: MosquittoProcess, tmp_path: Path) -> AsyncIterator[tuple[Hub, Settings, Simulator]]:
    """A running hub with every demo device discovered and its first states in."""
    settings = hub_settings(tmp_path / "data", mosquitto.url)
    async with Simulator(MqttUrl.parse(mosquitto.url), HOME) as sim:
        sim.announce()
        async with running_hub(settings) as hub:
            await wait_for(lambda: len(hub.registry) == len(HOME), what="all entities discovered")
            yield hub, settings, sim


def ws_url(settings: Settings, query: str = "") -> str:
    host, port = settings.http_hostport
    return f"ws://{host}:{port}/api/websocket{query}"


async def raw(settings: Settings, method: str, path: str, *, data: bytes | None = None,
              token: str | None = TOKEN) -> tuple[int, str, str]:
    """Status, content type and body text of one request with a raw body."""
    host, port = settings.http_hostport
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession(headers=headers) as session, session.request(
        method, f"http://{host}:{port}{path}", data=data
    ) as resp:
        return resp.status, resp.content_type, await resp.text()


async def test_registry_state_history_and_log_routes(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    async with live_hub(mosquitto, tmp_path) as (hub, settings, _sim):
        api = Api(settings)
        status, entities = await api.get("/api/entities")
        assert status == 200 and len(entities) == len(HOME)
        lamp = next(e for e in entities if e["entity_id"] == "light.floor_lamp")
        assert lamp["component"] == "light" and lamp["name"] == "Floor lamp"
        assert "light.turn_on" in lamp["services"] and lamp["device"]["id"]
        assert {"entity_id", "name", "area", "device_class", "aliases"} <= set(lamp)

        status, areas = await api.get("/api/areas")
        assert status == 200
        kitchen = next(a for a in areas if a["name"] == "Kitchen")
        assert kitchen["area_id"] == "kitchen" and "switch.kettle" in kitchen["entities"]
        assert all(e["area"] is None for e in entities
                   if not any(e["entity_id"] in a["entities"] for a in areas))

        status, devices = await api.get("/api/devices")
        assert status == 200
        sensor = next(d for d in devices if "sensor.living_room_temperature" in d["entities"])
        assert "sensor.living_room_humidity" in sensor["entities"]  # one device, two entities
        assert sum(len(d["entities"]) for d in devices) == sum(1 for e in entities if e["device"])

        status, states = await api.get("/api/states")
        assert status == 200 and {s["entity_id"] for s in states} == {e["entity_id"] for e in entities}
        status, _ = await api.get("/api/")
        assert status == 200

        before = datetime.now(UTC) - timedelta(seconds=5)
        status, changed = await api.post("/api/services/switch/turn_on", {"entity_id": "switch.kettle"})
        assert status == 200 and changed[0]["entity_id"] == "switch.kettle"
        await wait_for(lambda: hub.get_state("switch.kettle").state == "on",  # type: ignore[union-attr]
                       what="kettle on")
        await hub.store.flush()

        status, period = await api.get(
            f"/api/history/period/{quote(before.isoformat())}?filter_entity_id=switch.kettle,light.floor_lamp"
        )
        assert status == 200 and isinstance(period, list)
        kettle = next(series for series in period if series[0]["entity_id"] == "switch.kettle")
        assert [s["state"] for s in kettle][-1] == "on"
        status, recent = await api.get("/api/history/period?filter_entity_id=switch.kettle")
        assert status == 200 and recent[0][-1]["state"] == "on"
        end = quote((datetime.now(UTC) + timedelta(seconds=5)).isoformat())
        status, simple = await api.get(f"/api/history/switch.kettle?start={quote(before.isoformat())}&end={end}")
        assert status == 200 and simple[-1]["state"] == "on"
        status, empty = await api.get("/api/history/switch.kettle?end=2000-01-01T00:00:00")
        assert status == 200 and empty == []

        status, command = await api.post("/api/command", {"text": "turn on the kettle"})
        assert status == 200 and command["outcome"] == "not_ready"  # no model trained in this test
        status, bad_confirm = await api.post("/api/command", {"confirm": "nope"})
        assert status == 404 and bad_confirm["outcome"] == "rejected"

        async def logged() -> list[dict[str, Any]]:
            return (await api.get("/api/commands?limit=10"))[1]  # type: ignore[no-any-return]

        for _ in range(100):
            log = await logged()
            if len(log) >= 2:
                break
            await asyncio.sleep(0.05)
        # Both are logged: the service call, and the text command that found no model.
        by_source = {row["source"]: row for row in log}
        service = by_source["service"]
        assert service["outcome"] == "executed" and service["text"] == "switch.turn_on"
        assert service["actions"][0]["entity_id"] == ["switch.kettle"]
        assert datetime.fromisoformat(service["ts"]) > before
        assert by_source["api"]["outcome"] == "not_ready" and by_source["api"]["error"]


async def test_open_routes_metrics_and_json_errors(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    async with live_hub(mosquitto, tmp_path) as (hub, settings, _sim):
        anonymous = Api(settings, token=None)
        for path in ("/health", "/api/openapi.json"):
            status, _ = await anonymous.get(path)
            assert status == 200, path
        status, kind, page = await raw(settings, "GET", "/", token=None)
        assert status == 200 and kind == "text/html" and "/static/app.js" in page
        for name, want in (("app.js", "text/javascript"), ("style.css", "text/css")):
            status, kind, _ = await raw(settings, "GET", f"/static/{name}", token=None)
            assert (status, kind) == (200, want)
        status, kind, body = await raw(settings, "GET", "/static/..%2Fapp.py", token=None)
        assert status == 404 and kind == "application/json"
        status, kind, body = await raw(settings, "GET", "/api/nothing-here")
        assert status == 404 and "message" in json.loads(body)
        status, kind, body = await raw(settings, "DELETE", "/api/states")
        assert status == 405 and kind == "application/json" and "message" in json.loads(body)

        status, document = await anonymous.get("/api/openapi.json")
        assert document["openapi"].startswith("3.")
        routes = {r.resource.canonical for r in _app_routes(hub)}  # type: ignore[union-attr]
        assert routes <= set(document["paths"]), routes - set(document["paths"])

        await Api(settings).post("/api/services/light/turn_on", {"entity_id": "light.floor_lamp"})
        await wait_for(lambda: hub.get_state("light.floor_lamp").state == "on",  # type: ignore[union-attr]
                       what="lamp on")
        await Api(settings).post("/api/command", {"text": "turn off the lamp"})
        status, kind, text = await raw(settings, "GET", "/metrics")
        assert status == 200 and kind == "text/plain"
        samples = _samples(text)
        assert samples["hub_mqtt_messages_in_total"] > 0
        assert samples["hub_mqtt_messages_out_total"] >= 1
        # Every outcome has a sample (Hub.handle_text does not count not_ready commands yet).
        assert {f'hub_commands_total{{outcome="{o}"}}' for o in OUTCOMES} <= set(samples)
        assert samples['hub_commands_total{outcome="executed"}'] == 0
        assert samples["hub_entities"] == len(HOME)
        assert "hub_db_write_lag_seconds" in samples
        assert samples['hub_parse_seconds_bucket{le="+Inf"}'] == samples["hub_parse_seconds_count"]
        assert "# TYPE hub_parse_seconds histogram" in text
        status, _, _ = await raw(settings, "GET", "/metrics", token=None)
        assert status == 401


def _app_routes(hub: Hub) -> list[Any]:
    from hub.api import build_app

    return list(build_app(hub.api_context()).router.routes())


def _samples(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


async def test_401_without_leaking_the_token(
    mosquitto: MosquittoProcess, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-token-" + "x" * 20
    async with live_hub(mosquitto, tmp_path) as (_hub, settings, sim):
        for path in ("/api/", "/api/states", "/api/entities", "/api/areas", "/api/devices", "/api/commands",
                     "/api/history/switch.kettle", "/metrics"):
            for token in (None, wrong):
                status, data = await Api(settings, token=token).get(path)
                assert status == 401 and data == {"message": "401: Unauthorized"}, path
        status, _ = await Api(settings, token=wrong).post("/api/services/switch/turn_on",
                                                          {"entity_id": "switch.kettle"})
        assert status == 401 and not [t for t, _ in sim.received if "kettle" in t]
        status, _ = await Api(settings, token=wrong).post("/api/command", {"text": "turn on the kettle"})
        assert status == 401
        # A wrong token on the WebSocket upgrade, and a wrong one in the auth message.
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(ws_url(settings, f"?token={wrong}"))
            assert refused.value.status == 401
            async with session.ws_connect(ws_url(settings)) as ws:
                assert (await ws.receive_json())["type"] == "auth_required"
                await ws.send_json({"type": "auth", "access_token": wrong})
                assert (await ws.receive_json())["type"] == "auth_invalid"
                await ws.receive()
                assert ws.close_code == CLOSE_UNAUTHORIZED
    assert "401" in caplog.text and "wrong token" in caplog.text and "no token" in caplog.text
    assert wrong not in caplog.text and TOKEN not in caplog.text


async def test_size_limits_and_bad_requests(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    async with live_hub(mosquitto, tmp_path) as (_hub, settings, _sim):
        huge = json.dumps({"text": "x" * 70_000}).encode()
        for path in ("/api/command", "/api/services/switch/turn_on"):
            status, kind, body = await raw(settings, "POST", path, data=huge)
            assert status == 413 and kind == "application/json" and json.loads(body)["message"], path
        api = Api(settings)
        status, data = await api.post("/api/command", {"text": "turn on the lights " * 100})
        assert status == 413 and "1000" in data["message"]
        cases: list[tuple[str, Any]] = [
            ("/api/command", {"text": ""}), ("/api/command", {"text": 5}), ("/api/command", {}),
            ("/api/command", {"text": "hi", "lang": "fr"}), ("/api/command", {"text": "hi", "execute": "yes"}),
            ("/api/command", {"confirm": ["x"]}), ("/api/command", [1, 2]),
            ("/api/services/switch/turn_on", {}), ("/api/services/switch/turn_on", {"entity_id": 5}),
            ("/api/services/switch/fly", {"entity_id": "switch.kettle"}),
            ("/api/services/climate/set_temperature", {"entity_id": "climate.bedroom_ac", "temperature": "hot"}),
        ]
        for path, body in cases:
            status, data = await api.post(path, body)
            assert status == 400 and isinstance(data["message"], str), (path, body, data)
        for path in ("/api/command", "/api/services/switch/turn_on"):
            status, kind, body = await raw(settings, "POST", path, data=b"{not json")
            assert status == 400 and json.loads(body) == {"message": "Invalid JSON specified."}
            deep = b'{"text": ' + b"[" * 30_000 + b"]" * 30_000 + b"}"  # under the size limit, too deep
            status, kind, body = await raw(settings, "POST", path, data=deep)
            assert status == 400 and "nested" in json.loads(body)["message"], body
        for path in ("/api/commands?limit=0", "/api/commands?limit=x", "/api/history/period/yesterday",
                     "/api/history/period", "/api/history/switch.kettle?start=soon",
                     "/api/history/switch.kettle?limit=-1"):
            status, data = await api.get(path)
            assert status == 400 and data["message"], path
        status, data = await api.post("/api/services/switch/turn_on", {"entity_id": "switch.nope"})
        assert status == 404


async def test_websocket_streams_state_changes_and_answers(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    async with live_hub(mosquitto, tmp_path) as (hub, settings, _sim), aiohttp.ClientSession() as session:
        async with session.ws_connect(ws_url(settings, f"?token={TOKEN}")) as ws:
            assert (await ws.receive_json())["type"] == "auth_ok"
            status, _ = await Api(settings).post("/api/services/switch/turn_on", {"entity_id": "switch.kettle"})
            assert status == 200
            state = await _next_state(ws, "switch.kettle")
            assert state["state"] == "on" and set(state) >= {"attributes", "last_changed", "last_updated"}

            await ws.send_json({"type": "call_service", "id": 7, "domain": "switch", "service": "turn_off",
                                "target": {"entity_id": "switch.kettle"}})
            result = await _next(ws, "result")
            assert result["id"] == 7 and result["success"] is True
            assert (await _next_state(ws, "switch.kettle"))["state"] == "off"

            await ws.send_json({"type": "command", "id": 8, "text": "turn on the kettle", "lang": "en"})
            result = await _next(ws, "result")
            assert result["id"] == 8 and result["success"] is True
            assert result["result"]["outcome"] == "not_ready" and result["result"]["text"] == "turn on the kettle"

            await ws.send_json({"type": "command", "id": 9, "text": ""})
            result = await _next(ws, "result")
            assert result == {"type": "result", "id": 9, "success": False,
                              "error": {"code": 400, "message": "`text` (a non-empty string) is required."}}
            await ws.send_json({"type": "call_service", "id": 10, "domain": "switch", "service": "turn_on",
                                "service_data": {"entity_id": "switch.nope"}})
            assert (await _next(ws, "result"))["error"]["code"] == 404
            await ws.send_str("[1]")
            assert (await _next(ws, "result"))["success"] is False
            await ws.send_json({"type": "get_states", "id": 11})
            assert len((await _next(ws, "result"))["result"]) == len(HOME)

        # HA's flow: no token on the upgrade, then an auth message.
        async with session.ws_connect(ws_url(settings)) as ws:
            assert (await ws.receive_json())["type"] == "auth_required"
            await ws.send_json({"type": "auth", "access_token": TOKEN})
            assert (await ws.receive_json())["type"] == "auth_ok"
            await ws.send_json({"type": "ping", "id": 1})
            assert await _next(ws, "pong") == {"type": "pong", "id": 1}
        await wait_for(lambda: len(hub.bus) == 0, what="listeners removed")


async def _next(ws: aiohttp.ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    async with asyncio.timeout(10):
        while True:
            msg = await ws.receive_json()
            if msg["type"] == kind:
                return msg  # type: ignore[no-any-return]


async def _next_state(ws: aiohttp.ClientWebSocketResponse, entity_id: str) -> dict[str, Any]:
    async with asyncio.timeout(10):
        while True:
            msg = await _next(ws, "state_changed")
            if msg["state"]["entity_id"] == entity_id:
                return msg["state"]  # type: ignore[no-any-return]


class _FakeSocket:
    """Stands in for a WebSocketResponse whose peer stopped reading."""

    def __init__(self) -> None:
        self.closed_with: tuple[int, bytes] | None = None
        self.closed = False

    async def close(self, *, code: int, message: bytes) -> bool:
        self.closed_with, self.closed = (code, message), True
        return True


async def test_slow_websocket_client_is_dropped_not_buffered() -> None:
    fake = _FakeSocket()
    client = Client(fake, size=5)  # type: ignore[arg-type]
    for n in range(50):
        client.on_states([State("sensor.t", str(n))])
    await client.close()
    assert client.queue.qsize() == 5 and client.dropped
    assert fake.closed_with is not None and fake.closed_with[0] == CLOSE_TOO_SLOW


def test_parse_histogram_counts_each_timing_once() -> None:
    window: list[float] = []
    histogram = ParseHistogram((0.01, 0.1))
    window += [0.005, 0.05]
    histogram.take(window)
    histogram.take(window)  # nothing new
    window += [0.5]
    del window[:-2]  # the assistant trims its window from the front
    histogram.take(window)
    lines = list(histogram.lines("p"))
    assert lines[:3] == ['p_bucket{le="0.01"} 1', 'p_bucket{le="0.1"} 2', 'p_bucket{le="+Inf"} 3']
    assert lines[-1] == "p_count 3"
