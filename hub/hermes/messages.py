"""Hermes NLU payloads and the Parse → Hermes mapping (pure): topics, decoders and encoders.

Keys are camelCase (rhasspy-hermes 0.6.2); decoders accept Snips' variants (optional keys left out,
`probability`, slots without `entity`/`range`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.commands import MAX_TEXT
from hub.commands.validate import MAX_PAYLOAD, is_valid_unicode
from hub.domain import LANGUAGES, Message, Parse, Slot
from hub.errors import HubError

QUERY_TOPIC = "hermes/nlu/query"
INTENT_PARSED_TOPIC = "hermes/nlu/intentParsed"
NOT_RECOGNIZED_TOPIC = "hermes/nlu/intentNotRecognized"
ERROR_TOPIC = "hermes/error/nlu"
END_SESSION_TOPIC = "hermes/dialogueManager/endSession"


def intent_topic(intent_name: str) -> str:
    """`hermes/intent/<intentName>`."""
    return f"hermes/intent/{intent_name}"


class HermesPayloadError(HubError):
    """A Hermes payload that cannot be decoded."""


def _object(payload: bytes | str) -> dict[str, Any]:
    if isinstance(payload, bytes) and len(payload) > MAX_PAYLOAD:
        raise HermesPayloadError(f"payload too large: {len(payload)} bytes (limit {MAX_PAYLOAD})")
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as err:
        raise HermesPayloadError(f"invalid JSON: {err}") from None
    if not isinstance(data, dict):
        raise HermesPayloadError("a Hermes payload must be a JSON object")
    return data


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise HermesPayloadError(f"{key} must be a string")
    return value


def payload_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


@dataclass(frozen=True)
class NluQuery:
    """`hermes/nlu/query`: a sentence to understand."""

    input: str
    site_id: str = "default"
    id: str | None = None
    """Request id; echoed in the answer."""
    session_id: str | None = None
    intent_filter: tuple[str, ...] | None = None
    """Only these intents may be recognised (None: any)."""
    custom_data: Any = None
    """Opaque to the hub; echoed."""
    lang: str | None = None

    @classmethod
    def from_payload(cls, payload: bytes | str) -> NluQuery:
        """Decode H1 (explicit nulls) and Snips (keys left out; `intentFilter` as a bare string).

        Raises:
            HermesPayloadError: Not a JSON object, `input` missing, or a field of the wrong type.
        """
        data = _object(payload)
        if not is_valid_unicode(data):
            raise HermesPayloadError("the query is not valid Unicode (a lone surrogate)")
        text = data.get("input")
        if not isinstance(text, str):
            raise HermesPayloadError('"input" is required and must be a string')
        if len(text) > MAX_TEXT:
            raise HermesPayloadError(f"input too long: {len(text)} characters (limit {MAX_TEXT})")
        raw_filter = data.get("intentFilter")
        intent_filter: tuple[str, ...] | None
        if raw_filter is None:
            intent_filter = None
        elif isinstance(raw_filter, str):
            intent_filter = (raw_filter,)
        elif isinstance(raw_filter, list) and all(isinstance(i, str) for i in raw_filter):
            intent_filter = tuple(raw_filter)
        else:
            raise HermesPayloadError("intentFilter must be a list of intent names")
        return cls(
            input=text,
            site_id=_opt_str(data, "siteId") or "default",
            id=_opt_str(data, "id"),
            session_id=_opt_str(data, "sessionId"),
            intent_filter=intent_filter,
            custom_data=data.get("customData"),
            lang=_opt_str(data, "lang"),
        )

    def to_payload(self) -> str:
        return payload_json({
            "input": self.input, "siteId": self.site_id, "id": self.id,
            "intentFilter": list(self.intent_filter) if self.intent_filter is not None else None,
            "sessionId": self.session_id, "lang": self.lang, "customData": self.custom_data,
        })

    def allows(self, intent_name: str) -> bool:
        """Whether `intentFilter` lets `intent_name` through (an empty filter lets all through)."""
        return not self.intent_filter or intent_name in self.intent_filter


@dataclass(frozen=True, slots=True)
class SlotRange:
    """Character span of a slot in `input`: `start` inclusive, `end` exclusive."""

    start: int
    end: int


@dataclass(frozen=True)
class HermesSlot:
    """One slot of an intent message."""

    slot_name: str
    raw_value: str
    """The surface text, `input[range.start:range.end]`."""
    value: Mapping[str, Any]
    """`{"kind": "Custom"|"Number"|"Percentage"|"Temperature"|…, "value": …}`."""
    entity: str
    range: SlotRange | None = None
    confidence: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HermesSlot:
        """Decode one slot; `entity` defaults to `slotName`, `rawValue` to `value.value`.

        Raises:
            HermesPayloadError: No `slotName`, or `value` is not an object.
        """
        name = data.get("slotName") or data.get("entity")
        value = data.get("value")
        if not isinstance(name, str) or not isinstance(value, dict):
            raise HermesPayloadError("a slot needs slotName and a value object")
        raw = data.get("rawValue")
        span = data.get("range")
        slot_range = None
        if isinstance(span, dict) and isinstance(span.get("start"), int) and isinstance(span.get("end"), int):
            slot_range = SlotRange(span["start"], span["end"])
        confidence = data.get("confidence")
        return cls(
            slot_name=name,
            raw_value=raw if isinstance(raw, str) else str(value.get("value", "")),
            value=value,
            entity=data.get("entity") or name,
            range=slot_range,
            confidence=float(confidence) if isinstance(confidence, int | float) else None,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"entity": self.entity, "value": dict(self.value), "slotName": self.slot_name,
                                "rawValue": self.raw_value}
        if self.confidence is not None:
            data["confidence"] = self.confidence
        if self.range is not None:
            data["range"] = {"start": self.range.start, "end": self.range.end,
                             "rawStart": self.range.start, "rawEnd": self.range.end}
        return data


@dataclass(frozen=True)
class NluIntent:
    """`hermes/intent/<intentName>` (and, without the extras, `hermes/nlu/intentParsed`)."""

    input: str
    intent_name: str
    confidence_score: float
    slots: tuple[HermesSlot, ...] = ()
    id: str | None = None
    site_id: str = "default"
    session_id: str | None = None
    custom_data: Any = None
    lang: str | None = None

    @property
    def topic(self) -> str:
        return intent_topic(self.intent_name)

    @classmethod
    def from_payload(cls, payload: bytes | str) -> NluIntent:
        """Decode either message; accepts `probability` for `confidenceScore` (snips-nlu).

        Raises:
            HermesPayloadError: Missing `input` or `intent.intentName`, or a broken slot.
        """
        data = _object(payload)
        intent = data.get("intent")
        text = data.get("input")
        if not isinstance(intent, dict) or not isinstance(intent.get("intentName"), str):
            raise HermesPayloadError("intent.intentName is required")
        if not isinstance(text, str):
            raise HermesPayloadError('"input" is required')
        score = intent.get("confidenceScore", intent.get("probability", 0.0))
        slots = data.get("slots") or []
        if not isinstance(slots, list):
            raise HermesPayloadError("slots must be a list")
        return cls(
            input=text,
            intent_name=intent["intentName"],
            confidence_score=float(score) if isinstance(score, int | float) else 0.0,
            slots=tuple(HermesSlot.from_dict(s) for s in slots if isinstance(s, dict)),
            id=_opt_str(data, "id"),
            site_id=_opt_str(data, "siteId") or "default",
            session_id=_opt_str(data, "sessionId"),
            custom_data=data.get("customData"),
            lang=_opt_str(data, "lang"),
        )

    def to_payload(self, *, parsed: bool = False) -> str:
        """The intent message; with `parsed`, the `intentParsed` subset (no customData or extras)."""
        data: dict[str, Any] = {
            "input": self.input,
            "intent": {"intentName": self.intent_name, "confidenceScore": self.confidence_score},
            "siteId": self.site_id,
            "id": self.id,
            "slots": [s.to_dict() for s in self.slots],
            "sessionId": self.session_id,
        }
        if not parsed:
            data |= {"customData": self.custom_data, "asrTokens": None, "asrConfidence": None,
                     "rawInput": self.input, "wakewordId": None, "lang": self.lang}
        return payload_json(data)


@dataclass(frozen=True)
class NluIntentNotRecognized:
    """`hermes/nlu/intentNotRecognized`."""

    input: str
    id: str | None = None
    site_id: str = "default"
    session_id: str | None = None
    custom_data: Any = None

    @classmethod
    def from_payload(cls, payload: bytes | str) -> NluIntentNotRecognized:
        """Decode.

        Raises:
            HermesPayloadError: Not a JSON object or no `input`.
        """
        data = _object(payload)
        if not is_valid_unicode(data):
            raise HermesPayloadError("the query is not valid Unicode (a lone surrogate)")
        text = data.get("input")
        if not isinstance(text, str):
            raise HermesPayloadError('"input" is required')
        return cls(text, _opt_str(data, "id"), _opt_str(data, "siteId") or "default",
                   _opt_str(data, "sessionId"), data.get("customData"))

    def to_payload(self) -> str:
        return payload_json({"input": self.input, "siteId": self.site_id, "id": self.id,
                       "customData": self.custom_data, "sessionId": self.session_id})


@dataclass(frozen=True)
class NluError:
    """`hermes/error/nlu`: a query the hub could not even read."""

    error: str
    site_id: str = "default"
    context: str | None = None
    """The start of the offending payload."""
    session_id: str | None = None

    @classmethod
    def from_payload(cls, payload: bytes | str) -> NluError:
        """Decode.

        Raises:
            HermesPayloadError: Not a JSON object or no `error`.
        """
        data = _object(payload)
        error = data.get("error")
        if not isinstance(error, str):
            raise HermesPayloadError('"error" is required')
        return cls(error, _opt_str(data, "siteId") or "default", _opt_str(data, "context"),
                   _opt_str(data, "sessionId"))

    def to_payload(self) -> str:
        return payload_json({"error": self.error, "siteId": self.site_id, "context": self.context,
                       "sessionId": self.session_id})


# -- Parse → Hermes (pure) --------------------------------------------------------------------
_PERCENT_SLOTS = frozenset({"brightness", "position", "percentage"})


def slot_value(slot: Slot) -> dict[str, Any]:
    """The Snips value object for a slot: built-in kinds for numbers, `Custom` for the rest.

    brightness/position/percentage → `Percentage`; temperature (°C) → `Temperature` with
    `unit: "celsius"`; color_temp (kelvin) → `Number`; hvac_mode → `Custom` with the mode;
    names, areas, device classes and colours → `Custom` with the surface text.
    """
    value = slot.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if slot.name in _PERCENT_SLOTS:
            return {"kind": "Percentage", "value": float(value)}
        if slot.name == "temperature":
            return {"kind": "Temperature", "value": float(value), "unit": "celsius"}
        return {"kind": "Number", "value": float(value)}
    if isinstance(value, str):
        return {"kind": "Custom", "value": value}
    return {"kind": "Custom", "value": slot.text}


def hermes_slots(text: str, parse: Parse) -> tuple[HermesSlot, ...]:
    """Slots with ranges into `text`, the query's `input` (the NLU trims and cleans its copy)."""
    lead = text.find(parse.text) if parse.text else -1
    slots = []
    for slot in parse.slots:
        start = slot.start + max(lead, 0)
        if text[start:start + len(slot.text)] != slot.text:
            start = text.find(slot.text) if slot.text else -1
        span = SlotRange(start, start + len(slot.text)) if start >= 0 else None
        slots.append(HermesSlot(slot_name=slot.name, raw_value=slot.text, value=slot_value(slot),
                                entity=slot.name, range=span, confidence=parse.confidence))
    return tuple(slots)


