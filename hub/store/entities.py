"""Entities, their devices and areas in the database: saved in one transaction, removed with their
current states, loaded with their devices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.domain import Entity, utcnow
from hub.store.engine import db_errors
from hub.store.schema import (
    area_id,
    areas,
    device_row,
    devices,
    dialect_insert,
    entities,
    entity_from_row,
    entity_row,
    states,
    upsert,
)

_CHUNK = 500
"""Ids per `IN (…)` list, well under SQLite's and asyncpg's bound-parameter limits."""


async def save_entities(engine: AsyncEngine, items: Sequence[Entity]) -> None:
    """Insert or update entities with their devices and areas, in one transaction."""
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
    with db_errors("saving entities"):
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


async def delete_entities(engine: AsyncEngine, ids: list[str]) -> None:
    """Delete entities (ids without repeats) and their current states; drop orphaned devices."""
    with db_errors("removing entities"):
        async with engine.begin() as conn:
            for i in range(0, len(ids), _CHUNK):
                chunk = ids[i : i + _CHUNK]
                await conn.execute(delete(states).where(states.c.entity_id.in_(chunk)))
                await conn.execute(delete(entities).where(entities.c.entity_id.in_(chunk)))
            used = select(entities.c.device_key).where(entities.c.device_key.is_not(None))
            await conn.execute(delete(devices).where(devices.c.key.not_in(used)))


async def load_entities(engine: AsyncEngine) -> list[Entity]:
    """Every saved entity with its device, ordered by entity id."""
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
    with db_errors("loading entities"):
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
    return [entity_from_row(row) for row in rows]
