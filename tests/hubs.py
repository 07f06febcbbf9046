"""Building and driving a real hub in tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

from hub.api import ApiServer
from hub.app import Hub
from hub.broker import free_port
from hub.config import Settings, load_settings

TOKEN = "test-token-not-secret"


def hub_settings(data_dir: Path, mqtt_url: str | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir, "mqtt_url": mqtt_url, "http": f"127.0.0.1:{free_port()}",
        "token": TOKEN, "removal_grace": 0.5, "train_on_start": False, "zeroconf": False,
    }
    values.update(overrides)
    return load_settings(None, environ={}, **values)


@contextlib.asynccontextmanager
async def running_hub(settings: Settings, connect_timeout: float = 5.0) -> AsyncIterator[Hub]:
    """A started hub with its HTTP API."""
    hub = Hub(settings)
    hub.connect_timeout = connect_timeout
    async with hub:
        host, port = settings.http_hostport
        async with ApiServer(hub.api_context(), host, port):
            yield hub


class Api:
    """An HTTP client for the hub's API with the test token."""

    def __init__(self, settings: Settings, token: str | None = TOKEN) -> None:
        host, port = settings.http_hostport
        self.base = f"http://{host}:{port}"
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        async with aiohttp.ClientSession(headers=self.headers) as session, session.request(
            method, self.base + path, json=body
        ) as resp:
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                data = await resp.text()
            return resp.status, data

    async def get(self, path: str) -> tuple[int, Any]:
        return await self.request("GET", path)

    async def post(self, path: str, body: Any) -> tuple[int, Any]:
        return await self.request("POST", path, body)
