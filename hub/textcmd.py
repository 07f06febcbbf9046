"""MQTT text commands: `<prefix>/command` in, `<prefix>/command/result` out.

A command is plain UTF-8 text ("turn on the kitchen lights") or a JSON object
`{"text", "lang"?, "id"?, "client"?, "conversation_id"?, "area"?}`. The result is the `hub ask` object
(from the command service, source `mqtt`) plus `outcome` and the request's `id`, published with
QoS 1 and not retained. Bad input gets a result with an `error` and outcome `invalid`; nothing on
this topic can stop the hub.

Every broker client can read `<prefix>/command/result`, so a confirmation id never goes there. A
command that names its `client` gets its results on `<prefix>/command/result/<client>` instead,
confirm ids included, and may confirm with `{"confirm": "<confirm_id>", "client": "<client>"}`;
an ACL such as Mosquitto's `pattern read hub/command/result/%c` keeps that topic the client's own.
A sensitive command without a `client` is refused: nobody could confirm it safely.

`settings.command_allow` (domains such as `light`, or entity ids such as `lock.front_door`)
limits what text arriving over MQTT may act on; Hermes shares the check.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hub.commands import LANGS, MAX_TEXT, CommandService, Outcome, Requester
from hub.commands import CommandResult as Result
from hub.commands.validate import MAX_PAYLOAD, is_valid_unicode
from hub.domain import Message
from hub.errors import HubError
from hub.mqtt import MqttClient, Received
from hub.topicservice import TopicService

if TYPE_CHECKING:
    pass

_LOGGER = logging.getLogger(__name__)

MAX_INFLIGHT = 16
"""Commands handled at once; more get a `busy` error instead of piling up tasks."""
_CLIENT = re.compile(r"[A-Za-z0-9_.-]{1,64}")

RequestId = str | int | float | None


class CommandPayloadError(HubError):
    """A command payload the hub cannot use; `request_id` is echoed in the error result."""

    def __init__(self, message: str, request_id: RequestId = None) -> None:
        super().__init__(message)
        self.request_id = request_id


@dataclass(frozen=True, slots=True)
class TextCommand:
    """One request on the command topic."""

    text: str = ""
    """The sentence to carry out (empty only for a confirmation)."""
    lang: str | None = None
    """"auto", "en" or "zh"; None means the hub's configured language."""
    id: RequestId = None
    """Caller's correlation id, echoed in the result."""
    confirm: str | None = None
    """A `confirm_id` from an earlier `needs_confirmation` result for this client."""
    client: str | None = None
    """The asker's name: results go to `<result topic>/<client>`, and only it may confirm."""
    conversation_id: str | None = None
    """Follow-ups ("turn it off", "yes") in one conversation resolve against each other."""
    area: str | None = None
    """The room the request comes from (a satellite's): "here" in the text means it."""

    def __post_init__(self) -> None:
        if any("\ud800" <= ch <= "\udfff" for ch in self.text):
            raise CommandPayloadError("the text is not valid Unicode (a lone surrogate)", self.id)
        if self.client is not None and not _CLIENT.fullmatch(self.client):
            raise CommandPayloadError("client must be 1-64 letters, digits, '_', '-' or '.'", self.id)
        if self.lang is not None and self.lang not in LANGS:
            raise CommandPayloadError(f"lang must be one of {', '.join(LANGS)}, got {self.lang!r}", self.id)
        if self.confirm is None and not self.text.strip():
            raise CommandPayloadError("empty command: send some text", self.id)
        if len(self.text) > MAX_TEXT:
            raise CommandPayloadError(f"command too long: {len(self.text)} characters (limit {MAX_TEXT})",
                                      self.id)

    @classmethod
    def from_payload(cls, payload: bytes | str) -> TextCommand:
        """Decode plain text or a JSON object.

        Raises:
            CommandPayloadError: Too large, not UTF-8, empty, too long, or JSON without `text`.
        """
        if isinstance(payload, bytes):
            if len(payload) > MAX_PAYLOAD:
                raise CommandPayloadError(f"payload too large: {len(payload)} bytes (limit {MAX_PAYLOAD})")
            try:
                payload = payload.decode("utf-8")
            except UnicodeDecodeError:
                raise CommandPayloadError("payload is not valid UTF-8 text") from None
        if not payload.lstrip().startswith("{"):
            return cls(text=payload.strip())
        try:
            data = json.loads(payload)
        except ValueError as err:
            raise CommandPayloadError(f"invalid JSON: {err}") from None
        if not isinstance(data, dict):
            raise CommandPayloadError("a JSON command must be an object")
        if not is_valid_unicode(data):
            raise CommandPayloadError("the command is not valid Unicode (a lone surrogate)")
        return cls._from_object(data)

    @classmethod
    def _from_object(cls, data: Mapping[str, Any]) -> TextCommand:
        request_id = data.get("id")
        if request_id is not None and (isinstance(request_id, bool) or
                                       not isinstance(request_id, str | int | float)):
            raise CommandPayloadError("id must be a string or a number")
        text, lang, confirm = data.get("text"), data.get("lang"), data.get("confirm")
        if confirm is not None:
            if not isinstance(confirm, str) or not confirm:
                raise CommandPayloadError("confirm must be a confirm_id string", request_id)
            text = text if isinstance(text, str) else ""
        elif text is None:
            raise CommandPayloadError('JSON command without "text"', request_id)
        if not isinstance(text, str):
            raise CommandPayloadError('"text" must be a string', request_id)
        if lang is not None and not isinstance(lang, str):
            raise CommandPayloadError('"lang" must be a string', request_id)
        client, conversation, area = data.get("client"), data.get("conversation_id"), data.get("area")
        for name, value in (("client", client), ("conversation_id", conversation), ("area", area)):
            if value is not None and (not isinstance(value, str) or not 0 < len(value) <= 100):
                raise CommandPayloadError(f'"{name}" must be a string of 1 to 100 characters', request_id)
        return cls(text=text.strip(), lang=lang, id=request_id, confirm=confirm, client=client,
                   conversation_id=conversation, area=area)

    def to_payload(self) -> str:
        """The JSON form (keys left out when unset)."""
        data: dict[str, Any] = {"text": self.text}
        for key, value in (("lang", self.lang), ("id", self.id), ("confirm", self.confirm),
                           ("client", self.client), ("conversation_id", self.conversation_id),
                           ("area", self.area)):
            if value is not None:
                data[key] = value
        return json.dumps(data, ensure_ascii=False)


