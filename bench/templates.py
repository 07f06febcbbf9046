"""Per-message template cost before and after the render budget, in one run.

    .venv/bin/python bench/templates.py [--smoke] [--repeat N]

"before" is the sandbox as it was before the budget (jinja2's `ImmutableSandboxedEnvironment`
with only `*` and `**` bounded, rebuilt here); "after" is `hub.templates.render`. Both render
the same real-world templates (zigbee2mqtt, Tasmota, ESPHome, HA docs) with the same payloads;
the median of `--repeat` renders is printed per template, with the ratio. Then the whole decode
path of one state message (`StateTracker.handle` → codec → template) after the budget, and how
long each hostile template of issue 10 holds the loop before it is refused (before the budget
they ran out of memory or for minutes, so they are not run "before").

`--smoke` runs a handful of renders of each, to check the script works (CI).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub import templates  # noqa: E402
from hub.domain import Entity  # noqa: E402
from hub.errors import TemplateError  # noqa: E402
from hub.templates import functions, render  # noqa: E402
from hub.tracker import StateTracker  # noqa: E402

CASES: list[tuple[str, str, str]] = [
    ("z2m filter", "{{ value_json.temperature | float | round(1) }}", '{"temperature": 21.456}'),
    ("z2m fan mode", "{{ {'off':0, 'low':1, 'medium':2, 'high':3, 'on':4}[value_json['fan_mode']]"
                     " | default('None') }}", '{"fan_mode": "medium"}'),
    ("iif", "{{ iif(value_json.contact, 'OFF', 'ON') }}", '{"contact": false}'),
    ("tasmota energy", "{{ value_json.ENERGY.Power | int }}", '{"ENERGY": {"Power": 42.7}}'),
    ("format", "{{ '%0.1f' % (value | float) }}", "21.456"),
    ("concat", "{{ value_json.state ~ '/' ~ value_json.brightness }}",
     '{"state": "ON", "brightness": 128}'),
    ("in / compare", "{{ 'on' if value_json.state in ['ON', 'on', 1] and value_json.b > 3 else 'off' }}",
     '{"state": "ON", "b": 5}'),
    ("loop 20", "{% set ns = namespace(t=0) %}{% for r in value_json.r %}{% set ns.t = ns.t + r.v %}"
                "{% endfor %}{{ ns.t }}", json.dumps({"r": [{"v": i} for i in range(20)]})),
    ("json attrs", "{{ value_json | tojson }}", json.dumps({"a": 1, "b": [1, 2, 3], "c": "x" * 40})),
]

HOSTILE = {
    "~ doubling": "{% set s = namespace(v='a') %}{% for i in range(40) %}{% set s.v = s.v ~ s.v %}"
                  "{% endfor %}{{ s.v }}",
    "'{:>999999999}'": "{{ '{:>999999999}'.format(1) }}",
    "center(999999999)": "{{ value|center(999999999) }}",
    "nested range": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "macro 2^40": "{% macro f(n) %}{% if n > 0 %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}"
                  "{{ f(40) }}",
    "regex (a|a)*$": "{{ ('a' * 60 ~ 'b') | regex_search('^(a|a)*$') }}",
}


class _Before(ImmutableSandboxedEnvironment):
    """The sandbox before the budget: the immutable one with `**` and `*` bounded."""

    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 1000:
            raise jinja2.exceptions.SecurityError("exponent too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) \
                        and len(seq) * times > 100_000:
                    raise jinja2.exceptions.SecurityError("repetition too large")
        return super().call_binop(context, operator, left, right)


def _before_env() -> _Before:
    env = _Before(undefined=jinja2.ChainableUndefined, autoescape=False)
    env.filters.update(float=functions.to_float, int=functions.to_int, iif=functions.iif,
                       to_json=json.dumps, from_json=json.loads,
                       round=lambda v, n=0, *a: round(functions.to_float(v), int(n)))
    env.globals.update(float=functions.to_float, int=functions.to_int, iif=functions.iif,
                       min=min, max=max, round=round)
    return env


def _median_us(fn: Any, repeat: int) -> float:
    fn()  # warm: compile and cache
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e6


def _variables(payload: str) -> dict[str, Any]:
    try:
        value_json: Any = json.loads(payload)
    except ValueError:
        value_json = jinja2.ChainableUndefined(name="value_json")
    return {"value": payload, "value_json": value_json}


def bench_renders(repeat: int) -> None:
    before = _before_env()
    print(f"Render, median of {repeat} (µs). 'dict globals': before, with the one-line fix that")
    print("'after' also has (template globals as a dict, not a ChainMap copied key by key per")
    print("render); 'budget' = after / dict globals, the cost of the budget alone:")
    print(f"  {'template':16s} {'before':>8s} {'dict glob':>9s} {'after':>8s} {'budget':>7s}")
    ratios = []
    for name, source, payload in CASES:
        variables = _variables(payload)
        old = before.from_string(source)
        fixed = before.from_string(source)
        fixed.globals = dict(fixed.globals)
        expected = old.render(**variables).strip()
        got = render(source, **variables)
        assert got == expected, (name, got, expected)
        t_before = _median_us(lambda: old.render(**variables).strip(), repeat)  # noqa: B023
        t_fixed = _median_us(lambda: fixed.render(**variables).strip(), repeat)  # noqa: B023
        t_after = _median_us(lambda: render(source, **variables), repeat)  # noqa: B023
        ratios.append(t_after / t_fixed)
        print(f"  {name:16s} {t_before:8.1f} {t_fixed:9.1f} {t_after:8.1f} {t_after / t_fixed:6.2f}×")
    print(f"  geometric mean of the budget's ratio: {statistics.geometric_mean(ratios):.2f}×")


def bench_decode(repeat: int) -> None:
    """`StateTracker.handle` for one sensor message, with the old render swapped in, then ours."""
    before = _before_env()
    source = CASES[0][1]
    entity = Entity("sensor.bench", "sensor", "Bench", "homeassistant/sensor/bench/config",
                    {"state_topic": "bench/t", "value_template": source, "unit_of_measurement": "°C"})
    counter = iter(range(10**9))
    ours = templates.render
    old_cache: dict[str, jinja2.Template] = {}

    def old_render(text: str, **variables: Any) -> str:
        template = old_cache.get(text) or old_cache.setdefault(text, before.from_string(text))
        return template.render(**variables).strip()

    results = {}
    for label, renderer in (("before", old_render), ("after", ours)):
        templates.render = renderer  # type: ignore[assignment]  # render_value looks it up per call
        tracker = StateTracker()
        tracker.track(entity)

        def one(tracker: StateTracker = tracker) -> None:
            changed = tracker.handle("bench/t", json.dumps({"temperature": next(counter) / 10}))
            assert changed, "the message changed nothing"

        results[label] = _median_us(one, repeat)
    templates.render = ours
    print(f"Decode one state message through the tracker (`{source}`), median of {repeat}: "
          f"before {results['before']:.1f} µs, after {results['after']:.1f} µs")


def bench_hostile(repeat: int) -> None:
    print("Hostile templates, after: time until refused (ms, median of "
          f"{repeat}; CPU time, so other load does not count)")
    for name, source in HOSTILE.items():
        times = []
        for _ in range(repeat):
            t0 = time.process_time()
            try:
                render(source, value="x", value_json=None)
                outcome = "rendered?!"
            except TemplateError as err:
                outcome = str(err)[:60]
            times.append(time.process_time() - t0)
        print(f"  {name:18s} {statistics.median(times) * 1000:7.1f} ms  {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a few renders only (CI)")
    parser.add_argument("--repeat", type=int, default=2000, help="renders per template")
    args = parser.parse_args()
    repeat = 5 if args.smoke else args.repeat
    bench_renders(repeat)
    bench_decode(repeat)
    bench_hostile(1 if args.smoke else 5)


if __name__ == "__main__":
    main()
