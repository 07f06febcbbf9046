"""The `Store`: the hub's database (SQLite by default, PostgreSQL by URL), SQLAlchemy 2.x async.

Its lifecycle and the one object callers hold. The work is done by the engine (`engine.py`), the
rows of each table (`entities.py`, `history.py`, `commandlog.py`) and the batched state writer
(`writer.py`)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.domain import Entity, State
from hub.errors import StoreError
from hub.store.commandlog import log_command, recent_commands
from hub.store.engine import create_engine, db_errors, migrate, runs_to_the_end
from hub.store.entities import delete_entities, load_entities, save_entities
from hub.store.history import current_states, get_state, purge_history, read_history
from hub.store.schema import areas, commands, devices, entities, state_history, states
from hub.store.writer import OnCommit, StateWriter, WriterStats


class StoreState(enum.Enum):
    """Lifecycle of a `Store`; it is started once and closed once."""

    NOT_STARTED = "not_started"
    STARTING = "starting"
    STARTED = "started"
    STOPPING = "stopping"
    STOPPED = "stopped"


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
            self._engine = await create_engine(self._url, self._busy_timeout, self._engine_options)
            await migrate(self._engine)
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
        return await current_states(self._started())

    async def get_state(self, entity_id: str) -> State | None:
        """One entity's committed current state, or None."""
        return await get_state(self._started(), entity_id)

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
        return await read_history(self._started(), entity_id, start, end, limit)

    @runs_to_the_end
    async def purge_history(self, older_than: datetime) -> int:
        """Delete history rows with `last_updated < older_than`; returns how many."""
        return await purge_history(self._started(), older_than)

    # -- entities ------------------------------------------------------------------------------

    @runs_to_the_end
    async def save_entities(self, items: Sequence[Entity]) -> None:
        """Insert or update entities with their devices and areas, in one transaction."""
        await save_entities(self._started(), items)

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

    @runs_to_the_end
    async def _delete_entities(self, ids: list[str]) -> None:
        await delete_entities(self._started(), ids)

    async def load_entities(self) -> list[Entity]:
        """Every saved entity with its device, ordered by entity id."""
        return await load_entities(self._started())

    # -- command log ---------------------------------------------------------------------------

    @runs_to_the_end
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
        return await log_command(self._started(), source, text, lang, parse, actions, outcome, error)

    async def recent_commands(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest logged commands first, as dicts of the `commands` columns (`ts` a datetime)."""
        return await recent_commands(self._started(), limit)

    async def count(self, table: str) -> int:
        """Rows in one of the store's tables (for health pages and tests)."""
        engine = self._started()
        known = {t.name: t for t in (areas, devices, entities, states, state_history, commands)}
        if table not in known:
            raise StoreError(f"no table {table!r}")
        with db_errors("counting rows"):
            async with engine.connect() as conn:
                result = await conn.execute(select(func.count()).select_from(known[table]))
                return int(result.scalar_one())
