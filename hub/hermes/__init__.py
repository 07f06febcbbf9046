"""The Rhasspy/Snips Hermes NLU protocol: the hub as the NLU service.

`hermes/nlu/query` in; `hermes/nlu/intentParsed` then `hermes/intent/<intentName>` out, or
`hermes/nlu/intentNotRecognized` (intent `none`, filtered out, or no model yet). A query that
cannot be decoded gets `hermes/error/nlu`. Keys are camelCase (rhasspy-hermes 0.6.2); decoders
accept Snips' variants (optional keys left out, `probability`, slots without `entity`/`range`).

Intent names are the hub's own (`turn_on`, `set_brightness`, …); slot names too (`area`,
`name`, `brightness`, …). With `execute`, a recognised query is also carried out through
`Hub.handle_text` (source `hermes`, confirmations and `command_allow` apply) and, inside a
dialogue session, the hub's answer ends the session on `hermes/dialogueManager/endSession`.
"""

from hub.hermes.messages import (
    END_SESSION_TOPIC,
    ERROR_TOPIC,
    INTENT_PARSED_TOPIC,
    NOT_RECOGNIZED_TOPIC,
    QUERY_TOPIC,
    HermesPayloadError,
    HermesSlot,
    NluError,
    NluIntent,
    NluIntentNotRecognized,
    NluQuery,
    SlotRange,
    answer,
    hermes_slots,
    intent_topic,
    messages_for,
    slot_value,
)
from hub.hermes.service import Hermes

__all__ = [
    "END_SESSION_TOPIC",
    "ERROR_TOPIC",
    "INTENT_PARSED_TOPIC",
    "NOT_RECOGNIZED_TOPIC",
    "QUERY_TOPIC",
    "Hermes",
    "HermesPayloadError",
    "HermesSlot",
    "NluError",
    "NluIntent",
    "NluIntentNotRecognized",
    "NluQuery",
    "SlotRange",
    "answer",
    "hermes_slots",
    "intent_topic",
    "messages_for",
    "slot_value",
]
