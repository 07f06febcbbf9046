"""Alembic migrations for the store, configured from code (no alembic.ini).

`upgrade` runs on a synchronous connection, i.e. inside `AsyncConnection.run_sync`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

SCRIPT_LOCATION = Path(__file__).resolve().parent
"""This folder: `env.py`, `script.py.mako` and `versions/`."""


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """Build an Alembic `Config` pointing at this package's scripts.

    Args:
        url: Database URL with an async driver, for runs without an open connection.
        connection: An open synchronous connection for `env.py` to use.

    Returns:
        The configuration, ready for `alembic.command` functions.
    """
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if url is not None:
        # ConfigParser interpolation treats % specially (URL-encoded passwords).
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Upgrade the database behind `connection` to `revision`.

    Args:
        connection: An open synchronous connection (from `AsyncConnection.run_sync`).
        revision: Target revision.
    """
    command.upgrade(alembic_config(connection=connection), revision)
