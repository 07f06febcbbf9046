"""An embedded MQTT broker for demos, local runs and tests.

Mosquitto as a child process when the binary exists (configured from `config/mosquitto.conf` on a
free loopback port); otherwise amqtt in this process. amqtt costs ~20× Mosquitto's CPU per
message and speaks MQTT 3.1.1 only, so it is for demos, never for real homes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

from hub.errors import MqttError
from hub.resources import data_path

_LOGGER = logging.getLogger(__name__)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class MosquittoProcess:
    """Mosquitto on 127.0.0.1:`port`, its config derived from `config/mosquitto.conf`.

    Args:
        port: Listener port (default: a free one).
        workdir: Folder for the generated config and persistence (default: a temp dir).
        persistence: Keep sessions and retained messages across `restart()` (saved on SIGTERM).
    """

    def __init__(
        self, port: int | None = None, workdir: Path | None = None, *, persistence: bool = False
    ) -> None:
        self.port = port or free_port()
        self.persistence = persistence
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.workdir = workdir
        self.process: asyncio.subprocess.Process | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("mosquitto") is not None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def _write_config(self) -> Path:
        if self.workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="hub-mosquitto-")
            self.workdir = Path(self._tmp.name)
        base = (data_path("config") / "mosquitto.conf").read_text(encoding="utf-8")
        lines = [ln for ln in base.splitlines() if not ln.startswith(("persistence ", "listener "))]
        lines.append(f"listener {self.port} 127.0.0.1")
        if os.geteuid() == 0:
            # As root Mosquitto drops to user `mosquitto`, which cannot write our temp dir.
            lines.append("user root")
        if self.persistence:
            lines += ["persistence true", f"persistence_location {self.workdir}/", "autosave_interval 1"]
        else:
            lines.append("persistence false")
        path = self.workdir / "mosquitto.conf"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    async def start(self, timeout: float = 10.0) -> None:
        """Start Mosquitto and wait until it accepts connections."""
        exe = shutil.which("mosquitto")
        if exe is None:
            raise MqttError("mosquitto is not installed")
        config = self._write_config()
        self.process = await asyncio.create_subprocess_exec(
            exe, "-c", str(config),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not _port_open(self.port):
            if self.process.returncode is not None:
                raise MqttError(f"mosquitto exited with {self.process.returncode} (port {self.port})")
            if time.monotonic() > deadline:
                raise MqttError(f"mosquitto did not listen on {self.port} within {timeout}s")
            await asyncio.sleep(0.05)
        _LOGGER.info("embedded Mosquitto listening on 127.0.0.1:%d", self.port)

    async def stop(self, *, kill: bool = False) -> None:
        """Stop it: SIGTERM (saves persistence) or, with `kill`, SIGKILL (a crash)."""
        process, self.process = self.process, None
        if process is None or process.returncode is not None:
            return
        if kill:
            process.kill()
        else:
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()

    async def restart(self, *, kill: bool = False, down_for: float = 0.0) -> None:
        await self.stop(kill=kill)
        if down_for:
            await asyncio.sleep(down_for)
        await self.start()

    async def close(self) -> None:
        await self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    async def __aenter__(self) -> MosquittoProcess:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class AmqttBroker:
    """amqtt in this process: the fallback when Mosquitto is not installed (demos only)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._broker: Any = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    async def start(self) -> None:
        from amqtt.broker import Broker  # imported lazily: only demos without Mosquitto need it

        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{self.port}"}},
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
        }
        self._broker = Broker(config)
        await self._broker.start()
        _LOGGER.warning(
            "Mosquitto not found: started amqtt on 127.0.0.1:%d (MQTT 3.1.1, demo use only)", self.port
        )

    async def close(self) -> None:
        if self._broker is not None:
            with contextlib.suppress(Exception):
                await self._broker.shutdown()
            self._broker = None


async def start_embedded_broker() -> tuple[MosquittoProcess | AmqttBroker, int]:
    """Start Mosquitto if installed, else amqtt. Returns the broker and the newest MQTT version it speaks."""
    if MosquittoProcess.available():
        broker: MosquittoProcess | AmqttBroker = MosquittoProcess()
        await broker.start()
        return broker, 5
    broker = AmqttBroker()
    await broker.start()
    return broker, 4
