"""The command log in the database: one row per text command or service call and what came of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.domain import utcnow
from hub.store.engine import db_errors
from hub.store.schema import commands


async def log_command(
    engine: AsyncEngine,
    source: str,
    text: str,
    lang: str,
    parse: Mapping[str, Any],
    actions: Sequence[Mapping[str, Any]],
    outcome: str,
    error: str | None = None,
) -> int:
    """Record a text command and what came of it; returns its id."""
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
    with db_errors("logging a command"):
        async with engine.begin() as conn:
            result = await conn.execute(commands.insert().returning(commands.c.id), row)
            return int(result.scalar_one())

async def recent_commands(engine: AsyncEngine, limit: int = 50) -> list[dict[str, Any]]:
    """The newest logged commands first, as dicts of the `commands` columns (`ts` a datetime)."""
    query = select(commands).order_by(commands.c.id.desc()).limit(limit)
    with db_errors("reading commands"):
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
    return [dict(row) for row in rows]
