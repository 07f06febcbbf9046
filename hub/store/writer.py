"""The batched state writer: `put_state` enqueues, one task commits batches with Core executemany.

Current states are coalesced per entity (the `states` upsert writes only the latest), while every
enqueued state is appended to history. A batch is committed when the buffer reaches `batch_size`
or `flush_interval` after its first state. A failed commit keeps the batch and retries with
backoff; the writer never raises into the hub.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.domain import State
from hub.errors import StoreError
from hub.store.engine import is_transient
from hub.store.schema import state_history, state_row, states, upsert
from hub.store.sqlite_batch import SQLITE_APPEND, SQLITE_UPSERT, sqlite_batches

_LOGGER = logging.getLogger(__name__)

RETRY_MIN = 0.05
"""First retry delay after a failed commit, in seconds; doubles up to `RETRY_MAX`."""
RETRY_MAX = 2.0

OnCommit = Callable[[list[State]], None]
"""Called with the states of each committed batch (history order; coalesced without history)."""


@dataclass(frozen=True, slots=True)
class WriterStats:
    """A snapshot of the writer's counters."""

    states_written: int
    """Rows upserted into `states` (after coalescing)."""
    history_written: int
    """Rows appended to `state_history`."""
    batches: int
    """Committed transactions."""
    last_commit_lag: float | None
    """Seconds from the oldest enqueue of the last committed batch to its commit."""
    queue_length: int
    """States waiting to be committed (history rows, or coalesced states without history)."""
    errors: int
    """Failed commit attempts since start."""
    dropped_history: int
    """History rows dropped because the queue was full (their current state was kept)."""
    rejected: int
    """Rows the database refused even one at a time (bad data); logged and skipped."""
    last_error: str | None
    """The latest commit error, cleared by the next successful commit."""
    healthy: bool
    """The writer runs and its last commit attempt succeeded."""

    @property
    def rows_written(self) -> int:
        """Rows written to `states` and `state_history` together."""
        return self.states_written + self.history_written


