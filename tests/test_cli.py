"""The quick start as a user runs it: `hub run --demo` with no broker, then the CLI against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.broker import free_port

HUB = [sys.executable, "-m", "hub.cli"]


def _env(tmp_path: Path, port: int, path: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(HUB_DATA_DIR=str(tmp_path / "data"), HUB_HTTP=f"127.0.0.1:{port}", HUB_TRAIN_ON_START="false",
               HUB_ZEROCONF="false", HUB_REMOVAL_GRACE="1")
    if path is not None:
        env["PATH"] = path
    return env


@pytest.fixture(params=["mosquitto", "amqtt"])
def demo_hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """`hub run --demo` with no broker configured: Mosquitto as a child, or amqtt without it."""
    port = free_port()
    path = None
    if request.param == "amqtt":  # a PATH without the mosquitto binary
        path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                               if not (Path(p) / "mosquitto").exists())
    env = _env(tmp_path, port, path)
    log = (tmp_path / "hub.log").open("wb")
    proc = subprocess.Popen([*HUB, "run", "--demo"], env=env, stdout=log, stderr=log, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
                    health = json.loads(resp.read())
                if health["entities"] >= 14 and health["mqtt"]["state"] == "connected":
                    break
            except OSError:
                pass
            assert proc.poll() is None, (tmp_path / "hub.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "hub.log").read_text()[-3000:]
            time.sleep(0.2)
        yield env
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    assert proc.returncode == 0


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HUB, *args], env=env, capture_output=True, text=True, timeout=60)


def test_quick_start_loop(demo_hub: dict[str, str]) -> None:
    devices = _cli(demo_hub, "devices", "--json")
    assert devices.returncode == 0, devices.stderr
    assert "switch.kettle" in {s["entity_id"] for s in json.loads(devices.stdout)}
    called = _cli(demo_hub, "call", "switch.turn_on", "switch.kettle")
    assert called.returncode == 0, called.stderr
    for _ in range(100):
        state = _cli(demo_hub, "state", "switch.kettle", "--json")
        if state.returncode == 0 and json.loads(state.stdout)["state"] == "on":
            break
        time.sleep(0.1)
    assert json.loads(state.stdout)["state"] == "on"
    missing = _cli(demo_hub, "state", "light.nope")
    assert missing.returncode == 1 and "404" in missing.stderr
    refused = _cli(demo_hub, "call", "climate.set_temperature", "climate.bedroom_ac", "temperature=99")
    assert refused.returncode == 1 and "400" in refused.stderr


def test_exit_codes_without_a_hub(tmp_path: Path) -> None:
    env = _env(tmp_path, free_port())
    down = _cli(env, "devices")
    assert down.returncode == 1 and "hub run" in down.stderr
    bad = _cli({**env, "HUB_MQTT_URL": "http://nope"}, "devices")
    assert bad.returncode == 2 and "HUB_MQTT_URL" in bad.stderr
    usage = _cli(env, "call", "switch.turn_on")
    assert usage.returncode == 2


@pytest.mark.parametrize("command", ["run", "devices", "state", "call", "ask", "train", "eval", "parse"])
def test_every_command_has_help_with_examples(command: str) -> None:
    result = subprocess.run([*HUB, command, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "example" in result.stdout.lower()


def _one_line_failure(result: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == status, result.stderr
    assert len(lines) == 1 and lines[0].startswith("hub: "), result.stderr  # before any log line
    assert all(w in lines[0] for w in words), result.stderr


def test_start_up_failures_are_one_line(tmp_path: Path) -> None:
    """A busy port, an unwritable data dir and a misspelt key: one line naming the cause, exit 2."""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = _env(tmp_path, port)
        env["HUB_MQTT_URL"] = "mqtt://127.0.0.1:1"  # no broker: the hub goes on and keeps retrying
        _one_line_failure(_cli(env, "run"), 2, "HUB_HTTP", str(port))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = _env(tmp_path, free_port())
    env["HUB_DATA_DIR"] = str(blocker / "data")
    _one_line_failure(_cli(env, "run"), 2, "HUB_DATA_DIR", "not writable")
    (tmp_path / "hub.yaml").write_text("mqtt:\n  ulr: mqtt://broker\n")
    env = _env(tmp_path, free_port())
    result = subprocess.run([*HUB, "run"], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    _one_line_failure(result, 2, "mqtt.ulr", "mqtt.url")