@dataclass(frozen=True)
class CommandResult:
    """The answer on the result topic: the `hub ask` object, `outcome` and the echoed `id`."""

    body: Mapping[str, Any]
    """The `hub ask` contract object plus `outcome` (and `confirm_id` when one is issued)."""
    id: RequestId = None

    @classmethod
    def from_payload(cls, payload: bytes | str) -> CommandResult:
        """Decode a result (for clients and tests).

        Raises:
            CommandPayloadError: Not a JSON object.
        """
        try:
            data = json.loads(payload)
        except ValueError as err:
            raise CommandPayloadError(f"invalid JSON: {err}") from None
        if not isinstance(data, dict):
            raise CommandPayloadError("a result must be a JSON object")
        request_id = data.pop("id", None)
        return cls(body=data, id=request_id)

    def to_payload(self) -> str:
        return json.dumps({**self.body, "id": self.id}, ensure_ascii=False, default=str)

    @property
    def error(self) -> str | None:
        value = self.body.get("error")
        return None if value is None else str(value)

    @property
    def outcome(self) -> str | None:
        value = self.body.get("outcome")
        return None if value is None else str(value)


def error_body(text: str | None, lang: str | None, error: str,
               outcome: Outcome = Outcome.INVALID) -> dict[str, Any]:
    """A result object that did nothing and says why."""
    return Result.invalid(error, text, lang, outcome).as_contract()


class TextCommands(TopicService):
    """The MQTT text-command service.

    Args:
        commands: The command service.
        mqtt: The hub's MQTT client (started).
        prefix: The hub's topic prefix (`hub`): commands on `<prefix>/command`.
        allow: `command_allow`: what text from MQTT may act on (empty: everything).
    """

    def __init__(self, commands: CommandService, mqtt: MqttClient, *, prefix: str,
                 allow: Collection[str] = ()) -> None:
        super().__init__(mqtt)
        self.commands = commands
        self.prefix = prefix
        self.allow = allow

    @property
    def topic(self) -> str:
        return f"{self.prefix}/command"

    @property
    def result_topic(self) -> str:
        return f"{self.prefix}/command/result"

    def _on_messages(self, batch: Sequence[Received]) -> None:
        if not self._running:
            return
        topic = self.topic
        for message in batch:
            if message.topic != topic:
                continue
            if message.retain:
                # A retained command would run again on every restart; never act on one.
                _LOGGER.warning("ignored a retained message on %s (clear it with an empty retained one)",
                                topic)
                continue
            if len(self._tasks) >= MAX_INFLIGHT:
                self._publish(CommandResult(error_body(None, None, "busy: too many commands at once",
                                                       Outcome.BUSY)))
                continue
            task = asyncio.create_task(self._handle(message.payload), name="mqtt-text-command")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _handle(self, payload: bytes) -> None:
        try:
            command = TextCommand.from_payload(payload)
        except CommandPayloadError as err:
            _LOGGER.info("bad MQTT text command: %s", err)
            self._publish(CommandResult(error_body(None, None, str(err)), err.request_id))
            return
        try:
            result = await self._run(command)
            body = result.as_contract(with_confirm_id=command.client is not None)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # one broken command must not stop the service
            _LOGGER.exception("MQTT text command %r failed", command.text)
            body = error_body(command.text, command.lang, f"internal error: {err}", Outcome.FAILED)
        self._publish(CommandResult(body, command.id), command.client)

    async def _run(self, command: TextCommand) -> Result:
        requester = Requester("mqtt", command.client or "", command.conversation_id, command.area)
        if command.confirm is not None:
            return await self.commands.confirm(command.confirm, requester)
        return await self.commands.run_text(command.text, command.lang, requester, allow=self.allow,
                                            confirmable=command.client is not None)

    def _publish(self, result: CommandResult, client: str | None = None) -> None:
        topic = self.result_topic if client is None else f"{self.result_topic}/{client}"
        try:
            self.mqtt.publish_nowait(Message(topic, result.to_payload(), qos=1, retain=False))
        except HubError as err:
            _LOGGER.warning("could not publish a command result: %s", err)


__all__ = [
    "CommandPayloadError",
    "CommandResult",
    "TextCommand",
    "TextCommands",
    "error_body",
]
