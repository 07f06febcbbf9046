"""Hermes NLU: payload codecs (Rhasspy and Snips shapes), and query → intent on a real hub."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from hub.broker import MosquittoProcess
from hub.demo import Simulator, load_home
from hub.domain import Parse, Slot
from hub.hermes import (
    HermesPayloadError,
    HermesSlot,
    NluError,
    NluIntent,
    NluIntentNotRecognized,
    NluQuery,
    SlotRange,
    answer,
    messages_for,
    slot_value,
)
from tests.hubs import hub_settings, running_hub
from tests.mqtt_helpers import Peer, wait_for
from tests.test_textcmd import FakeTable, data_dir_with_model, fake_parser, listening

HOME = load_home()
CAMEL = re.compile(r"^[a-z]+([A-Z][a-z]*)*$")


def _keys(value: Any) -> set[str]:
    """Every object key in a JSON document, recursively."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


# -- codecs -----------------------------------------------------------------------------------
QUERIES = [
    NluQuery("dim the hall light", site_id="kitchen", id="q-1", session_id="s-1",
             intent_filter=("set_brightness", "turn_off"), custom_data="ctx", lang="en"),
    NluQuery("开灯"),
    NluQuery("stop", custom_data={"any": ["json", 1]}),
]  # fmt: skip


@pytest.mark.parametrize("query", QUERIES)
def test_query_round_trip(query: NluQuery) -> None:
    assert NluQuery.from_payload(query.to_payload()) == query
    assert NluQuery.from_payload(query.to_payload().encode()) == query


def test_query_variants() -> None:
    # Rhasspy writes every key, with nulls; Snips leaves them out and may pass a bare filter.
    rhasspy = {"input": "lamp on", "siteId": "den", "id": None, "intentFilter": None, "sessionId": None,
               "wakewordId": None, "lang": None, "customData": None, "asrConfidence": None,
               "customEntities": None}
    assert NluQuery.from_payload(json.dumps(rhasspy)) == NluQuery("lamp on", site_id="den")
    snips = NluQuery.from_payload('{"input": "lamp on", "intentFilter": "turn_on"}')
    assert snips.intent_filter == ("turn_on",) and snips.site_id == "default"
    assert snips.allows("turn_on") and not snips.allows("turn_off")
    assert NluQuery("x", intent_filter=()).allows("anything")
    for bad in ('{"siteId": "den"}', '{"input": 3}', "[]", "not json", '{"input": "a", "intentFilter": 5}',
                '{"input": "a", "sessionId": 9}', json.dumps({"input": "a" * 1001})):
        with pytest.raises(HermesPayloadError):
            NluQuery.from_payload(bad)


INTENT = NluIntent(
    input="set the desk lamp to 30 percent",
    intent_name="set_brightness",
    confidence_score=0.91,
    slots=(
        HermesSlot("name", "desk lamp", {"kind": "Custom", "value": "desk lamp"}, "name", SlotRange(8, 17), 0.91),
        HermesSlot("brightness", "30 percent", {"kind": "Percentage", "value": 30.0}, "brightness",
                   SlotRange(21, 31), 0.91),
    ),
    id="q-2", site_id="office", session_id="s-2", custom_data="c", lang="en",
)  # fmt: skip


def test_intent_round_trip_and_shape() -> None:
    assert NluIntent.from_payload(INTENT.to_payload()) == INTENT
    parsed = json.loads(INTENT.to_payload(parsed=True))
    assert set(parsed) == {"input", "intent", "siteId", "id", "slots", "sessionId"}
    full = json.loads(INTENT.to_payload())
    assert full["intent"] == {"intentName": "set_brightness", "confidenceScore": 0.91}
    assert full["customData"] == "c" and full["rawInput"] == INTENT.input
    assert all(CAMEL.match(k) for k in _keys(full)), _keys(full)
    for slot in full["slots"]:
        assert INTENT.input[slot["range"]["start"]:slot["range"]["end"]] == slot["rawValue"]
    assert INTENT.topic == "hermes/intent/set_brightness"


def test_intent_decodes_snips_shapes() -> None:
    # Snips: `probability` instead of confidenceScore, a slot with neither entity nor range.
    payload = {"input": "paint the room blue", "intent": {"intentName": "Paint", "probability": 0.8},
               "slots": [{"slotName": "colour", "rawValue": "blue", "value": {"kind": "Custom", "value": "blue"}}]}
    intent = NluIntent.from_payload(json.dumps(payload))
    assert intent.confidence_score == 0.8 and intent.site_id == "default"
    assert intent.slots == (HermesSlot("colour", "blue", {"kind": "Custom", "value": "blue"}, "colour"),)
    with pytest.raises(HermesPayloadError):
        NluIntent.from_payload('{"input": "x", "intent": {}}')


