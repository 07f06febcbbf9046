"""Suite-wide fixtures: a private Mosquitto per test, PostgreSQL when configured, a hub."""

from __future__ import annotations

import ast
import functools
import inspect
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from blockbuster import blockbuster_ctx

from hub.broker import MosquittoProcess

if TYPE_CHECKING:
    from hub.demo import Simulator

PG_ENV = "HUB_TEST_PG_URL"


@pytest.fixture(autouse=True)
def no_blocking_on_the_loop(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test in which the hub's own code blocks the event loop (file, database or socket I/O,
    sleeps): STYLE.md's rule that the loop never blocks, checked by `blockbuster`.

    Only calls made from `hub` modules on the loop's thread count, so a test's own helpers are not
    judged; `_NOT_JUDGED` lists the hub's modules that may (start-up, scaffolding, paho).
    """
    if not inspect.iscoroutinefunction(request.function):
        yield
        return
    with blockbuster_ctx(["hub"]) as guard:
        for name, function in guard.functions.items():
            if name in _MAY_BLOCK:
                function.deactivate()
                continue
            for filename, names in _not_judged():
                function.can_block_in(filename, names)
        yield


_NOT_JUDGED = ("hub/broker.py", "hub/demo.py", "hub/config.py", "hub/token.py", "hub/resources.py",
               "hub/devices.py", "hub/mdns/announce.py", "hub/mdns/broker.py", "hub/mdns/service.py",
               "hub/mqtt.py", "hub/store/migrations/env.py")
"""Modules not judged: file I/O done once at start or by test scaffolding (a child broker, the
demo), and paho's non-blocking sockets under `hub/mqtt.py` (its wake-up socket pair)."""


@functools.cache
def _not_judged() -> list[tuple[str, frozenset[str]]]:
    root = Path(__file__).resolve().parents[1]
    found = []
    for name in _NOT_JUDGED:
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
        found.append((name, frozenset(names | {"<module>"})))
    return found


_MAY_BLOCK = ("threading.Lock.acquire", "threading.Lock.acquire_lock", "os.path.abspath", "os.getcwd",
              "os.stat", "os.access", "os.path.islink", "os.path.ismount", "os.statvfs", "os.listdir",
              "os.scandir")
"""Short critical sections (paho's publish queue) and path metadata; reading or writing a file, the
database, a socket or sleeping on the loop is what fails a test."""


@pytest.fixture
def pg_url() -> str:
    """The PostgreSQL URL for tests; skipped with a visible reason when not configured."""
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set under CI: PostgreSQL tests must run")
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+asyncpg://postgres@127.0.0.1/test)")
    return url


@pytest.fixture
async def mosquitto(tmp_path: Path) -> AsyncIterator[MosquittoProcess]:
    """A Mosquitto of this test's own, on a free loopback port, from config/mosquitto.conf."""
    if not MosquittoProcess.available():
        pytest.skip("mosquitto is not installed (.ci/run installs it)")
    broker = MosquittoProcess(workdir=tmp_path / "mosquitto")
    broker.workdir.mkdir()  # type: ignore[union-attr]
    await broker.start()
    try:
        yield broker
    finally:
        await broker.close()


@pytest.fixture
async def home_sim(mosquitto: MosquittoProcess) -> AsyncIterator[Simulator]:
    """The demo home's simulated devices on this test's broker, announced."""
    from hub.config import MqttUrl
    from hub.demo import Simulator, load_home

    async with Simulator(MqttUrl.parse(mosquitto.url), load_home()) as sim:
        sim.announce()
        yield sim


@pytest.fixture(scope="session")
def model(tiny_model: Path) -> Path:
    """The language model tests use: the tiny recipe."""
    return tiny_model


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny recipe trained on the real intents once per test session.

    `HUB_TEST_TINY_MODEL` names an already trained tiny artifact to use instead (local runs).
    """
    from hub.nlu.train import load_recipe, train

    given = os.environ.get("HUB_TEST_TINY_MODEL")
    if given and (Path(given) / "model.safetensors").exists():
        return Path(given)
    path = tmp_path_factory.getbasetemp() / "tiny-nlu"
    if not (path / "model.safetensors").exists():
        train(load_recipe("tiny"), path, progress=False, evaluate=False, log=lambda _: None)
    return path


# -- layers: a marker for what each test needs, set from the fixtures it uses ---------------------
_LAYERS = {"mosquitto": "broker", "demo_hub": "broker", "pg_url": "database", "tiny_model": "model"}
_MODULE_LAYERS = {"test_web": "browser", "test_cli": "broker", "test_bench_smoke": "broker",
                  "test_addon": "broker", "test_faults": "broker", "test_mqtt": "broker",
                  "test_ask": "model", "test_nlu_model": "model", "test_store": "database",
                  "test_mdns": "network", "test_homeassistant": "network"}
"""Modules whose tests need a layer their fixtures do not name (their own broker, model or server)."""
_EXPLICIT = ("broker", "database", "model", "browser", "network", "slow")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test `broker`, `database`, `model`, `browser` or `network` by what it uses (its
    fixtures, its module, or an explicit mark); the rest `pure` (`make test-unit` runs those alone)."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        layers = {layer for fixture, layer in _LAYERS.items() if fixture in names}
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module in _MODULE_LAYERS:
            layers.add(_MODULE_LAYERS[module])
        layers.update(layer for layer in _EXPLICIT if item.get_closest_marker(layer))
        for layer in layers or {"pure"}:
            item.add_marker(layer)
