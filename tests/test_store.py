"""Tests of hub.store against real SQLite files and a real PostgreSQL.

PostgreSQL tests run when `HUB_TEST_PG_URL` names a database, e.g.
`postgresql+asyncpg://postgres@127.0.0.1:5432/test` (conftest's `pg_url`: skipped without it,
failed under CI); each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from hub.domain import DeviceInfo, Entity, State
from hub.errors import StoreError
from hub.store import Store, StoreState, migrations
from hub.store.schema import metadata

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class Db:
    """One empty database for one test; `store()` opens stores on it."""

    url: str
    options: dict[str, Any] = field(default_factory=dict)
    stores: list[Store] = field(default_factory=list)

    @property
    def backend(self) -> str:
        return "postgresql" if self.url.startswith("postgresql") else "sqlite"

    def store(self, **kwargs: Any) -> Store:
        store = Store(self.url, engine_options=self.options, **kwargs)
        self.stores.append(store)
        return store


async def _sqlite_db(tmp_path: Path) -> AsyncIterator[Db]:
    db = Db(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}")
    try:
        yield db
    finally:
        for store in db.stores:
            await store.close()


async def _pg_db(url: str) -> AsyncIterator[Db]:
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    # application_name lets a test find (and terminate) this test's connections.
    settings = {"search_path": schema, "application_name": schema}
    db = Db(url, {"connect_args": {"server_settings": settings}})
    try:
        yield db
    finally:
        for store in db.stores:
            await store.close()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Db]:
    """An empty database of each backend."""
    # conftest's `pg_url` skips without HUB_TEST_PG_URL, and fails under CI.
    make = _sqlite_db(tmp_path) if request.param == "sqlite" else _pg_db(request.getfixturevalue("pg_url"))
    async for value in make:
        yield value


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Db]:
    """An empty SQLite database file."""
    async for value in _sqlite_db(tmp_path):
        yield value


@pytest.fixture
async def pg_db(pg_url: str) -> AsyncIterator[Db]:
    """An empty PostgreSQL schema."""
    async for value in _pg_db(pg_url):
        yield value


def _entities() -> list[Entity]:
    hue = DeviceInfo(
        identifiers=("zigbee2mqtt_0x0017", "hue-serial-1"),
        name="Ceiling light",
        manufacturer="Philips",
        model="LCT015",
        sw_version="1.2.3",
        suggested_area="Living Room",
        via_device="zigbee2mqtt_bridge",
        connections=(("zigbee", "0x0017"),),
    )
    return [
        Entity(
            entity_id="light.living_room_ceiling",
            component="light",
            name="Ceiling light",
            discovery_topic="homeassistant/light/0x0017/light/config",
            config={"command_topic": "z2m/Ceiling light/set", "brightness_scale": 254, "nested": {"a": [1]}},
            unique_id="0x0017_light",
            device=hue,
            area="Living Room",
            device_class=None,
            aliases=("big lamp", "大灯"),
        ),
        Entity(
            entity_id="sensor.kitchen_temperature",
            component="sensor",
            name="Kitchen temperature",
            discovery_topic="homeassistant/device/esp1/config",
            config={"state_topic": "esp1/temp"},
            component_key="temp",
            area="厨房",
            device_class="temperature",
        ),
    ]


def _states(
    entity_id: str, n: int, start: datetime = T0, step: timedelta = timedelta(minutes=1)
) -> list[State]:
    return [
        State(entity_id, str(i), {"i": i}, last_changed=start + i * step, last_updated=start + i * step)
        for i in range(n)
    ]


# -- entities --------------------------------------------------------------------------------------


async def test_entities_round_trip(db: Db) -> None:
    async with db.store() as store:
        await store.save_entities(_entities())
        assert await store.load_entities() == sorted(_entities(), key=lambda e: e.entity_id)
        renamed = Entity(**{**_entities()[0].__dict__, "name": "Big ceiling light"})
        await store.save_entities([renamed])
        loaded = {e.entity_id: e for e in await store.load_entities()}
        assert loaded["light.living_room_ceiling"].name == "Big ceiling light"
        assert await store.count("areas") == 2
        assert await store.count("devices") == 1


async def test_remove_entities_keeps_history(db: Db) -> None:
    async with db.store() as store:
        await store.save_entities(_entities())
        for state in _states("light.living_room_ceiling", 3) + _states("sensor.kitchen_temperature", 2):
            store.put_state(state)
        await store.flush()
        await store.remove_entities(["light.living_room_ceiling"])
        assert [e.entity_id for e in await store.load_entities()] == ["sensor.kitchen_temperature"]
        assert await store.get_state("light.living_room_ceiling") is None
        assert await store.get_state("sensor.kitchen_temperature") is not None
        assert len(await store.history("light.living_room_ceiling")) == 3
        assert await store.count("devices") == 0  # its device has no entity left


# -- states ----------------------------------------------------------------------------------------


async def test_states_upsert_coalesce_and_history(db: Db) -> None:
    committed: list[State] = []
    async with db.store(on_commit=committed.extend) as store:
        for state in _states("light.a", 5) + _states("light.b", 1):
            store.put_state(state)
        await store.flush()
        current = await store.current_states()
        assert set(current) == {"light.a", "light.b"}
        assert current["light.a"] == _states("light.a", 5)[-1]
        assert await store.history("light.a") == _states("light.a", 5)
        stats = store.stats
        assert (stats.states_written, stats.history_written, stats.queue_length) == (2, 6, 0)
        assert stats.batches == 1 and stats.healthy and store.healthy
        assert stats.last_commit_lag is not None and stats.last_commit_lag >= 0
        assert len(committed) == 6


async def test_restart_serves_current_states(db: Db) -> None:
    async with db.store() as store:
        await store.save_entities(_entities())
        for state in _states("light.living_room_ceiling", 4):
            store.put_state(state)
    # close() committed the pending states without an explicit flush
    async with db.store() as store:
        current = await store.current_states()
        assert current == {"light.living_room_ceiling": _states("light.living_room_ceiling", 4)[-1]}
        assert len(await store.load_entities()) == 2


async def test_history_time_range_and_limit(db: Db) -> None:
    async with db.store() as store:
        for state in _states("sensor.t", 10) + _states("sensor.other", 10):
            store.put_state(state)
        await store.flush()
        got = await store.history("sensor.t", start=T0 + timedelta(minutes=2), end=T0 + timedelta(minutes=5))
        assert [s.state for s in got] == ["2", "3", "4"]
        assert [s.state for s in await store.history("sensor.t", limit=3)] == ["7", "8", "9"]
        assert [s.state for s in await store.history("sensor.t", end=T0 + timedelta(minutes=1))] == ["0"]


async def test_purge_history(db: Db) -> None:
    async with db.store() as store:
        for state in _states("sensor.t", 10):
            store.put_state(state)
        await store.flush()
        assert await store.purge_history(T0 + timedelta(minutes=4)) == 4
        assert (await store.history("sensor.t"))[0].state == "4"
        assert (await store.get_state("sensor.t")) is not None


async def test_batch_of_50k_states(db: Db) -> None:
    async with db.store(batch_size=2000) as store:
        for i in range(50_000):
            ts = T0 + timedelta(microseconds=i)
            store.put_state(State(f"sensor.s{i % 5000}", str(i), {"n": i}, ts, ts))
        await store.flush()
        stats = store.stats
        assert stats.history_written == 50_000
        assert stats.queue_length == 0 and stats.errors == 0
        assert await store.count("state_history") == 50_000
        assert await store.count("states") == 5000
        assert (await store.get_state("sensor.s4999")) == State(
            "sensor.s4999",
            "49999",
            {"n": 49999},
            T0 + timedelta(microseconds=49999),
            T0 + timedelta(microseconds=49999),
        )


async def test_history_off_keeps_current_only(db: Db) -> None:
    async with db.store(history=False) as store:
        for state in _states("light.a", 3):
            store.put_state(state)
        await store.flush()
        assert await store.count("state_history") == 0
        assert (await store.get_state("light.a")) == _states("light.a", 3)[-1]


async def test_timestamps_are_tz_aware_utc(db: Db) -> None:
    plus2 = timezone(timedelta(hours=2))
    local = datetime(2025, 3, 1, 14, 0, tzinfo=plus2)
    async with db.store() as store:
        await store.save_entities(_entities())
        store.put_state(State("light.a", "on", {}, local, local))
        store.put_state(State("light.b", "on", {}, datetime(2025, 3, 1, 12, 0), datetime(2025, 3, 1, 12, 0)))
        await store.flush()
        for state in [*(await store.current_states()).values(), *(await store.history("light.a"))]:
            assert state.last_updated.tzinfo is UTC and state.last_changed.tzinfo is UTC
            assert state.last_updated == T0  # same instant; the naive one was taken as UTC
        await store.log_command("cli", "hi", "en", {}, [], "ok", None)
        (logged,) = await store.recent_commands(1)
        assert logged["ts"].tzinfo is UTC


async def test_log_command_round_trip(db: Db) -> None:
    async with db.store() as store:
        parse = {"intent": "turn_on", "confidence": 0.98, "slots": {"area": "客厅"}}
        actions = [{"service": "light.turn_on", "entity_id": ["light.a"], "data": {"brightness_pct": 40}}]
        first = await store.log_command("cli", "turn on the light", "en", parse, actions, "ok", None)
        second = await store.log_command("mqtt", "打开灯", "zh", {"intent": "none"}, [], "error", "no match")
        assert second > first
        newest, oldest = await store.recent_commands(10)
        assert newest["id"] == second and newest["error"] == "no match" and newest["lang"] == "zh"
        assert (oldest["parse"], oldest["actions"], oldest["outcome"]) == (parse, actions, "ok")
        assert oldest["source"] == "cli" and oldest["text"] == "turn on the light"


async def test_cancelled_write_does_not_leave_the_database_locked(sqlite_db: Db) -> None:
    """A write cancelled mid-transaction (the hub stopping) must not keep SQLite's write lock.

    Each cancellation lands at a different point of `log_command`'s transaction; every later
    write must still get through well within `busy_timeout`.
    """
    async with sqlite_db.store(busy_timeout=1.0) as store:
        logged = 0
        for turns in range(40):
            task = asyncio.create_task(store.log_command("cli", f"t{turns}", "en", {}, [], "ok"))
            for _ in range(turns):
                await asyncio.sleep(0)
            task.cancel()
            try:
                await task
                logged += 1
            except asyncio.CancelledError:
                pass
            async with asyncio.timeout(0.8):
                await store.save_entities(_entities())
        # A write that had begun was carried to its end, not rolled back half-way.
        assert await store.count("commands") >= logged


# -- lifecycle and faults --------------------------------------------------------------------------


async def test_put_state_after_close_raises(sqlite_db: Db) -> None:
    store = sqlite_db.store()
    with pytest.raises(StoreError):
        store.put_state(State("light.a", "on"))
    async with store:
        assert store.state is StoreState.STARTED
    assert store.state.value == "stopped"
    with pytest.raises(StoreError):
        store.put_state(State("light.a", "on"))
    with pytest.raises(StoreError):
        await store.current_states()
    with pytest.raises(StoreError):
        await store.start()


async def test_sqlite_pragmas_and_in_memory(sqlite_db: Db) -> None:
    async with sqlite_db.store():
        with sqlite3.connect(sqlite_db.url.split("///", 1)[1]) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    async with Store("sqlite://") as memory:  # plain URL: the aiosqlite driver is added
        memory.put_state(State("light.a", "on", {}, T0, T0))
        reads = [memory.current_states() for _ in range(5)]
        await asyncio.gather(memory.flush(), *reads)
        assert (await memory.get_state("light.a")) == State("light.a", "on", {}, T0, T0)


async def _until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    pytest.fail("condition not reached in time")


async def test_writer_keeps_data_while_sqlite_is_locked(
    sqlite_db: Db, caplog: pytest.LogCaptureFixture
) -> None:
    async with sqlite_db.store(busy_timeout=0.02) as store:
        store.put_state(State("light.a", "off", {}, T0, T0))
        await store.flush()
        locker = sqlite3.connect(sqlite_db.url.split("///", 1)[1], isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            states = _states("light.a", 20, start=T0 + timedelta(hours=1))
            for state in states:
                store.put_state(state)
            await _until(lambda: store.stats.errors >= 2)
            assert not store.healthy
            assert store.stats.last_error is not None and "locked" in store.stats.last_error
            assert store.stats.queue_length == 20
            assert sum("state commit failed" in r.message for r in caplog.records) == 1  # logged once
        finally:
            locker.rollback()
            locker.close()
        async with asyncio.timeout(10):
            await store.flush()
        assert store.healthy and store.stats.last_error is None
        assert (await store.get_state("light.a")) == states[-1]
        assert len(await store.history("light.a")) == 21


async def test_queue_bound_drops_history_keeps_current(sqlite_db: Db) -> None:
    async with sqlite_db.store(max_queue=5, batch_size=10_000, flush_interval=60) as store:
        for state in _states("light.a", 10) + _states("light.b", 10):
            store.put_state(state)
        assert store.stats.dropped_history == 15 and store.stats.queue_length == 5
        await store.flush()
        current = await store.current_states()
        assert current["light.a"].state == "9" and current["light.b"].state == "9"
        assert await store.count("state_history") == 5


async def test_writer_survives_postgres_connection_loss(pg_db: Db) -> None:
    async with pg_db.store() as store:
        store.put_state(State("light.a", "off", {}, T0, T0))
        await store.flush()
        admin = create_async_engine(pg_db.url, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as conn:  # what a server restart does to the hub's pool
                killed = await conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :a"
                    ),
                    {"a": pg_db.options["connect_args"]["server_settings"]["application_name"]},
                )
                assert killed.all()
        finally:
            await admin.dispose()
        states = _states("light.a", 5, start=T0 + timedelta(hours=1))
        for state in states:
            store.put_state(state)
        async with asyncio.timeout(10):
            await store.flush()
        assert (await store.get_state("light.a")) == states[-1]
        assert len(await store.history("light.a")) == 6


async def test_postgres_rejects_bad_row_alone(pg_db: Db) -> None:
    async with pg_db.store() as store:
        store.put_state(State("light.good", "on", {}, T0, T0))
        store.put_state(State("light.bad", "o\x00n", {}, T0, T0))  # PostgreSQL text cannot hold NUL
        async with asyncio.timeout(10):
            await store.flush()
        assert set(await store.current_states()) == {"light.good"}
        assert store.stats.rejected == 2 and store.healthy


# -- migrations ------------------------------------------------------------------------------------


def _diff_after_upgrade(conn: Connection) -> list[Any]:
    migrations.upgrade(conn)
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    assert context.get_current_revision() == "0002"
    return list(compare_metadata(context, metadata))


def _downgrade_to_base(conn: Connection) -> list[str]:
    command.downgrade(migrations.alembic_config(connection=conn), "base")
    return [t for t in inspect(conn).get_table_names() if t != "alembic_version"]


async def test_migrations_match_models(db: Db) -> None:
    engine = create_async_engine(db.url, **db.options)
    try:
        async with engine.begin() as conn:
            assert await conn.run_sync(_diff_after_upgrade) == []
            assert await conn.run_sync(_downgrade_to_base) == []
            assert await conn.run_sync(_diff_after_upgrade) == []
    finally:
        await engine.dispose()