class StateWriter:
    """Owns the pending buffers and the task that commits them. Used through `Store`."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        batch_size: int,
        flush_interval: float,
        history: bool,
        max_queue: int,
        on_commit: OnCommit | None = None,
    ) -> None:
        self._engine = engine
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._history = history
        self._max_queue = max_queue
        self.on_commit = on_commit
        self._current: dict[str, State] = {}
        self._pending_history: list[State] = []
        self._oldest: float | None = None
        self._seq = 0
        """Number of `put` calls so far."""
        self._committed_seq = 0
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._failing = False
        self._states_written = 0
        self._history_written = 0
        self._batches = 0
        self._lag: float | None = None
        self._errors = 0
        self._dropped = 0
        self._rejected = 0
        self._last_error: str | None = None
        self._upsert, self._append = self._statements(engine.dialect.name)
        self._sqlite = engine.dialect.name == "sqlite"

    @staticmethod
    def _statements(dialect: str) -> tuple[Insert, Insert]:
        if dialect not in ("postgresql", "sqlite"):
            raise StoreError(f"unsupported database dialect {dialect!r}")
        return upsert(dialect, states, "entity_id", newer="last_updated"), state_history.insert()

    # -- producer side -------------------------------------------------------------------------

    def put(self, state: State) -> None:
        """Enqueue one state; never blocks, never waits for the database."""
        if self._closed:
            raise StoreError("the store is closed")
        self._seq += 1
        self._current[state.entity_id] = state
        if self._history:
            if len(self._pending_history) < self._max_queue:
                self._pending_history.append(state)
            else:
                if self._dropped == 0 or self._dropped % 10_000 == 0:
                    _LOGGER.warning(
                        "state queue full (%d): dropping history rows, keeping current states; "
                        "%d dropped so far",
                        self._max_queue,
                        self._dropped + 1,
                    )
                self._dropped += 1
        if self._oldest is None:
            self._oldest = time.monotonic()
            self._wake.set()
        elif len(self._current) >= self._batch_size or (len(self._pending_history) >= self._batch_size):
            self._wake.set()

    def discard(self, entity_ids: Sequence[str]) -> None:
        """Forget pending current states of removed entities (their history stays queued)."""
        for entity_id in entity_ids:
            self._current.pop(entity_id, None)

    async def flush(self) -> None:
        """Wait until every state enqueued so far is committed."""
        target = self._seq
        if self._committed_seq >= target:
            return
        if self._task is None or self._task.done():
            raise StoreError("the state writer is not running")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((target, future))
        self._wake.set()
        await future

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the writer task."""
        self._task = asyncio.create_task(self._run(), name="hub-store-writer")

    async def close(self, timeout: float) -> None:
        """Refuse new states, commit what is pending (for at most `timeout`), stop the task."""
        self._closed = True
        try:
            async with asyncio.timeout(timeout):
                await self.flush()
        except (TimeoutError, StoreError):
            _LOGGER.error(
                "store closed with %d states not committed (%s)", self.queue_length, self._last_error
            )
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for _, future in self._waiters:
            if not future.done():
                future.set_exception(StoreError("the store closed before the write committed"))
        self._waiters.clear()

    @property
    def queue_length(self) -> int:
        """States waiting to be committed."""
        return len(self._pending_history) if self._history else len(self._current)

    @property
    def healthy(self) -> bool:
        """The writer task runs and its last commit attempt succeeded."""
        return self._task is not None and not self._task.done() and not self._failing

    @property
    def stats(self) -> WriterStats:
        """A snapshot of the counters."""
        return WriterStats(
            states_written=self._states_written,
            history_written=self._history_written,
            batches=self._batches,
            last_commit_lag=self._lag,
            queue_length=self.queue_length,
            errors=self._errors,
            dropped_history=self._dropped,
            rejected=self._rejected,
            last_error=self._last_error,
            healthy=self.healthy,
        )

    # -- the writer task -----------------------------------------------------------------------

    async def _run(self) -> None:
        delay = RETRY_MIN
        while True:
            await self._wake.wait()
            if self._oldest is None:
                self._wake.clear()
                continue
            # Give a burst `flush_interval` to fill the batch, unless it is full or flushed already.
            wait = self._oldest + self._flush_interval - time.monotonic()
            if wait > 0 and not self._batch_ready():
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await self._wake.wait()
            if await self._commit_pending():
                delay = RETRY_MIN
            else:
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)

    def _batch_ready(self) -> bool:
        return (
            bool(self._waiters)
            or len(self._current) >= self._batch_size
            or len(self._pending_history) >= self._batch_size
        )

    async def _commit_pending(self) -> bool:
        """Commit everything pending as one transaction; on failure put it back. True on success."""
        current, history = self._current, self._pending_history
        oldest, seq = self._oldest, self._seq
        self._current, self._pending_history, self._oldest = {}, [], None
        self._wake.clear()
        try:
            try:
                await self._write(list(current.values()), history)
            except Exception as exc:
                if is_transient(exc):
                    raise
                _LOGGER.exception("state batch refused by the database; retrying row by row")
                await self._write_one_by_one(current, history)
        except asyncio.CancelledError:
            self._restore(current, history, oldest)
            raise
        except Exception as exc:
            # Transient (locked, disk full, connection lost) or not: keep the rows and retry.
            self._restore(current, history, oldest)
            self._record_failure(exc)
            return False
        self._committed(current, history, oldest, seq)
        return True

    def _restore(self, current: dict[str, State], history: list[State], oldest: float | None) -> None:
        # Newer pending states win over the failed batch's; history keeps enqueue order.
        current.update(self._current)
        self._current = current
        history.extend(self._pending_history)
        self._pending_history = history
        if oldest is not None:
            self._oldest = oldest
        self._wake.set()

    def _record_failure(self, exc: BaseException) -> None:
        self._errors += 1
        self._last_error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        if not self._failing:
            self._failing = True
            _LOGGER.error(
                "state commit failed, keeping %d states and retrying: %s",
                self.queue_length,
                self._last_error,
            )
        else:
            _LOGGER.debug("state commit failed again: %s", self._last_error)

    def _committed(
        self, current: dict[str, State], history: list[State], oldest: float | None, seq: int
    ) -> None:
        now = time.monotonic()
        if self._failing:
            self._failing = False
            _LOGGER.info("state commits recovered after %d errors", self._errors)
        self._last_error = None
        self._batches += 1
        self._states_written += len(current)
        self._history_written += len(history)
        if oldest is not None:
            self._lag = now - oldest
        self._committed_seq = seq
        still_waiting = []
        for target, future in self._waiters:
            if target <= seq:
                if not future.done():
                    future.set_result(None)
            else:
                still_waiting.append((target, future))
        self._waiters = still_waiting
        if self.on_commit is not None:
            try:
                self.on_commit(history if self._history else list(current.values()))
            except Exception:
                _LOGGER.exception("on_commit callback failed")

    async def _write(self, current: Sequence[State], history: Sequence[State]) -> None:
        async with self._engine.begin() as conn:
            if self._sqlite:
                # Ready rows in one parameter: SQLAlchemy's per-row processing was most of the
                # writer's time, and one statement step per batch keeps the GIL hand-offs few.
                current_rows, history_rows = sqlite_batches(current, history)
                if current:
                    await conn.exec_driver_sql(SQLITE_UPSERT, (current_rows,))
                if history:
                    await conn.exec_driver_sql(SQLITE_APPEND, (history_rows,))
            else:
                await self._execute(conn, self._upsert, current)
                await self._execute(conn, self._append, history)

    async def _execute(self, conn: AsyncConnection, stmt: Insert, rows: Sequence[State]) -> None:
        size = self._batch_size
        for start in range(0, len(rows), size):
            await conn.execute(stmt, [state_row(s) for s in rows[start : start + size]])

    async def _write_one_by_one(self, current: dict[str, State], history: list[State]) -> None:
        """Isolate bad rows: each row in its own transaction; skip and count the refused ones.

        Rows are removed from `current` and `history` as they are settled, so a transient error
        (re-raised) leaves exactly the unwritten rows for the retry.
        """
        for entity_id, state in list(current.items()):
            await self._write_single(self._upsert, state)
            del current[entity_id]
        for index, state in enumerate(history):
            try:
                await self._write_single(self._append, state)
            except BaseException:
                del history[:index]
                raise
        history.clear()

    async def _write_single(self, stmt: Insert, state: State) -> None:
        try:
            async with self._engine.begin() as conn:
                await conn.execute(stmt, [state_row(state)])
        except Exception as exc:
            if is_transient(exc):
                raise
            self._rejected += 1
            _LOGGER.error("dropping a state of %s: %s", state.entity_id, exc)
