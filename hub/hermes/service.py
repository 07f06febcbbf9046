"""The Hermes NLU service: answers `hermes/nlu/query` on the hub's MQTT connection."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Sequence

from hub.commands import CommandService, Requester
from hub.domain import Message, Parse
from hub.errors import HubError, ModelNotReadyError
from hub.hermes.messages import (
    END_SESSION_TOPIC,
    ERROR_TOPIC,
    QUERY_TOPIC,
    HermesPayloadError,
    NluError,
    NluIntent,
    NluQuery,
    answer,
    hub_lang,
    messages_for,
    payload_json,
)
from hub.mqtt import MqttClient, Received
from hub.textcmd import MAX_INFLIGHT
from hub.topicservice import TopicService

_LOGGER = logging.getLogger(__name__)


class Hermes(TopicService):
    """The Hermes NLU service.

    Args:
        commands: The command service (it parses, and with `execute` carries out).
        mqtt: The hub's MQTT client (started).
        language: The language of a query that names none Hermes knows.
        allow: `command_allow`: what Hermes may act on (empty: everything).
        execute: Also carry out recognised commands (off: NLU only, nothing is published to devices).
    """

    def __init__(self, commands: CommandService, mqtt: MqttClient, *, language: str = "auto",
                 allow: Collection[str] = (), execute: bool = False) -> None:
        super().__init__(mqtt)
        self.commands = commands
        self.language = language
        self.allow = allow
        self.execute = execute

    @property
    def topic(self) -> str:
        return QUERY_TOPIC

    def _on_messages(self, batch: Sequence[Received]) -> None:
        if not self._running:
            return
        for message in batch:
            if message.topic != QUERY_TOPIC or message.retain:
                continue  # a retained query would be answered (and run) again on every restart
            if len(self._tasks) >= MAX_INFLIGHT:
                self._publish([Message(ERROR_TOPIC, NluError("busy: too many queries at once").to_payload(),
                                       qos=1)])
                continue
            task = asyncio.create_task(self._handle(message.payload), name="hermes-query")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _handle(self, payload: bytes) -> None:
        try:
            query = NluQuery.from_payload(payload)
        except HermesPayloadError as err:
            _LOGGER.info("bad Hermes query: %s", err)
            context = payload[:200].decode("utf-8", "replace")
            self._publish([Message(ERROR_TOPIC, NluError(str(err), context=context).to_payload(), qos=1)])
            return
        try:
            await self._answer(query)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # one broken query must not stop the service
            _LOGGER.exception("Hermes query %r failed", query.input)
            error = NluError(f"internal error: {err}", query.site_id, query.input, query.session_id)
            self._publish([Message(ERROR_TOPIC, error.to_payload(), qos=1)])

    async def _answer(self, query: NluQuery) -> None:
        lang = hub_lang(query.lang)
        parse: Parse | None
        # A time ("… in ten minutes") is taken out first, as on every interface: the rest is parsed,
        # and with `execute` the command is scheduled rather than carried out now.
        found = self.commands.scheduling.find(query.input, lang or self.language)
        when = found.when if found is not None and found.rest else None
        heard = found.rest if found is not None and when is not None else query.input
        try:
            parse = await self.commands.parse(heard, lang or self.language)
        except ModelNotReadyError as err:
            _LOGGER.warning("Hermes query not understood: %s", err)
            parse = None
        result = answer(query, parse)
        self._publish(messages_for(result))
        if self.execute and parse is not None and isinstance(result, NluIntent):
            # Hermes has no way to confirm: sensitive actions are refused, never left pending.
            requester = Requester("hermes", query.site_id or "", query.session_id)
            outcome = await self.commands.run_parsed(parse, requester, allow=self.allow, confirmable=False,
                                                     when=when, said=query.input)
            text = outcome.answer or outcome.error
            if query.session_id and isinstance(text, str):
                end = {"sessionId": query.session_id, "text": text}
                self._publish([Message(END_SESSION_TOPIC, payload_json(end), qos=1)])

    def _publish(self, messages: Sequence[Message]) -> None:
        try:
            for message in messages:
                self.mqtt.publish_nowait(message)
        except HubError as err:
            _LOGGER.warning("could not publish a Hermes answer: %s", err)
