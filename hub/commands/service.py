"""The command service: the one path from a sentence or a service call to MQTT.

    text → clean → parse → plan (resolve, encode once) → allow-list → confirmation policy
         → command log → publish → `CommandResult`

Every interface calls `run_text`, `call_service` or `confirm` and only serialises the result.
The rules that keep doors shut live here, once:

- A sensitive action (unlock, open a garage door, disarm) waits for a confirmation unless
  `confirm: never` or the requester is in `confirm_exempt`. The confirmation is bound to the
  requester that asked, expires after `confirm_ttl`, and re-checks that its targets still exist.
- An interface that cannot give a confirmation (Hermes, an MQTT client that gave no reply name)
  has sensitive actions refused, never left pending.
- The command log row is written before anything is published; when it cannot be written the
  command is not sent. A sensitive command waits at most `sensitive_expiry` seconds for the broker.
- A sentence with a time ("… at 9:30 pm", "十分钟后…") is understood without its time words and,
  where it would have run, is kept in the schedule instead (`scheduled`); a sensitive one is asked
  to be confirmed first and kept confirmed. The runner (`hub.schedule`) later hands its stored
  actions to `run_scheduled`, which re-checks them against the home as it is then.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol

from hub.allowlist import refusal_message, refused_targets
from hub.commands.compound import merge, split_compound
from hub.commands.confirmations import Confirmations, Policy, cannot_confirm, confirm_question, is_yes
from hub.commands.conversation import Conversations, plan_in, remember
from hub.commands.plan import encode_actions
from hub.commands.result import CommandResult, Outcome, Requester
from hub.commands.schedules import ScheduleBook
from hub.commands.scheduling import Scheduling, prepare_run, with_time
from hub.commands.validate import InvalidText, check_service_data, check_storable, clean_text
from hub.devices import needs_confirm
from hub.domain import Action, Message, Parse, State
from hub.errors import CodecError, HubError, ModelNotReadyError, UnknownEntityError
from hub.registry import Snapshot
from hub.text.when import When

_LOGGER = logging.getLogger(__name__)


class Publisher(Protocol):
    """Where messages go (the MQTT client)."""

    @property
    def connected(self) -> bool: ...

    def publish_nowait(self, message: Message) -> None: ...


class CommandLog(Protocol):
    """The command log (the store)."""

    def log_command(self, source: str, text: str, lang: str, parse: Mapping[str, Any],
                    actions: Sequence[Mapping[str, Any]], outcome: str,
                    error: str | None = None) -> Awaitable[int]: ...


class CommandService:
    """Owner of the command path (see the module doc).

    Args:
        parse: The NLU (`Assistant.parse`); raises `ModelNotReadyError` while there is no model.
        snapshot: The registry's entities now.
        read_states: Current states.
        log: The command log.
        publisher: The MQTT client (None until connected once).
        policy: The confirmation policy.
        language: The default language for text without one.
        counters: Where outcomes are counted (`text_<outcome>`), shared with `/metrics`.
        schedules: Where commands with a time are kept; None: times are not read (as before).
        zone: The hub's time zone (default the machine's).
        clock: The current moment, timezone-aware (tests pass their own).
    """

    def __init__(
        self,
        parse: Callable[[str, str], Awaitable[Parse]],
        snapshot: Callable[[], Snapshot],
        read_states: Callable[[], Awaitable[Mapping[str, State]]],
        log: CommandLog,
        publisher: Callable[[], Publisher | None],
        policy: Policy,
        language: str = "auto",
        counters: dict[str, int] | None = None,
        schedules: ScheduleBook | None = None,
        zone: tzinfo | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._parse = parse
        self._snapshot = snapshot
        self._read_states = read_states
        self._log = log
        self._publisher = publisher
        self.policy = policy
        self.language = language
        self.counters: dict[str, int] = counters if counters is not None else {}
        self.confirmations = Confirmations(ttl=policy.ttl)
        self.conversations = Conversations()
        self._background: set[asyncio.Task[Any]] = set()
        self.scheduling = Scheduling(schedules, zone or datetime.now(UTC).astimezone().tzinfo or UTC, clock,
                                     snapshot=self._snapshot)
        """Time in commands: finds it, keeps scheduled commands, lists and cancels them."""

    # -- entry points ------------------------------------------------------------------------
    async def parse(self, text: str, lang: str | None = None) -> Parse:
        """Understand `text` only (Hermes and Wyoming answer with the parse before acting).

        Raises:
            ModelNotReadyError: No language model yet.
        """
        return await self._parse(text, lang or self.language)

    async def run_text(self, text: str, lang: str | None, requester: Requester, *, execute: bool = True,
                       allow: Collection[str] = (), confirmable: bool = True) -> CommandResult:
        """Understand `text` and, with `execute`, carry it out.

        Args:
            text: The sentence.
            lang: `auto`, `en`, `zh`, or None for the configured language.
            requester: Who asks (confirmations are bound to it).
            execute: False plans only (`dry_run`).
            allow: Domains or entity ids the command may act on; empty allows all.
            confirmable: False where the interface cannot give a confirmation: sensitive actions
                are then refused instead of left pending.
        """
        lang = lang or self.language
        try:
            cleaned = clean_text(text)
        except InvalidText as err:
            return self._count(CommandResult.invalid(str(err), None, lang))
        if requester.conversation_id and is_yes(cleaned):
            pending = self.confirmations.latest_in(requester.conversation_id, requester.key)
            if pending is not None:
                return await self.confirm(pending, requester)
        managed = await self.scheduling.manage(cleaned, lang, execute=execute)
        if managed is not None:
            self._log_later(requester, managed, {"intent": "schedule"})
            return self._count(managed)
        found = self.scheduling.find(cleaned, lang)
        when = found.when if found is not None and found.rest else None
        heard = found.rest if found is not None and when is not None else cleaned
        try:
            parse = await self._parse(heard, lang)
            parts = split_compound(heard)
            part_parses = [await self._parse(p, lang) for p in parts] if len(parts) > 1 else []
        except ModelNotReadyError as err:
            result = CommandResult(text=text, lang=lang, outcome=Outcome.NOT_READY, error=str(err))
            self._log_later(requester, result, {})
            return self._count(result)
        if part_parses and all(p.intent != "none" for p in part_parses):
            states = await self._read_states()
            planned = merge(heard, [self._plan(p, requester, states) for p in part_parses])
            return await self._finish(planned, parse, requester, execute=execute, allow=allow,
                                      confirmable=confirmable, when=when, said=cleaned)
        return await self.run_parsed(parse, requester, execute=execute, allow=allow, confirmable=confirmable,
                                     when=when, said=cleaned)

    async def run_parsed(self, parse: Parse, requester: Requester, *, execute: bool = True,
                         allow: Collection[str] = (), confirmable: bool = True, when: When | None = None,
                         said: str | None = None) -> CommandResult:
        """`run_text` for a sentence already parsed (Hermes answers with the parse first).

        Args:
            when: The time the sentence said (its words are not in `parse`): schedule, don't run.
            said: The whole sentence, time words included (with `when`).
        """
        planned = self._plan(parse, requester, await self._read_states())
        return await self._finish(planned, parse, requester, execute=execute, allow=allow,
                                  confirmable=confirmable, when=when, said=said)

    def _plan(self, parse: Parse, requester: Requester, states: Mapping[str, State]) -> CommandResult:
        return plan_in(self.conversations, requester.conversation_id, parse, self._snapshot(), states,
                       requester.area)

    async def _finish(self, planned: CommandResult, parse: Parse, requester: Requester, *, execute: bool,
                      allow: Collection[str], confirmable: bool, when: When | None = None,
                      said: str | None = None) -> CommandResult:
        result = await self._decide(planned, requester, execute=execute, allow=allow, confirmable=confirmable,
                                    when=when, said=said)
        if when is not None:
            result = with_time(result, said or result.text or "", when)
        if result.outcome is not Outcome.EXECUTED:  # an executed command was logged before it was sent
            self._log_later(requester, result, _parse_record(parse))
        remember(self.conversations, requester.conversation_id, parse, result, self._snapshot())
        return self._count(result)

    async def call_service(self, domain: str, service: str, data: Mapping[str, Any],
                           requester: Requester) -> CommandResult:
        """A Home Assistant service call: `data` holds `entity_id` (a string or a list) and the arguments.

        Raises:
            UnknownEntityError: An entity id the hub does not provide.
            CodecError: A service or value the entity cannot take; nothing was logged or published.
        """
        data = dict(data)
        ids = data.pop("entity_id", None)
        if isinstance(ids, str):
            ids = [i.strip() for i in ids.split(",") if i.strip()]
        if not ids or not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise CodecError("entity_id is required (a string or a list of strings)")
        name = f"{domain}.{service}"
        check_storable(data)  # before anything reads it: a value the log cannot hold is refused
        snapshot = self._snapshot()
        targets = []
        for entity_id in ids:
            entity = snapshot.get(entity_id)
            if entity is None:
                raise UnknownEntityError(f"unknown entity {entity_id}")
            targets.append(entity)
        sensitive = any(needs_confirm(name, entity.device_class) for entity in targets)
        action = Action(name, tuple(ids), data, confirm=sensitive)
        messages = encode_actions((action,), snapshot, await self._read_states())  # CodecError: refused
        check_service_data(name, data)  # after the codec, whose entity-specific range names come first
        planned = CommandResult(text=name, lang="", outcome=Outcome.DRY_RUN, actions=(action,),
                                mqtt=messages)
        # Logged as source `service` (the command log's name for service calls since the start).
        result = await self._decide(planned, replace(requester, source="service"), execute=True, allow=(),
                                    confirmable=True, bound_to=requester)
        if result.outcome is not Outcome.EXECUTED:
            self._log_later(replace(requester, source="service"), result, {})
        return result

    async def confirm(self, confirm_id: str, requester: Requester) -> CommandResult:
        """Carry out the sensitive command `confirm_id` that this requester asked for."""
        pending = self.confirmations.take(confirm_id, requester.key)
        if pending is None:
            return self._count(CommandResult.invalid(
                f"no pending command {confirm_id!r} (expired, unknown or asked by someone else)",
                outcome=Outcome.REJECTED))
        snapshot = self._snapshot()
        gone = [i for a in pending.actions for i in a.entity_ids if snapshot.get(i) is None]
        base = CommandResult(text=pending.text, lang=pending.lang, outcome=Outcome.REJECTED,
                             actions=pending.actions, confirm_id=confirm_id)
        if gone:
            return self._count(replace(base, actions=(), error=f"{', '.join(gone)} no longer exists"))
        try:
            messages = encode_actions(pending.actions, snapshot, await self._read_states())
        except (CodecError, KeyError) as err:
            return self._count(replace(base, actions=(), error=f"cannot carry it out now: {err}"))
        if pending.when is not None:  # a command in time: kept, confirmed, to run without asking again
            when = self.scheduling.restarted(pending.when)
            kept = await self.scheduling.keep(base, when, requester, pending.text or "",
                                              confirmed_by=requester.key)
            self._log_later(replace(requester, source="confirm"), kept, {})
            return self._count(kept)
        done = await self._execute(replace(base, mqtt=messages), requester, source="confirm")
        return self._count(done)

    async def run_scheduled(self, actions: Sequence[Mapping[str, Any]], requester: Requester, *, text: str,
                            lang: str, confirmed: bool) -> CommandResult:
        """Carry out a scheduled command's stored actions now (the runner calls this): checked and
        encoded against the home as it is now (`scheduling.prepare_run`), then logged and published.

        Args:
            actions: The stored `Action.as_dict()` list.
            requester: Who asked for it (a sensitive action needs their confirmation on record).
            text: What was said.
            lang: Its language.
            confirmed: A sensitive action was confirmed when it was asked for.
        """
        sensitive_ok = confirmed or not self.policy.needs_confirmation(requester)
        ready = prepare_run(actions, self._snapshot(), await self._read_states(), text, lang, sensitive_ok)
        if ready.outcome is not Outcome.DRY_RUN:
            return self._count(ready)
        return self._count(await self._execute(ready, requester, source="schedule"))

    # -- the steps -----------------------------------------------------------------------------
    async def _decide(self, planned: CommandResult, requester: Requester, *, execute: bool,
                      allow: Collection[str], confirmable: bool,
                      bound_to: Requester | None = None, when: When | None = None,
                      said: str | None = None) -> CommandResult:
        """Refuse, hold for a confirmation (bound to `bound_to`, default the requester), schedule (with
        `when`), or execute."""
        bound_to = bound_to or requester
        if planned.outcome is not Outcome.DRY_RUN:
            return planned  # a question or a refusal: nothing to carry out
        refused = refused_targets([a.as_dict() for a in planned.actions], allow)
        if refused:
            return replace(planned, outcome=Outcome.REFUSED, actions=(), mqtt=(), query=None, answer=None,
                           error=refusal_message(refused, allow))
        if not execute:
            return planned
        sensitive = any(a.confirm for a in planned.actions)
        if sensitive and self.policy.needs_confirmation(bound_to):
            lang = planned.lang or "en"
            if not confirmable:
                return replace(planned, outcome=Outcome.REFUSED, mqtt=(), answer=None,
                               error=cannot_confirm(planned, lang, requester.source))
            confirm_id = self.confirmations.add(bound_to.key, planned.actions, text=said or planned.text,
                                                lang=planned.lang, conversation_id=bound_to.conversation_id,
                                                when=when)
            return replace(planned, outcome=Outcome.NEEDS_CONFIRMATION, confirm_id=confirm_id,
                           answer=confirm_question(planned, lang))
        if when is not None:
            return await self.scheduling.keep(planned, when, requester, said or planned.text or "")
        return await self._execute(planned, requester, source=requester.source)

    async def _execute(self, result: CommandResult, requester: Requester, *, source: str) -> CommandResult:
        """Log, then publish. Not logged: not sent. Sensitive and no broker: not sent either."""
        publisher = self._publisher()
        sensitive = any(a.confirm for a in result.actions)
        if sensitive and not await self._wait_connected(publisher):
            return replace(result, outcome=Outcome.FAILED, mqtt=(), answer=None,
                           error=f"the broker is unavailable; the sensitive command was not sent "
                                 f"(waited {self.policy.sensitive_expiry:g} s)")
        executed = replace(result, outcome=Outcome.EXECUTED)
        try:
            await self._log.log_command(
                source=source, text=result.text or "", lang=result.lang or "",
                parse=_parse_record_of(result), actions=[a.as_dict() for a in result.actions],
                outcome=Outcome.EXECUTED.value, error=None,
            )
        except HubError as err:
            _LOGGER.error("command not sent: the command log failed: %s", err)
            return replace(result, outcome=Outcome.FAILED, mqtt=(), answer=None,
                           error="the command log cannot be written (is the disk full?); nothing was sent")
        if publisher is None:
            return replace(result, outcome=Outcome.FAILED, mqtt=(), answer=None, error="MQTT is not started")
        for message in executed.mqtt:
            publisher.publish_nowait(message)
        self.counters["commands"] = self.counters.get("commands", 0) + 1
        return executed

    async def _wait_connected(self, publisher: Publisher | None) -> bool:
        deadline = time.monotonic() + self.policy.sensitive_expiry
        while publisher is None or not publisher.connected:
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.1)
            publisher = self._publisher()
        return True

    def _log_later(self, requester: Requester, result: CommandResult, parse: Mapping[str, Any]) -> None:
        """A command-log row for a command that published nothing, off the latency path."""

        async def write() -> None:
            try:
                await self._log.log_command(
                    source=requester.source, text=result.text or "", lang=result.lang or "", parse=parse,
                    actions=[a.as_dict() for a in result.actions], outcome=result.outcome.value,
                    error=result.error,
                )
            except HubError as err:
                _LOGGER.warning("command log write failed: %s", err)

        task = asyncio.create_task(write(), name="log-command")
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for background log writes (the hub's stop)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    def _count(self, result: CommandResult) -> CommandResult:
        key = f"text_{result.outcome.value}"
        self.counters[key] = self.counters.get(key, 0) + 1
        return result


def _parse_record(parse: Parse) -> dict[str, Any]:
    return {"intent": parse.intent, "confidence": parse.confidence, "slots": parse.slot_texts()}


def _parse_record_of(result: CommandResult) -> dict[str, Any]:
    if result.intent is None:
        return {}
    return {"intent": result.intent, "confidence": result.confidence, "slots": dict(result.slots)}


__all__ = ["CommandLog", "CommandService", "Publisher"]
