"""The allow-list for commands arriving over MQTT (`command_allow`): domains or entity ids."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any


def refused_targets(actions: Iterable[Mapping[str, Any]], allow: Collection[str]) -> list[str]:
    """Entity ids in `actions` (contract shape) that `allow` does not cover; empty `allow` covers all."""
    if not allow:
        return []
    refused: list[str] = []
    for action in actions:
        for entity_id in action.get("entity_id", []):
            covered = entity_id in allow or entity_id.split(".", 1)[0] in allow
            if not covered and entity_id not in refused:
                refused.append(entity_id)
    return refused


def refusal_message(refused: Sequence[str], allow: Collection[str]) -> str:
    """The error a refused command carries."""
    return f"not allowed over MQTT: {', '.join(refused)} (command_allow: {', '.join(sorted(allow))})"
