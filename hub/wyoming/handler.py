"""One Wyoming connection: `describe`, `transcript` and `recognize`, with bounded reads.

What Home Assistant's wyoming conversation agent does per sentence: connect, send a `transcript`
(text, language, `context.conversation_id`), read events until one of `handled`, `not-handled`,
`intent` (or `intents-start` … `intents-stop`), `not-recognized` or `error`, disconnect.

The library's reader trusts the peer (a header line up to the stream limit, any `data_length`);
this handler reads frames itself so a bad client costs an `error` event, never memory or the
server: a line that is not a JSON event is answered and skipped; a frame too large to skip safely
is answered and the connection closed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

from wyoming.asr import Transcript
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe
from wyoming.intent import Entity, Intent, IntentsStart, IntentsStop, NotRecognized, Recognize
from wyoming.ping import Ping, Pong
from wyoming.server import AsyncEventHandler

from hub.commands import MAX_TEXT, Outcome
from hub.errors import HubError, ModelNotReadyError
from hub.wyoming.commands import CommandRunner, Recognizer
from hub.wyoming.info import hub_info, wyoming_language
from hub.wyoming.intents import recognize

_LOGGER = logging.getLogger(__name__)

MAX_LINE = 8 * 1024
"""Longest event header line, bytes."""
MAX_DATA = 64 * 1024
"""Longest `data` section, bytes."""
MAX_PAYLOAD = 64 * 1024
"""Longest binary payload, bytes (the hub takes no audio; a payload is read and dropped)."""
IDLE_TIMEOUT = 120.0
"""Seconds a connection may sit without sending an event."""
HANDLED = frozenset({Outcome.EXECUTED, Outcome.ANSWERED, Outcome.NEEDS_CONFIRMATION, Outcome.SCHEDULED,
                     Outcome.CANCELLED})
"""Outcomes answered `handled`: done, a question answered, a sensitive action that waits for
a confirmation (nothing carried out; the answer asks for it), a command kept to run later, or
scheduled commands cancelled (HA must not fall back and run a timed command now)."""


class FrameError(HubError):
    """A frame the handler cannot use; `fatal` when the stream cannot be resynchronised."""

    def __init__(self, message: str, code: str, *, fatal: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.fatal = fatal


async def read_frame(reader: asyncio.StreamReader) -> Event | None:
    """Read one event within the limits; None at a clean end of stream.

    Raises:
        FrameError: Not a JSON event (skipped), or too large (fatal).
    """
    while True:
        try:
            line = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as err:
            if err.partial.strip():
                raise FrameError("the stream ended inside an event", "incomplete", fatal=True) from None
            return None
        except asyncio.LimitOverrunError:
            raise FrameError(f"event header longer than {MAX_LINE} bytes", "too-large", fatal=True) from None
        if line.strip():
            break
    if len(line) > MAX_LINE:
        raise FrameError(f"event header longer than {MAX_LINE} bytes", "too-large")
    try:
        header = json.loads(line)
    except ValueError:
        raise FrameError("not a Wyoming event (one JSON object per line)", "invalid") from None
    if not isinstance(header, dict) or not isinstance(header.get("type"), str):
        raise FrameError("an event is a JSON object with a string \"type\"", "invalid")
    data_length = _length(header, "data_length", MAX_DATA)
    payload_length = _length(header, "payload_length", MAX_PAYLOAD)
    data = header.get("data") or {}
    if not isinstance(data, dict):
        data = {}
    if data_length:
        raw = await reader.readexactly(data_length)
        if payload_length:
            await reader.readexactly(payload_length)
        try:
            extra = json.loads(raw)
        except ValueError:
            raise FrameError("the event's data is not JSON", "invalid") from None
        if not isinstance(extra, dict):
            raise FrameError("the event's data is not a JSON object", "invalid")
        data.update(extra)
    elif payload_length:
        await reader.readexactly(payload_length)
    return Event(type=header["type"], data=data)


def _length(header: Mapping[str, Any], name: str, limit: int) -> int:
    value = header.get(name)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FrameError(f"{name} must be a non-negative integer", "invalid", fatal=True)
    if value > limit:
        raise FrameError(f"{name} {value} is over the limit of {limit} bytes", "too-large", fatal=True)
    return value


class HubEventHandler(AsyncEventHandler):
    """Answers one client's events.

    Args:
        reader: The connection's reader.
        writer: The connection's writer.
        commands: Carries sentences out (`transcript`).
        recognizer: Parses sentences (`recognize`).
        busy: Answer an `error` and close at once (too many connections).
    """

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        commands: CommandRunner,
        recognizer: Recognizer,
        *,
        busy: bool = False,
    ) -> None:
        super().__init__(reader, writer)
        self.commands = commands
        self.recognizer = recognizer
        self.busy = busy

    async def run(self) -> None:
        """Read and answer events until the client leaves, idles out or sends a fatal frame."""
        try:
            if self.busy:
                await self.write_event(Error("busy: too many Wyoming connections", "busy").event())
                return
            while True:
                try:
                    event = await asyncio.wait_for(read_frame(self.reader), IDLE_TIMEOUT)
                except FrameError as err:
                    _LOGGER.info("wyoming: bad frame from %s: %s", self._peer(), err)
                    await self.write_event(Error(str(err), err.code).event())
                    if err.fatal:
                        break
                    continue
                if event is None:
                    break
                try:
                    if not await self.handle_event(event):
                        break
                except (ConnectionError, OSError):
                    raise
                except Exception as err:  # a bug in one answer must not end the service
                    _LOGGER.exception("wyoming: %s event failed", event.type)
                    await self.write_event(Error(f"internal error: {err}", "internal").event())
        except (TimeoutError, asyncio.IncompleteReadError):
            pass
        except (ConnectionError, OSError) as err:  # the client went away mid-request
            _LOGGER.info("wyoming: %s left: %s", self._peer(), err)
        finally:
            self.writer.close()

    async def handle_event(self, event: Event) -> bool:
        """Answer one event; False ends the connection."""
        if Describe.is_type(event.type):
            await self.write_event(hub_info().event())
        elif Transcript.is_type(event.type):
            await self._transcript(event.data)
        elif Recognize.is_type(event.type):
            await self._recognize(event.data)
        elif Ping.is_type(event.type):
            await self.write_event(Pong(text=event.data.get("text")).event())
        else:
            await self.write_event(Error(f"unsupported event type {event.type!r}", "unsupported").event())
        return True

    async def _transcript(self, data: Mapping[str, Any]) -> None:
        text, context, error = _text_and_context(data)
        if error:
            await self.write_event(Error(error, "invalid").event())
            return
        lang = wyoming_language(data.get("language") if isinstance(data.get("language"), str) else None)
        zh = lang == "zh"
        if not text:
            reason = "没有听到指令。" if zh else "No command text."
            await self.write_event(NotHandled(reason, context).event())
            return
        if len(text) > MAX_TEXT:
            reason = f"command too long: {len(text)} characters (limit {MAX_TEXT})"
            await self.write_event(NotHandled(reason, context).event())
            return
        conversation_id = context.get("conversation_id") if context else None
        try:
            result = await self.commands.run(
                text, lang, source="wyoming",
                conversation_id=None if conversation_id is None else str(conversation_id),
            )
        except Exception as err:  # one broken command must not end the service
            _LOGGER.exception("wyoming: command %r failed", text)
            await self.write_event(Error(f"internal error: {err}", "internal").event())
            return
        await self.write_event(answer_event(result, context))

    async def _recognize(self, data: Mapping[str, Any]) -> None:
        text, context, error = _text_and_context(data)
        if error:
            await self.write_event(Error(error, "invalid").event())
            return
        if not text or len(text) > MAX_TEXT:
            reason = "no command text" if not text else f"command too long (limit {MAX_TEXT})"
            await self.write_event(NotRecognized(reason, context).event())
            return
        language = data.get("language") or (context or {}).get("language")
        try:
            parses = await self.recognizer.parse(text, wyoming_language(language if isinstance(language, str)
                                                                        else None))
        except ModelNotReadyError as err:
            await self.write_event(NotRecognized(str(err), context).event())
            return
        found = recognize(parses)
        if not found.intents:
            await self.write_event(NotRecognized(found.reason, context).event())
            return
        events = [Intent(i.name, [Entity(k, v) for k, v in i.slots.items()], context=context).event()
                  for i in found.intents]
        if len(events) > 1:
            events = [IntentsStart(context).event(), *events, IntentsStop(context).event()]
        for event in events:
            await self.write_event(event)

    def _peer(self) -> str:
        peer = self.writer.get_extra_info("peername")
        return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) and len(peer) >= 2 else "a client"


def answer_event(result: Mapping[str, Any], context: dict[str, Any] | None) -> Event:
    """`handled` with the answer, or `not-handled` with the reason, for a command result."""
    outcome = result.get("outcome")
    zh = result.get("lang") == "zh"
    answer = result.get("answer")
    if outcome in HANDLED:
        return Handled(str(answer) if answer else ("好的。" if zh else "Done."), context).event()
    fallback = f"没有执行（{outcome}）。" if zh else f"Not carried out ({outcome})."
    reason = result.get("error") or answer or fallback
    return NotHandled(str(reason), context).event()


def _text_and_context(data: Mapping[str, Any]) -> tuple[str, dict[str, Any] | None, str | None]:
    """(stripped text, context, error): the fields every request shares, checked."""
    text = data.get("text")
    if not isinstance(text, str):
        return "", None, 'the event needs "text" (a string)'
    context = data.get("context")
    if context is not None and not isinstance(context, dict):
        return "", None, '"context" must be an object'
    return text.strip(), context, None


__all__ = ["HubEventHandler", "answer_event", "read_frame"]
