"""Commands in time, the I/O side: the runner that carries out scheduled commands when they are due.

The sentence side is pure (`hub.text.when`, `hub.commands.schedules`, `hub.commands.scheduling`);
the table is `hub.store.schedule`.
"""

from hub.schedule.runner import ScheduleRunner

__all__ = ["ScheduleRunner"]
