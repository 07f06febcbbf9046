"""A small Home Assistant client: the user's own names for their entities and areas.

Reads `GET /api/states` (friendly names) and, over the WebSocket API, the area, device and entity
registries (areas, entity aliases, the area a device sits in), so per-home training knows what
people call their devices, also those that are not on MQTT (ZHA, Z-Wave, Matter).

Two ways in: inside the add-on through the Supervisor's proxy (`http://supervisor/core/api/`,
`ws://supervisor/core/websocket`, with `SUPERVISOR_TOKEN`; needs `homeassistant_api: true`), or
directly with a long-lived access token (`http://homeassistant.local:8123`).

`python -m hub.homeassistant --out FILE` writes the names as a home file (discovery topic →
payload) that `hub train --home FILE` reads.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from hub.errors import HubError

SUPERVISOR_CORE = "http://supervisor/core"
"""The Supervisor's proxy to Home Assistant Core, as an add-on reaches it."""


class HomeAssistantError(HubError):
    """Home Assistant could not be read (unreachable, refused the token, or answered nonsense)."""


@dataclass(frozen=True)
class HaEntity:
    """One Home Assistant entity as people name it."""

    entity_id: str
    name: str
    """The friendly name HA shows."""
    aliases: tuple[str, ...] = ()
    """Assist aliases the user gave the entity."""
    area: str | None = None
    """The entity's area, else its device's area (the area's name)."""

    @property
    def domain(self) -> str:
        return self.entity_id.split(".", 1)[0]


class HomeAssistantClient:
    """Reads names from Home Assistant.

    Args:
        api_url: Base of the REST API, ending in `/api`.
        websocket_url: The WebSocket API's URL.
        token: A long-lived access token, or the Supervisor token through its proxy.
        timeout: Seconds for each request.
    """

    def __init__(self, api_url: str, websocket_url: str, token: str, *, timeout: float = 10.0) -> None:
        self.api_url = api_url.rstrip("/")
        self.websocket_url = websocket_url
        self.token = token
        self.timeout = timeout

    @classmethod
    def through_supervisor(cls, token: str, core: str = SUPERVISOR_CORE) -> HomeAssistantClient:
        """Inside an add-on: the Supervisor's proxy (`/core/api`, `/core/websocket`)."""
        base = core.rstrip("/")
        return cls(f"{base}/api", _ws(f"{base}/websocket"), token)

    @classmethod
    def direct(cls, url: str, token: str) -> HomeAssistantClient:
        """Home Assistant at `url` (e.g. `http://homeassistant.local:8123`) with a long-lived token."""
        base = url.rstrip("/")
        return cls(f"{base}/api", _ws(f"{base}/api/websocket"), token)

    async def entities(self) -> list[HaEntity]:
        """Every entity with its friendly name, aliases and area, sorted by entity id.

        Raises:
            HomeAssistantError: Unreachable, unauthorised, or an unexpected answer.
        """
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                states = await self._states(session)
                areas, devices, registry = await self._registries(session)
        except (aiohttp.ClientError, TimeoutError, ValueError) as err:
            raise HomeAssistantError(f"cannot read Home Assistant: {err or type(err).__name__}") from None
        return merge(states, areas, devices, registry)

    async def _states(self, session: aiohttp.ClientSession) -> list[Mapping[str, Any]]:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with session.get(f"{self.api_url}/states", headers=headers) as response:
            if response.status in (401, 403):
                raise HomeAssistantError(f"Home Assistant refused the token (HTTP {response.status})")
            if response.status != 200:
                raise HomeAssistantError(f"GET /api/states: HTTP {response.status}")
            body = await response.json(content_type=None)
        if not isinstance(body, list):
            raise HomeAssistantError("GET /api/states did not answer a list")
        return [s for s in body if isinstance(s, dict) and isinstance(s.get("entity_id"), str)]

    async def _registries(
        self, session: aiohttp.ClientSession
    ) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]], list[Mapping[str, Any]]]:
        async with session.ws_connect(self.websocket_url, max_msg_size=64 * 1024 * 1024) as ws:
            hello = await ws.receive_json()
            if hello.get("type") != "auth_required":
                raise HomeAssistantError(f"unexpected WebSocket greeting {hello.get('type')!r}")
            await ws.send_json({"type": "auth", "access_token": self.token})
            answer = await ws.receive_json()
            if answer.get("type") != "auth_ok":
                raise HomeAssistantError(f"Home Assistant refused the token: {answer.get('message', answer)}")
            results: list[list[Mapping[str, Any]]] = []
            for number, command in enumerate(("config/area_registry/list", "config/device_registry/list",
                                              "config/entity_registry/list"), start=1):
                await ws.send_json({"id": number, "type": command})
                while True:  # skip anything that is not this command's result
                    reply = await ws.receive_json()
                    if reply.get("id") == number and reply.get("type") == "result":
                        break
                if not reply.get("success") or not isinstance(reply.get("result"), list):
                    raise HomeAssistantError(f"{command} failed: {reply.get('error', reply)}")
                results.append([r for r in reply["result"] if isinstance(r, dict)])
        return results[0], results[1], results[2]


