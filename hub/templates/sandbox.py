"""The Jinja environment templates render in: immutable sandbox plus a budget on every operation.

jinja2's `ImmutableSandboxedEnvironment` keeps templates away from Python internals; on top of it:

- every `for` loop's iterable is metered per iteration, and by the constant text its body
  emits;
- the code generator routes what the sandbox does not see through the environment: `~`
  concatenation, comparisons (`in`, `==` on long values) and list/tuple/dict displays;
- every binary operator, call, filter, test, attribute lookup and output expression charges the
  render's `Budget`, and operations that can outgrow their inputs are checked before they run
  (`hub.templates.sizes`).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator, Sized
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment

from hub.templates import sizes
from hub.templates.budget import (
    MAX_INT_BITS,
    Budget,
    TemplateBudgetError,
    active,
    admit,
    charge_input,
    current,
    weigh,
)


class _Generator(CodeGenerator):
    """Jinja's code generator, with the hooks the budget needs."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.budget_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        self.write("environment.compare(")
        self.visit(node.expr, frame)
        for op in node.ops:
            self.write(f", {op.op!r}, ")
            self.visit(op.expr, frame)
        self.write(")")

    def _admitted(self, visit: Callable[[Any, Frame], None], node: nodes.Expr,
                  frame: Frame) -> None:
        try:
            node.as_const(frame.eval_ctx)
        except nodes.Impossible:
            self.write("environment.admit(")
            visit(node, frame)
            self.write(")")
        else:
            visit(node, frame)  # a constant: bounded by the template's own length

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self._admitted(super().visit_List, node, frame)

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self._admitted(super().visit_Dict, node, frame)

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        if node.ctx != "load":
            super().visit_Tuple(node, frame)
        else:
            self._admitted(super().visit_Tuple, node, frame)


class _Metered:
    """An iterator charging the budget per item."""

    __slots__ = ("_budget", "_cost", "_items", "_source")

    def __init__(self, source: Any, budget: Budget, cost: int) -> None:
        self._source = source
        self._items = iter(source)
        self._budget = budget
        self._cost = cost

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        item = next(self._items)
        self._budget.spend(self._cost)
        return item


class _MeteredSized(_Metered):
    """A metered iterator over a sized iterable: keeps `len()`, so `loop.length` stays cheap."""

    __slots__ = ()

    def __len__(self) -> int:
        return len(self._source)


def _metered(source: Any, budget: Budget, cost: int) -> _Metered:
    if isinstance(source, _Metered) and cost == 1:
        return source
    return (_MeteredSized if isinstance(source, Sized) else _Metered)(source, budget, cost)


def metered(iterable: Any, cost: int) -> _Metered:
    """A `for` loop's iterable, charged `cost` units of work per item (called by the template)."""
    return _metered(iterable, current(), cost)


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "gteq": operator.ge,
    "lt": operator.lt, "lteq": operator.le,
    "in": lambda a, b: a in b, "notin": lambda a, b: a not in b,
}

_GROWING = frozenset({"+", "*", "**", "%"})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _binop_room(budget: Budget, op: str, left: Any, right: Any) -> None:
    """Refuse `left op right` before it builds something over budget."""
    if op == "+":
        if isinstance(left, str | bytes | list | tuple) and isinstance(right, str | bytes | list | tuple):
            budget.room(len(left) + len(right))
    elif op == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | bytes | list | tuple) and _is_int(times):
                budget.room(len(seq) * max(times, 0))
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise TemplateBudgetError(f"product over {MAX_INT_BITS} bits")
    elif op == "**":
        if isinstance(right, int | float) and abs(right) > 1000:
            raise TemplateBudgetError("exponent too large")
        if _is_int(left) and _is_int(right) and right > 0 \
                and left.bit_length() * right > MAX_INT_BITS:
            raise TemplateBudgetError(f"power over {MAX_INT_BITS} bits")
        if isinstance(left, float) and abs(left) > 10**6 and isinstance(right, int | float) \
                and right > 100:
            raise TemplateBudgetError("power too large")
    elif op == "%" and isinstance(left, str):
        budget.room(sizes.percent(left, right, budget))


_SCALARS = frozenset({int, float, bool, type(None)})
"""Types whose reading costs nothing to charge: a filter on them is one unit of work."""


class Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, every operation charged to the render's budget."""

    code_generator_class = _Generator
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            text = sum(len(data.data) for data in loop.find_all(nodes.TemplateData))
            loop.iter = nodes.Call(
                nodes.ImportedName(f"{__name__}.metered"),
                [loop.iter, nodes.Const(1 + text // 16)], [], None, None, lineno=loop.lineno)
        return tree

    # -- hooks called by generated code ------------------------------------------------------
    def budget_concat(self, values: tuple[Any, ...]) -> str:
        budget = current()
        budget.spend(len(values))
        budget.room(sum(weigh(v, budget) for v in values))
        return admit("".join([str(v) for v in values]), budget)  # type: ignore[no-any-return]

    def compare(self, left: Any, *rest: Any) -> Any:
        budget = active()
        if budget is not None:
            charge_input(left, budget)
        result: Any = True
        for index in range(0, len(rest), 2):
            op, right = rest[index], rest[index + 1]
            if budget is not None:
                charge_input(right, budget)
            result = _COMPARE[op](left, right)
            if not result:
                return result
            left = right
        return result

    def admit(self, value: Any) -> Any:
        budget = active()
        return value if budget is None else admit(value, budget)

    # -- the sandbox's own interception points ---------------------------------------------
    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        budget = current()
        budget.spend(1)
        if operator in _GROWING and not (type(left) is float and type(right) is float):
            _binop_room(budget, operator, left, right)
            return admit(self.binop_table[operator](left, right), budget)
        return self.binop_table[operator](left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        budget = active()
        if budget is not None:
            budget.spend(1)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        budget = active()
        if budget is None:
            return super().getitem(obj, argument)
        budget.spend(1)
        if isinstance(argument, slice):
            return admit(super().getitem(obj, argument), budget)
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt: str = value.__self__
        is_map = value.__name__ == "format_map"

        @functools.wraps(wrapped)
        def checked(*args: Any, **kwargs: Any) -> str:
            budget = current()
            budget.spend(1)
            if is_map:
                budget.room(sizes.str_format(fmt, (), args[0] if args else {}, budget))
            else:
                budget.room(sizes.str_format(fmt, args, kwargs, budget))
            return admit(wrapped(*args, **kwargs), budget)  # type: ignore[no-any-return]

        return checked

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any,
             **kwargs: Any) -> Any:
        budget = current()
        budget.spend((8 if isinstance(__obj, Macro) else 1) + len(args) + len(kwargs))
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if owner is not None and not isinstance(owner, type):
            charge_input(owner, budget)
            if name == "join" and args and not isinstance(args[0], Sized):
                args = (list(args[0]), *args[1:])  # measured before joining; items were charged
            sizes.method(owner, name, args, kwargs, budget)
        for arg in (*args, *kwargs.values()):
            if type(arg) not in _SCALARS:
                charge_input(arg, budget)
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (_metered(args[0], budget, 1), *args[1:])
        return admit(super().call(__context, __obj, *args, **kwargs), budget)


def budgeted(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter or test: charge its inputs, check its output size, admit its result."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0
    needs_room = name in sizes.FILTERS

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        budget = current()
        budget.spend(1)
        if needs_room:
            value = args[skip] if len(args) > skip else None
            if isinstance(value, Iterator):
                value = list(value)  # materialised to measure it; each item was charged
                args = (*args[:skip], value, *args[skip + 1:])
            sizes.filter_room(name, budget, value, tuple(args[skip + 1:]), kwargs)
        for arg in args[skip + 1 if needs_room else skip:]:  # the estimate walked the value
            if type(arg) not in _SCALARS:
                charge_input(arg, budget)
        for arg in kwargs.values():
            if type(arg) not in _SCALARS:
                charge_input(arg, budget)
        result = func(*args, **kwargs)
        if type(result) in _SCALARS:
            return result
        if isinstance(result, Iterator):  # map, select, unique…: charged as they are consumed
            return _metered(result, budget, 1)
        return admit(result, budget)

    return wrapper


def finalize(value: Any) -> Any:
    """Every `{{ expression }}`: refuse values that would print too large, charge the text."""
    budget = active()
    if budget is None or value is None or isinstance(value, int | float):
        return value
    if isinstance(value, str):
        budget.alloc(len(value))
        return value
    budget.room(weigh(value, budget))
    text = str(value)
    budget.alloc(len(text))
    return text


def guard_global(func: Callable[..., Any], room: Callable[..., int]) -> Callable[..., Any]:
    """Wrap a global function with a bound on what it builds."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        budget = current()
        try:
            estimate = room(*args, **kwargs)
        except (TypeError, ValueError):
            estimate = 0
        budget.room(estimate)
        budget.spend(estimate // 64)
        return func(*args, **kwargs)
    return wrapper


def _lipsum_room(n: Any = 5, html: Any = True, min: Any = 20, max: Any = 100) -> int:
    return (int(n) + 1) * (int(max) + 1) * 16


def build(filters: dict[str, Callable[..., Any]], tests: dict[str, Callable[..., Any]],
          globals_: dict[str, Any]) -> Sandbox:
    """The environment: Jinja's filters and tests plus ours, all of them budgeted."""
    env = Sandbox(undefined=jinja2.ChainableUndefined, autoescape=False, finalize=finalize)
    env.filters.update(filters)
    env.tests.update(tests)
    env.filters = {name: budgeted(name, f) for name, f in env.filters.items()}
    env.tests = {name: budgeted(name, f) for name, f in env.tests.items()}  # type: ignore[arg-type]
    env.globals["lipsum"] = guard_global(env.globals["lipsum"], _lipsum_room)  # type: ignore[arg-type]
    env.globals.update(globals_)
    return env

