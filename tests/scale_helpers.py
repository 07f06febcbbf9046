"""Hub instances as real processes (`hub run`), and a private PostgreSQL database per test."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from hub.broker import free_port

TOKEN = "scale-test-token"


@contextlib.asynccontextmanager
async def private_database(pg_url: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database on the test server, dropped afterwards."""
    import asyncpg  # type: ignore[import-untyped]

    dsn = pg_url.replace("postgresql+asyncpg://", "postgresql://")
    name = f"hub_test_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base, _, _ = pg_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


class HubProcess:
    """`hub run` in a child process with its own data dir and HTTP port."""

    def __init__(self, data_dir: Path, mqtt_url: str, db_url: str, **env: str) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.env = {
            **os.environ, "HUB_DATA_DIR": str(data_dir), "HUB_MQTT_URL": mqtt_url, "HUB_DB_URL": db_url,
            "HUB_HTTP": f"127.0.0.1:{self.port}", "HUB_TOKEN": TOKEN, "HUB_TRAIN_ON_START": "false",
            "HUB_REMOVAL_GRACE": "1", "HUB_ZEROCONF": "false", "HUB_LOG_LEVEL": "info", **env,
        }
        self.process: asyncio.subprocess.Process | None = None
        self.log = data_dir / "hub.log"

    async def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log.open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hub.cli", "run", env=self.env, stdout=log, stderr=log,
            cwd=self.data_dir,
        )
        for _ in range(300):
            with contextlib.suppress(OSError, ValueError):
                if (await self.get("/health"))["state"] == "running":
                    return
            if self.process.returncode is not None:
                raise AssertionError(f"hub exited {self.process.returncode}: {self.log.read_text()[-3000:]}")
            await asyncio.sleep(0.1)
        raise AssertionError(f"hub did not start: {self.log.read_text()[-3000:]}")

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method)
        req.add_header("Authorization", f"Bearer {TOKEN}")
        req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as err:
            if path == "/health" and err.code == 503:  # degraded still carries the counters read here
                return json.loads(err.read())
            raise

    async def get(self, path: str) -> Any:
        return await asyncio.to_thread(self._request, "GET", path)

    async def post(self, path: str, body: Any) -> Any:
        return await asyncio.to_thread(self._request, "POST", path, body)
