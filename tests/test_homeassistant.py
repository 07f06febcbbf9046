"""The Home Assistant client against a fake Home Assistant on 127.0.0.1 (REST and WebSocket API).

The fake answers in HA's shapes: `GET /api/states` behind a bearer token, and the WebSocket's
auth handshake (`auth_required` → `auth` → `auth_ok` / `auth_invalid`) followed by `result`
messages for the registry list commands, with an unrelated event interleaved as HA may send.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from hub.ask import load_home
from hub.homeassistant import HaEntity, HomeAssistantClient, HomeAssistantError, home_file, merge

TOKEN = "long-lived-test-token"
STATES = [
    {"entity_id": "light.floor_lamp", "state": "on", "attributes": {"friendly_name": "Floor lamp"}},
    {"entity_id": "light.zha_ceiling", "state": "off", "attributes": {"friendly_name": "Ceiling"}},
    {"entity_id": "lock.front_door", "state": "locked", "attributes": {"friendly_name": "Front door"}},
    {"entity_id": "switch.old_plug", "state": "off", "attributes": {}},
    {"entity_id": "sensor.gone", "state": "unavailable", "attributes": {"friendly_name": "Gone"}},
]
AREAS = [{"area_id": "living_room", "name": "Living room", "aliases": ["lounge"]},
         {"area_id": "hall", "name": "客厅"}]
DEVICES = [{"id": "dev1", "area_id": "living_room", "name": "Hue bulb"}]
REGISTRY = [
    {"entity_id": "light.zha_ceiling", "device_id": "dev1", "area_id": None, "aliases": ["big light", "大灯"],
     "name": None, "original_name": "Ceiling"},
    {"entity_id": "lock.front_door", "device_id": None, "area_id": "hall", "aliases": [], "name": "Front door"},
    {"entity_id": "switch.old_plug", "name": None, "original_name": "Old plug", "aliases": [None]},
    {"entity_id": "sensor.gone", "disabled_by": "user"},
]


class FakeHomeAssistant:
    """Home Assistant's REST states and WebSocket registries, accepting `token`."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.url = ""
        self.commands: list[str] = []

    async def states(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"message": "401: Unauthorized"}, status=401)
        return web.json_response(STATES)

    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "auth_required", "ha_version": "2026.11.0"})
        auth = await ws.receive_json()
        if auth.get("access_token") != self.token:
            await ws.send_json({"type": "auth_invalid", "message": "Invalid access token or password"})
            await ws.close()
            return ws
        await ws.send_json({"type": "auth_ok", "ha_version": "2026.11.0"})
        answers = {"config/area_registry/list": AREAS, "config/device_registry/list": DEVICES,
                   "config/entity_registry/list": REGISTRY}
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            command = json.loads(msg.data)
            self.commands.append(command["type"])
            await ws.send_json({"id": 99, "type": "event", "event": {}})  # noise the client must skip
            await ws.send_json({"id": command["id"], "type": "result", "success": True,
                                "result": answers[command["type"]]})
        return ws


@contextlib.asynccontextmanager
async def fake_home_assistant(prefix: str = "") -> AsyncIterator[FakeHomeAssistant]:
    """HA itself (`/api/...`) or the Supervisor's proxy to it (`/core/api/...`, `/core/websocket`)."""
    fake = FakeHomeAssistant()
    app = web.Application()
    app.router.add_get(f"{prefix}/api/states", fake.states)
    app.router.add_get(f"{prefix}/websocket" if prefix else "/api/websocket", fake.websocket)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield fake
    finally:
        await runner.cleanup()


EXPECTED = [
    HaEntity("light.floor_lamp", "Floor lamp"),
    HaEntity("light.zha_ceiling", "Ceiling", ("big light", "大灯"), "Living room"),
    HaEntity("lock.front_door", "Front door", (), "客厅"),
    HaEntity("switch.old_plug", "Old plug"),
]


async def test_reads_names_aliases_and_areas_directly() -> None:
    async with fake_home_assistant() as fake:
        entities = await HomeAssistantClient.direct(fake.url, TOKEN).entities()
    assert entities == EXPECTED
    assert fake.commands == ["config/area_registry/list", "config/device_registry/list",
                             "config/entity_registry/list"]


async def test_reads_through_the_supervisor_proxy() -> None:
    async with fake_home_assistant("/core") as fake:
        entities = await HomeAssistantClient.through_supervisor(TOKEN, core=f"{fake.url}/core").entities()
    assert entities == EXPECTED


async def test_wrong_token_and_no_server_are_clear_errors() -> None:
    async with fake_home_assistant() as fake:
        with pytest.raises(HomeAssistantError, match="refused the token"):
            await HomeAssistantClient.direct(fake.url, "wrong").entities()
        client = HomeAssistantClient.direct(fake.url, TOKEN)
        client.api_url = fake.url + "/api/nothing-here"
        with pytest.raises(HomeAssistantError, match="HTTP 404"):
            await client.entities()
        url = fake.url
    with pytest.raises(HomeAssistantError, match="cannot read Home Assistant"):
        await HomeAssistantClient.direct(url, TOKEN).entities()


def test_merge_is_pure_and_skips_disabled() -> None:
    assert merge(STATES, AREAS, DEVICES, REGISTRY) == EXPECTED
    assert merge([], AREAS, DEVICES, REGISTRY) == []


def test_home_file_trains_on_every_name_and_alias(tmp_path: Path) -> None:
    path = tmp_path / "home.json"
    path.write_text(json.dumps(home_file(EXPECTED), ensure_ascii=False), encoding="utf-8")
    home = load_home(path)  # the discovery parser `hub train --home` reads it with
    names = {e.name for e in home.entities.values()}
    areas = {e.area for e in home.entities.values() if e.area}
    assert names == {"Floor lamp", "Ceiling", "big light", "大灯", "Front door", "Old plug"}
    assert areas == {"Living room", "客厅"}


async def test_module_writes_a_home_file(tmp_path: Path) -> None:
    async with fake_home_assistant() as fake:
        out = tmp_path / "ha-home.json"
        proc = await _run_module("--url", fake.url, "--token", TOKEN, "--out", str(out))
    assert proc[0] == 0, proc[1]
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 6  # 4 names + 2 aliases
    assert "4 entities, 2 areas" in proc[1]


async def _run_module(*args: str) -> tuple[int, str]:


    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "hub.homeassistant", *args,
                                                stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, err.decode()


def test_module_needs_a_token(tmp_path: Path) -> None:
    env: dict[str, Any] = {k: v for k, v in os.environ.items()
                           if k not in ("HA_TOKEN", "SUPERVISOR_TOKEN")}
    result = subprocess.run([sys.executable, "-m", "hub.homeassistant", "--out", str(tmp_path / "x")],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 2 and "no token" in result.stderr
