"""Scale benchmark: discovery of 10,000 entities, resolver latency by home size, 1 vs 2 instances.

    .venv/bin/python bench/scale.py discovery --entities 10000
    .venv/bin/python bench/scale.py resolver              # 100 / 1,000 / 10,000 entities
    .venv/bin/python bench/scale.py instances --pg postgresql+asyncpg://postgres@127.0.0.1/test

`discovery`: retained discovery for N entities on a private Mosquitto; time until the registry
holds all of them, until `/api/states` serves them, and until they are in the database.
`resolver`: median and p99 of `resolve()` (and of `hub ask`'s whole pipeline when a model is in
the data dir) on homes of growing size. `instances`: the same state burst ingested by one hub
process and by two sharing a `$share` group, side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import paho.mqtt.publish as mqtt_publish  # noqa: E402

from hub.api import ApiServer  # noqa: E402
from hub.app import Hub  # noqa: E402
from hub.broker import MosquittoProcess, free_port  # noqa: E402
from hub.config import load_settings  # noqa: E402

AREAS = ["Kitchen", "Living Room", "Bedroom", "Study", "Hallway", "Garage", "Bathroom", "Garden"]
KINDS = [("light", "Lamp"), ("switch", "Plug"), ("sensor", "Thermometer"), ("cover", "Blind")]


def home(n: int) -> dict[str, str]:
    out: dict[str, str] = {}
    for i in range(n):
        component, noun = KINDS[i % len(KINDS)]
        area = AREAS[i % len(AREAS)]
        cfg: dict[str, object] = {
            "name": None, "object_id": f"{area.lower().replace(' ', '_')}_{noun.lower()}_{i}",
            "unique_id": f"scale-{i}", "state_topic": f"scale/{i}",
            "device": {"identifiers": [f"scale-{i}"], "name": f"{area} {noun} {i}", "suggested_area": area},
        }
        if component != "sensor":
            cfg["command_topic"] = f"scale/{i}/set"
        else:
            cfg["device_class"] = "temperature"
        out[f"homeassistant/{component}/scale{i}/config"] = json.dumps(cfg)
    return out


async def bench_discovery(entities: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="hub-scale-"))
    async with MosquittoProcess(workdir=work) as broker:
        settings = load_settings(None, environ={}, data_dir=work / "data", mqtt_url=broker.url,
                                 http=f"127.0.0.1:{free_port()}", token="t", zeroconf=False,
                                 train_on_start=False, removal_grace=3600.0)
        msgs = [{"topic": t, "payload": p, "qos": 1, "retain": True} for t, p in home(entities).items()]
        await asyncio.to_thread(mqtt_publish.multiple, msgs, hostname="127.0.0.1", port=broker.port)
        hub = Hub(settings)
        t0 = time.perf_counter()
        async with hub, ApiServer(hub, *settings.http_hostport):
            while len(hub.registry) < entities:
                await asyncio.sleep(0.01)
            registered = time.perf_counter() - t0
            host, port = settings.http_hostport
            async with aiohttp.ClientSession(headers={"Authorization": "Bearer t"}) as session:
                while True:
                    async with session.get(f"http://{host}:{port}/api/states") as resp:
                        if len(await resp.json()) >= entities:
                            break
                served = time.perf_counter() - t0
                t1 = time.perf_counter()
                async with session.get(f"http://{host}:{port}/api/states") as resp:
                    await resp.read()
                states_call = time.perf_counter() - t1
            while await hub.store.count("entities") < entities:
                await asyncio.sleep(0.05)
            stored = time.perf_counter() - t0
        print(f"discovery: {entities} entities (retained on the broker before the hub starts), "
              f"load={os.getloadavg()[0]:.2f}")
        print(f"  in the registry after {registered:.2f} s, served by /api/states after {served:.2f} s, "
              f"in the database after {stored:.2f} s; one GET /api/states takes {states_call * 1000:.0f} ms")


def bench_resolver(sizes: list[int], repeat: int) -> None:
    from hub.discovery import parse_discovery
    from hub.domain import Entity, Parse, Slot
    from hub.registry import Registry
    from hub.resolver import resolve

    parses = [
        Parse("turn on the kitchen lamps", "en", "turn_on", 0.99,
              (Slot("area", "kitchen"), Slot("device_class", "lamps"))),
        Parse("turn off study lamp 5", "en", "turn_off", 0.99, (Slot("name", "study lamp 5"),)),
        Parse("is the garage blind open", "en", "get_state", 0.99, (Slot("area", "garage"), Slot("device_class", "blind"))),
        Parse("打开客厅的灯", "zh", "turn_on", 0.99, (Slot("area", "客厅"), Slot("device_class", "灯"))),
    ]
    print(f"resolver: median / p99 per sentence (ms), {repeat} runs each, load={os.getloadavg()[0]:.2f}")
    for n in sizes:
        reg = Registry()
        for topic, payload in home(n).items():
            reg.apply([u for u in parse_discovery(topic, payload) if isinstance(u, Entity)])
        snap = reg.snapshot()
        resolve(parses[0], snap, {})  # warm caches built per snapshot
        times: list[float] = []
        for _ in range(repeat):
            for p in parses:
                t0 = time.perf_counter()
                resolve(p, snap, {})
                times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(f"  {n:>6} entities: {statistics.median(times):7.2f} / {times[int(0.99 * len(times)) - 1]:7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    d = sub.add_parser("discovery")
    d.add_argument("--entities", type=int, default=10_000)
    r = sub.add_parser("resolver")
    r.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10_000])
    r.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if args.what == "discovery":
        asyncio.run(bench_discovery(args.entities))
    else:
        bench_resolver(args.sizes, args.repeat)


if __name__ == "__main__":
    main()
