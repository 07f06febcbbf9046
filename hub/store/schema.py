"""The store's tables, as SQLAlchemy Core `Table`s on one `MetaData`, and the conversions
between their rows and the domain's values.

The Alembic migrations in `hub/store/migrations/versions/` create exactly these tables; a test
compares them with `alembic.autogenerate.compare_metadata` on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Insert,
    Integer,
    MetaData,
    Row,
    RowMapping,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

from hub.domain import DeviceInfo, Entity, State

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Deterministic constraint names, so migrations can name what they create and drop."""

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _SQLiteDateTime(sqlite.DATETIME):
    """SQLAlchemy's SQLite DATETIME with a C-speed writer (the batched writer's hot spot).

    Same text as SQLAlchemy's default storage format, `2025-01-01 12:00:00.000000`, so values
    compare as strings in time order. Takes UTC values (`UTCDateTime` converts first).
    """

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], str | None]:
        def process(value: Any) -> str | None:
            if value is None:
                return None
            text: str = value.isoformat(" ", "microseconds")
            return text[:26]  # drop the "+00:00"

        return process


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL stores `timestamptz`. SQLite has no time zones: values are stored as naive UTC and
    read back with `tzinfo=UTC` attached. Naive values written are taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """Use the fast text format on SQLite, `timestamptz` elsewhere."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SQLiteDateTime())  # type: ignore[no-untyped-call]
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Normalise to UTC before the driver sees the value."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        if value.tzinfo is not UTC:
            return value.astimezone(UTC)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Attach UTC to SQLite's naive values; convert PostgreSQL's to UTC."""
        if value is None:
            return None
        stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if stamp.tzinfo is None:
            return stamp.replace(tzinfo=UTC)
        if stamp.tzinfo is not UTC:
            return stamp.astimezone(UTC)
        return stamp


def json_type() -> JSON:
    """JSON on SQLite, JSONB on PostgreSQL."""
    return JSON().with_variant(JSONB(), "postgresql")


def big_id() -> BigInteger:
    """BIGINT on PostgreSQL; INTEGER on SQLite, where only that is an autoincrementing rowid."""
    return BigInteger().with_variant(Integer(), "sqlite")


areas = Table(
    "areas",
    metadata,
    Column("id", String(255), primary_key=True, doc="Slug of the name: `living_room`."),
    Column("name", String(255), nullable=False, doc="The name as people say it."),
)

devices = Table(
    "devices",
    metadata,
    Column("key", String(255), primary_key=True, doc="`DeviceInfo.key`: the first identifier."),
    Column("name", Text),
    Column("manufacturer", Text),
    Column("model", Text),
    Column("sw_version", Text),
    Column("area", Text, doc="The device's suggested area."),
    Column("via_device", Text),
    Column("extras", json_type(), nullable=False, doc="All identifiers and connections."),
)