def answer(query: NluQuery, parse: Parse | None) -> NluIntent | NluIntentNotRecognized:
    """What to publish for `query` given the NLU's `parse` (None: the NLU could not run)."""
    if parse is None or parse.intent == "none" or not query.allows(parse.intent):
        return NluIntentNotRecognized(query.input, query.id, query.site_id, query.session_id,
                                      query.custom_data)
    return NluIntent(
        input=query.input, intent_name=parse.intent, confidence_score=parse.confidence,
        slots=hermes_slots(query.input, parse), id=query.id, site_id=query.site_id,
        session_id=query.session_id, custom_data=query.custom_data, lang=query.lang,
    )


def messages_for(result: NluIntent | NluIntentNotRecognized) -> list[Message]:
    """The MQTT messages for one answer, in protocol order (QoS 1, not retained)."""
    if isinstance(result, NluIntentNotRecognized):
        return [Message(NOT_RECOGNIZED_TOPIC, result.to_payload(), qos=1)]
    return [Message(INTENT_PARSED_TOPIC, result.to_payload(parsed=True), qos=1),
            Message(result.topic, result.to_payload(), qos=1)]


def hub_lang(lang: str | None) -> str | None:
    """Hermes `lang` ("en", "en-US", "zh_CN") → the hub's "en"/"zh"; None for anything else."""
    short = (lang or "").replace("_", "-").split("-")[0].lower()
    return short if short in LANGUAGES else None
