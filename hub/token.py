"""The API bearer token: from settings, else generated once into the data dir."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from hub.config import Settings

TOKEN_FILE = "token"


def ensure_token(settings: Settings) -> str:
    """The configured token, or the one in `<data_dir>/token`, created (mode 0600) if missing."""
    if settings.token:
        return settings.token
    path = settings.data_dir / TOKEN_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return token


def read_token(settings: Settings) -> str | None:
    """The token a CLI on the same machine should send (settings, else the data dir's file)."""
    if settings.token:
        return settings.token
    path: Path = settings.data_dir / TOKEN_FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else None


def token_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())
