"""`GET /metrics`: the hub's counters in Prometheus' text format (written by hand; it is simple)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from aiohttp import web

from hub.api.context import ApiContext, context_of
from hub.commands import Outcome

routes = web.RouteTableDef()

OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome)
"""Every command outcome: each always has a `hub_commands_total` sample (zero until it happens)."""
PARSE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
"""Upper bounds (seconds) of the `hub_parse_seconds` buckets; `+Inf` is added."""


class ParseHistogram:
    """A cumulative histogram fed from `Assistant.parse_seconds`, a window of the latest 1000 timings.

    Each scrape takes the timings added since the last one, found by object identity of the last
    timing it saw (the window is trimmed from the front). If more than the whole window arrived
    between two scrapes, the ones that fell out are not counted.
    """

    def __init__(self, buckets: Sequence[float] = PARSE_BUCKETS) -> None:
        self.bounds = tuple(buckets)
        self.counts = [0] * (len(self.bounds) + 1)
        """Per-bucket (not cumulative) counts; the last one is `+Inf`."""
        self.total = 0.0
        self.count = 0
        self._last: float | None = None

    def take(self, window: Sequence[float]) -> None:
        """Count the timings that are new since the last call.

        Args:
            window: `Assistant.parse_seconds`.
        """
        start = 0
        if self._last is not None:
            for index in range(len(window) - 1, -1, -1):
                if window[index] is self._last:
                    start = index + 1
                    break
        for value in window[start:]:
            self.counts[bisect.bisect_left(self.bounds, value)] += 1
            self.total += value
            self.count += 1
        if window:
            self._last = window[-1]

    def lines(self, name: str) -> Iterable[str]:
        """The histogram's sample lines.

        Args:
            name: The metric name.
        """
        running = 0
        for bound, count in zip(self.bounds, self.counts, strict=False):
            running += count
            yield f'{name}_bucket{{le="{bound}"}} {running}'
        yield f'{name}_bucket{{le="+Inf"}} {self.count}'
        yield f"{name}_sum {self.total:.6f}"
        yield f"{name}_count {self.count}"


CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""Prometheus' text exposition format."""
PARSE_HISTOGRAM: web.AppKey[ParseHistogram] = web.AppKey("parse_histogram", ParseHistogram)


def _metric(name: str, kind: str, help_text: str, samples: Iterable[str]) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", *samples]


def render(ctx: ApiContext, histogram: ParseHistogram) -> str:
    """The exposition text for `hub`.

    Args:
        ctx: The API context.
        histogram: The parse-time histogram, brought up to date here.
    """
    histogram.take(ctx.parse_seconds())
    counters = ctx.counters
    messages_out = ctx.published()
    lag = ctx.store.stats.last_commit_lag
    outcomes = [f'hub_commands_total{{outcome="{o}"}} {counters.get(f"text_{o}", 0)}' for o in OUTCOMES]
    lines = [
        *_metric("hub_mqtt_messages_in_total", "counter", "MQTT messages received.",
                 [f"hub_mqtt_messages_in_total {counters.get('messages_in', 0)}"]),
        *_metric("hub_mqtt_messages_out_total", "counter", "MQTT messages published.",
                 [f"hub_mqtt_messages_out_total {messages_out}"]),
        *_metric("hub_commands_total", "counter", "Text commands by outcome.", outcomes),
        *_metric("hub_parse_seconds", "histogram", "Time to understand one sentence.",
                 histogram.lines("hub_parse_seconds")),
        *_metric("hub_db_write_lag_seconds", "gauge",
                 "Seconds from the oldest enqueue of the last committed state batch to its commit.",
                 [f"hub_db_write_lag_seconds {0.0 if lag is None else lag}"]),
        *_metric("hub_db_write_queue", "gauge", "States waiting to be written.",
                 [f"hub_db_write_queue {ctx.store.stats.queue_length}"]),
        *_metric("hub_entities", "gauge", "Entities the hub provides.",
                 [f"hub_entities {len(ctx.registry)}"]),
        *_metric("hub_discovery_errors_total", "counter", "Discovery messages skipped as invalid.",
                 [f"hub_discovery_errors_total {counters.get('discovery_errors', 0)}"]),
    ]
    return "\n".join(lines) + "\n"


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format, version 0.0.4."""
    text = render(context_of(request), request.app[PARSE_HISTOGRAM])
    return web.Response(text=text, headers={"Content-Type": CONTENT_TYPE})
