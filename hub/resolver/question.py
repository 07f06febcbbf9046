"""Questions about several devices: "how many lights are on?", "which windows are open?".

Pure. The NLU says `get_state` and tags the device class; the words that make it a count, a
list or a yes/no question, and the state asked about, are read here from the text (the intent
inventory and slot labels stay as they are). `StateTest` says which components a state word can
apply to ("unlocked": locks) and tests one entity's current state.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from hub.domain import Entity, State

_QUANTIFIERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("count", re.compile(r"\bhow many\b|\bnumber of\b|几个|几盏|几台|几扇|几把|多少个|多少盏|多少台|多少扇")),
    ("all", re.compile(
        r"\b(?:are|is) (?:all|every|everything)\b|\ball (?:the )?\w+ (?:are|is)\b"
        r"|都.*[吗么]|全都|全部.*[吗么]")),
    ("any", re.compile(
        r"\bany\b|\banything\b|\banyone\b|\bsomeone\b|\bsomebody\b|有没有|有无|是否有|有.*[吗么]")),
    ("which", re.compile(
        r"\bwhich\b|^\s*what \w+ (?:are|is)\b|哪些|哪个|哪几|什么.*(?:开着|关着|没关|没锁)")),
)  # fmt: skip
"""Kinds of multi-device question, checked in this order."""


def quantifier(text: str) -> str | None:
    """ "count", "all", "any", "which", or None for a plain question about the target(s)."""
    said = text.casefold()
    for kind, pattern in _QUANTIFIERS:
        if pattern.search(said):
            return kind
    return None


_OPENING = frozenset({"door", "window", "opening", "garage_door", "lock"})
_BATTERY_LOW = 20.0


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _is_open(entity: Entity, state: State) -> bool:
    if entity.component == "cover":
        return state.state in ("open", "opening")
    return entity.component == "binary_sensor" and state.state == "on"


def _is_low(entity: Entity, state: State) -> bool:
    if entity.component == "binary_sensor":
        return state.state == "on"
    value = _number(state.state)
    return value is not None and value < _BATTERY_LOW


@dataclass(frozen=True)
class StateTest:
    """A state asked about: its words, what it applies to and the test."""

    label: tuple[str, str]
    """How answers name the state (English, Chinese)."""
    comps: tuple[str, ...]
    """Components the state word can describe."""
    classes: frozenset[str] | None
    """Binary-sensor/sensor device classes it fits (None: any)."""
    test: Callable[[Entity, State], bool]

    def applies(self, entity: Entity) -> bool:
        """Whether the state word can describe this entity."""
        if entity.component not in self.comps:
            return False
        if entity.component in ("binary_sensor", "sensor") and self.classes is not None:
            return entity.device_class in self.classes
        return True


_ON_OFF = ("light", "switch", "fan", "climate", "vacuum")
_TESTS: tuple[tuple[re.Pattern[str], StateTest], ...] = (
    (re.compile(r"\bunlocked\b|没锁|未锁|没有锁|开着锁"), StateTest(
        ("unlocked", "没锁"), ("lock",), None, lambda e, s: s.state in ("unlocked", "open", "unlocking"))),
    (re.compile(r"\blocked\b|锁着|锁好|锁上|锁了"), StateTest(
        ("locked", "锁着"), ("lock",), None, lambda e, s: s.state == "locked")),
    (re.compile(r"\b(?:low|flat|dying|empty)\b|电量低|没电|低电|电量不足|快没电"), StateTest(
        ("low", "电量低"), ("sensor", "binary_sensor"), frozenset({"battery"}), _is_low)),
    (re.compile(r"\bmotion\b|\bmovement\b|\bmoving\b|有人|有动静|移动"), StateTest(
        ("detecting motion", "检测到有人"), ("binary_sensor",),
        frozenset({"motion", "occupancy", "presence"}), lambda e, s: s.state == "on")),
    (re.compile(r"\b(?:open|opened|ajar)\b|开着的(?:窗|门)|(?:窗|门|帘).*(?:开着|没关|打开)"), StateTest(
        ("open", "开着"), ("cover", "binary_sensor"), frozenset(_OPENING), _is_open)),
    (re.compile(r"\b(?:closed|shut)\b|(?:窗|门|帘).*(?:关着|关了|关好|关上)"), StateTest(
        ("closed", "关着"), ("cover", "binary_sensor"), frozenset(_OPENING),
        lambda e, s: not _is_open(e, s))),
    (re.compile(r"\bon\b|\brunning\b|开着|亮着|在开|开的|在运行|在转"), StateTest(
        ("on", "开着"), _ON_OFF, None, lambda e, s: s.state not in ("off", "docked", "unavailable"))),
    (re.compile(r"\boff\b|关着|关了|关的|灭着|没开"), StateTest(
        ("off", "关着"), _ON_OFF, None, lambda e, s: s.state in ("off", "docked"))),
)


def state_test(text: str) -> StateTest | None:
    """The state a question asks about ("on", "open", "unlocked", "low", motion), if any."""
    said = text.casefold()
    for pattern, test in _TESTS:
        if pattern.search(said):
            return test
    return None


_DETECTORS = frozenset({"motion", "occupancy", "presence", "moisture", "smoke", "gas", "carbon_monoxide"})


def implied_test(entities: tuple[Entity, ...]) -> StateTest | None:
    """ "is there any motion?" names no state: detectors are asked whether they detect."""
    if entities and all(e.component == "binary_sensor" and e.device_class in _DETECTORS for e in entities):
        return StateTest(("detecting", "检测到了"), ("binary_sensor",), None, lambda e, s: s.state == "on")
    return None
