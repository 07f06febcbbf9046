"""Counting discovery messages the hub chooses not to handle, by component.

A real install announces components the hub has no codec for (zigbee2mqtt, ESPHome and
Tasmota add new ones over time). Each is a well-formed message, not a fault: the hub counts
them for `/health` and says so once per component, never once per message.
"""

from __future__ import annotations

from collections import Counter

MAX_KINDS = 64
"""Distinct component names kept apart; more (only a hostile publisher makes them) share
`OTHER`, so the counter stays small whatever arrives."""
OTHER = "(other)"
SUMMARY_DELAY_S = 5.0
"""How long after the first skipped message of a component its one log line waits, so the
line carries the count of the whole start-up burst of retained configs."""


class UnhandledDiscovery:
    """Skipped discovery messages per component."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def add(self, component: str) -> str | None:
        """Count one skipped message.

        Returns:
            The name it was counted under, when it is the first of that name (log it then);
            None otherwise.
        """
        if component not in self._counts and len(self._counts) >= MAX_KINDS:
            component = OTHER
        self._counts[component] += 1
        return component if self._counts[component] == 1 else None

    def count(self, component: str) -> int:
        """Messages skipped so far for `component`."""
        return self._counts[component]

    def as_dict(self) -> dict[str, int]:
        """Component → messages skipped, for `/health`."""
        return dict(sorted(self._counts.items()))