def _ws(url: str) -> str:
    return "ws" + url[4:] if url.startswith("http") else url


def merge(
    states: Sequence[Mapping[str, Any]],
    areas: Sequence[Mapping[str, Any]],
    devices: Sequence[Mapping[str, Any]],
    registry: Sequence[Mapping[str, Any]],
) -> list[HaEntity]:
    """Join the states and the three registries into one entry per entity (pure)."""
    area_names = {a.get("area_id"): str(a["name"]) for a in areas if a.get("name")}
    device_area = {d.get("id"): d.get("area_id") for d in devices}
    entries = {e.get("entity_id"): e for e in registry}
    out: list[HaEntity] = []
    for state in states:
        entity_id = state["entity_id"]
        entry = entries.get(entity_id, {})
        if entry.get("disabled_by"):
            continue
        attributes = state.get("attributes")
        friendly = attributes.get("friendly_name") if isinstance(attributes, dict) else None
        name = friendly or entry.get("name") or entry.get("original_name") or entity_id
        aliases = tuple(str(a) for a in entry.get("aliases") or () if isinstance(a, str) and a.strip())
        area_id = entry.get("area_id") or device_area.get(entry.get("device_id"))
        out.append(HaEntity(entity_id, str(name), aliases, area_names.get(area_id)))
    return sorted(out, key=lambda e: e.entity_id)


def home_file(entities: Sequence[HaEntity]) -> dict[str, Any]:
    """The names as a home file for `hub train --home`: one discovery entry per name or alias."""
    home: dict[str, Any] = {}
    for i, entity in enumerate(entities):
        for j, name in enumerate((entity.name, *entity.aliases)):
            home[f"homeassistant/{entity.domain}/ha_{i}_{j}/config"] = {
                "name": None, "command_topic": f"ha/{entity.entity_id}/set",
                "device": {"identifiers": [f"{entity.entity_id}#{j}"], "name": name,
                           "suggested_area": entity.area},
            }
    return home


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m hub.homeassistant`: write Home Assistant's names as a home file."""
    parser = argparse.ArgumentParser(prog="python -m hub.homeassistant", description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="Home Assistant's URL (default: the Supervisor's proxy)")
    parser.add_argument("--core", default=SUPERVISOR_CORE, help="the Supervisor's proxy to Core")
    parser.add_argument("--token", help="access token (default: $HA_TOKEN, else $SUPERVISOR_TOKEN)")
    parser.add_argument("--out", type=Path, required=True, help="home file to write")
    args = parser.parse_args(argv)
    token = args.token or os.environ.get("HA_TOKEN") or os.environ.get("SUPERVISOR_TOKEN")
    if not token:
        print("no token: pass --token, or set HA_TOKEN or SUPERVISOR_TOKEN", file=sys.stderr)
        return 2
    client = (HomeAssistantClient.direct(args.url, token) if args.url
              else HomeAssistantClient.through_supervisor(token, args.core))
    try:
        entities = asyncio.run(client.entities())
    except HomeAssistantError as err:
        print(err, file=sys.stderr)
        return 1
    args.out.write_text(json.dumps(home_file(entities), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(entities)} entities, {len({e.area for e in entities if e.area})} areas → {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["HaEntity", "HomeAssistantClient", "HomeAssistantError", "home_file", "merge"]
