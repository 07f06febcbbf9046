"""The template functions and filters Home Assistant adds to Jinja, with HA's semantics.

Each follows `homeassistant/helpers/template` (the `math`, `regex` and `datetime` extensions):
same names, arguments and results. Two deliberate differences, both older hub behaviour:
`float` and `int` fall back to 0 instead of raising when the value is not a number and no default
is given, as Jinja's own filters do.

Regular expressions run on the `regex` module with a timeout taken from the render's remaining
budget (a unit of work per microsecond), so a catastrophically backtracking pattern
(`^(a|a)*$`) stops at the budget instead of freezing the hub; patterns are compiled once and
cached, and longer than 512 characters are refused.
"""

from __future__ import annotations

import functools
import json
import math
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from typing import Any

import jinja2
import regex

from hub.templates.budget import TemplateBudgetError, current

_SENTINEL: Any = object()


def _no_default(function: str, value: Any) -> Any:
    raise ValueError(f"{function} got invalid input {value!r} and no default was specified")


# --- numbers ----------------------------------------------------------------------------------

def to_float(value: Any, default: Any = 0.0) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def to_int(value: Any, default: Any = 0, base: Any = 10) -> Any:
    """`int` as filter and function: Jinja's `do_int` (`"0x1F" | int(base=16)` is 31)."""
    try:
        if isinstance(value, str | bytes):
            return int(value, int(base))
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError, OverflowError):
            return default


def iif(value: Any, if_true: Any = True, if_false: Any = False, if_none: Any = None) -> Any:
    if value is None:
        return if_none if if_none is not None else if_false
    return if_true if value else if_false


def forgiving_round(value: Any, precision: Any = 0, method: str = "common",
                    default: Any = _SENTINEL) -> Any:
    """HA's `round`: methods `common` (default), `ceil`, `floor`, `half`; an int at precision 0."""
    try:
        precision = int(precision)
        if abs(precision) > 400:  # float(10**precision) overflows anyway; refuse before computing
            raise ValueError("precision out of range")
        multiplier = float(10**precision)
        if method == "ceil":
            value = math.ceil(float(value) * multiplier) / multiplier
        elif method == "floor":
            value = math.floor(float(value) * multiplier) / multiplier
        elif method == "half":
            value = round(float(value) * 2) / 2
        else:
            value = round(float(value), precision)
        return int(value) if precision == 0 else value
    except (ValueError, TypeError, OverflowError):
        if default is _SENTINEL:
            return _no_default("round", value)
        return default


def bitwise_and(first: Any, second: Any) -> Any:
    return first & second


def bitwise_or(first: Any, second: Any) -> Any:
    return first | second


def bitwise_xor(first: Any, second: Any) -> Any:
    return first ^ second


# --- presence ---------------------------------------------------------------------------------

