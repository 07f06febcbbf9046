"""Initial schema: areas, devices, entities, states, state history, commands.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create every table."""
    op.create_table(
        "areas",
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_areas"),
    )
    op.create_table(
        "devices",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("manufacturer", sa.Text(), nullable=True),
        sa.Column("model", sa.Text(), nullable=True),
        sa.Column("sw_version", sa.Text(), nullable=True),
        sa.Column("area", sa.Text(), nullable=True),
        sa.Column("via_device", sa.Text(), nullable=True),
        sa.Column("extras", _json(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_devices"),
    )
    op.create_table(
        "entities",
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("unique_id", sa.Text(), nullable=True),
        sa.Column("component", sa.String(32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("device_key", sa.String(255), nullable=True),
        sa.Column("area", sa.Text(), nullable=True),
        sa.Column("device_class", sa.Text(), nullable=True),
        sa.Column("aliases", _json(), nullable=False),
        sa.Column("discovery_topic", sa.Text(), nullable=False),
        sa.Column("component_key", sa.Text(), nullable=True),
        sa.Column("config", _json(), nullable=False),
        sa.Column("created", _ts(), nullable=False),
        sa.Column("updated", _ts(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_key"],
            ["devices.key"],
            name="fk_entities_device_key_devices",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("entity_id", name="pk_entities"),
    )
    op.create_index("ix_entities_device_key", "entities", ["device_key"])
    op.create_table(
        "states",
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("attributes", _json(), nullable=False),
        sa.Column("last_changed", _ts(), nullable=False),
        sa.Column("last_updated", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", name="pk_states"),
    )
    op.create_table(
        "state_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("attributes", _json(), nullable=False),
        sa.Column("last_changed", _ts(), nullable=False),
        sa.Column("last_updated", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_state_history"),
    )
    op.create_index(
        "ix_state_history_entity_id_last_updated",
        "state_history",
        ["entity_id", "last_updated"],
    )
    op.create_table(
        "commands",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ts", _ts(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("parse", _json(), nullable=False),
        sa.Column("actions", _json(), nullable=False),
        sa.Column("outcome", sa.String(64), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_commands"),
    )


def downgrade() -> None:
    """Drop every table."""
    op.drop_table("commands")
    op.drop_index("ix_state_history_entity_id_last_updated", table_name="state_history")
    op.drop_table("state_history")
    op.drop_table("states")
    op.drop_index("ix_entities_device_key", table_name="entities")
    op.drop_table("entities")
    op.drop_table("devices")
    op.drop_table("areas")
