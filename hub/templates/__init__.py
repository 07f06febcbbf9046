"""Home Assistant-style Jinja templates (`value_template`, `command_template`), sandboxed.

Discovery payloads come from the network, so templates are rendered in jinja2's
`ImmutableSandboxedEnvironment`: unsafe attributes (`__class__`, `mro`, …) render as undefined
and unsafe calls raise `TemplateError`; nothing reaches Python internals. Every render also runs
on a budget (`hub.templates.budget`): bounded work, characters and time, checked inside the
sandbox, so no template can exhaust memory or hold the event loop; one over budget raises
`TemplateBudgetError`. HA's own template functions and filters are in `hub.templates.functions`.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import jinja2
import orjson

from hub.errors import TemplateError
from hub.templates import functions
from hub.templates.budget import Budget, TemplateBudgetError, start, stop
from hub.templates.sandbox import Sandbox, build

__all__ = ["TemplateBudgetError", "render", "render_command", "render_value"]

_MAX_TEMPLATE = 4096
"""Longer templates are refused: real ones are a line or two."""

_ENV: Sandbox = build(functions.FILTERS, functions.TESTS, functions.GLOBALS)


@functools.lru_cache(maxsize=4096)
def _compile(source: str) -> jinja2.Template:
    if len(source) > _MAX_TEMPLATE:
        raise TemplateError(f"template longer than {_MAX_TEMPLATE} characters")
    try:
        template = _ENV.from_string(source)
    except jinja2.TemplateError as err:
        raise TemplateError(f"bad template: {err}") from None
    except Exception as err:  # RecursionError on deep nesting, and whatever else a parser hits
        raise TemplateError(f"bad template: {type(err).__name__}") from None
    # A ChainMap by default, which every render copies key by key (a third of a render's time)
    template.globals = dict(template.globals)
    return template


def render(source: str, **variables: Any) -> str:
    """Render `source` with `variables` on a fresh budget.

    Raises:
        TemplateBudgetError: The template went over its budget (work, characters or time).
        TemplateError: Any other failure: bad syntax, an unsafe access, an error while rendering.
    """
    template = _compile(source)
    budget = Budget()
    token = start(budget)
    try:
        # each chunk was charged as it was built (outputs, loop bodies' text); the whole once more
        text = "".join(template.root_render_func(template.new_context(variables)))
        budget.alloc(len(text))
        return text.strip()
    except TemplateBudgetError:
        raise
    except jinja2.exceptions.SecurityError as err:
        raise TemplateError(f"template refused by the sandbox: {err}") from None
    except MemoryError:
        raise TemplateBudgetError("template ran out of memory") from None
    except Exception as err:  # a template is user input: every failure is the template's
        raise TemplateError(f"template failed: {type(err).__name__}: {err}") from None
    finally:
        stop(token)


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
