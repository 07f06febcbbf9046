"""Scheduled commands as the command path sees them (pure): the job, the book it is kept in, and
the sentences that manage it ("what's scheduled?", "cancel the bedroom light at 9:30", "取消所有定时").

The book itself (`hub.store.schedule.ScheduleStore`) and the runner (`hub.schedule`) are I/O; the
command service only knows the `ScheduleBook` protocol below.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, Protocol

from hub.text.script import to_simplified
from hub.text.when import When, extract

STATUSES = ("pending", "running", "done", "missed", "cancelled", "failed")
"""A job's life: pending (waits; a repetition stays pending), running (a one-off being carried
out), done, missed (its moment passed while the hub was down, beyond the grace), cancelled, failed."""
OPEN = ("pending", "running")


@dataclass(frozen=True)
class ScheduledJob:
    """One row of the schedule."""

    id: int
    text: str
    lang: str
    actions: tuple[Mapping[str, Any], ...]
    """The resolved actions, as `Action.as_dict()`."""
    when: When
    next_run: datetime | None
    source: str
    principal: str = ""
    conversation_id: str | None = None
    confirmed: bool = False
    confirmed_by: str | None = None
    status: str = "pending"
    runs: int = 0
    created: datetime | None = None
    last_run: datetime | None = None
    last_outcome: str | None = None
    last_error: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def entity_ids(self) -> list[str]:
        return [str(i) for a in self.actions for i in a.get("entity_id", ())]

    def as_dict(self, zone: tzinfo | None = None) -> dict[str, Any]:
        """The JSON form (`GET /api/schedule`, the `schedule` object of answers)."""
        def stamp(value: datetime | None) -> str | None:
            if value is None:
                return None
            return (value.astimezone(zone) if zone else value).isoformat()

        return {
            "id": self.id, "text": self.text, "lang": self.lang, "when": self.when.text,
            "kind": self.when.kind, "next_run": stamp(self.next_run), "repeat": self.when.rrule,
            "delay": self.when.delay, "actions": [dict(a) for a in self.actions], "status": self.status,
            "runs": self.runs, "source": self.source, "conversation_id": self.conversation_id,
            "confirmed": self.confirmed, "created": stamp(self.created), "last_run": stamp(self.last_run),
            "last_outcome": self.last_outcome, "last_error": self.last_error,
        }


@dataclass(frozen=True, slots=True)
class NewJob:
    """What the command service asks the book to keep."""

    text: str
    lang: str
    actions: tuple[Mapping[str, Any], ...]
    when: When
    source: str
    principal: str = ""
    conversation_id: str | None = None
    confirmed: bool = False
    confirmed_by: str | None = None


class ScheduleBook(Protocol):
    """Where scheduled commands are kept (the store)."""

    def add(self, job: NewJob) -> Awaitable[int]: ...

    def open_jobs(self) -> Awaitable[list[ScheduledJob]]: ...

    def cancel(self, job_id: int) -> Awaitable[bool]: ...


def preview(when: When, job_id: int | None = None) -> dict[str, Any]:
    """The `schedule` object of a command's answer: what is (or, in a dry run, would be) scheduled."""
    return {"id": job_id, "when": when.text, "kind": when.kind, "next_run": when.first.isoformat(),
            "repeat": when.rrule, "delay": when.delay}


# -- managing by voice -----------------------------------------------------------------------

_EN_LIST = re.compile(
    r"^\s*(?:(?:what|which)(?:'s|\s+is|\s+are)?|list|show(?:\s+me)?|are\s+there|is\s+there|any)\b.*"
    r"\b(?:scheduled|schedules?|timers?|planned|pending\s+commands?)\b", re.I)
_ZH_LIST = re.compile(r"(?:哪些|什么|列出|查看|看看|有没有|几个|所有的?)(?:定时|计划|预约)"
                      r"|定时任务[?？]?$|^定时(?:列表)?[?？]?$")
_EN_CANCEL = re.compile(r"^\s*(?:please\s+)?(?:cancel|delete|remove|clear|drop|forget)\b\s*(?P<what>.*)$",
                        re.I)
_ZH_CANCEL = re.compile(r"^\s*(?:请|帮我)?(?:取消|删除|删掉|清除|清空)(?P<what>.*)$")
_EN_ALL = re.compile(r"\b(?:all|every|everything)\b", re.I)
_ZH_ALL = re.compile(r"所有|全部|一切")
_EN_FILLER = frozenset({
    "the", "a", "an", "my", "for", "of", "to", "please", "timer", "timers", "schedule", "schedules",
    "scheduled", "command", "commands", "job", "jobs", "task", "tasks", "that", "this", "it", "at", "on",
    "in", "set"})
_ZH_FILLER = "的定时任务计划预约个所有全部了吧请帮我"
_EN_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Management:
    """A sentence that manages the schedule."""

    kind: str
    """`list` or `cancel`."""
    everything: bool = False
    """"cancel all timers": every open job. Neither words nor a time: the only open job."""
    words: tuple[str, ...] = ()
    """Content words (English) or characters (Chinese) that name what to cancel."""
    when: When | None = None
    """The time said with it ("… at 9:30")."""


def _is_zh(text: str) -> bool:
    return re.search(r"[\u3400-\u9fff]", text) is not None


