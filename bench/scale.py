"""Scale benchmark: discovery of 10,000 entities, resolver latency by home size, 1 vs 2 instances.

    .venv/bin/python bench/scale.py discovery --entities 10000
    .venv/bin/python bench/scale.py resolver              # 100 / 1,000 / 10,000 entities
    .venv/bin/python bench/scale.py instances --pg postgresql+asyncpg://postgres@127.0.0.1/test
    .venv/bin/python bench/scale.py --smoke               # all three at tiny sizes (CI)

`discovery`: retained discovery for N entities on a private Mosquitto; time until the registry
holds all of them, until `/api/states` serves them, and until they are in the database.
`resolver`: median and p99 of `resolve()` (and of `hub ask`'s whole pipeline when a model is
given) on homes of growing size, per sentence. `instances`: the same state burst ingested by one
hub process on SQLite, one on PostgreSQL and two sharing a `$share` group on PostgreSQL, side by
side in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def home(n: int, rooms: int = len(AREAS)) -> dict[str, str]:
    """Discovery configs of `n` devices spread over `rooms` areas ("Kitchen", …, "Kitchen 2", …)."""
    names = [AREAS[j % len(AREAS)] + (f" {j // len(AREAS) + 1}" if j >= len(AREAS) else "") for j in range(rooms)]
    out: dict[str, str] = {}
    for i in range(n):
        component, noun = KINDS[i % len(KINDS)]
        area = names[i % rooms]
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
        async with hub, ApiServer(hub.api_context(), *settings.http_hostport):
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
    shutil.rmtree(work, ignore_errors=True)


def bench_resolver(sizes: list[int], repeat: int, model: Path | None, shapes: list[str],
                   interleave: bool = False) -> None:
    """Per-sentence medians of `resolve()` (and `hub ask`'s pipeline with a model) by home size and shape.

    Shapes: `8-areas` keeps 8 rooms at every size (1,250 devices per room at 10,000: the kitchen's
    lamps are 1,250 targets); `rooms` grows the rooms with the home (about 25 devices each), as a
    building with thousands of devices has hundreds of rooms. Each sentence runs `repeat` times
    back to back: interleaved, the not-found sentence's scan of every name leaves the caches
    cold for the next one, which is measured separately (`--interleave`).
    """
    from hub.discovery import parse_discovery
    from hub.domain import Entity, Parse, Slot
    from hub.registry import Registry
    from hub.resolver import resolve

    parses = [
        Parse("turn on the kitchen lamps", "en", "turn_on", 0.99,
              (Slot("area", "kitchen"), Slot("device_class", "lamps"))),
        Parse("open study blind 3", "en", "open", 0.99, (Slot("name", "study blind 3"),)),
        Parse("turn off study lamp 5", "en", "turn_off", 0.99, (Slot("name", "study lamp 5"),)),
        Parse("is the garage blind open", "en", "get_state", 0.99, (Slot("area", "garage"), Slot("device_class", "blind"))),
        Parse("打开客厅的灯", "zh", "turn_on", 0.99, (Slot("area", "客厅"), Slot("device_class", "灯"))),
    ]
    parser = None
    if model is not None and (model / "model.safetensors").exists():
        import torch

        from hub.nlu.infer import Parser

        torch.set_num_threads(1)
        parser = Parser.load(model)
    from hub.ask import understand

    labels = ["kitchen lamps", "study blind 3", "study lamp 5 (no such)", "garage blind?", "客厅的灯"]
    print(f"resolver: ms per sentence, median / p99 over {repeat} runs of each of {len(parses)} sentences "
          f"({'interleaved' if interleave else 'back to back'}), "
          f"nproc={os.cpu_count()}, load={os.getloadavg()[0]:.2f}; per-sentence medians, [targets]; "
          f"hub ask's pipeline (parse + resolve + encode) with {model if parser else 'no model'}")
    for shape in shapes:
        print(f"  home shape {shape!r}:")
        print(f"  {'entities':>8} {'all median / p99':>18}  " + "  ".join(f"{lb:>17}" for lb in labels)
              + ("   ask median / p99" if parser else ""))
        for n in sizes:
            rooms = len(AREAS) if shape == "8-areas" else max(len(AREAS), n // 25)
            reg = Registry()
            for topic, payload in home(n, rooms).items():
                reg.apply([u for u in parse_discovery(topic, payload) if isinstance(u, Entity)])
            snap = reg.snapshot()
            t0 = time.perf_counter()
            resolve(parses[0], snap, {})  # the indexes built once per snapshot (registry change)
            built = (time.perf_counter() - t0) * 1000
            times: list[float] = []
            per: list[list[float]] = [[] for _ in parses]
            targets = []
            for p in parses:
                r = resolve(p, snap, {})
                targets.append(sum(len(a.entity_ids) for a in r.actions) + len(r.query or ()))
            order = [j for _ in range(repeat) for j in range(len(parses))] if interleave else \
                [j for j in range(len(parses)) for _ in range(repeat)]
            for j in order:
                t0 = time.perf_counter()
                resolve(parses[j], snap, {})
                ms = (time.perf_counter() - t0) * 1000
                times.append(ms)
                per[j].append(ms)
            times.sort()
            cells = [f"{statistics.median(ms):8.2f} [{count:>4}]" for ms, count in zip(per, targets, strict=True)]
            line = (f"  {n:>8} {statistics.median(times):8.2f} / {times[int(0.99 * len(times)) - 1]:7.2f}  "
                    + "  ".join(f"{c:>17}" for c in cells))
            if parser is not None:
                asks: list[float] = []
                for _ in range(max(1, repeat // 5)):
                    for p in parses:
                        t0 = time.perf_counter()
                        understand(parser.parse(p.text), snap, {})
                        asks.append((time.perf_counter() - t0) * 1000)
                asks.sort()
                line += f"   {statistics.median(asks):7.2f} / {asks[int(0.99 * len(asks)) - 1]:7.2f}"
            print(line + f"   (first resolve, indexes built: {built:.0f} ms)")


INGEST = ROOT / "bench" / "ingest.py"
PG_URL = os.environ.get("HUB_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
SETUPS = [("1 instance, SQLite", 1, "sqlite"), ("1 instance, PostgreSQL", 1, "pg"), ("2 instances, PostgreSQL", 2, "pg")]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Burst:
    """One setup's burst: what was stored, how fast, and who spent the CPU."""

    stored: int
    seconds: float
    """From the first publish until the hubs reported the last history row committed."""
    hub_cpu: float
    """CPU seconds of the hub processes together over the burst."""
    broker_cpu: float
    db_cpu: float | None
    """CPU seconds of the PostgreSQL backends serving the hubs (None on SQLite: in the hub)."""


async def _one_setup(instances: int, backend: str, pg_url: str, messages: int, entities: int,
                     protocol: str) -> Burst:
    """One fresh broker, database and set of `hub run` processes, one burst of `messages`.

    The end is read from the hubs' /health (history rows committed), so that the measurement
    does not load the database with counting; the database's own count is checked after.
    """
    from ingest import discovery  # bench/ingest.py: the same sensors and load generator

    from hub.store import Store
    from tests.scale_helpers import HubProcess, private_database

    work = Path(tempfile.mkdtemp(prefix="hub-inst-"))
    async with contextlib.AsyncExitStack() as stack:
        if backend == "pg":
            db_url = await stack.enter_async_context(private_database(pg_url))
        else:
            db_url = f"sqlite+aiosqlite:///{work / 'hub.db'}"
        broker = await stack.enter_async_context(MosquittoProcess(workdir=work))
        hubs = [HubProcess(work / f"hub{i}", broker.url, db_url, HUB_CLIENT_ID=f"hub-{i}", HUB_SHARED_GROUP="hubs",
                           HUB_MQTT_PROTOCOL=protocol, HUB_LOG_LEVEL="warning", HUB_REMOVAL_GRACE="3600")
                for i in range(instances)]
        for hub in hubs:
            stack.push_async_callback(hub.stop)
            await hub.start()
        msgs = [{"topic": t, "payload": p, "qos": 1, "retain": True} for t, p in discovery(entities).items()]
        await asyncio.to_thread(mqtt_publish.multiple, msgs, hostname="127.0.0.1", port=broker.port)

        async def healths() -> list[dict[str, Any]]:
            return [await h.get("/health") for h in hubs]

        deadline = time.monotonic() + 120
        while not all(h["entities"] >= entities for h in await healths()):
            if time.monotonic() > deadline:
                raise SystemExit(f"instances: discovery of {entities} entities did not finish; see {work}/hub*/hub.log")
            await asyncio.sleep(0.1)
        # (not the database's entities table: a hub leaves the tail of a discovery burst unsaved
        # until the next registry change, so the registry is the readiness signal)
        store = await stack.enter_async_context(Store(db_url))
        await asyncio.sleep(1.0)  # every instance's state subscriptions are in place
        db_pids: list[int] = []
        if backend == "pg":
            import asyncpg  # type: ignore[import-untyped]

            conn = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://"))
            db_pids = [r["pid"] for r in await conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
            await conn.close()
        assert broker.process is not None
        pids = [h.process.pid for h in hubs if h.process is not None]
        before = sum(h["store"]["history_written"] for h in await healths())
        cpu0 = [_cpu_seconds(pid) for pid in [*pids, broker.process.pid, *db_pids]]
        sent_file = work / "sent.json"
        publisher = await asyncio.create_subprocess_exec(
            sys.executable, str(INGEST), "--child-publisher", "raw", str(broker.port), str(entities),
            str(messages), "0", str(sent_file))
        done = time.time()
        deadline = time.monotonic() + 60 + messages / 1000
        while time.monotonic() < deadline:
            written = sum(h["store"]["history_written"] for h in await healths()) - before
            done = time.time()
            if written >= messages:
                break
            await asyncio.sleep(0.05)
        cpu = [_cpu_seconds(pid) - c for pid, c in zip([*pids, broker.process.pid, *db_pids], cpu0, strict=True)]
        await publisher.wait()
        first = json.loads(sent_file.read_text())[0]
        stored = await store.count("state_history")
        for hub in hubs:
            if hub.process is not None and hub.process.returncode is not None:
                raise SystemExit(f"instances: a hub exited: {hub.log.read_text()[-2000:]}")
    shutil.rmtree(work, ignore_errors=True)
    n = len(pids)
    return Burst(stored, done - first, sum(cpu[:n]), cpu[n], sum(cpu[n + 1 :]) if backend == "pg" else None)


async def bench_instances(pg_url: str, messages: int, entities: int, protocol: str, repeat: int) -> None:
    """The same burst ingested by one `hub run` (SQLite, then PostgreSQL) and by two sharing a `$share` group.

    Every setup starts from nothing (its own Mosquitto, database and hub processes); the setups
    run interleaved, `repeat` rounds, and the median of each is printed with every run. CPU is
    per process from /proc, so other load on the machine does not count in it.
    """
    print(f"instances: {messages} state messages (QoS 0, raw publisher) for {entities} entities, MQTT {protocol}, "
          f"nproc={os.cpu_count()}, load={os.getloadavg()[0]:.2f}; median of {repeat} interleaved rounds")
    runs: dict[str, list[Burst]] = {label: [] for label, _, _ in SETUPS}
    for _ in range(repeat):
        for label, count, backend in SETUPS:
            runs[label].append(await _one_setup(count, backend, pg_url, messages, entities, protocol))
    base = statistics.median(messages / b.seconds for b in runs[SETUPS[1][0]])
    print(f"  {'setup':<24}{'stored':>14}{'s':>7}{'msg/s':>9}{'vs 1 PG':>9}"
          f"{'hub µs/msg':>12}{'PG µs/msg':>11}{'mosq µs/msg':>13}{'hub cores':>11}   runs msg/s")
    for label, bursts in runs.items():
        rates = [b.stored / b.seconds for b in bursts]
        rate = statistics.median(rates)
        hub_us = statistics.median(b.hub_cpu / b.stored * 1e6 for b in bursts)
        db = [b.db_cpu / b.stored * 1e6 for b in bursts if b.db_cpu is not None]
        db_us = f"{statistics.median(db):11.0f}" if db else f"{'(in hub)':>11}"
        mosq_us = statistics.median(b.broker_cpu / b.stored * 1e6 for b in bursts)
        cores = statistics.median(b.hub_cpu / b.seconds for b in bursts)
        stored = min(b.stored for b in bursts)
        print(f"  {label:<24}{f'{stored}/{messages}':>14}{statistics.median(b.seconds for b in bursts):7.2f}"
              f"{rate:>9,.0f}{rate / base:>8.2f}x{hub_us:12.0f}{db_us}{mosq_us:13.0f}{cores:11.2f}"
              f"   {', '.join(f'{r:,.0f}' for r in rates)}")
    print(f"  (stored: the fewest rows of the runs, counted in the database; µs/msg: CPU time per stored "
          f"message; hub cores: hub CPU / wall time) load at the end={os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true",
                        help="CI: all three at tiny sizes (PostgreSQL from HUB_TEST_PG_URL, model from HUB_BENCH_MODEL)")
    sub = parser.add_subparsers(dest="what")
    d = sub.add_parser("discovery")
    d.add_argument("--entities", type=int, default=10_000)
    r = sub.add_parser("resolver")
    r.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10_000])
    r.add_argument("--repeat", type=int, default=50)
    r.add_argument("--model", type=Path, default=ROOT / "data" / "models" / "default",
                   help="a trained model for the `hub ask` pipeline column (skipped when absent)")
    r.add_argument("--shapes", nargs="*", choices=["8-areas", "rooms"], default=["8-areas", "rooms"])
    r.add_argument("--interleave", action="store_true", help="one run of each sentence in turn, not back to back")
    i = sub.add_parser("instances")
    i.add_argument("--pg", default=PG_URL)
    i.add_argument("--messages", type=int, default=100_000)
    i.add_argument("--entities", type=int, default=1000)
    i.add_argument("--protocol", choices=["3.1.1", "5"], default="3.1.1", help="the hubs' MQTT version")
    i.add_argument("--repeat", type=int, default=3, help="interleaved rounds; medians are printed")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.smoke:
        model = os.environ.get("HUB_BENCH_MODEL")
        asyncio.run(bench_discovery(300))
        bench_resolver([50, 500], 3, Path(model) if model else None, ["8-areas", "rooms"])
        asyncio.run(bench_instances(PG_URL, 2000, 50, "3.1.1", 1))
    elif args.what == "instances":
        asyncio.run(bench_instances(args.pg, args.messages, args.entities, args.protocol, args.repeat))
    elif args.what == "discovery":
        asyncio.run(bench_discovery(args.entities))
    elif args.what == "resolver":
        bench_resolver(args.sizes, args.repeat, args.model, args.shapes, args.interleave)
    else:
        parser.error("choose discovery, resolver or instances (or --smoke)")


if __name__ == "__main__":
    main()
