"""Micro-benchmark: rows/s of the store's batched state writer on SQLite and PostgreSQL.

Enqueues N states of distinct entities (no coalescing) with `put_state`, awaits `flush()`, and
reports states/s for the `states` upsert alone (history off) and with history on (each state is
one upsert row plus one history row). Each figure is the median of `--repeat` runs, each on a
fresh database (a temporary SQLite file; a temporary PostgreSQL schema).

    .venv/bin/python bench/store_write.py --rows 100000 --repeat 3 \
        --pg-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

`--pg-url` defaults to `HUB_TEST_PG_URL`; without either, PostgreSQL is skipped. Results are
printed, not written to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from hub.domain import State
from hub.store import Store


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
    args = parser.parse_args()
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


if __name__ == "__main__":
    asyncio.run(main())