def is_defined(value: Any) -> Any:
    """HA's `is_defined` filter: the value itself, or an error when it is undefined."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    return value


# --- dates and times --------------------------------------------------------------------------

def now() -> datetime:
    """The current local time, time-zone aware (HA's `now()`)."""
    return datetime.now().astimezone()


def utcnow() -> datetime:
    """The current UTC time, time-zone aware (HA's `utcnow()`)."""
    return datetime.now(UTC)


def _parse_datetime(text: str) -> datetime:
    if not isinstance(text, str) or len(text) > 64:
        raise ValueError("not a date/time")
    return datetime.fromisoformat(text.strip())


def as_datetime(value: Any, default: Any = _SENTINEL) -> Any:
    """HA's `as_datetime`: a datetime from a datetime, a date, a UNIX timestamp or ISO text.

    Invalid text gives None (HA's backward-compatible result); another invalid value raises
    unless a default is given.
    """
    if type(value) is datetime:
        return value
    if type(value) is date:
        return datetime.combine(value, dt_time(0, 0, 0))
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (ValueError, TypeError, OverflowError, OSError):
        try:
            return _parse_datetime(value)
        except (ValueError, TypeError):
            if default is _SENTINEL:
                if isinstance(value, str):
                    return None
                return _no_default("as_datetime", value)
            return default


def as_timestamp(value: Any, default: Any = _SENTINEL) -> Any:
    """HA's `as_timestamp`: seconds since the epoch of a datetime or ISO text (naive = local)."""
    try:
        parsed = value if isinstance(value, datetime) else _parse_datetime(str(value))
        return parsed.timestamp()
    except (ValueError, TypeError, OverflowError, OSError):
        if default is _SENTINEL:
            return _no_default("as_timestamp", value)
        return default


def timestamp_custom(value: Any, date_format: str = "%Y-%m-%d %H:%M:%S", local: bool = True,
                     default: Any = _SENTINEL) -> Any:
    """HA's `timestamp_custom`: a UNIX timestamp formatted with strftime."""
    try:
        moment = datetime.fromtimestamp(value, UTC)
        if local:
            moment = moment.astimezone()
        current().room(32 * len(date_format) + 32)
        return moment.strftime(date_format)
    except (ValueError, TypeError, OverflowError, OSError):
        if default is _SENTINEL:
            return _no_default("timestamp_custom", value)
        return default


def timestamp_local(value: Any, default: Any = _SENTINEL) -> Any:
    try:
        return datetime.fromtimestamp(value, UTC).astimezone().isoformat()
    except (ValueError, TypeError, OverflowError, OSError):
        if default is _SENTINEL:
            return _no_default("timestamp_local", value)
        return default


def timestamp_utc(value: Any, default: Any = _SENTINEL) -> Any:
    try:
        return datetime.fromtimestamp(value, UTC).isoformat()
    except (ValueError, TypeError, OverflowError, OSError):
        if default is _SENTINEL:
            return _no_default("timestamp_utc", value)
        return default


def as_local(value: datetime) -> datetime:
    """HA's `as_local`: the datetime in the local time zone (a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone()


def strptime(string: Any, fmt: Any, default: Any = _SENTINEL) -> Any:
    """HA's `strptime`: `datetime.strptime`, or the default when the text does not match."""
    try:
        if len(str(string)) > 256 or len(str(fmt)) > 256:
            raise ValueError("too long")
        return datetime.strptime(string, fmt)
    except (ValueError, AttributeError, TypeError):
        if default is _SENTINEL:
            return _no_default("strptime", string)
        return default


# --- regular expressions ----------------------------------------------------------------------

_MAX_PATTERN = 512
"""Longer patterns are refused: device templates use short ones."""


@functools.lru_cache(maxsize=256)
def _compile(pattern: str, ignorecase: bool) -> Any:
    if len(pattern) > _MAX_PATTERN:
        raise ValueError(f"regular expression longer than {_MAX_PATTERN} characters")
    return regex.compile(pattern, regex.IGNORECASE if ignorecase else 0)


def _regex_call(pattern: Any, ignorecase: Any, run: Any) -> Any:
    """Run a compiled pattern with a timeout: what is left of the work budget, a unit a µs."""
    budget = current()
    compiled = _compile(str(pattern), bool(ignorecase))
    began = time.perf_counter()
    timeout = max(budget.work * 1e-6, 1e-4)
    try:
        result = run(compiled, timeout)
    except TimeoutError:
        raise TemplateBudgetError(
            f"regular expression {str(pattern)[:40]!r} ran out of time") from None
    budget.spend(int((time.perf_counter() - began) * 1e6) + 1)
    return result


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def regex_match(value: Any, find: Any = "", ignorecase: Any = False) -> bool:
    text = _text(value)
    return bool(_regex_call(find, ignorecase, lambda r, t: r.match(text, timeout=t)))


def regex_search(value: Any, find: Any = "", ignorecase: Any = False) -> bool:
    text = _text(value)
    return bool(_regex_call(find, ignorecase, lambda r, t: r.search(text, timeout=t)))


def regex_findall(value: Any, find: Any = "", ignorecase: Any = False) -> list[Any]:
    text = _text(value)
    budget = current()
    budget.room(len(text) + 2)  # one match per position at most, each at most the text

    def run(compiled: Any, timeout: float) -> list[Any]:
        found: list[Any] = []
        for match in compiled.finditer(text, timeout=timeout):
            groups = match.groups()
            item = match.group(0) if not groups else groups[0] if len(groups) == 1 else groups
            budget.spend(1)
            budget.alloc(max(len(match.group(0)), 1))
            found.append(item)
        return found

    return _regex_call(find, ignorecase, run)  # type: ignore[no-any-return]


def regex_findall_index(value: Any, find: Any = "", index: Any = 0, ignorecase: Any = False) -> Any:
    return regex_findall(value, find, ignorecase)[index]


def regex_replace(value: Any = "", find: Any = "", replace: Any = "", ignorecase: Any = False) -> str:
    """`regex_replace`: each replacement is charged as it is built (`\\g<0>` repeats the match)."""
    text = _text(value)
    budget = current()
    template = _text(replace)

    def run(compiled: Any, timeout: float) -> str:
        def expand(match: Any) -> str:
            budget.spend(1)
            budget.room(len(template) * (len(match.group(0)) + 1) + len(template))
            piece: str = match.expand(template)
            budget.alloc(len(piece))
            return piece
        return str(compiled.sub(expand, text, timeout=timeout))

    return _regex_call(find, ignorecase, run)  # type: ignore[no-any-return]


# --- the tables the environment is built from -------------------------------------------------

def _to_json(value: Any, *args: Any, **kwargs: Any) -> str:
    return json.dumps(value, *args, **kwargs)


FILTERS: dict[str, Any] = {
    "float": to_float, "int": to_int, "iif": iif, "round": forgiving_round,
    "to_json": _to_json, "from_json": json.loads, "is_defined": is_defined,
    "bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor,
    "as_datetime": as_datetime, "as_timestamp": as_timestamp,
    "timestamp_custom": timestamp_custom, "timestamp_local": timestamp_local,
    "timestamp_utc": timestamp_utc, "as_local": as_local,
    "regex_match": regex_match, "regex_search": regex_search, "regex_replace": regex_replace,
    "regex_findall": regex_findall, "regex_findall_index": regex_findall_index,
}
TESTS: dict[str, Any] = {"match": regex_match, "search": regex_search,
                         "datetime": lambda value: isinstance(value, datetime)}
GLOBALS: dict[str, Any] = {
    "float": to_float, "int": to_int, "iif": iif, "min": min, "max": max, "round": round,
    "bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor,
    "as_datetime": as_datetime, "as_timestamp": as_timestamp, "now": now, "utcnow": utcnow,
    "as_local": as_local, "strptime": strptime, "timedelta": timedelta,
}
