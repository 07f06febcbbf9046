"""The budget one template render may spend: work, characters and CPU time.

Discovery payloads come from any broker client, so a template is hostile input that runs on the
event loop for every state message. Real device templates (zigbee2mqtt, ESPHome, Tasmota, the HA
docs) use a few dozen steps and a few hundred characters; the limits below are a thousand times
that, and a render that crosses one raises `TemplateBudgetError`.

- **work**: one unit per loop iteration, call, filter, test, attribute lookup, comparison and
  per container element walked; long strings compared cost a unit per 64 characters; a
  regular expression costs a unit per microsecond it runs.
- **characters**: every string, list or tuple a render builds is charged by its length, and an
  operation that would build more than what is left (`~`, `+`, `*`, `%`, `format`, padding,
  `join`, `replace`, …) is refused *before* it allocates anything.
- **time**: a deadline on the rendering thread's CPU time, checked every 64 units of work, as a
  backstop for operations that are slow per unit. CPU time, not wall-clock time: a render the
  operating system pauses (a loaded Raspberry Pi) holds the event loop no longer than its CPU,
  and must not be mistaken for a hostile one.

Containers may share elements (`[s, s, s]`), so the printed size of a value can be exponential
in its memory size: `weigh` bounds the printed size by walking the value, and stops as soon as
the walk is over what is left, so it costs no more than the budget it guards.
"""

from __future__ import annotations

import time
from collections.abc import Sized
from contextvars import ContextVar
from typing import Any

import jinja2
from jinja2.utils import Namespace

from hub.errors import TemplateError

MAX_WORK = 30_000
"""Units of work one render may spend: about 30 ms of CPU at worst (a unit is ~1 µs)."""
MAX_CHARS = 2_000_000
"""Characters (and list elements) one render may build in total."""
MAX_SECONDS = 0.25
"""CPU-time limit of one render; the work limit is normally reached well before it."""
MAX_INT_BITS = 16_384
"""Largest integer an operator may produce (Python prints at most 4,300 digits anyway)."""

_CLOCK_EVERY = 64


class TemplateBudgetError(TemplateError):
    """A template exceeded its budget (work, characters or time).

    The state tracker marks the entity using the template unavailable and stops decoding its
    messages until its discovery config changes.
    """


class Budget:
    """What is left to one render; see the module docstring."""

    __slots__ = ("_clock_at", "chars", "deadline", "seconds", "work")

    def __init__(self, work: int = MAX_WORK, chars: int = MAX_CHARS,
                 seconds: float = MAX_SECONDS) -> None:
        self.work = work
        self.chars = chars
        self.seconds = seconds
        self.deadline: float | None = None  # set at the first clock check; most renders never reach it
        self._clock_at = work - _CLOCK_EVERY

    def spend(self, units: int = 1) -> None:
        """Charge `units` of work; raise when the work or the time is used up."""
        self.work -= units
        if self.work < self._clock_at:
            if self.work < 0:
                raise TemplateBudgetError(f"template used more than {MAX_WORK} steps")
            self._clock_at = self.work - _CLOCK_EVERY
            now = time.thread_time()
            if self.deadline is None:
                self.deadline = now + self.seconds
            elif now > self.deadline:
                raise TemplateBudgetError(f"template ran longer than {self.seconds * 1000:.0f} ms")

    def room(self, size: int) -> None:
        """Refuse an operation that would build `size` characters: more than what is left."""
        if size > self.chars:
            raise TemplateBudgetError(f"template would build {size} characters, more than the "
                                      f"{max(self.chars, 0)} left of {MAX_CHARS} per render")

    def alloc(self, size: int) -> None:
        """Charge `size` characters just built."""
        self.chars -= size
        if self.chars < 0:
            raise TemplateBudgetError(f"template built more than {MAX_CHARS} characters")


_CURRENT: ContextVar[Budget | None] = ContextVar("template_budget", default=None)


class NoBudgetError(RuntimeError):
    """Raised by budgeted filters outside a render: Jinja then does not fold them at compile time."""


def current() -> Budget:
    """The budget of the render in progress."""
    budget = _CURRENT.get()
    if budget is None:
        raise NoBudgetError("no render in progress")
    return budget


def active() -> Budget | None:
    """The budget of the render in progress, if any (compile-time constant folding has none)."""
    return _CURRENT.get()


def start(budget: Budget) -> Any:
    """Make `budget` the current one; returns a token for `stop`."""
    return _CURRENT.set(budget)


def stop(token: Any) -> None:
    _CURRENT.reset(token)


def _str_weight(text: str | bytes) -> int:
    """Upper bound on the printed size of a string inside a container (repr or JSON).

    `str.isascii` is O(1) (CPython records it), so this costs nothing per string.
    """
    if isinstance(text, str) and text.isascii():
        return 6 * len(text) + 2  # `\u0000` in JSON, `\x00` in a repr
    return 12 * len(text) + 2  # `\U0001f600`, or `\ud83d\ude00` in JSON


def weigh(value: Any, budget: Budget, limit: int | None = None) -> int:
    """An upper bound on the length of `str(value)`, `repr(value)` or its JSON.

    Charges one unit of work per element visited, and raises `TemplateBudgetError` as soon as
    the bound passes `limit` (default: the characters left), so shared sub-containers cannot
    make the walk exponential.
    """
    kind = type(value)
    if kind is str:
        return len(value)  # type: ignore[no-any-return]
    if kind is float or kind is bool or value is None:
        return 24
    ceiling = budget.chars if limit is None else limit
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += _str_weight(item)
        elif item is None or isinstance(item, bool):
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, float):
            total += 24
        elif isinstance(item, dict):
            budget.spend(len(item) + 1)
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            budget.spend(len(item) + 1)
            total += 2 + 2 * len(item)
            stack.extend(item)
        elif isinstance(item, Namespace):
            budget.spend(1)
            total += 12
            stack.append(dict(item._Namespace__attrs))  # type: ignore[attr-defined]
        elif isinstance(item, jinja2.Undefined):
            total += 20
        elif (mapping := getattr(item, "mapping", None)) is not None and isinstance(mapping, dict):
            total += 16  # dict_keys / dict_values / dict_items: print their dict
            stack.append(mapping)
        else:
            total += 100  # dates, ranges, macros, loop objects: short reprs
        if total > ceiling:
            raise TemplateBudgetError(
                f"template value would print as more than {ceiling} characters")
    return total


def admit(value: Any, budget: Budget) -> Any:
    """Charge a value an operation just built; refuse containers that would print too large."""
    if isinstance(value, str | bytes):
        budget.alloc(len(value))
    elif isinstance(value, list | tuple | dict):
        budget.alloc(len(value))
        weigh(value, budget)
    elif isinstance(value, int) and not isinstance(value, bool) \
            and value.bit_length() > MAX_INT_BITS:
        raise TemplateBudgetError(f"template built an integer over {MAX_INT_BITS} bits")
    return value


def charge_input(value: Any, budget: Budget) -> None:
    """Charge the work of an operation that reads all of `value` (compare, sort, search, hash)."""
    kind = type(value)
    if kind is int or kind is float or kind is bool or value is None:
        budget.spend(1)
    elif isinstance(value, str | bytes):
        budget.spend(len(value) // 64 + 1)
    elif isinstance(value, list | tuple | dict | set | frozenset | Namespace):
        weigh(value, budget)
    elif isinstance(value, Sized):  # ranges, dict views: a builtin may scan them (`min`, `in`)
        budget.spend(len(value) // 16 + 1)
    else:
        budget.spend(1)