def test_not_recognized_and_error_round_trip() -> None:
    missed = NluIntentNotRecognized("sing a song", "q-3", "attic", "s-3", {"k": 1})
    assert NluIntentNotRecognized.from_payload(missed.to_payload()) == missed
    assert set(json.loads(missed.to_payload())) == {"input", "siteId", "id", "customData", "sessionId"}
    error = NluError("invalid JSON", "default", "{oops", None)
    assert NluError.from_payload(error.to_payload()) == error


def test_slot_values() -> None:
    assert slot_value(Slot("brightness", "half", 50)) == {"kind": "Percentage", "value": 50.0}
    assert slot_value(Slot("temperature", "72 degrees", 22.0)) == {"kind": "Temperature", "value": 22.0,
                                                                   "unit": "celsius"}
    assert slot_value(Slot("color_temp", "warm", 2700)) == {"kind": "Number", "value": 2700.0}
    assert slot_value(Slot("hvac_mode", "cooling", "cool")) == {"kind": "Custom", "value": "cool"}
    assert slot_value(Slot("color", "red", (255, 0, 0))) == {"kind": "Custom", "value": "red"}
    assert slot_value(Slot("area", "客厅")) == {"kind": "Custom", "value": "客厅"}


def test_answer_ranges_filter_and_none() -> None:
    text = "  turn on the floor lamp"
    parse = Parse("turn on the floor lamp", "en", "turn_on", 0.9, (Slot("name", "floor lamp", None, 12, 22),))
    query = NluQuery(text, id="q", session_id="s", custom_data="cd")
    result = answer(query, parse)
    assert isinstance(result, NluIntent)
    (slot,) = result.slots
    assert slot.range is not None and text[slot.range.start:slot.range.end] == "floor lamp"
    assert [m.topic for m in messages_for(result)] == ["hermes/nlu/intentParsed", "hermes/intent/turn_on"]
    filtered = NluQuery(text, id="q", intent_filter=("turn_off",))
    assert isinstance(answer(filtered, parse), NluIntentNotRecognized)
    none = answer(query, Parse(text.strip(), "en", "none", 1.0))
    assert none == NluIntentNotRecognized(text, "q", "default", "s", "cd")
    assert [m.topic for m in messages_for(none)] == ["hermes/nlu/intentNotRecognized"]
    assert isinstance(answer(query, None), NluIntentNotRecognized)


# -- the live service -------------------------------------------------------------------------
def _hermes_peer(port: int) -> Peer:
    peer = Peer(port).start()
    for topic in ("hermes/nlu/intentParsed", "hermes/intent/#", "hermes/nlu/intentNotRecognized",
                  "hermes/error/nlu", "hermes/dialogueManager/endSession", "zigbee2mqtt/Floor lamp/set",
                  "cmnd/kettle/POWER"):
        peer.subscribe(topic)
    return peer


def _answers(peer: Peer) -> list[tuple[str, dict[str, Any]]]:
    with peer._lock:
        return [(t, json.loads(p)) for t, p, _ in peer.messages if t.startswith("hermes/")]


async def test_query_with_the_trained_model(
    mosquitto: MosquittoProcess, home_sim: Simulator, model: Path, tmp_path: Path
) -> None:
    settings = hub_settings(data_dir_with_model(tmp_path, model), mosquitto.url)
    peer = _hermes_peer(mosquitto.port)
    try:
        async with running_hub(settings) as hub, hub.hermes(execute=False):
            await wait_for(lambda: len(hub.registry) == len(HOME), what="all entities discovered")
            await wait_for(lambda: hub.assistant.parser is not None, what="model loaded")
            await listening(peer, "hermes/nlu/query", "hermes/error/nlu", b"probe")
            sentences = ["turn on the floor lamp", "set the bedroom lamp to 40 percent", "把客厅的灯关掉",
                         "what is the weather on mars"]
            for n, text in enumerate(sentences):
                query = NluQuery(text, site_id="satellite", id=f"q{n}", session_id=f"s{n}",
                                 custom_data=f"cd{n}", lang=None)
                peer.publish("hermes/nlu/query", query.to_payload())
            wanted = {f"q{n}" for n in range(len(sentences))}

            def done() -> bool:
                return {p.get("id") for t, p in _answers(peer) if not t.endswith("intentParsed")} >= wanted

            await wait_for(done, what="all answers")
            for n, text in enumerate(sentences):
                got = [(t, p) for t, p in _answers(peer) if p.get("id") == f"q{n}"]
                topics = [t for t, _ in got]
                assert topics == ["hermes/nlu/intentNotRecognized"] or (
                    topics[0] == "hermes/nlu/intentParsed" and topics[1].startswith("hermes/intent/")
                    and len(topics) == 2), topics
                for topic, payload in got:
                    assert payload["input"] == text and payload["siteId"] == "satellite"
                    assert payload["sessionId"] == f"s{n}"
                    assert all(CAMEL.match(k) for k in _keys(payload)), _keys(payload)
                    if topic != "hermes/nlu/intentParsed":
                        assert payload["customData"] == f"cd{n}"
                    if topic.startswith("hermes/intent/"):
                        assert topic == f"hermes/intent/{payload['intent']['intentName']}"
                        assert 0 <= payload["intent"]["confidenceScore"] <= 1
                        for slot in payload["slots"]:
                            rng = slot["range"]
                            assert text[rng["start"]:rng["end"]] == slot["rawValue"]
                            assert slot["value"]["kind"] in ("Custom", "Number", "Percentage", "Temperature")
            assert peer.payloads("zigbee2mqtt/Floor lamp/set") == []  # NLU only: nothing executed
    finally:
        peer.stop()


