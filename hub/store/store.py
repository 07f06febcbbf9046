"""The `Store`: the hub's database (SQLite by default, PostgreSQL by URL), SQLAlchemy 2.x async."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec, Self, TypeVar

import orjson
from sqlalchemy import delete, event, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from hub.domain import Entity, State, utcnow
from hub.errors import StoreError
from hub.store import migrations
from hub.store.schema import (
    area_id,
    areas,
    commands,
    device_row,
    devices,
    dialect_insert,
    entities,
    entity_from_row,
    entity_row,
    json_dumps,
    state_from_row,
    state_history,
    states,
    upsert,
)
from hub.store.writer import OnCommit, StateWriter, WriterStats

_LOGGER = logging.getLogger(__name__)
_LOCK_KEY = 0x6875625F73746F72
"""PostgreSQL advisory lock held while migrating ("hub_stor")."""
_CHUNK = 500
"""Ids per `IN (…)` list, well under SQLite's and asyncpg's bound-parameter limits."""


_CANCEL_GRACE = 10.0
"""Seconds a cancelled write may still take to commit or roll back."""
_P = ParamSpec("_P")
_T = TypeVar("_T")


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


def _runs_to_the_end(
    method: Callable[_P, Coroutine[Any, Any, _T]],
) -> Callable[_P, Awaitable[_T]]:
    """A write transaction that a cancellation of its caller cannot cut in half.

    Cancelled between two statements, a transaction is never rolled back: its connection keeps
    SQLite's write lock, and every later write (the entity save on stop, the state writer) waits
    out `busy_timeout` and fails. The write runs as a task of its own; a cancellation of the
    caller is delivered once the transaction has committed or rolled back (or after
    `_CANCEL_GRACE` seconds of a database that does not answer). The flush that
    `remove_entities` waits for stays cancellable.
    """

    @functools.wraps(method)
    async def run(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        task = asyncio.ensure_future(method(*args, **kwargs))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            task.add_done_callback(_retrieve)  # the caller was cancelled and gets that instead
            if not task.done():
                await asyncio.wait([task], timeout=_CANCEL_GRACE)
            if not task.done():
                task.cancel()  # a database that does not answer: give up after all
            raise

    return run


class StoreState(enum.Enum):
    """Lifecycle of a `Store`; it is started once and closed once."""

    NOT_STARTED = "not_started"
    STARTING = "starting"
    STARTED = "started"
    STOPPING = "stopping"
    STOPPED = "stopped"


def _normalise_url(url: str) -> URL:
    """Add the async driver to plain `sqlite://` and `postgresql://` URLs."""
    parsed = make_url(url)
    drivers = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
    if parsed.drivername in drivers:
        parsed = parsed.set(drivername=drivers[parsed.drivername])
    if parsed.get_backend_name() not in drivers:
        raise StoreError(f"unsupported database URL {parsed.render_as_string(hide_password=True)}")
    return parsed


@contextlib.contextmanager
def _db_errors(action: str) -> Iterator[None]:
    """Translate database errors into `StoreError` at the store's boundary."""
    try:
        yield
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"{action} failed: {exc}".splitlines()[0]) from exc


