"""The hub's database: SQLAlchemy 2.x async (SQLite by default, PostgreSQL by URL), Alembic
migrations, and a batched state writer.

    async with Store("sqlite+aiosqlite:///data/hub.db") as store:
        await store.save_entities(entities)
        store.put_state(state)          # enqueues; a writer task commits batches
        await store.flush()
        states = await store.current_states()
"""

from hub.store.store import Store, StoreState
from hub.store.writer import OnCommit, WriterStats

__all__ = ["OnCommit", "Store", "StoreState", "WriterStats"]
