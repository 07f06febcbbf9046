"""Micro-benchmark: rows/s of the store's batched state writer on SQLite and PostgreSQL.

Enqueues N states of distinct entities (no coalescing) with `put_state`, awaits `flush()`, and
reports states/s for the `states` upsert alone (history off) and with history on (each state is
one upsert row plus one history row). Each figure is the median of `--repeat` runs, each on a
fresh database (a temporary SQLite file; a temporary PostgreSQL schema).

    .venv/bin/python bench/store_write.py --rows 100000 --repeat 3 \
        --pg-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

`--pg-url` defaults to `HUB_TEST_PG_URL`; without either, PostgreSQL is skipped. Results are
printed, not written to BENCHMARKS.md.

    .venv/bin/python bench/store_write.py --contended

`--contended`: SQLite commit time of 500-state batches (1,000 entities, history on, as the hub
commits at 10k msg/s) while another Python thread keeps the GIL busy, as paho's network thread
does under load. The writer's one-statement batches are compared in the same run with the
`executemany` path it replaced, which steps (and gives up the GIL) once per row.

`--smoke` (CI): 2,000 rows and one run per backend, then `--contended` with 3 batches.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import threading
import time
import types
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from hub.domain import State
from hub.store import Store
from hub.store.sqlite_batch import sqlite_row

_EXECUTEMANY_APPEND = (
    "INSERT INTO state_history (entity_id, state, attributes, last_changed, last_updated) VALUES (?, ?, ?, ?, ?)"
)
_EXECUTEMANY_UPSERT = (
    "INSERT INTO states (entity_id, state, attributes, last_changed, last_updated) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (entity_id) DO UPDATE SET state = excluded.state, attributes = excluded.attributes, "
    "last_changed = excluded.last_changed, last_updated = excluded.last_updated "
    "WHERE excluded.last_updated >= states.last_updated"
)


async def _executemany_write(self: Any, current: Sequence[State], history: Sequence[State]) -> None:
    """The writer's SQLite path before one-statement batches: a driver step per row."""
    async with self._engine.begin() as conn:
        if current:
            await conn.exec_driver_sql(_EXECUTEMANY_UPSERT, [sqlite_row(s) for s in current])
        if history:
            await conn.exec_driver_sql(_EXECUTEMANY_APPEND, [sqlite_row(s) for s in history])


async def _contended(strategy: str, batches: int, busy: bool) -> list[float]:
    """Milliseconds per `flush()` of 500 states over 1,000 entities, optionally with a busy thread."""
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            sum(range(1000))

    spinner = threading.Thread(target=spin, daemon=True)
    timings: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with Store(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}") as store:
            if strategy == "executemany":
                writer = store._writer  # bench-only: put the previous strategy back for comparison
                writer._write = types.MethodType(_executemany_write, writer)  # type: ignore[union-attr]
            base = datetime(2025, 1, 1, tzinfo=UTC)
            if busy:
                spinner.start()
            try:
                for b in range(batches):
                    states = [
                        State(f"sensor.bench_{(b * 500 + i) * 7 % 1000}", str(i), {"unit_of_measurement": "°C"},
                              base + timedelta(milliseconds=b * 500 + i), base + timedelta(milliseconds=b * 500 + i))
                        for i in range(500)
                    ]
                    started = time.perf_counter()
                    for state in states:
                        store.put_state(state)
                    await store.flush()
                    timings.append((time.perf_counter() - started) * 1000)
            finally:
                stop.set()
    return timings


async def contended(batches: int) -> None:
    print(f"SQLite, {batches} batches of 500 states (1,000 entities, history on): ms per batch")
    for busy in (False, True):
        for strategy in ("json_each", "executemany"):
            runs = sorted(await _contended(strategy, batches, busy))
            print(f"  {'busy thread' if busy else 'idle       '}  {strategy:12s} median {statistics.median(runs):8.1f}"
                  f"  p90 {runs[int(0.9 * len(runs))]:8.1f}  max {runs[-1]:8.1f}")


def _states(n: int, round_: int) -> list[State]:
    base = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=round_)
    return [
        State(
            entity_id=f"sensor.bench_{i}",
            state=str(20.0 + (i % 100) / 10),
            attributes={"unit_of_measurement": "°C", "device_class": "temperature"},
            last_changed=base + timedelta(microseconds=i),
            last_updated=base + timedelta(microseconds=i),
        )
        for i in range(n)
    ]


async def _timed(url: str, rows: int, history: bool, options: dict[str, Any]) -> tuple[float, float]:
    """Seconds to enqueue and commit `rows` new states and then `rows` updates of them."""
    async with Store(url, history=history, engine_options=options) as store:
        timings = []
        for round_ in range(2):  # first round inserts, second round updates existing rows
            states = _states(rows, round_)
            started = time.perf_counter()
            for state in states:
                store.put_state(state)
            await store.flush()
            timings.append(time.perf_counter() - started)
        return timings[0], timings[1]


async def _sqlite(rows: int, history: bool) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        return await _timed(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", rows, history, {})


async def _postgres(url: str, rows: int, history: bool) -> tuple[float, float]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        options = {"connect_args": {"server_settings": {"search_path": schema}}}
        return await _timed(url, rows, history, options)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


async def main() -> None:
    """Run the benchmark and print one line per backend and mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-url", default=os.environ.get("HUB_TEST_PG_URL"))
    parser.add_argument("--contended", action="store_true", help="SQLite batch commits beside a busy thread")
    parser.add_argument("--batches", type=int, default=40, help="batches per strategy with --contended")
    parser.add_argument("--smoke", action="store_true", help="CI: tiny sizes, both modes, in seconds")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.repeat, args.batches = 2000, 1, 3
    if args.contended:
        await contended(args.batches)
        return
    backends: list[str] = ["sqlite"] + (["postgresql"] if args.pg_url else [])
    print(f"rows per run: {args.rows}, median of {args.repeat} runs (states/s)")
    for backend in backends:
        for history in (False, True):
            inserts, updates = [], []
            for _ in range(args.repeat):
                if backend == "sqlite":
                    first, second = await _sqlite(args.rows, history)
                else:
                    first, second = await _postgres(args.pg_url, args.rows, history)
                inserts.append(args.rows / first)
                updates.append(args.rows / second)
            mode = "upsert + history" if history else "upsert only     "
            print(
                f"{backend:10s} {mode}  new rows {statistics.median(inserts):>9,.0f}/s"
                f"   updates {statistics.median(updates):>9,.0f}/s"
                f"   (runs: {', '.join(f'{r:,.0f}' for r in updates)})"
            )
    if args.smoke:
        await contended(args.batches)


if __name__ == "__main__":
    asyncio.run(main())
