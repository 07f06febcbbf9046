"""When a command is to run: find the time in a sentence, take it out, say when (pure).

    found = extract("turn off the bedroom light at nine thirty pm", "en", now)
    found.rest  # "turn off the bedroom light"   (what the model reads, as before)
    found.when  # When(kind="at", text="at nine thirty pm", first=2026-12-05 21:30+01:00)

A `When` is a delay ("in ten minutes", "十分钟后"), an absolute moment in the hub's zone ("at 9:30
pm", "明天早上七点") or a repetition ("every weekday at 7", "每隔2秒") kept as an RFC 5545 RRULE
for python-dateutil, which computes the next run on the wall clock (7:00 stays 7:00 across a DST
change). The grammar (`when_grammar`) is a few regexes behind a one-regex pre-check
(`may_have_time`), so a sentence without a time word costs a few microseconds. `now` is passed in:
nothing here reads a clock.

Readings: a bare hour of the 12-hour clock ("at 7", "七点") is the next one to come (7:00 or
19:00); with a day or a repetition it is as written ("tomorrow at 8" = 08:00). A part of the day
alone means morning 07:00, noon 12:00, afternoon 14:00, evening 19:00, night ("tonight") 21:00;
a day alone ("tomorrow") 08:00; a repetition with no time of day keeps the time it was asked at.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from dateutil.rrule import rrulestr

from hub.text.script import to_simplified
from hub.text.when_grammar import DAY_CODES, Clock, Piece, pieces

KINDS = ("delay", "at", "repeat")
_PART_TIME = {"morning": (7, 0), "noon": (12, 0), "afternoon": (14, 0), "evening": (19, 0),
              "night": (21, 0), "early": (5, 0), "midnight": (0, 0)}
_PM_PARTS = frozenset({"afternoon", "evening", "night"})
_DAY_ALONE = (8, 0)
_CJK = re.compile(r"[\u3400-\u9fff]")
_GAP_EN = re.compile(r"[\s,]*(?:and\s+|on\s+)?[\s,]*", re.I)
_GAP_ZH = re.compile(r"[\s，,的]*")
_TRIGGER_EN = re.compile(
    r"\d[:.]\d|\b(?:in|after|within|at|by|every|each|daily|hourly|nightly|tonight|today|tomorrow|noon|"
    r"midnight|morning|afternoon|evening|night|later|from now|between|[ap]\.?m|o'?clock|weekdays?|"
    r"weekends?|(?:mon|tues|wednes|thurs|fri|satur|sun)days?)\b", re.I)
_TRIGGER_ZH = re.compile(r"[后後过過每点點时時今明早晚午周週星礼禮工:：]")


@dataclass(frozen=True, slots=True)
class When:
    """When a command runs."""

    kind: str
    """`delay`, `at` or `repeat`."""
    text: str
    """The words that said it, as written ("in ten minutes", "每天早上七点")."""
    first: datetime
    """The first run, timezone-aware (the hub's zone)."""
    rrule: str | None = None
    """`repeat`: the RFC 5545 rule (`FREQ=DAILY;BYHOUR=7;BYMINUTE=0;BYSECOND=0`), anchored on
    `first`."""
    delay: float | None = None
    """`delay`: seconds from the moment it was asked."""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.first.tzinfo is None:
            raise ValueError("first must be timezone-aware")
        if (self.kind == "repeat") != (self.rrule is not None):
            raise ValueError("a repeat, and only a repeat, has an rrule")

    def next_after(self, anchor: datetime, moment: datetime, zone: tzinfo) -> datetime | None:
        """The first run after `moment` of a repetition, counted from `anchor` (a run of it).

        None for a one-off. Fixed intervals are computed, not iterated (a job every second that
        missed a day must not cost 86 400 steps).
        """
        if self.rrule is None:
            return None
        fields = dict(part.split("=", 1) for part in self.rrule.split(";"))
        step = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600}.get(fields["FREQ"])
        if step is not None and set(fields) <= {"FREQ", "INTERVAL"}:
            seconds = step * int(fields.get("INTERVAL", "1"))
            runs = max(1, math.floor((moment - anchor).total_seconds() / seconds) + 1)
            return anchor + timedelta(seconds=seconds * runs)
        rule = rrulestr(self.rrule, dtstart=anchor.astimezone(zone))
        found: datetime | None = rule.after(moment.astimezone(zone))
        return found

    def as_dict(self) -> dict[str, Any]:
        """The JSON form, stored with a schedule and shown in answers."""
        return {"kind": self.kind, "text": self.text, "at": self.first.isoformat(),
                "repeat": self.rrule, "delay": self.delay}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> When:
        """Read `as_dict()` back."""
        return cls(kind=data["kind"], text=data["text"], first=datetime.fromisoformat(data["at"]),
                   rrule=data.get("repeat"), delay=data.get("delay"))