entities = Table(
    "entities",
    metadata,
    Column("entity_id", String(255), primary_key=True),
    Column("unique_id", Text),
    Column("component", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column(
        "device_key",
        String(255),
        ForeignKey("devices.key", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    Column("area", Text),
    Column("device_class", Text),
    Column("aliases", json_type(), nullable=False),
    Column("discovery_topic", Text, nullable=False),
    Column("component_key", Text),
    Column("config", json_type(), nullable=False),
    Column("created", UTCDateTime(), nullable=False),
    Column("updated", UTCDateTime(), nullable=False),
)

states = Table(
    "states",
    metadata,
    Column("entity_id", String(255), primary_key=True, doc="No foreign key: states may come first."),
    Column("state", Text, nullable=False),
    Column("attributes", json_type(), nullable=False),
    Column("last_changed", UTCDateTime(), nullable=False),
    Column("last_updated", UTCDateTime(), nullable=False),
)

state_history = Table(
    "state_history",
    metadata,
    Column("id", big_id(), primary_key=True, autoincrement=True),
    Column("entity_id", String(255), nullable=False),
    Column("state", Text, nullable=False),
    Column("attributes", json_type(), nullable=False),
    Column("last_changed", UTCDateTime(), nullable=False),
    Column("last_updated", UTCDateTime(), nullable=False),
    Index("ix_state_history_entity_id_last_updated", "entity_id", "last_updated"),
)

commands = Table(
    "commands",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", UTCDateTime(), nullable=False),
    Column("source", String(64), nullable=False, doc="cli, http, mqtt, hermes, …"),
    Column("text", Text, nullable=False),
    Column("lang", String(16), nullable=False),
    Column("parse", json_type(), nullable=False),
    Column("actions", json_type(), nullable=False),
    Column("outcome", String(64), nullable=False),
    Column("error", Text),
)

schedule = Table(
    "schedule",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created", UTCDateTime(), nullable=False),
    Column("text", Text, nullable=False, doc="What was said, time words included."),
    Column("lang", String(16), nullable=False),
    Column("actions", json_type(), nullable=False, doc="The resolved `Action.as_dict()` list."),
    Column("when_spec", json_type(), nullable=False, doc="`When.as_dict()`: kind, text, at, repeat, delay."),
    Column("next_run", UTCDateTime(), nullable=True, doc="The next due run; claimed by compare-and-set."),
    Column("source", String(64), nullable=False, doc="The interface that asked."),
    Column("principal", Text, nullable=False),
    Column("conversation_id", Text),
    Column("confirmed", Boolean, nullable=False, doc="A sensitive action confirmed when it was asked for."),
    Column("confirmed_by", Text),
    Column("status", String(16), nullable=False, doc="pending, running, done, missed, cancelled, failed."),
    Column("runs", Integer, nullable=False),
    Column("last_run", UTCDateTime()),
    Column("last_outcome", String(64)),
    Column("last_error", Text),
    Index("ix_schedule_status_next_run", "status", "next_run"),
)


# -- rows <-> domain values ----------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    # Never let one odd attribute value poison a whole batch of states.
    return str(value)


def json_dumps(value: Any) -> str:
    """The engines' JSON serializer: orjson, with odd values stringified rather than refused."""
    return orjson.dumps(value, default=_json_default, option=orjson.OPT_NON_STR_KEYS).decode()


def area_id(name: str) -> str:
    """The `areas.id` of an area name: `Living Room` → `living_room`, `客厅` → `客厅`."""
    return re.sub(r"\W+", "_", name.strip().lower()).strip("_") or name


def dialect_insert(dialect: str, table: Table) -> Any:
    """The dialect's INSERT, which has `on_conflict_do_update` / `on_conflict_do_nothing`."""
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def state_row(state: State) -> dict[str, Any]:
    """A `states` / `state_history` row of a state."""
    attributes = state.attributes
    return {
        "entity_id": state.entity_id,
        "state": state.state,
        "attributes": attributes if type(attributes) is dict else dict(attributes),
        "last_changed": state.last_changed,
        "last_updated": state.last_updated,
    }


def state_from_row(row: Row[Any]) -> State:
    """The `State` of a `states` / `state_history` row."""
    return State(
        entity_id=row.entity_id,
        state=row.state,
        attributes=row.attributes,
        last_changed=row.last_changed,
        last_updated=row.last_updated,
    )


def upsert(
    dialect: str, table: Table, key: str, exclude: Sequence[str] = (), newer: str | None = None
) -> Insert:
    """INSERT … ON CONFLICT (key) DO UPDATE every column but `key` and `exclude`.

    With `newer`, a row is only replaced by one whose `newer` column is not older (several hub
    instances may commit one entity's states out of order).
    """
    stmt = dialect_insert(dialect, table)
    keep = {key, *exclude}
    update = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keep}
    where = table.c[newer] <= stmt.excluded[newer] if newer else None
    result: Insert = stmt.on_conflict_do_update(index_elements=[key], set_=update, where=where)
    return result


def device_row(device: DeviceInfo) -> dict[str, Any]:
    """A `devices` row; identifiers and connections go to `extras`."""
    return {
        "key": device.key,
        "name": device.name,
        "manufacturer": device.manufacturer,
        "model": device.model,
        "sw_version": device.sw_version,
        "area": device.suggested_area,
        "via_device": device.via_device,
        "extras": {
            "identifiers": list(device.identifiers),
            "connections": [list(c) for c in device.connections],
        },
    }


def entity_row(entity: Entity, device_key: str | None, now: datetime) -> dict[str, Any]:
    """An `entities` row; `now` stamps `created` (kept on update) and `updated`."""
    return {
        "entity_id": entity.entity_id,
        "unique_id": entity.unique_id,
        "component": entity.component,
        "name": entity.name,
        "device_key": device_key,
        "area": entity.area,
        "device_class": entity.device_class,
        "aliases": list(entity.aliases),
        "discovery_topic": entity.discovery_topic,
        "component_key": entity.component_key,
        "config": dict(entity.config),
        "created": now,
        "updated": now,
    }


def entity_from_row(row: RowMapping) -> Entity:
    """Rebuild an `Entity` from `Store.load_entities`' entities ⟕ devices row."""
    device = None
    if row["device_key_"] is not None:
        extras = row["extras"] or {}
        device = DeviceInfo(
            identifiers=tuple(extras.get("identifiers", ())),
            name=row["device_name"],
            manufacturer=row["manufacturer"],
            model=row["model"],
            sw_version=row["sw_version"],
            suggested_area=row["device_area"],
            via_device=row["via_device"],
            connections=tuple((str(a), str(b)) for a, b in extras.get("connections", ())),
        )
    return Entity(
        entity_id=row["entity_id"],
        component=row["component"],
        name=row["name"],
        discovery_topic=row["discovery_topic"],
        config=row["config"],
        unique_id=row["unique_id"],
        component_key=row["component_key"],
        device=device,
        area=row["area"],
        device_class=row["device_class"],
        aliases=tuple(row["aliases"]),
    )
