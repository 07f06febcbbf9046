"""The command service's side of commands in time (pure but for the book it is given).

`Scheduling` finds the time in a sentence (`hub.text.when`), keeps a planned command in the
`ScheduleBook` instead of publishing it, and answers the sentences that list or cancel scheduled
commands. `CommandService` owns one; without a book (tests, tools) sentences with a time are
understood as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from hub.commands.plan import encode_actions
from hub.commands.result import CommandResult, Outcome, Requester
from hub.commands.schedules import (
    NewJob,
    ScheduleBook,
    cancel_answer,
    list_answer,
    management,
    matching,
    preview,
    scheduled_answer,
)
from hub.domain import Action, State
from hub.errors import CodecError, HubError
from hub.registry import Snapshot
from hub.text.when import Found, When, extract, may_have_time


class Scheduling:
    """Time in commands for one command service.

    Args:
        book: Where scheduled commands are kept; None turns scheduling off.
        zone: The hub's time zone.
        clock: The current moment, timezone-aware (tests pass their own).
        snapshot: The registry's entities now: their names are read only for a sentence that may
            hold a time or manage the schedule, never on every command.
    """

    def __init__(self, book: ScheduleBook | None, zone: tzinfo, clock: Callable[[], datetime] | None = None,
                 snapshot: Callable[[], Snapshot] | None = None) -> None:
        self.book = book
        self.zone = zone
        self._clock = clock
        self._snapshot = snapshot

    def now(self) -> datetime:
        return self._clock() if self._clock is not None else datetime.now(self.zone)

    def find(self, text: str, lang: str) -> Found | None:
        """The time in `text` and the text without it; None without a book or without a time."""
        if self.book is None or not may_have_time(text):
            return None
        names = home_names(self._snapshot()) if self._snapshot is not None else ()
        return extract(text, lang, self.now(), names)

    def restarted(self, when: When) -> When:
        """A delay counted from now (a confirmation: "in ten minutes" from the "yes")."""
        if when.kind != "delay" or when.delay is None:
            return when
        first = self.now().astimezone(UTC) + timedelta(seconds=when.delay)
        return replace(when, first=first.astimezone(self.zone))

    async def manage(self, text: str, lang: str, *, execute: bool) -> CommandResult | None:
        """The answer to "what's scheduled?" / "cancel …", or None for any other sentence."""
        if self.book is None:
            return None
        now = self.now()
        request = management(text, now)
        if request is None:
            return None
        answer_lang = "zh" if lang == "zh" or (lang == "auto" and _has_cjk(text)) else "en"
        base = CommandResult(text=text, lang=answer_lang, outcome=Outcome.ANSWERED, intent="schedule")
        try:
            jobs = await self.book.open_jobs()
            if request.kind == "list":
                return replace(base, answer=list_answer(jobs, self.zone, now, answer_lang),
                               schedule={"jobs": [j.as_dict(self.zone) for j in jobs]})
            names = entity_words(self._snapshot()) if self._snapshot is not None else {}
            chosen = matching(request, jobs, names, self.zone)
            if not chosen:
                return replace(base, outcome=Outcome.REJECTED, error=cancel_answer([], answer_lang),
                               schedule={"cancelled": []})
            if not execute:
                return replace(base, outcome=Outcome.DRY_RUN, answer=cancel_answer(chosen, answer_lang, True),
                               schedule={"cancelled": [j.id for j in chosen]})
            done = [j for j in chosen if await self.book.cancel(j.id)]
        except HubError as err:
            return replace(base, outcome=Outcome.FAILED,
                           error=f"the schedule cannot be read or written: {err}")
        return replace(base, outcome=Outcome.CANCELLED if done else Outcome.REJECTED,
                       answer=cancel_answer(done, answer_lang) if done else None,
                       error=None if done else cancel_answer([], answer_lang),
                       schedule={"cancelled": [j.id for j in done]})

    async def keep(self, planned: CommandResult, when: When, requester: Requester, said: str, *,
                   confirmed_by: str | None = None) -> CommandResult:
        """Keep `planned` to run at `when`: the `scheduled` result, or `failed` when the book fails.

        Args:
            planned: The plan of the sentence without its time words.
            when: When it runs.
            requester: Who asked (kept with the job).
            said: The whole sentence, kept as the job's text.
            confirmed_by: The requester key that confirmed a sensitive action.
        """
        assert self.book is not None
        job = NewJob(text=said, lang=planned.lang or "", actions=tuple(
            a.as_dict() for a in planned.actions), when=when, source=requester.source,
            principal=requester.principal, conversation_id=requester.conversation_id,
            confirmed=confirmed_by is not None, confirmed_by=confirmed_by)
        try:
            job_id = await self.book.add(job)
        except HubError as err:
            return replace(planned, outcome=Outcome.FAILED, mqtt=(), answer=None,
                           error=f"the schedule cannot be written; nothing was scheduled ({err})")
        lang = planned.lang if planned.lang in ("en", "zh") else "en"
        what = planned.text or _what(planned)
        return replace(planned, outcome=Outcome.SCHEDULED, mqtt=(), schedule=preview(when, job_id),
                       answer=scheduled_answer(what, when, self.zone, self.now(), lang))


def with_time(result: CommandResult, text: str, when: When) -> CommandResult:
    """`result` for the whole sentence: its text, a `time` slot, and (when something is or would be
    scheduled) the `schedule` preview."""
    planned = result.outcome in (Outcome.DRY_RUN, Outcome.SCHEDULED, Outcome.NEEDS_CONFIRMATION)
    schedule = result.schedule if result.schedule is not None else preview(when) if planned else None
    return replace(result, text=text, slots={**result.slots, "time": when.text}, schedule=schedule)


def prepare_run(actions: Sequence[Mapping[str, Any]], snapshot: Snapshot, states: Mapping[str, State],
                text: str, lang: str, sensitive_ok: bool) -> CommandResult:
    """A scheduled command's stored actions checked against the home as it is now.

    Returns:
        `dry_run` with the messages to publish; else `rejected` (an entity gone, a value it no
        longer takes), `refused` (a sensitive action never confirmed) or `invalid` (a stored
        action that cannot be read).
    """
    try:
        planned = tuple(Action(str(a["service"]), tuple(str(i) for i in a["entity_id"]),
                               dict(a.get("data") or {}), bool(a.get("confirm"))) for a in actions)
    except (KeyError, TypeError) as err:
        return CommandResult.invalid(f"a stored action is unusable: {err}", text, lang)
    base = CommandResult(text=text, lang=lang, outcome=Outcome.REJECTED, actions=planned)
    gone = [i for a in planned for i in a.entity_ids if snapshot.get(i) is None]
    if gone:
        return replace(base, actions=(), error=f"{', '.join(gone)} no longer exists")
    if any(a.confirm for a in planned) and not sensitive_ok:
        return replace(base, outcome=Outcome.REFUSED,
                       error="a sensitive scheduled command was never confirmed")
    try:
        messages = encode_actions(planned, snapshot, states)
    except (CodecError, KeyError) as err:
        return replace(base, actions=(), error=f"cannot carry it out now: {err}")
    return replace(base, outcome=Outcome.DRY_RUN, mqtt=messages)


def home_names(snapshot: Snapshot) -> list[str]:
    """Every entity name, alias and area of the home: time words inside them are not times."""
    names: set[str] = set()
    for entity in snapshot.entities.values():
        names.update(n for n in (entity.name, entity.area, *entity.aliases) if n)
    return sorted(names)


def entity_words(snapshot: Snapshot) -> dict[str, str]:
    """Entity id → its friendly name, area and aliases, to find what "cancel the bedroom light" names."""
    return {i: f"{e.name} {e.area or ''} {' '.join(e.aliases)}" for i, e in snapshot.entities.items()}


def _what(result: CommandResult) -> str:
    return ", ".join(f"{a.service} {', '.join(a.entity_ids)}" for a in result.actions)


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


__all__ = ["Scheduling", "entity_words", "home_names", "prepare_run", "with_time"]