@dataclass(frozen=True, slots=True)
class Found:
    """A sentence with its time taken out."""

    rest: str
    """The sentence without the time words: what the model reads."""
    when: When


def may_have_time(text: str) -> bool:
    """A cheap check: False when `text` has no word the grammar starts from."""
    return bool(_TRIGGER_ZH.search(text) if _CJK.search(text) else _TRIGGER_EN.search(text))


def extract(text: str, lang: str, now: datetime, names: Iterable[str] = ()) -> Found | None:
    """The time said in `text`, and the text without it; None when it says no time.

    Args:
        text: The sentence (Traditional Chinese is read as Simplified; the rest keeps its script).
        lang: `en`, `zh` or `auto` (Chinese when the text has Chinese characters).
        now: The moment it was said, timezone-aware in the hub's zone.
        names: The home's entity names, aliases and areas: time words inside one of them in the
            sentence are part of a name ("the night lamp", "the Good Morning scene", "晚安模式"),
            not a time.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not may_have_time(text):
        return None
    zh = lang == "zh" or (lang != "en" and _CJK.search(text) is not None)
    if zh and _CJK.search(text) is None:
        zh = False
    plain = to_simplified(text) if zh else text
    found = pieces(plain, "zh" if zh else "en")
    cluster = _cluster(found, plain, zh)
    if not cluster:
        return None
    start, end = cluster[0].start, cluster[-1].end
    if _inside_a_name(plain, start, end, names, zh):
        return None
    if zh and start and plain[start - 1] in "在于到":
        start -= 1
    when = _when(cluster, text[start:end].strip(), now)
    if when is None:
        return None
    return Found(_rest(text, start, end, zh), when)


def _inside_a_name(plain: str, start: int, end: int, names: Iterable[str], zh: bool) -> bool:
    """Whether plain[start:end] overlaps a name of the home where the sentence says that name."""
    low = plain.lower()
    for name in names:
        wanted = (to_simplified(name) if zh else name).lower().strip()
        if len(wanted) < 2:
            continue
        at = low.find(wanted)
        while at != -1:
            if at < end and start < at + len(wanted):
                return True
            at = low.find(wanted, at + 1)
    return False


def _cluster(found: list[Piece], text: str, zh: bool) -> list[Piece]:
    """The first run of adjacent pieces that says a time (a bare number only after a day)."""
    gap = _GAP_ZH if zh else _GAP_EN
    runs: list[list[Piece]] = []
    for piece in found:
        joined = runs and gap.fullmatch(text, runs[-1][-1].end, piece.start) is not None
        if joined:
            runs[-1].append(piece)
        else:
            runs.append([piece])
    for run in runs:
        good: list[Piece] = []
        for piece in run:
            if piece.marked or (good and (good[-1].day is not None or good[-1].days is not None
                                          or good[-1].part is not None)):
                good.append(piece)
            elif good:
                break
        if good and _sane(good):
            return good
    return []


def _sane(run: list[Piece]) -> bool:
    """One of each kind at most; a delay or an interval stands alone."""
    kinds = [name for p in run for name in ("delay", "interval", "days", "day", "part", "clock")
             if getattr(p, name) is not None]
    if len(kinds) != len(set(kinds)):
        return False
    if ("delay" in kinds or "interval" in kinds) and len(kinds) > 1:
        return False
    return not (kinds == ["day"] and run[0].day == 0)  # "today" alone says no time


def _rest(text: str, start: int, end: int, zh: bool) -> str:
    rest = (text[:start] + ("" if zh else " ") + text[end:]).strip()
    rest = re.sub(r"\s{2,}", " ", rest)
    rest = re.sub(r"\s+([,.!?，。！？])", r"\1", rest)
    return rest.strip(" ,，").strip()


def _when(run: list[Piece], said: str, now: datetime) -> When | None:
    get = {name: next((getattr(p, name) for p in run if getattr(p, name) is not None), None)
           for name in ("delay", "interval", "days", "day", "part", "clock")}
    if get["delay"] is not None:
        delay = float(get["delay"])
        return When("delay", said, _later(now, delay), delay=delay)
    if get["interval"] is not None:
        freq, n = get["interval"]
        step = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400}[freq]
        rule = f"FREQ={freq};INTERVAL={n}"
        return When("repeat", said, _later(now.replace(microsecond=0), step * n), rrule=rule)
    clock: Clock | None = get["clock"]
    part: str | None = get["part"]
    if get["days"] is not None:
        hour, minute = _time_of_day(clock, part) or (now.hour, now.minute)
        days: tuple[str, ...] = get["days"]
        rule = f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0" if len(days) == 7 else \
            f"FREQ=WEEKLY;BYDAY={','.join(days)};BYHOUR={hour};BYMINUTE={minute};BYSECOND=0"
        probe = When("repeat", said, now, rrule=rule)
        zone = now.tzinfo
        assert zone is not None
        first = probe.next_after(now.replace(second=0, microsecond=0) - timedelta(days=1), now, zone)
        if first is None:
            return None
        return When("repeat", said, first, rrule=rule)
    day = get["day"]
    if day is not None:
        hm = _time_of_day(clock, part) or _DAY_ALONE
        date = now.date() + timedelta(days=_days_until(day, now, hm))
        at = now.replace(year=date.year, month=date.month, day=date.day, hour=hm[0], minute=hm[1],
                         second=0, microsecond=0)
        if day == 0 and clock is not None and _ambiguous(clock, part) and at <= now:
            at += timedelta(hours=12)
        if part == "midnight" or (part == "night" and clock is not None and clock.hour == 12):
            at += timedelta(days=1)
        return When("at", said, at) if at > now else None
    said_time = _time_of_day(clock, part)
    if said_time is None:
        return None
    at = now.replace(hour=said_time[0], minute=said_time[1], second=0, microsecond=0)
    candidates = [at, at + timedelta(hours=12)] if clock is not None and _ambiguous(clock, part) else [at]
    candidates += [c + timedelta(days=1) for c in candidates]
    upcoming = min(c for c in candidates if c > now)
    return When("at", said, upcoming)


def _later(now: datetime, seconds: float) -> datetime:
    """`seconds` of real time after `now` (UTC arithmetic: a DST change does not stretch it)."""
    zone = now.tzinfo
    assert zone is not None
    return (now.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(zone)


def _ambiguous(clock: Clock, part: str | None) -> bool:
    return clock.meridiem is None and part is None and not clock.exact and 1 <= clock.hour <= 12


def _time_of_day(clock: Clock | None, part: str | None) -> tuple[int, int] | None:
    if clock is None:
        return _PART_TIME.get(part) if part else None
    hour = clock.hour
    if clock.meridiem == "pm" and hour < 12:
        hour += 12
    elif clock.meridiem == "am" and hour == 12:
        hour = 0
    elif clock.meridiem is None and not clock.exact:
        evening = part in _PM_PARTS and hour < 12 and not (part == "night" and hour <= 3)
        if evening or (part == "noon" and hour < 6):
            hour += 12
        elif part in ("night", "midnight") and hour == 12:
            hour = 0
    return hour % 24, clock.minute


def _days_until(day: int | str, now: datetime, hm: tuple[int, int]) -> int:
    if isinstance(day, int):
        return day
    ahead = (DAY_CODES.index(day) - now.weekday()) % 7
    if ahead == 0 and (hm[0], hm[1]) <= (now.hour, now.minute):
        ahead = 7
    return ahead


__all__ = ["KINDS", "Found", "When", "extract", "may_have_time"]
