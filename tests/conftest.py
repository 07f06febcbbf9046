"""Suite-wide fixtures: a private Mosquitto per test, PostgreSQL when configured, a hub."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hub.broker import MosquittoProcess

PG_ENV = "HUB_TEST_PG_URL"


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
