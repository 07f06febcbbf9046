"""Assist's path: Wyoming `transcript` → `handled`, next to the same sentences on `POST /api/command`.

    .venv/bin/python bench/wyoming_latency.py                 # model from data/models/default
    .venv/bin/python bench/wyoming_latency.py --smoke         # a few requests, seconds; any model

The hub runs with the demo home and its simulated devices on a private Mosquitto, its HTTP API
and its Wyoming server. Sentences go in alternately as Home Assistant's conversation agent sends
them (a new `AsyncTcpClient` connection, one `transcript` with a conversation id, read the answer,
disconnect) and as `POST /api/command` (one aiohttp session, keep-alive); the clock runs from the
request to the answer (`handled` / the HTTP response). The clients share the hub's process and
event loop, so both figures carry the client's own work too. `confirm: never`, so unlocking is
carried out like any other command.

Without a model (`--smoke` on a fresh clone) the hub answers "not ready": the figures then time
the socket, framing and HTTP paths without the language model, and the output says so.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from wyoming.asr import Transcript  # noqa: E402
from wyoming.client import AsyncTcpClient  # noqa: E402

from hub.api import ApiServer  # noqa: E402
from hub.app import Hub  # noqa: E402
from hub.broker import MosquittoProcess, free_port  # noqa: E402
from hub.config import MqttUrl, load_settings  # noqa: E402
from hub.demo import Simulator, load_home  # noqa: E402
from hub.wyoming import WyomingServer  # noqa: E402

SENTENCES = [
    "turn on the floor lamp", "turn off the floor lamp", "switch on the coffee machine",
    "turn off the coffee machine", "set the bedroom ac to 22 degrees", "close the living room blinds",
    "open the living room blinds", "打开咖啡机", "关掉咖啡机", "把卧室空调调到24度",
    "dim the living room ceiling to 30 percent", "turn the bedroom fan on",
]
LANGUAGE = {s: ("zh" if any("\u4e00" <= c <= "\u9fff" for c in s) else "en") for s in SENTENCES}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def wyoming_once(port: int, text: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    async with AsyncTcpClient("127.0.0.1", port) as client:
        await client.write_event(Transcript(text, context={"conversation_id": uuid.uuid4().hex},
                                            language=LANGUAGE[text]).event())
        event = await client.read_event()
    elapsed = (time.perf_counter() - t0) * 1000
    return elapsed, event.type if event is not None else "closed"


async def http_once(session: aiohttp.ClientSession, url: str, text: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    async with session.post(url, json={"text": text, "lang": LANGUAGE[text]}) as response:
        body = await response.json()
    elapsed = (time.perf_counter() - t0) * 1000
    return elapsed, str(body.get("outcome"))


async def main(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="hub-wyoming-bench-"))
    data = work / "data"
    (data / "models").mkdir(parents=True)
    model = Path(args.model).resolve()
    has_model = (model / "model.safetensors").exists()
    if has_model:
        os.symlink(model, data / "models" / "default")
    elif not args.smoke:
        sys.exit(f"no model at {model}: train one (`hub train`) or pass --model or --smoke")
    n = 3 if args.smoke else args.n
    async with MosquittoProcess(workdir=work) as broker:
        settings = load_settings(None, environ={}, data_dir=data, mqtt_url=broker.url, token="t",
                                 http=f"127.0.0.1:{free_port()}", zeroconf=False, confirm="never",
                                 train_on_start=False)
        home = load_home()
        async with Simulator(MqttUrl.parse(broker.url), home) as sim, Hub(settings) as hub:
            sim.announce()
            commands = hub.wyoming_commands()
            wyoming_port = free_port()
            async with ApiServer(hub.api_context(), *settings.http_hostport), \
                    WyomingServer(commands, commands, "127.0.0.1", wyoming_port):
                deadline = time.monotonic() + 60
                while len(hub.registry) < len(home) or (has_model and hub.assistant.parser is None):
                    if time.monotonic() > deadline:
                        sys.exit("the hub did not become ready within 60 s")
                    await asyncio.sleep(0.05)
                host, port = settings.http_hostport
                url = f"http://{host}:{port}/api/command"
                figures: dict[str, list[float]] = {"wyoming transcript": [], "POST /api/command": []}
                answers: dict[str, dict[str, int]] = {k: {} for k in figures}
                async with aiohttp.ClientSession(headers={"Authorization": "Bearer t"}) as session:
                    for i in range(2 * n + 4):
                        text = SENTENCES[(i // 2) % len(SENTENCES)]
                        path = "wyoming transcript" if i % 2 == 0 else "POST /api/command"
                        if path == "wyoming transcript":
                            elapsed, answer = await wyoming_once(wyoming_port, text)
                        else:
                            elapsed, answer = await http_once(session, url, text)
                        if i >= 4:  # the first two of each warm up connections and caches
                            figures[path].append(elapsed)
                            answers[path][answer] = answers[path].get(answer, 0) + 1
                        await asyncio.sleep(0.01)
    what = "with the model" if has_model else "WITHOUT a model (answers are 'not ready')"
    print(f"request → answer, {n} sentences per path {what}, load={os.getloadavg()[0]:.2f}")
    for path, lat in figures.items():
        print(f"  {path:<20} p50 {statistics.median(lat):6.1f} ms  p99 {pct(lat, 0.99):6.1f} ms  "
              f"max {max(lat):6.1f} ms  answers {answers[path]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "data/models/default"))
    parser.add_argument("-n", type=int, default=200, help="sentences per path")
    parser.add_argument("--smoke", action="store_true", help="3 sentences per path: checks the bench runs")
    asyncio.run(main(parser.parse_args()))
