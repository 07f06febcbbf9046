"""Where the hub's data folders (devices/, intents/, models/, config/) are.

In a source checkout they sit beside the `hub` package; in an installed wheel they are copied
into `hub/_data/` (pyproject's `force-include`).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_path(name: str) -> Path:
    """Path of the shipped data folder `name` ("devices", "intents", "models" or "config")."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data folder {name!r} not found next to the hub package")