QUERIES_TABLE: FakeTable = {
    "turn on the floor lamp": ("turn_on", [("name", "floor lamp")]),
    "turn on the kettle": ("turn_on", [("name", "kettle")]),
}


@pytest.mark.parametrize("execute", [False, True])
async def test_execute_flag_filter_and_errors(
    mosquitto: MosquittoProcess, home_sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    execute: bool,
) -> None:
    # Deterministic parses; the allow-list of the MQTT text topic applies to Hermes too.
    settings = hub_settings(data_dir_with_model(tmp_path, None), mosquitto.url, command_allow=("light",))
    peer = _hermes_peer(mosquitto.port)
    try:
        async with running_hub(settings) as hub, hub.hermes(execute=execute), hub.text_commands():
            monkeypatch.setattr(hub.assistant, "parse", fake_parser(QUERIES_TABLE))
            await wait_for(lambda: len(hub.registry) == len(HOME), what="all entities discovered")
            await listening(peer, "hermes/nlu/query", "hermes/error/nlu", b"probe")
            text = "  turn on the floor lamp"
            peer.publish("hermes/nlu/query", json.dumps({"input": text, "id": "a", "sessionId": "s-a",
                                                         "intentFilter": ["turn_off"]}))
            peer.publish("hermes/nlu/query", json.dumps({"input": text, "id": "b", "sessionId": "s-b",
                                                         "customData": {"x": 1}}))
            peer.publish("hermes/nlu/query", json.dumps({"input": "turn on the kettle", "id": "c"}))
            peer.publish("hermes/nlu/query", b"{not json")
            await wait_for(lambda: len({p.get("id") for _, p in _answers(peer)} & {"a", "b", "c"}) == 3
                           and peer.payloads("hermes/error/nlu"), what="answers")
            by_id = {(t, p.get("id")): p for t, p in _answers(peer)}
            assert ("hermes/nlu/intentNotRecognized", "a") in by_id  # filtered out
            intent = by_id[("hermes/intent/turn_on", "b")]
            assert intent["customData"] == {"x": 1} and intent["sessionId"] == "s-b"
            (slot,) = intent["slots"]
            assert slot["slotName"] == "name" and slot["value"] == {"kind": "Custom", "value": "floor lamp"}
            assert text[slot["range"]["start"]:slot["range"]["end"]] == "floor lamp"
            error = json.loads(peer.payloads("hermes/error/nlu")[0])
            assert "invalid JSON" in error["error"] and error["context"] == "{not json"
            if execute:
                await wait_for(lambda: peer.payloads("zigbee2mqtt/Floor lamp/set"), what="lamp command")
                await wait_for(lambda: len(peer.payloads("hermes/dialogueManager/endSession")) == 1,
                               what="session ended")
                end = json.loads(peer.payloads("hermes/dialogueManager/endSession")[0])
                assert end["sessionId"] == "s-b" and end["text"]
                await wait_for(lambda: hub.counters.get("text_executed", 0) == 1, what="one execution")
            else:
                await wait_for(lambda: ("hermes/intent/turn_on", "c") in
                               {(t, p.get("id")) for t, p in _answers(peer)}, what="kettle intent")
            # Query "a" was filtered out and the kettle is outside command_allow: never sent.
            assert len(peer.payloads("zigbee2mqtt/Floor lamp/set")) == (1 if execute else 0)
            assert peer.payloads("cmnd/kettle/POWER") == []
    finally:
        peer.stop()
