"""The store's engine: database URLs, engine creation with SQLite's pragmas, migration on start,
errors translated to `StoreError`, and writes that a cancellation cannot cut in half."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import orjson
from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from hub.errors import StoreError
from hub.store import migrations
from hub.store.schema import json_dumps

_LOCK_KEY = 0x6875625F73746F72
"""PostgreSQL advisory lock held while migrating ("hub_stor")."""
_CANCEL_GRACE = 10.0
"""Seconds a cancelled write may still take to commit or roll back."""
_P = ParamSpec("_P")
_T = TypeVar("_T")


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


def runs_to_the_end(
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


def normalise_url(url: str) -> URL:
    """Add the async driver to plain `sqlite://` and `postgresql://` URLs."""
    parsed = make_url(url)
    drivers = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
    if parsed.drivername in drivers:
        parsed = parsed.set(drivername=drivers[parsed.drivername])
    if parsed.get_backend_name() not in drivers:
        raise StoreError(f"unsupported database URL {parsed.render_as_string(hide_password=True)}")
    return parsed


@contextlib.contextmanager
def db_errors(action: str) -> Iterator[None]:
    """Translate database errors into `StoreError` at the store's boundary."""
    try:
        yield
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"{action} failed: {exc}".splitlines()[0]) from exc


_TRANSIENT_SQLSTATES = ("08", "53", "57P", "40")
"""PostgreSQL SQLSTATE classes worth retrying: connection exception, insufficient resources (disk
full, out of memory), operator intervention (admin/crash shutdown, cannot connect now), and
transaction rollback (serialization failure, deadlock)."""


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    for candidate in (exc, orig, getattr(orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def is_transient(exc: BaseException) -> bool:
    """Locked or full database, lost connection, server restarting: retrying the batch can succeed.

    Only an error that the same rows would always get (a constraint, a bad value) is not
    transient; those rows are isolated and dropped one by one.
    """
    if isinstance(exc, OperationalError | InterfaceError | OSError | TimeoutError | ConnectionError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    code = _sqlstate(exc)
    if code is not None:
        return code.startswith(_TRANSIENT_SQLSTATES)
    text = str(exc).lower()
    return any(word in text for word in ("shutting down", "connection", "terminat", "closed", "timeout"))


async def create_engine(url: str, busy_timeout: float, engine_options: Mapping[str, Any]) -> AsyncEngine:
    """An engine for `url` (the async driver added); SQLite gets WAL, `busy_timeout` and foreign keys."""
    parsed = normalise_url(url)
    options: dict[str, Any] = {
        "json_serializer": json_dumps,
        "json_deserializer": orjson.loads,
    }
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            # One connection holds the whole database; the pool hands it to one user at a time.
            options.update(poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0)
        else:
            await asyncio.to_thread(Path(parsed.database).parent.mkdir, parents=True, exist_ok=True)
    else:
        # Survive a PostgreSQL restart: test pooled connections before handing them out.
        options["pool_pre_ping"] = True
    options.update(engine_options)
    engine = create_async_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        busy_ms = int(busy_timeout * 1000)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


async def migrate(engine: AsyncEngine) -> None:
    """Upgrade the schema to the newest migration (one hub instance at a time on PostgreSQL); on
    SQLite, check the JSON functions the state writer needs."""
    with db_errors("migrating the database"):
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Hub instances sharing one database migrate one at a time.
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            await conn.run_sync(migrations.upgrade)
    if engine.dialect.name == "sqlite":
        # The state writer hands SQLite each batch as one JSON array.
        with db_errors("checking SQLite's JSON functions (built in since 3.38, else JSON1)"):
            async with engine.connect() as conn:
                await conn.exec_driver_sql("SELECT json_extract('[1]', '$[0]')")
