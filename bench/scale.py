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
    model = ROOT / "data" / "models" / "default"
    parser = None
    if (model / "model.safetensors").exists():
        import torch

        from hub.nlu.infer import Parser

        torch.set_num_threads(1)
        parser = Parser.load(model)
    from hub.ask import understand

    texts = [p.text for p in parses]
    print(f"resolver: median / p99 per sentence (ms), {repeat} runs each, load={os.getloadavg()[0]:.2f}; "
          f"then hub ask's pipeline (parse + resolve + encode) with {model if parser else 'no model'}")
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
        line = f"  {n:>6} entities: resolve {statistics.median(times):7.2f} / {times[int(0.99 * len(times)) - 1]:7.2f}"
        if parser is not None:
            asks: list[float] = []
            for _ in range(max(1, repeat // 5)):
                for text in texts:
                    t0 = time.perf_counter()
                    understand(parser.parse(text), snap, {})
                    asks.append((time.perf_counter() - t0) * 1000)
            asks.sort()
            line += f"   ask {statistics.median(asks):7.2f} / {asks[int(0.99 * len(asks)) - 1]:7.2f}"
        print(line)


async def bench_instances(pg_url: str, messages: int, entities: int) -> None:
    """The same burst ingested by one `hub run` and by two sharing a `$share` group, into PostgreSQL."""
    import secrets
    import subprocess

    import asyncpg  # type: ignore[import-untyped]
    from ingest import discovery, publisher  # bench/ingest.py

    dsn = pg_url.replace("postgresql+asyncpg://", "postgresql://")
    base = pg_url.rpartition("/")[0]
    print(f"instances: {messages} state messages (QoS 0) for {entities} entities into PostgreSQL, "
          f"load={os.getloadavg()[0]:.2f}")
    for count in (1, 2):
        work = Path(tempfile.mkdtemp(prefix="hub-inst-"))
        name = f"hub_bench_{secrets.token_hex(3)}"
        admin = await asyncpg.connect(dsn)
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        async with MosquittoProcess(workdir=work) as broker:
            procs = []
            for i in range(count):
                env = {**os.environ, "HUB_DATA_DIR": str(work / f"d{i}"), "HUB_MQTT_URL": broker.url,
                       "HUB_DB_URL": f"{base}/{name}", "HUB_HTTP": f"127.0.0.1:{free_port()}", "HUB_TOKEN": "t",
                       "HUB_TRAIN_ON_START": "false", "HUB_ZEROCONF": "false", "HUB_CLIENT_ID": f"hub-{i}",
                       "HUB_SHARED_GROUP": "hubs", "HUB_LOG_LEVEL": "warning", "HUB_REMOVAL_GRACE": "3600"}
                (work / f"d{i}").mkdir()
                procs.append(subprocess.Popen([sys.executable, "-m", "hub.cli", "run"], env=env, cwd=work / f"d{i}",
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            msgs = [{"topic": t, "payload": p, "qos": 1, "retain": True} for t, p in discovery(entities).items()]
            await asyncio.to_thread(mqtt_publish.multiple, msgs, hostname="127.0.0.1", port=broker.port)
            db = await asyncpg.connect(f"{dsn.rpartition('/')[0]}/{name}")
            while True:
                try:
                    if await db.fetchval("select count(*) from entities") >= entities:
                        break
                except asyncpg.UndefinedTableError:
                    pass
                await asyncio.sleep(0.2)
            await asyncio.sleep(2.0)
            out = str(work / "sent.json")
            t0 = time.perf_counter()
            await asyncio.to_thread(publisher, broker.port, entities, messages, 0.0, out)
            while await db.fetchval("select count(*) from state_history") < messages:
                if time.perf_counter() - t0 > 300:
                    break
                await asyncio.sleep(0.05)
            took = time.perf_counter() - t0
            stored = await db.fetchval("select count(*) from state_history")
            await db.close()
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(20)
        admin = await asyncpg.connect(dsn)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
        print(f"  {count} instance{'s' if count > 1 else ' '}: {stored}/{messages} stored in {took:.1f} s = "
              f"{stored / took:,.0f} msg/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    d = sub.add_parser("discovery")
    d.add_argument("--entities", type=int, default=10_000)
    r = sub.add_parser("resolver")
    r.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10_000])
    r.add_argument("--repeat", type=int, default=50)
    i = sub.add_parser("instances")
    i.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    i.add_argument("--messages", type=int, default=40_000)
    i.add_argument("--entities", type=int, default=1000)
    args = parser.parse_args()
    if args.what == "instances":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        asyncio.run(bench_instances(args.pg, args.messages, args.entities))
    elif args.what == "discovery":
        asyncio.run(bench_discovery(args.entities))
    else:
        bench_resolver(args.sizes, args.repeat)


if __name__ == "__main__":
    main()