def management(text: str, now: datetime) -> Management | None:
    """The schedule-managing request in `text`, or None for any other sentence."""
    zh = _is_zh(text)
    plain = to_simplified(text) if zh else text
    match = (_ZH_CANCEL if zh else _EN_CANCEL).match(plain)
    if match is None:
        return Management("list") if (_ZH_LIST if zh else _EN_LIST).search(plain) else None
    what = match["what"]
    if zh and not re.search(r"定时|计划|预约", what) and not re.search(r"点|后|每|明天|今晚", what):
        return None  # "取消" with neither a schedule word nor a time is not ours
    if not zh and not re.search(r"\b(?:timers?|schedules?|scheduled|at|in|every|tomorrow|tonight)\b", what,
                                re.I):
        return None
    found = extract(what, "zh" if zh else "en", now)
    rest = found.rest if found else what
    everything = bool((_ZH_ALL if zh else _EN_ALL).search(rest))
    if zh:
        words = tuple(c for c in rest if "\u3400" <= c <= "\u9fff" and c not in _ZH_FILLER)
    else:
        words = tuple(w for w in _EN_WORD.findall(rest.lower()) if w not in _EN_FILLER and
                      not (everything and w in ("all", "every", "everything")))
    return Management("cancel", everything=everything and not words, words=words,
                      when=found.when if found else None)


def matching(request: Management, jobs: Iterable[ScheduledJob], names: Mapping[str, str],
             zone: tzinfo) -> list[ScheduledJob]:
    """The open jobs a cancel request names.

    Args:
        request: The cancel request.
        jobs: Open jobs.
        names: Entity id → friendly name and area words (so "the bedroom light" finds
            `light.bedroom_ceiling`).
        zone: The hub's zone (times are compared on its clock, 12-hour when said so).
    """
    open_jobs = [j for j in jobs if j.status in OPEN]
    if request.everything:
        return open_jobs
    if not request.words and request.when is None:
        return open_jobs if len(open_jobs) == 1 else []  # "cancel the timer": the only one
    chosen = []
    for job in open_jobs:
        hay = " ".join([job.text, *(names.get(i, "") for i in job.entity_ids()), *job.entity_ids()])
        hay = to_simplified(hay).lower()
        if request.words and not all(w in hay for w in request.words):
            continue
        if request.when is not None and not _same_time(request.when, job, zone):
            continue
        chosen.append(job)
    return chosen


def _same_time(said: When, job: ScheduledJob, zone: tzinfo) -> bool:
    if said.text.strip().lower() == job.when.text.strip().lower():
        return True
    if job.next_run is None or said.kind == "delay":
        return False
    a, b = said.first.astimezone(zone), job.next_run.astimezone(zone)
    return (a.hour % 12, a.minute) == (b.hour % 12, b.minute)


# -- answers ------------------------------------------------------------------------------------


def _clock(moment: datetime | None, zone: tzinfo, now: datetime, zh: bool) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(zone)
    days = (local.date() - now.astimezone(zone).date()).days
    hm = local.strftime("%H:%M") + (local.strftime(":%S") if local.second else "")
    if zh:
        return ("今天" if days == 0 else "明天" if days == 1 else local.strftime("%m月%d日")) + hm
    return ("today" if days == 0 else "tomorrow" if days == 1 else local.strftime("%a %d %b")) + " at " + hm


def scheduled_answer(action_text: str, when: When, zone: tzinfo, now: datetime, lang: str) -> str:
    """"Scheduled: turn off the bedroom light (today at 21:30)." and its Chinese."""
    moment = _clock(when.first, zone, now, lang == "zh")
    if lang == "zh":
        repeat = f"，{when.text}重复" if when.rrule else ""
        return f"已定时：{action_text}（{moment}{repeat}）。"
    repeat = f", then {when.text}" if when.rrule else ""
    return f"Scheduled: {action_text} ({moment}{repeat})."


def list_answer(jobs: Sequence[ScheduledJob], zone: tzinfo, now: datetime, lang: str) -> str:
    """The answer to "what's scheduled?"."""
    zh = lang == "zh"
    if not jobs:
        return "没有定时任务。" if zh else "Nothing is scheduled."
    lines = [f"{j.text}（{_clock(j.next_run, zone, now, True)}）" if zh else
             f"{j.text} ({_clock(j.next_run, zone, now, False)})" for j in jobs]
    if zh:
        return f"有 {len(jobs)} 个定时任务：" + "；".join(lines) + "。"
    return f"{len(jobs)} scheduled: " + "; ".join(lines) + "."


def cancel_answer(cancelled: Sequence[ScheduledJob], lang: str, dry_run: bool = False) -> str:
    """The answer to a cancel request."""
    zh = lang == "zh"
    if not cancelled:
        return "没有找到匹配的定时任务。" if zh else "No scheduled command matches that."
    texts = ("；" if zh else "; ").join(j.text for j in cancelled)
    if zh:
        return f"{'将取消' if dry_run else '已取消'} {len(cancelled)} 个定时任务：{texts}。"
    return f"{'Would cancel' if dry_run else 'Cancelled'} {len(cancelled)} scheduled: {texts}."


__all__ = ["OPEN", "STATUSES", "Management", "NewJob", "ScheduleBook", "ScheduledJob", "cancel_answer",
           "list_answer", "management", "matching", "preview", "scheduled_answer"]
