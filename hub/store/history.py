"""Current states and the state history in the database: reads, and the purge of old history.
(States are written by the batched `StateWriter`.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.domain import State
from hub.store.engine import db_errors
from hub.store.schema import state_from_row, state_history, states


async def current_states(engine: AsyncEngine) -> dict[str, State]:
    """Every entity's committed current state, by entity id."""
    with db_errors("reading states"):
        async with engine.connect() as conn:
            result = await conn.execute(select(states))
            return {row.entity_id: state_from_row(row) for row in result}

async def get_state(engine: AsyncEngine, entity_id: str) -> State | None:
    """One entity's committed current state, or None."""
    with db_errors("reading a state"):
        async with engine.connect() as conn:
            result = await conn.execute(select(states).where(states.c.entity_id == entity_id))
            row = result.first()
    return None if row is None else state_from_row(row)

async def read_history(
    engine: AsyncEngine,
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
    query = select(state_history).where(state_history.c.entity_id == entity_id)
    if start is not None:
        query = query.where(state_history.c.last_updated >= start)
    if end is not None:
        query = query.where(state_history.c.last_updated < end)
    query = query.order_by(state_history.c.last_updated.desc(), state_history.c.id.desc()).limit(limit)
    with db_errors("reading history"):
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).all()
    return [state_from_row(row) for row in reversed(rows)]

async def purge_history(engine: AsyncEngine, older_than: datetime) -> int:
    """Delete history rows with `last_updated < older_than`; returns how many."""
    with db_errors("purging history"):
        async with engine.begin() as conn:
            result = await conn.execute(
                delete(state_history).where(state_history.c.last_updated < older_than)
            )
    return int(result.rowcount)
