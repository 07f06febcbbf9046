"""A batch of states for SQLite as one JSON array parameter: the statements that read it and the
rows that fill it (see `SQLITE_ROWS` for why)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import orjson

from hub.domain import State
from hub.store.schema import json_dumps

SQLITE_ROWS = (
    "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "
    "json_extract(value, '$[3]'), json_extract(value, '$[4]') FROM json_each(?)"
)
"""The rows of a batch from one JSON array parameter: SQLite inserts the whole batch in one
statement step. sqlite3 releases the GIL around every step, and `executemany` steps once per
row; with the MQTT thread and the event loop busy, each step then waits up to the interpreter's
switch interval (5 ms) to get the GIL back. Measured (bench/store_write.py --contended): 1,000 rows
with one busy Python thread took seconds through `executemany`, tens of milliseconds this way."""
SQLITE_APPEND = (
    "INSERT INTO state_history (entity_id, state, attributes, last_changed, last_updated) " + SQLITE_ROWS
)
SQLITE_UPSERT = (
    "INSERT INTO states (entity_id, state, attributes, last_changed, last_updated) " + SQLITE_ROWS
    # `WHERE true` resolves SQLite's parsing ambiguity of INSERT … SELECT … ON CONFLICT.
    + " WHERE true ON CONFLICT (entity_id) DO UPDATE SET state = excluded.state, "
    "attributes = excluded.attributes, last_changed = excluded.last_changed, "
    "last_updated = excluded.last_updated WHERE excluded.last_updated >= states.last_updated"
)


def sqlite_stamp(value: datetime) -> str:
    """A timestamp as the text UTCDateTime stores on SQLite (schema._SQLiteDateTime): naive UTC,
    microseconds."""
    if value.tzinfo is not None and value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def sqlite_row(state: State) -> tuple[str, str, str, str, str]:
    """One state as a row of the JSON array `SQLITE_ROWS` reads."""
    attributes = state.attributes if type(state.attributes) is dict else dict(state.attributes)
    updated = sqlite_stamp(state.last_updated)
    changed = updated if state.last_changed == state.last_updated else sqlite_stamp(state.last_changed)
    return (state.entity_id, state.state, json_dumps(attributes), changed, updated)


def sqlite_batches(current: Sequence[State], history: Sequence[State]) -> tuple[str, str]:
    """`current` and `history` as the one parameter of `SQLITE_UPSERT` and `SQLITE_APPEND`.

    A current state is (with history on) also one of the history rows: each row is built once.
    """
    history_rows = [sqlite_row(s) for s in history]
    built = {id(s): row for s, row in zip(history, history_rows, strict=True)}
    current_rows = [built.get(id(s)) or sqlite_row(s) for s in current]
    return orjson.dumps(current_rows).decode(), orjson.dumps(history_rows).decode()