class Store:
    """The hub's database: entities and devices, current states, state history, command log.

    Use it as an async context manager (or `start()` / `close()`). State writes go through
    `put_state`, which only enqueues; a writer task commits batches. Reads return committed
    data: `await store.flush()` first to read your own writes.

    Args:
        url: `sqlite+aiosqlite:///path/hub.db` or `postgresql+asyncpg://user@host/db`; plain
            `sqlite://` and `postgresql://` URLs get those drivers.
        batch_size: Commit as soon as this many states are pending.
        flush_interval: Otherwise commit this many seconds after the first pending state.
        history: Append every state to `state_history` (else keep current states only).
        max_queue: History rows held while the database is slow or down; beyond it history rows
            are dropped (and counted), current states are still kept.
        busy_timeout: SQLite: seconds a statement waits for another connection's lock.
        close_timeout: Seconds `close()` waits for pending states to commit.
        on_commit: Called with the states of each committed batch.
        engine_options: Extra keyword arguments for `create_async_engine` (e.g. `connect_args`).
    """

    def __init__(
        self,
        url: str,
        *,
        batch_size: int = 2000,
        flush_interval: float = 0.05,
        history: bool = True,
        max_queue: int = 200_000,
        busy_timeout: float = 5.0,
        close_timeout: float = 10.0,
        on_commit: OnCommit | None = None,
        engine_options: Mapping[str, Any] | None = None,
    ) -> None:
        if batch_size < 1 or max_queue < 1:
            raise ValueError("batch_size and max_queue must be positive")
        self._url = url
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._history = history
        self._max_queue = max_queue
        self._busy_timeout = busy_timeout
        self._close_timeout = close_timeout
        self._on_commit = on_commit
        self._engine_options = dict(engine_options or {})
        self._engine: AsyncEngine | None = None
        self._writer: StateWriter | None = None
        self._lifecycle = StoreState.NOT_STARTED

    # -- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def state(self) -> StoreState:
        """Where the store is in its lifecycle."""
        return self._lifecycle

    async def start(self) -> None:
        """Create the engine, upgrade the schema to the newest migration, start the writer.

        Raises:
            StoreError: The store was started before, or the database is unusable.
        """
        if self._lifecycle is not StoreState.NOT_STARTED:
            raise StoreError(f"cannot start a store that is {self._lifecycle.value}")
        self._lifecycle = StoreState.STARTING
        try:
            self._engine = await self._create_engine()
            with _db_errors("migrating the database"):
                async with self._engine.begin() as conn:
                    if conn.dialect.name == "postgresql":
                        # Hub instances sharing one database migrate one at a time.
                        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
                    await conn.run_sync(migrations.upgrade)
            if self._engine.dialect.name == "sqlite":
                # The state writer hands SQLite each batch as one JSON array.
                with _db_errors("checking SQLite's JSON functions (built in since 3.38, else JSON1)"):
                    async with self._engine.connect() as conn:
                        await conn.exec_driver_sql("SELECT json_extract('[1]', '$[0]')")
        except BaseException:
            await self._dispose()
            self._lifecycle = StoreState.STOPPED
            raise
        self._writer = StateWriter(
            self._engine,
            batch_size=self._batch_size,
            flush_interval=self._flush_interval,
            history=self._history,
            max_queue=self._max_queue,
            on_commit=self._on_commit,
        )
        self._writer.start()
        self._lifecycle = StoreState.STARTED

    async def close(self) -> None:
        """Commit pending states (up to `close_timeout`), stop the writer, dispose the engine."""
        if self._lifecycle in (StoreState.NOT_STARTED, StoreState.STOPPING, StoreState.STOPPED):
            self._lifecycle = StoreState.STOPPED
            return
        self._lifecycle = StoreState.STOPPING
        try:
            if self._writer is not None:
                await self._writer.close(self._close_timeout)
        finally:
            await self._dispose()
            self._lifecycle = StoreState.STOPPED

    async def _create_engine(self) -> AsyncEngine:
        url = _normalise_url(self._url)
        options: dict[str, Any] = {
            "json_serializer": json_dumps,
            "json_deserializer": orjson.loads,
        }
        if url.get_backend_name() == "sqlite":
            if url.database in (None, "", ":memory:"):
                # One connection holds the whole database; the pool hands it to one user at a time.
                options.update(poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0)
            else:
                await asyncio.to_thread(Path(url.database).parent.mkdir, parents=True, exist_ok=True)
        else:
            # Survive a PostgreSQL restart: test pooled connections before handing them out.
            options["pool_pre_ping"] = True
        options.update(self._engine_options)
        engine = create_async_engine(url, **options)
        if url.get_backend_name() == "sqlite":
            busy_ms = int(self._busy_timeout * 1000)

            @event.listens_for(engine.sync_engine, "connect")
            def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()

        return engine

    async def _dispose(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    def engine(self) -> AsyncEngine:
        """The running engine, for the store's other repositories (`hub.store.schedule`)."""
        return self._started()

    def _started(self) -> AsyncEngine:
        if self._lifecycle is not StoreState.STARTED or self._engine is None:
            raise StoreError(f"the store is {self._lifecycle.value}")
        return self._engine

    # -- states --------------------------------------------------------------------------------

    def put_state(self, state: State) -> None:
        """Enqueue a state for the batched writer; returns at once. Call it on the event loop.

        Raises:
            StoreError: The store is not started, or closed.
        """
        if self._writer is None or self._lifecycle is not StoreState.STARTED:
            raise StoreError(f"the store is {self._lifecycle.value}")
        self._writer.put(state)

    async def flush(self) -> None:
        """Wait until every state enqueued so far is committed (while the database is down too).

        Raises:
            StoreError: The store is not running.
        """
        self._started()
        assert self._writer is not None
        await self._writer.flush()

    @property
    def stats(self) -> WriterStats:
        """Counters of the state writer."""
        if self._writer is None:
            return WriterStats(0, 0, 0, None, 0, 0, 0, 0, None, False)
        return self._writer.stats

    @property
    def healthy(self) -> bool:
        """The store runs and its last state commit succeeded."""
        return self._lifecycle is StoreState.STARTED and self.stats.healthy

    @property
    def on_commit(self) -> OnCommit | None:
        """Callback run with the states of each committed batch; exceptions are logged."""
        return self._on_commit

    @on_commit.setter
    def on_commit(self, callback: OnCommit | None) -> None:
        self._on_commit = callback
        if self._writer is not None:
            self._writer.on_commit = callback

    async def current_states(self) -> dict[str, State]:
        """Every entity's committed current state, by entity id."""
        engine = self._started()
        with _db_errors("reading states"):
            async with engine.connect() as conn:
                result = await conn.execute(select(states))
                return {row.entity_id: state_from_row(row) for row in result}

    async def get_state(self, entity_id: str) -> State | None:
        """One entity's committed current state, or None."""
        engine = self._started()
        with _db_errors("reading a state"):
            async with engine.connect() as conn:
                result = await conn.execute(select(states).where(states.c.entity_id == entity_id))
                row = result.first()
        return None if row is None else state_from_row(row)

    async def history(
        self,
        entity_id: str,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 1000,
    ) -> list[State]:
        """An entity's recorded states with `start <= last_updated < end`, oldest first.

        Args:
            entity_id: The entity.
            start: Inclusive lower bound (timezone-aware); None for no bound.
            end: Exclusive upper bound; None for no bound.
            limit: At most this many states: the newest ones in the range.
        """
        engine = self._started()
        query = select(state_history).where(state_history.c.entity_id == entity_id)
        if start is not None:
            query = query.where(state_history.c.last_updated >= start)
        if end is not None:
            query = query.where(state_history.c.last_updated < end)
        query = query.order_by(state_history.c.last_updated.desc(), state_history.c.id.desc()).limit(limit)
        with _db_errors("reading history"):
            async with engine.connect() as conn:
                rows = (await conn.execute(query)).all()
        return [state_from_row(row) for row in reversed(rows)]

    @_runs_to_the_end
    async def purge_history(self, older_than: datetime) -> int:
        """Delete history rows with `last_updated < older_than`; returns how many."""
        engine = self._started()
        with _db_errors("purging history"):
            async with engine.begin() as conn:
                result = await conn.execute(
                    delete(state_history).where(state_history.c.last_updated < older_than)
                )
        return int(result.rowcount)

    # -- entities ------------------------------------------------------------------------------

    @_runs_to_the_end
    async def save_entities(self, items: Sequence[Entity]) -> None:
        """Insert or update entities with their devices and areas, in one transaction."""
        engine = self._started()
        if not items:
            return
        now = utcnow()
        area_rows: dict[str, dict[str, Any]] = {}
        device_rows: dict[str, dict[str, Any]] = {}
        entity_rows: dict[str, dict[str, Any]] = {}
        for entity in items:
            device_key = None
            if entity.device is not None and entity.device.key:
                device_key = entity.device.key
                device_rows[device_key] = device_row(entity.device)
            for area in (entity.area, entity.device.suggested_area if entity.device else None):
                if area:
                    area_rows.setdefault(area_id(area), {"id": area_id(area), "name": area})
            entity_rows[entity.entity_id] = entity_row(entity, device_key, now)
        dialect = engine.dialect.name
        with _db_errors("saving entities"):
            async with engine.begin() as conn:
                if area_rows:
                    stmt = dialect_insert(dialect, areas).on_conflict_do_nothing(index_elements=["id"])
                    await conn.execute(stmt, list(area_rows.values()))
                if device_rows:
                    await conn.execute(upsert(dialect, devices, "key"), list(device_rows.values()))
                await conn.execute(
                    upsert(dialect, entities, "entity_id", exclude=("created",)),
                    list(entity_rows.values()),
                )

    async def remove_entities(self, entity_ids: Sequence[str]) -> None:
        """Delete entities and their current states (history stays); drop orphaned devices."""
        self._started()
        if not entity_ids:
            return
        assert self._writer is not None
        # Pending states of these entities must not resurrect them after the delete.
        self._writer.discard(entity_ids)
        await self._writer.flush()
        await self._delete_entities(list(dict.fromkeys(entity_ids)))

    @_runs_to_the_end
    async def _delete_entities(self, ids: list[str]) -> None:
        engine = self._started()
        with _db_errors("removing entities"):
            async with engine.begin() as conn:
                for i in range(0, len(ids), _CHUNK):
                    chunk = ids[i : i + _CHUNK]
                    await conn.execute(delete(states).where(states.c.entity_id.in_(chunk)))
                    await conn.execute(delete(entities).where(entities.c.entity_id.in_(chunk)))
                used = select(entities.c.device_key).where(entities.c.device_key.is_not(None))
                await conn.execute(delete(devices).where(devices.c.key.not_in(used)))

    async def load_entities(self) -> list[Entity]:
        """Every saved entity with its device, ordered by entity id."""
        engine = self._started()
        query = (
            select(
                entities,
                devices.c.key.label("device_key_"),
                devices.c.name.label("device_name"),
                devices.c.manufacturer,
                devices.c.model,
                devices.c.sw_version,
                devices.c.area.label("device_area"),
                devices.c.via_device,
                devices.c.extras,
            )
            .select_from(entities.outerjoin(devices, entities.c.device_key == devices.c.key))
            .order_by(entities.c.entity_id)
        )
        with _db_errors("loading entities"):
            async with engine.connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        return [entity_from_row(row) for row in rows]

    # -- command log ---------------------------------------------------------------------------

    @_runs_to_the_end
    async def log_command(
        self,
        source: str,
        text: str,
        lang: str,
        parse: Mapping[str, Any],
        actions: Sequence[Mapping[str, Any]],
        outcome: str,
        error: str | None = None,
    ) -> int:
        """Record a text command and what came of it; returns its id."""
        engine = self._started()
        row = {
            "ts": utcnow(),
            "source": source,
            "text": text,
            "lang": lang,
            "parse": dict(parse),
            "actions": [dict(a) for a in actions],
            "outcome": outcome,
            "error": error,
        }
        with _db_errors("logging a command"):
            async with engine.begin() as conn:
                result = await conn.execute(commands.insert().returning(commands.c.id), row)
                return int(result.scalar_one())

    async def recent_commands(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest logged commands first, as dicts of the `commands` columns (`ts` a datetime)."""
        engine = self._started()
        query = select(commands).order_by(commands.c.id.desc()).limit(limit)
        with _db_errors("reading commands"):
            async with engine.connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        return [dict(row) for row in rows]

    async def count(self, table: str) -> int:
        """Rows in one of the store's tables (for health pages and tests)."""
        engine = self._started()
        known = {t.name: t for t in (areas, devices, entities, states, state_history, commands)}
        if table not in known:
            raise StoreError(f"no table {table!r}")
        with _db_errors("counting rows"):
            async with engine.connect() as conn:
                result = await conn.execute(select(func.count()).select_from(known[table]))
                return int(result.scalar_one())
