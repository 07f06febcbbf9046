"""The OpenAPI document against the real routes: schemathesis drives a live hub (bounded time).

The hub runs on its own event loop in a background thread (schemathesis' calls are blocking),
with the demo devices on a private Mosquitto. No route may answer 5xx, and every answer must
match the document (status codes, content types, response schemas).
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from hub.api.openapi import DOCUMENT  # noqa: E402
from hub.broker import MosquittoProcess  # noqa: E402
from hub.config import MqttUrl  # noqa: E402
from hub.demo import Simulator, load_home  # noqa: E402
from tests.hubs import TOKEN, hub_settings, running_hub  # noqa: E402
from tests.mqtt_helpers import wait_for  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = 12
"""Examples per operation: about 25 operations × 12 keeps the run well under a minute."""


class BackgroundHub:
    """A hub with the demo home, running on an event loop in another thread."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.base_url = ""
        self.error: BaseException | None = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="hub-under-test", daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(60) or self.error is not None:
            raise RuntimeError(f"the hub did not start: {self.error!r}")

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as err:
            self.error = err
            self._ready.set()

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        broker = MosquittoProcess(workdir=self.workdir / "mosquitto")
        broker.workdir.mkdir(parents=True)  # type: ignore[union-attr]
        await broker.start()
        try:
            settings = hub_settings(self.workdir / "data", broker.url)
            home = load_home()
            async with Simulator(MqttUrl.parse(broker.url), home) as sim:
                sim.announce()
                async with running_hub(settings) as hub:
                    await wait_for(lambda: len(hub.registry) == len(home), what="demo home discovered")
                    host, port = settings.http_hostport
                    self.base_url = f"http://{host}:{port}"
                    self._ready.set()
                    await self._stop.wait()
        finally:
            await broker.close()


@pytest.fixture(scope="module")
def live_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundHub]:
    if not MosquittoProcess.available():
        pytest.skip("mosquitto is not installed (.ci/run installs it)")
    hub = BackgroundHub(tmp_path_factory.mktemp("schema"))
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


# The document is a constant of the package, so it is loaded at collection time; the first test
# checks that the running hub serves exactly this document.
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_the_hub_serves_the_document(live_hub: BackgroundHub) -> None:
    with urllib.request.urlopen(f"{live_hub.base_url}/api/openapi.json", timeout=10) as resp:
        assert json.load(resp) == json.loads(json.dumps(DOCUMENT))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_route_matches_the_document(case: Any, live_hub: BackgroundHub) -> None:
    excluded = []
    if case.operation.path in ("/api/services/{domain}/{service}", "/api/websocket"):
        # Whether an entity supports a service (light.floor_lamp has no lock.unlock) is the
        # registry's to say, not the schema's: a schema-valid call may rightly get 400. And a
        # plain GET of the WebSocket route (no Upgrade header) can only be refused.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(base_url=live_hub.base_url, headers=AUTH, timeout=10, excluded_checks=excluded)
