"""The schedule table: pending and repeating commands, claimed by compare-and-set.

Several hub instances may share one PostgreSQL database. A due job is claimed with one UPDATE
that succeeds only if the row still holds the `next_run` that the claimant read and is still
pending (`WHERE id = :id AND next_run = :old AND status = 'pending'`); the instance whose
UPDATE changed a row runs the job, every other sees rowcount 0 and leaves it. The same statement
works on SQLite (one writer at a time) and PostgreSQL (the row lock orders the two UPDATEs; the
second re-checks its WHERE on the new row and matches nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.commands.schedules import OPEN, NewJob, ScheduledJob
from hub.errors import StoreError
from hub.store.schema import schedule
from hub.text.when import When

_LOGGER = logging.getLogger(__name__)


def _job(row: RowMapping) -> ScheduledJob:
    return ScheduledJob(
        id=int(row["id"]), text=row["text"], lang=row["lang"], actions=tuple(row["actions"]),
        when=When.from_dict(row["when_spec"]), next_run=row["next_run"], source=row["source"],
        principal=row["principal"], conversation_id=row["conversation_id"], confirmed=bool(row["confirmed"]),
        confirmed_by=row["confirmed_by"], status=row["status"], runs=int(row["runs"]), created=row["created"],
        last_run=row["last_run"], last_outcome=row["last_outcome"], last_error=row["last_error"],
    )


class ScheduleStore:
    """Scheduled commands in the hub's database (the `ScheduleBook` of the command service).

    Args:
        engine: The store's running engine (`Store.engine`), looked up per call.
    """

    def __init__(self, engine: Callable[[], AsyncEngine]) -> None:
        self._engine = engine
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` after a job is added or cancelled here (the runner wakes up)."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    async def _run(self, action: str, statement: Any, params: Any = None) -> Any:
        try:
            async with self._engine().begin() as conn:
                return await conn.execute(statement, params) if params is not None else \
                    await conn.execute(statement)
        except SQLAlchemyError as err:
            raise StoreError(f"{action}: {err.__class__.__name__}: {err}") from None

    async def _rows(self, query: Any) -> list[ScheduledJob]:
        try:
            async with self._engine().connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        except SQLAlchemyError as err:
            raise StoreError(f"reading the schedule: {err.__class__.__name__}: {err}") from None
        return [_job(r) for r in rows]

    # -- the book -------------------------------------------------------------------------------

    async def add(self, job: NewJob) -> int:
        """Keep a new pending job; returns its id."""
        row = {
            "created": datetime.now(UTC), "text": job.text, "lang": job.lang,
            "actions": [dict(a) for a in job.actions],
            "when_spec": job.when.as_dict(), "next_run": job.when.first, "source": job.source,
            "principal": job.principal, "conversation_id": job.conversation_id, "confirmed": job.confirmed,
            "confirmed_by": job.confirmed_by, "status": "pending", "runs": 0,
        }
        statement = schedule.insert().returning(schedule.c.id)
        result = await self._run("adding a scheduled command", statement, row)
        job_id = int(result.scalar_one())
        self._changed()
        return job_id

    async def get(self, job_id: int) -> ScheduledJob | None:
        rows = await self._rows(select(schedule).where(schedule.c.id == job_id))
        return rows[0] if rows else None

    async def open_jobs(self) -> list[ScheduledJob]:
        """Pending and running jobs, the next due first."""
        return await self._rows(select(schedule).where(schedule.c.status.in_(OPEN))
                                .order_by(schedule.c.next_run, schedule.c.id))

    async def jobs(self, limit: int = 200) -> list[ScheduledJob]:
        """Every job, newest first (open and finished)."""
        return await self._rows(select(schedule).order_by(schedule.c.id.desc()).limit(limit))

    async def cancel(self, job_id: int) -> bool:
        """Cancel a pending job; False when it is unknown or no longer pending."""
        statement = update(schedule).where(schedule.c.id == job_id, schedule.c.status == "pending") \
            .values(status="cancelled", next_run=None)
        result = await self._run("cancelling a scheduled command", statement)
        if result.rowcount == 1:
            self._changed()
            return True
        return False

    # -- the runner's side ---------------------------------------------------------------------

    async def next_due(self) -> datetime | None:
        """The earliest `next_run` of a pending job."""
        query = select(func.min(schedule.c.next_run)).where(schedule.c.status == "pending")
        try:
            async with self._engine().connect() as conn:
                value = (await conn.execute(query)).scalar_one()
        except SQLAlchemyError as err:
            raise StoreError(f"reading the schedule: {err.__class__.__name__}: {err}") from None
        if value is None:
            return None
        return _utc(value if isinstance(value, datetime) else datetime.fromisoformat(str(value)))

    async def due(self, moment: datetime, limit: int = 100) -> list[ScheduledJob]:
        """Pending jobs whose `next_run` is at or before `moment`, the oldest first."""
        return await self._rows(select(schedule).where(schedule.c.status == "pending",
                                                       schedule.c.next_run <= moment)
                                .order_by(schedule.c.next_run, schedule.c.id).limit(limit))

    async def claim(self, job: ScheduledJob, next_run: datetime | None, now: datetime) -> bool:
        """Take a due job to run it: True for exactly one claimant of one due run.

        A repetition stays pending with its `next_run` moved on; a one-off becomes `running`.
        """
        values: dict[str, Any] = {"runs": schedule.c.runs + 1, "last_run": now}
        values.update({"next_run": next_run} if next_run is not None else {"status": "running"})
        return await self._compare_and_set(job, values, "claiming a scheduled command")

    async def miss(self, job: ScheduledJob, next_run: datetime | None, now: datetime) -> bool:
        """Report a run that is past its grace: a one-off becomes `missed`; a repetition moves on."""
        values: dict[str, Any] = {"last_outcome": "missed", "last_run": now,
                                  "last_error": f"due {job.next_run.isoformat() if job.next_run else '?'}, "
                                                "past the grace while the hub was down"}
        values.update({"next_run": next_run} if next_run is not None else {"status": "missed"})
        return await self._compare_and_set(job, values, "marking a scheduled command missed")

    async def _compare_and_set(self, job: ScheduledJob, values: dict[str, Any], action: str) -> bool:
        statement = update(schedule).where(
            schedule.c.id == job.id, schedule.c.next_run == job.next_run, schedule.c.status == "pending",
        ).values(**values)
        result = await self._run(action, statement)
        return bool(result.rowcount == 1)

    async def finish(self, job_id: int, outcome: str, error: str | None, *, once: bool) -> None:
        """Record what came of a run; a one-off is then `done` (or `failed`)."""
        values: dict[str, Any] = {"last_outcome": outcome, "last_error": error}
        if once:
            values["status"] = "done" if outcome == "executed" else "failed"
            values["next_run"] = None
        statement = update(schedule).where(schedule.c.id == job_id)
        if once:
            statement = statement.where(schedule.c.status == "running")
        await self._run("recording a scheduled run", statement.values(**values))

    async def interrupted(self, before: datetime) -> int:
        """Mark `failed` the one-offs left `running` since before `before` (a hub stopped mid-run):
        never run again, since whether they were sent is unknown."""
        statement = update(schedule).where(schedule.c.status == "running", schedule.c.last_run < before) \
            .values(status="failed", next_run=None,
                    last_error="interrupted: the hub stopped while running it")
        result = await self._run("marking interrupted runs", statement)
        return int(result.rowcount)

    async def delete_all(self, statuses: Sequence[str] = ("done", "missed", "cancelled", "failed")) -> int:
        """Forget finished jobs (not used by the runner; for tidying)."""
        result = await self._run("forgetting finished jobs",
                                 schedule.delete().where(schedule.c.status.in_(list(statuses))))
        return int(result.rowcount)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


__all__ = ["ScheduleStore"]
