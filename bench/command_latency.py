"""Sentence → MQTT publish latency in the live hub, and `hub ask --home` throughput.

    .venv/bin/python bench/command_latency.py            # model from <data dir>/models/default

The hub runs with the demo home and its simulated devices on a private Mosquitto. Sentences go
in alternately through `Hub.handle_text` (the path every interface shares) and through
`POST /api/command` from an aiohttp client in the same process (so that figure also carries the
client's own work on the hub's event loop); the clock stops when a separate MQTT client receives
the first message the command published (parsing, resolution, encoding, the broker hop).
`--smoke` (CI): 6 sentences per path, the model named by `HUB_BENCH_MODEL` (a tiny one).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import paho.mqtt.client as paho  # noqa: E402
from paho.mqtt.enums import CallbackAPIVersion  # noqa: E402

from hub.api import ApiServer  # noqa: E402
from hub.app import Hub  # noqa: E402
from hub.broker import MosquittoProcess, free_port  # noqa: E402
from hub.config import MqttUrl, load_settings  # noqa: E402
from hub.demo import Simulator, load_home  # noqa: E402

SENTENCES = [
    "turn on the floor lamp", "turn off the floor lamp", "switch on the coffee machine",
    "turn off the coffee machine", "set the bedroom ac to 22 degrees", "close the living room blinds",
    "open the living room blinds", "打开咖啡机", "关掉咖啡机", "把卧室空调调到24度",
    "dim the living room ceiling to 30 percent", "turn the bedroom fan on",
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="hub-latency-"))
    model = Path(args.model).resolve()
    data = work / "data"
    (data / "models").mkdir(parents=True)
    os.symlink(model, data / "models" / "default")
    async with MosquittoProcess(workdir=work) as broker:
        settings = load_settings(None, environ={}, data_dir=data, mqtt_url=broker.url, token="t",
                                 http=f"127.0.0.1:{free_port()}", zeroconf=False, confirm="never")
        arrived: dict[str, float] = {}
        lock = threading.Lock()
        peer = paho.Client(CallbackAPIVersion.VERSION2, client_id="latency-peer")

        def on_message(client: object, userdata: object, msg: paho.MQTTMessage) -> None:
            with lock:
                arrived.setdefault("first", time.perf_counter())

        peer.on_message = on_message
        peer.connect("127.0.0.1", broker.port)
        peer.loop_start()
        home = load_home()
        async with Simulator(MqttUrl.parse(broker.url), home) as sim, Hub(settings) as hub:
            sim.announce()
            async with ApiServer(hub.api_context(), *settings.http_hostport):
                while len(hub.registry) < len(home) or hub.assistant.parser is None:
                    await asyncio.sleep(0.05)
                cmd_topics = sorted(sim._routes)
                for topic in cmd_topics:
                    peer.subscribe(topic, 1)
                await asyncio.sleep(0.5)
                host, port = settings.http_hostport
                figures: dict[str, list[float]] = {"handle_text": [], "POST /api/command": []}
                async with aiohttp.ClientSession(headers={"Authorization": "Bearer t"}) as session:
                    for i in range(2 * args.n):
                        text = SENTENCES[i % len(SENTENCES)]
                        path = "handle_text" if i % 2 == 0 else "POST /api/command"
                        with lock:
                            arrived.clear()
                        t0 = time.perf_counter()
                        if path == "handle_text":
                            result = await hub.handle_text(text)
                        else:
                            async with session.post(f"http://{host}:{port}/api/command", json={"text": text}) as r:
                                result = await r.json()
                        while "first" not in arrived and time.perf_counter() - t0 < 2:
                            await asyncio.sleep(0.0002)
                        if result.get("outcome") == "executed" and "first" in arrived:
                            figures[path].append((arrived["first"] - t0) * 1000)
                        await asyncio.sleep(0.02)
        peer.loop_stop()
    print(f"sentence → first MQTT message at a subscriber, {args.n} sentences per path, "
          f"load={os.getloadavg()[0]:.2f}")
    for path, lat in figures.items():
        if not lat:
            print(f"  {path:<20} executed    0")
            continue
        print(f"  {path:<20} executed {len(lat):>4}  p50 {statistics.median(lat):6.1f} ms  "
              f"p99 {pct(lat, 0.99):6.1f} ms  max {max(lat):6.1f} ms")
    lines = "\n".join(SENTENCES * (1 if args.smoke else 20)) + "\n"
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "hub.cli", "ask", "--home", str(ROOT / "config/demo-home.json"),
                          "--data-dir", str(data)], input=lines, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    count = len(out.stdout.splitlines())
    print(f"hub ask --home: {count} sentences in {wall:.1f} s = {count / wall:.0f} lines/s (process start and "
          "model load included)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "data/models/default"))
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--smoke", action="store_true", help="CI: 6 sentences per path, model from HUB_BENCH_MODEL")
    args = parser.parse_args()
    if args.smoke:
        args.n, args.model = 6, os.environ.get("HUB_BENCH_MODEL", args.model)
    asyncio.run(main(args))
