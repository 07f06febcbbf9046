"""The schedule runner: one asyncio task that runs scheduled commands when they are due.

It sleeps until the earliest `next_run` in the table (woken early when a job is added or
cancelled on this instance, and at least every `poll` seconds for jobs another instance added),
claims each due job by compare-and-set (`ScheduleStore.claim`: of several hub instances exactly
one wins), hands its stored actions to `CommandService.run_scheduled` (checked against the home as
it is now, logged, then published) and records the outcome. A repetition's next run is computed
from the run it replaces, so a late run does not shift the series.

A job due longer than `grace` ago (the hub was down) is not run: a one-off is marked `missed`, a
repetition is moved to its next run to come and its `last_outcome` says `missed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo

from hub.commands import CommandService, Requester
from hub.commands.schedules import ScheduledJob
from hub.errors import HubError
from hub.store.schedule import ScheduleStore

_LOGGER = logging.getLogger(__name__)


class ScheduleRunner:
    """Runs the schedule's due jobs (start/stop; an async context manager).

    Args:
        book: The schedule table.
        commands: The command service that carries the actions out.
        zone: The hub's time zone (repetitions follow its wall clock).
        grace: Seconds a job may be late and still run.
        poll: Longest sleep, seconds: how soon a job added by another instance is seen.
        clock: The current moment (tests pass their own).
    """

    def __init__(self, book: ScheduleStore, commands: CommandService, zone: tzinfo, grace: float = 300.0,
                 poll: float = 5.0, clock: Callable[[], datetime] | None = None) -> None:
        self.book = book
        self.commands = commands
        self.zone = zone
        self.grace = grace
        self.poll = poll
        self._clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.runs = 0
        """Jobs this instance claimed and ran."""
        self.missed = 0
        """Jobs this instance reported as missed."""

    def now(self) -> datetime:
        return self._clock() if self._clock is not None else datetime.now(UTC)

    async def start(self) -> None:
        """Start the loop; the book wakes it when a job is added or cancelled."""
        # A one-off left `running` long ago was cut by a stop (another instance's runs take seconds).
        with contextlib.suppress(HubError):
            await self.book.interrupted(self.now() - timedelta(seconds=max(self.grace, 60.0)))
        self.book.on_change(self.wake)
        self._task = asyncio.create_task(self._loop(), name="schedule-runner")

    async def stop(self) -> None:
        """Cancel the loop and wait for it (a run in progress is cut short)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def __aenter__(self) -> ScheduleRunner:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def wake(self) -> None:
        """Look at the table again now."""
        self._wake.set()

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_due()
                nxt = await self.book.next_due()
            except HubError as err:
                _LOGGER.warning("schedule: %s; trying again in %g s", err, self.poll)
                nxt = None
            except Exception:
                _LOGGER.exception("schedule runner failed; trying again in %g s", self.poll)
                nxt = None
            wait = self.poll if nxt is None else min(self.poll, (nxt - self.now()).total_seconds())
            if wait > 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)

    async def run_due(self) -> int:
        """Run (or report as missed) every job due now; returns how many this instance ran."""
        ran = 0
        for job in await self.book.due(self.now()):
            ran += await self._one(job)
        return ran

    async def _one(self, job: ScheduledJob) -> int:
        now = self.now()
        assert job.next_run is not None
        late = (now - job.next_run).total_seconds()
        once = job.when.rrule is None
        following = None if once else job.when.next_after(job.next_run, now, self.zone)
        if late > self.grace:
            if await self.book.miss(job, following, now):
                self.missed += 1
                _LOGGER.warning("scheduled command %d (%r) missed: due %s, %.0f s ago (grace %g s)",
                                job.id, job.text, job.next_run.astimezone(self.zone).isoformat(), late,
                                self.grace)
            return 0
        once = once or following is None  # a rule's last run ends the job like a one-off
        if not await self.book.claim(job, following, now):
            return 0  # another instance has it
        requester = Requester(job.source, job.principal, job.conversation_id)
        try:
            result = await self.commands.run_scheduled(job.actions, requester, text=job.text, lang=job.lang,
                                                       confirmed=job.confirmed)
            outcome, error = result.outcome.value, result.error
        except Exception as err:  # a bug must not keep the job `running` or stop the loop
            _LOGGER.exception("scheduled command %d failed", job.id)
            outcome, error = "failed", str(err)
        self.runs += 1
        _LOGGER.info("scheduled command %d (%r): %s%s", job.id, job.text, outcome,
                     f" ({error})" if error else "")
        with contextlib.suppress(HubError):
            await self.book.finish(job.id, outcome, error, once=once)
        return 1


__all__ = ["ScheduleRunner"]
