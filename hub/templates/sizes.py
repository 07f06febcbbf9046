"""Upper bounds on what an operation builds, computed before it runs.

An operation whose output can be much larger than its inputs (padding to a width, formatting,
joining, replacing, batching) gets an estimator here; the sandbox checks the estimate against the
characters left in the budget and refuses the operation before it allocates anything.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable, Mapping, Sized
from typing import Any

from hub.errors import TemplateError
from hub.templates.budget import Budget, TemplateBudgetError, weigh

_NUMBER_FIELD = 420
"""The longest a number can print in one format field without a width (`{:,f}` of 1e308)."""
_STRFTIME = 32
"""The longest one strftime directive prints (`%c`, a time zone name)."""

_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)?", re.DOTALL)
_DIGITS = re.compile(r"\d+")


def _number(digits: str) -> int:
    if len(digits) > 9:
        raise TemplateBudgetError(f"format width {digits[:12]}… is too large")
    return int(digits)


def _args_weight(args: Any, budget: Budget) -> int:
    return weigh(args, budget) if args is not None else 0


@functools.lru_cache(maxsize=1024)
def _percent_fields(fmt: str) -> tuple[int, int]:
    """(fields, sum of widths and precisions) of a %-format string."""
    total = fields = 0
    for match in _PERCENT_FIELD.finditer(fmt):
        width, precision, _ = match.groups()
        if width == "*" or precision == "*":
            raise TemplateError("'*' widths in % formatting are not supported")
        total += _number(width or "0") + _number(precision or "0")
        fields += 1
    return fields, total


def percent(fmt: str, args: Any, budget: Budget) -> int:
    """Bound on `fmt % args`: each field may print the largest argument, padded to its width."""
    fields, widths = _percent_fields(fmt)
    return len(fmt) + widths + fields * (_args_weight(args, budget) + _NUMBER_FIELD)


@functools.lru_cache(maxsize=1024)
def _format_fields(fmt: str) -> tuple[int, int]:
    """(fields, sum of the numbers and spec lengths) of a str.format string."""
    total = fields = 0
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError as err:
        raise TemplateError(f"bad format string: {err}") from None
    for _, name, spec, _ in parsed:
        if name is None:
            continue
        spec = spec or ""
        if "{" in spec:
            raise TemplateError("nested fields in format strings are not supported")
        total += sum(_number(d) for d in _DIGITS.findall(spec)) + _STRFTIME * len(spec)
        fields += 1
    return fields, total


def str_format(fmt: str, args: tuple[Any, ...], kwargs: Mapping[str, Any], budget: Budget) -> int:
    """Bound on `fmt.format(*args, **kwargs)`; nested fields (`{:{w}}`) are refused."""
    fields, widths = _format_fields(fmt)
    if not fields:
        return len(fmt)
    weight = _args_weight(args, budget) + _args_weight(dict(kwargs), budget)
    return len(fmt) + widths + fields * (weight + _NUMBER_FIELD)


def _int_arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str,
             default: int) -> int:
    value = args[index] if len(args) > index else kwargs.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(value)
        except (TypeError, ValueError, OverflowError):
            return default
    return max(int(value), 0)


def _len(value: Any) -> int:
    return len(value) if isinstance(value, Sized) else 0


def _text(budget: Budget, value: Any) -> str | bytes:
    """`value` as the filter will see it; a container is weighed first, so `str()` is bounded."""
    if isinstance(value, str | bytes):
        return value
    weigh(value, budget)
    return str(value)


def _replace(budget: Budget, text: Any, old: Any, new: Any, count: Any) -> int:
    text = _text(budget, text)
    old, new = _text(budget, old), _text(budget, new)
    if type(old) is not type(text) or type(new) is not type(text):
        return len(text)
    hits = len(text) + 1 if not old else text.count(old)  # type: ignore[arg-type]
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


# --- str and bytes methods called from a template ---------------------------------------------

def _width(self: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any], budget: Budget) -> int:
    return len(self) + _int_arg(args, kwargs, 0, "width", 0)


def _expandtabs(self: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any], budget: Budget) -> int:
    tabs: int = self.count(b"\t" if isinstance(self, bytes) else "\t")
    return len(self) + tabs * _int_arg(args, kwargs, 0, "tabsize", 8)


def _method_replace(self: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any],
                    budget: Budget) -> int:
    old = args[0] if args else kwargs.get("old", "")
    new = args[1] if len(args) > 1 else kwargs.get("new", "")
    count = args[2] if len(args) > 2 else kwargs.get("count", -1)
    return _replace(budget, self, old, new, count)


def _method_join(self: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any], budget: Budget) -> int:
    items = args[0] if args else kwargs.get("iterable", ())
    return weigh(items, budget) + len(self) * _len(items)


def _times(factor: int) -> Callable[[Any, tuple[Any, ...], Mapping[str, Any], Budget], int]:
    def estimate(self: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any], budget: Budget) -> int:
        return factor * len(self) + 2
    return estimate


def _translate(self: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any], budget: Budget) -> int:
    table = args[0] if args else None
    return len(self) * (1 + (weigh(table, budget) if table is not None else 0))


STR_METHODS: dict[str, Callable[[Any, tuple[Any, ...], Mapping[str, Any], Budget], int]] = {
    "center": _width, "ljust": _width, "rjust": _width, "zfill": _width,
    "expandtabs": _expandtabs, "replace": _method_replace, "join": _method_join,
    "translate": _translate,
    # case changes can grow a string ('ß' → 'SS', 'ﬃ' → 'FFI'); encodings up to 10× (`&#1114111;`)
    "upper": _times(3), "lower": _times(3), "title": _times(3), "capitalize": _times(3),
    "swapcase": _times(3), "casefold": _times(3), "encode": _times(10), "hex": _times(3),
}
"""str/bytes methods whose result can outgrow their input, with a bound on it."""


def method(self: Any, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any],
           budget: Budget) -> None:
    """Check a method call on a str, bytes or int against the characters left."""
    if isinstance(self, str | bytes):
        estimator = STR_METHODS.get(name)
        if estimator is not None:
            budget.room(estimator(self, args, kwargs, budget))
    elif isinstance(self, int) and name == "to_bytes":
        budget.room(_int_arg(args, kwargs, 0, "length", 1))
    elif name == "strftime":
        fmt = args[0] if args else kwargs.get("format", "")
        budget.room(_STRFTIME * _len(fmt) + _STRFTIME)


# --- filters --------------------------------------------------------------------------------

def _shape(value: Any, budget: Budget) -> tuple[int, int]:
    """(elements, depth) of a nested value, charging one unit of work per element."""
    elements = depth = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        depth = max(depth, level)
        if isinstance(item, dict):
            children: list[Any] = [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple):
            children = list(item)
        else:
            continue
        budget.spend(len(children) + 1)
        elements += len(children)
        stack.extend((child, level + 1) for child in children)
    return elements, depth


def _f_center(b: Budget, v: Any, *a: Any, **k: Any) -> int:
    return len(_text(b, v)) + _int_arg(a, k, 0, "width", 80)


def _f_indent(b: Budget, v: Any, *a: Any, **k: Any) -> int:
    width = a[0] if a else k.get("width", 4)
    pad = len(width) if isinstance(width, str) else _int_arg((width,), {}, 0, "", 4)
    text = str(_text(b, v))
    return len(text) + (text.count("\n") + 1) * pad


def _f_join(b: Budget, v: Any, d: Any = "", attribute: Any = None) -> int:
    return weigh(v, b) + len(_text(b, d)) * _len(v)


def _f_replace(b: Budget, v: Any, old: Any = "", new: Any = "", count: Any = None) -> int:
    return _replace(b, v, old, new, -1 if count is None else count)


def _f_wordwrap(b: Budget, v: Any, width: Any = 79, break_long_words: Any = True,
                wrapstring: Any = None, break_on_hyphens: Any = True) -> int:
    text = _text(b, v)
    return len(text) + (len(text) + 1) * (len(_text(b, wrapstring)) if wrapstring else 2)


def _f_batch(b: Budget, v: Any, linecount: Any = 1, fill_with: Any = None) -> int:
    weigh(v, b)  # charges reading it
    return _len(v) + _int_arg((linecount,), {}, 0, "", 1)


def _f_slice(b: Budget, v: Any, slices: Any = 1, fill_with: Any = None) -> int:
    weigh(v, b)
    return _len(v) + 2 * _int_arg((slices,), {}, 0, "", 1)


def _f_sum(b: Budget, v: Any, attribute: Any = None, start: Any = 0) -> int:
    if isinstance(start, int | float):
        return 0
    # summing sequences copies the running total once per item: quadratic work
    size = weigh(v, b) + weigh(start, b)
    b.spend(min(size * max(_len(v), 1) // 64, b.work + 1))
    return size


def _f_nested(b: Budget, v: Any, *a: Any, **k: Any) -> int:
    """tojson/to_json (with `indent`) and pprint: a line per element, indented per level."""
    indent = a[0] if a else k.get("indent", 1)
    pad = len(indent) if isinstance(indent, str) else _int_arg((indent or 0,), {}, 0, "", 0)
    size = weigh(v, b)
    elements, depth = _shape(v, b)
    return size + elements * (pad * depth + 2)


def _f_urlize(b: Budget, v: Any, *a: Any, **k: Any) -> int:
    text = _text(b, v)
    extra = sum(len(x) for x in (*a, *k.values()) if isinstance(x, str))
    return 3 * len(text) + (len(text) // 2 + 1) * (extra + 64)


def _f_format(b: Budget, v: Any, *a: Any, **k: Any) -> int:
    return percent(str(_text(b, v)), k or a, b)


def _f_weight(factor: int) -> Callable[..., int]:
    def estimate(b: Budget, v: Any, *a: Any, **k: Any) -> int:
        return factor * weigh(v, b) + 2
    return estimate


FILTERS: dict[str, Callable[..., int]] = {
    "center": _f_center, "indent": _f_indent, "join": _f_join, "replace": _f_replace,
    "wordwrap": _f_wordwrap, "batch": _f_batch, "slice": _f_slice, "sum": _f_sum,
    "tojson": _f_nested, "to_json": _f_nested, "pprint": _f_nested, "urlize": _f_urlize,
    "format": _f_format, "escape": _f_weight(6), "e": _f_weight(6), "forceescape": _f_weight(6),
    "urlencode": _f_weight(12), "upper": _f_weight(3), "lower": _f_weight(3),
    "title": _f_weight(3), "capitalize": _f_weight(3), "string": _f_weight(1),
    "xmlattr": _f_weight(6), "regex_replace": _f_weight(1),
}
"""Filters whose result can outgrow their input, with a bound on it (given the budget)."""


def filter_room(name: str, budget: Budget, value: Any, args: tuple[Any, ...],
                kwargs: Mapping[str, Any]) -> None:
    """Refuse the filter `name` if its result could be larger than the characters left."""
    estimator = FILTERS.get(name)
    if estimator is None:
        return
    try:
        estimate = estimator(budget, value, *args, **kwargs)
    except TemplateError:
        raise
    except Exception:  # wrong arguments: the filter itself will say so
        return
    budget.room(estimate)
