"""What every route module shares: JSON responses, body parsing, timestamps."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aiohttp import web


def dumps(value: Any) -> str:
    """JSON text with non-ASCII kept as is (Chinese commands stay readable).

    Args:
        value: Any JSON-serialisable value; datetimes become ISO strings.
    """
    return json.dumps(value, ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_response(value: Any, status: int = 200) -> web.Response:
    """A JSON response.

    Args:
        value: The body.
        status: The HTTP status.
    """
    return web.json_response(value, status=status, dumps=dumps)


def error(status: int, message: str) -> web.Response:
    """Home Assistant's error shape: `{"message": ...}`.

    Args:
        status: The HTTP status (4xx or 5xx).
        message: What went wrong, for people.
    """
    return web.json_response({"message": message}, status=status)


def bad_request(message: str) -> web.HTTPBadRequest:
    """A 400 carrying `{"message": ...}`, to raise.

    Args:
        message: What is wrong with the request.
    """
    return web.HTTPBadRequest(text=json.dumps({"message": message}), content_type="application/json")


async def read_json(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object (an empty body is `{}`).

    Args:
        request: The current request.

    Raises:
        web.HTTPBadRequest: The body is not JSON, or not an object.
        web.HTTPRequestEntityTooLarge: The body is over the app's `client_max_size`.
    """
    if not request.can_read_body:
        return {}
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("Invalid JSON specified.") from None
    except RecursionError:
        raise bad_request("The JSON is nested too deeply.") from None
    if not isinstance(body, dict):
        raise bad_request("The body must be a JSON object.")
    return body


def parse_time(value: str | None, name: str) -> datetime | None:
    """An ISO 8601 timestamp from a URL; naive times are UTC.

    Args:
        value: The text, or None.
        name: The parameter's name, for the error message.

    Raises:
        web.HTTPBadRequest: `value` is not an ISO 8601 timestamp.
    """
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        example = "2024-05-01T12:00:00+00:00"
        raise bad_request(f"`{name}` must be an ISO 8601 timestamp, e.g. {example}.") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
