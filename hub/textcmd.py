"""MQTT text commands: `<prefix>/command` in, `<prefix>/command/result` out.

A command is plain UTF-8 text ("turn on the kitchen lights") or a JSON object
`{"text", "lang"?, "id"?}`; `{"confirm": "<confirm_id>", "id"?}` carries out a sensitive command
this topic asked to confirm. The result is the `hub ask` object (from `Hub.handle_text`, source
`mqtt`) plus `outcome` and the request's `id`, published with QoS 1 and not retained. Bad input
gets a result with an `error` and outcome `invalid`; nothing on this topic can stop the hub.

`settings.command_allow` (domains such as `light`, or entity ids such as `lock.front_door`)
limits what text arriving over MQTT may act on; Hermes shares the check (`run_text`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hub.domain import Message
from hub.errors import HubError
from hub.mqtt import Received
from hub.topicservice import TopicService

if TYPE_CHECKING:
    from hub.app import Hub

_LOGGER = logging.getLogger(__name__)

MAX_TEXT = 1000
"""Longest command text, in characters."""
MAX_PAYLOAD = 16_384
"""Longest payload read at all, in bytes (checked before decoding)."""
MAX_INFLIGHT = 16
"""Commands handled at once; more get a `busy` error instead of piling up tasks."""
LANGS = ("auto", "en", "zh")
CONFIRM_TTL = 120.0
"""Seconds a confirm id issued on this topic stays usable (the hub's own limit)."""

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
    """A `confirm_id` from an earlier `needs_confirmation` result on this topic."""

    def __post_init__(self) -> None:
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
        return cls(text=text.strip(), lang=lang, id=request_id, confirm=confirm)

    def to_payload(self) -> str:
        """The JSON form (keys left out when unset)."""
        data: dict[str, Any] = {"text": self.text}
        for key, value in (("lang", self.lang), ("id", self.id), ("confirm", self.confirm)):
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


def error_body(text: str | None, lang: str | None, error: str, outcome: str = "invalid") -> dict[str, Any]:
    """A result object that did nothing and says why."""
    return {"text": text, "lang": lang, "intent": None, "confidence": 0.0, "slots": {}, "actions": [],
            "query": None, "answer": None, "mqtt": [], "error": error, "outcome": outcome}


async def run_text(hub: Hub, text: str, lang: str | None, *, source: str) -> dict[str, Any]:
    """`Hub.handle_text` behind the allow-list (`settings.command_allow`).

    A command that would act on anything outside the list is refused (outcome `refused`,
    nothing published); otherwise the hub's one path runs it, confirmations included.

    Args:
        hub: The running hub.
        text: The sentence.
        lang: "auto", "en", "zh", or None for the configured language.
        source: Command-log source (`mqtt`, `hermes`).
    """
    return await hub.handle_text(text, lang, source=source, allow=hub.settings.command_allow)


@dataclass
class _Confirmations:
    """Confirm ids issued on the MQTT topic: only those may be confirmed through it."""

    issued: dict[str, float] = field(default_factory=dict)

    def add(self, confirm_id: str) -> None:
        self.issued[confirm_id] = time.monotonic()

    def take(self, confirm_id: str) -> bool:
        now = time.monotonic()
        for key in [k for k, t in self.issued.items() if now - t > CONFIRM_TTL]:
            del self.issued[key]
        return self.issued.pop(confirm_id, None) is not None


class TextCommands(TopicService):
    """The MQTT text-command service.

    Args:
        hub: The started hub (its MQTT client, settings and `handle_text`).
    """

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub)
        self._confirmations = _Confirmations()

    @property
    def topic(self) -> str:
        return f"{self.hub.settings.topic_prefix}/command"

    @property
    def result_topic(self) -> str:
        return f"{self.hub.settings.topic_prefix}/command/result"

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
                                                       "busy")))
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
            body = await self._run(command)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # one broken command must not stop the service
            _LOGGER.exception("MQTT text command %r failed", command.text)
            body = error_body(command.text, command.lang, f"internal error: {err}", "error")
        self._publish(CommandResult(body, command.id))

    async def _run(self, command: TextCommand) -> dict[str, Any]:
        if command.confirm is not None:
            if not self._confirmations.take(command.confirm):
                return error_body(command.text or None, command.lang,
                                  f"no pending command {command.confirm!r} from this topic "
                                  "(expired, unknown or issued elsewhere)", "rejected")
            return self.hub.confirm(command.confirm)
        body = await run_text(self.hub, command.text, command.lang, source="mqtt")
        confirm_id = body.get("confirm_id")
        if body.get("outcome") == "needs_confirmation" and isinstance(confirm_id, str):
            self._confirmations.add(confirm_id)
        return body

    def _publish(self, result: CommandResult) -> None:
        try:
            self._mqtt().publish_nowait(Message(self.result_topic, result.to_payload(), qos=1, retain=False))
        except HubError as err:
            _LOGGER.warning("could not publish a command result: %s", err)


__all__ = [
    "CommandPayloadError",
    "CommandResult",
    "TextCommand",
    "TextCommands",
    "run_text",
]
