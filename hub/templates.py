"""Home Assistant-style Jinja templates (`value_template`, `command_template`), sandboxed.

Discovery payloads come from the network, so templates are rendered in jinja2's
`ImmutableSandboxedEnvironment`: unsafe attributes (`__class__`, `mro`, …) render as undefined
and unsafe calls raise `TemplateError`; nothing reaches Python internals. `**` and `*` are bounded
so a template cannot exhaust CPU or memory.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import jinja2
import orjson
from jinja2.sandbox import ImmutableSandboxedEnvironment

from hub.errors import TemplateError

_MAX_TEMPLATE = 4096
"""Longer templates are refused: real ones are a line or two."""


def _float(value: Any, default: Any = 0.0) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _int(value: Any, default: Any = 0) -> Any:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def _iif(value: Any, if_true: Any = True, if_false: Any = False, if_none: Any = None) -> Any:
    if value is None:
        return if_none if if_none is not None else if_false
    return if_true if value else if_false


_MAX_RESULT = 100_000
"""Largest number of items/characters (or digits) an operator in a template may produce."""


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, plus limits on `**` and `*` so `{{ 10**10**8 }}` cannot hang us."""

    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > 1000:
                raise jinja2.exceptions.SecurityError("exponent too large")
            big_base = isinstance(left, int | float) and abs(left) > 10**6
            if big_base and isinstance(right, int | float) and right > 100:
                raise jinja2.exceptions.SecurityError("power too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) \
                        and len(seq) * times > _MAX_RESULT:
                    raise jinja2.exceptions.SecurityError("repetition too large")
        return super().call_binop(context, operator, left, right)


def _env() -> ImmutableSandboxedEnvironment:
    env = _Sandbox(undefined=jinja2.ChainableUndefined, autoescape=False)
    env.filters.update(
        float=_float, int=_int, iif=_iif, to_json=json.dumps, from_json=json.loads,
        round=lambda v, n=0, *a: round(_float(v), int(n)),
    )
    env.globals.update(float=_float, int=_int, iif=_iif, min=min, max=max, round=round)
    return env


_ENV = _env()


@functools.lru_cache(maxsize=4096)
def _compile(source: str) -> jinja2.Template:
    if len(source) > _MAX_TEMPLATE:
        raise TemplateError(f"template longer than {_MAX_TEMPLATE} characters")
    try:
        return _ENV.from_string(source)
    except jinja2.TemplateError as err:
        raise TemplateError(f"bad template: {err}") from None
    except (RecursionError, MemoryError, ValueError, TypeError) as err:
        raise TemplateError(f"bad template: {type(err).__name__}") from None


def render(source: str, **variables: Any) -> str:
    """Render `source` with `variables`; raise `TemplateError` on any failure."""
    template = _compile(source)
    try:
        return template.render(**variables).strip()
    except jinja2.exceptions.SecurityError as err:
        raise TemplateError(f"template refused by the sandbox: {err}") from None
    except Exception as err:  # a template is user input: every failure is the template's
        raise TemplateError(f"template failed: {type(err).__name__}: {err}") from None


# `{{ value_json.a.b }}` / `{{ value_json['a'][0] }}`: most value templates bridges publish. They
# are evaluated directly (Jinja's render costs ~25 µs a message, half the hub's ingest time);
# the result is exactly what Jinja renders. Anything else goes through the sandbox.
_SIMPLE = re.compile(
    r"^\{\{\s*value_json((?:\.[A-Za-z_]\w*|\[\s*(?:'[^'\\]*'|\"[^\"\\]*\"|\d+)\s*\])+)\s*(?:\|\s*string\s*)?\}\}$"
)
_SEGMENT = re.compile(r"\.([A-Za-z_]\w*)|\[\s*(?:'([^']*)'|\"([^\"]*)\"|(\d+))\s*\]")
_MISSING = object()


@functools.lru_cache(maxsize=4096)
def _simple_path(source: str) -> tuple[str | int, ...] | None:
    match = _SIMPLE.match(source.strip())
    if match is None:
        return None
    path: list[str | int] = []
    for attr, single, double, index in _SEGMENT.findall(match.group(1)):
        if attr:
            if any(hasattr(kind, attr) for kind in (dict, list, str, int, float)):
                # `.items`, `.count`, `.real`… are methods or attributes in Jinja: not simple
                return None
            path.append(attr)
        elif index:
            path.append(int(index))
        else:
            path.append(single or double)
    return tuple(path)


def _walk(value: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        if isinstance(value, dict):
            if step not in value:
                return _MISSING
            value = value[step]
            continue
        if not isinstance(value, list | str) or not isinstance(step, int) or step >= len(value):
            return _MISSING
        value = value[step]
    return value


def render_value(source: str | None, payload: str) -> str:
    """Apply a `value_template` to a received payload, as HA does.

    `value` is the raw payload and `value_json` the payload parsed as JSON (undefined when it is
    not JSON). Without a template the payload is returned unchanged.
    """
    if not source:
        return payload
    path = _simple_path(source)
    if path is not None:
        try:
            found = _walk(orjson.loads(payload), path)
        except (ValueError, RecursionError):
            found = _MISSING
        if found is _MISSING:
            return ""
        if isinstance(found, dict | list):  # Jinja's repr of containers: let it render them
            return render(source, value=payload, value_json=orjson.loads(payload))
        return str(found).strip()
    value_json: Any
    try:
        value_json = orjson.loads(payload)
    except (ValueError, RecursionError):
        value_json = jinja2.ChainableUndefined(name="value_json")
    return render(source, value=payload, value_json=value_json)


def render_command(source: str | None, value: Any, **variables: Any) -> str:
    """Apply a `command_template` to an outgoing value; without a template, `str(value)`."""
    if not source:
        return str(value)
    return render(source, value=value, **variables)
