"""Resolution rules (ARCHITECTURE.md "Resolution") on hand-built parses: no model needed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub.ask import registry_from, understand
from hub.domain import Parse, Slot, State
from hub.registry import Snapshot
from hub.resolver import Resolution, resolve


def _dev(name: str, area: str) -> dict[str, Any]:
    return {"identifiers": [name], "name": name, "suggested_area": area}


HOME: dict[str, dict[str, Any]] = {
    "homeassistant/light/study_lamp/config": {
        "name": None, "object_id": "study_lamp", "schema": "json", "brightness": True,
        "supported_color_modes": ["color_temp", "xy"], "command_topic": "z2m/Study lamp/set",
        "device": _dev("Study lamp", "Study")},
    "homeassistant/light/kitchen_light/config": {
        "name": None, "object_id": "kitchen_light", "command_topic": "home/kl/set",
        "brightness_command_topic": "home/kl/bri", "device": _dev("Kitchen light", "Kitchen")},
    "homeassistant/light/kitchen_strip/config": {
        "name": None, "object_id": "kitchen_strip", "command_topic": "home/ks/set",
        "device": _dev("Counter strip", "Kitchen")},
    "homeassistant/switch/kettle/config": {
        "name": None, "object_id": "kettle", "command_topic": "home/kettle/set", "device": _dev("Kettle", "Kitchen")},
    "homeassistant/lock/kitchen_door/config": {
        "name": None, "object_id": "kitchen_door", "command_topic": "home/kd/set",
        "device": _dev("Back door", "Kitchen")},
    "homeassistant/light/floor_lamp/config": {
        "name": None, "object_id": "floor_lamp", "command_topic": "home/fl/set", "device": _dev("Floor lamp", "Living Room")},
    "homeassistant/climate/study_radiator/config": {
        "name": None, "object_id": "study_radiator", "temperature_command_topic": "home/rad/t",
        "mode_command_topic": "home/rad/m", "modes": ["off", "heat"], "min_temp": 5, "max_temp": 28,
        "device": _dev("Radiator", "Study")},
    "homeassistant/cover/garage/config": {
        "name": None, "object_id": "garage_door", "device_class": "garage", "command_topic": "home/garage/set",
        "device": _dev("Big door", "Garage")},
    "homeassistant/lock/front_door/config": {
        "name": None, "object_id": "front_door", "command_topic": "home/fd/set", "device": _dev("Front door", "Hall")},
    "homeassistant/sensor/study_temp/config": {
        "name": "Temperature", "object_id": "study_temperature", "device_class": "temperature",
        "unit_of_measurement": "°C", "state_topic": "home/study/t", "device": _dev("Study sensor", "Study")},
}  # fmt: skip


@pytest.fixture(scope="module")
def home() -> Snapshot:
    return registry_from(((t, json.dumps(p)) for t, p in HOME.items()), pytest.fail).snapshot()


def parse(text: str, intent: str, lang: str = "en", **slots: Any) -> Parse:
    """A Parse with slots given as name=text or name=(text, value)."""
    built = []
    for name, spec in slots.items():
        surface, value = spec if isinstance(spec, tuple) else (spec, None)
        start = text.find(surface)
        built.append(Slot(name, surface, value, start, start + len(surface)))
    return Parse(text, lang, intent, 0.95, tuple(built))


def calls(result: Resolution) -> list[tuple[str, str]]:
    return sorted((a.service, e) for a in result.actions for e in a.entity_ids)


def test_name_selects_entity(home: Snapshot) -> None:
    r = resolve(parse("turn on the study lamp", "turn_on", name="study lamp"), home)
    assert calls(r) == [("light.turn_on", "light.study_lamp")] and r.error is None and r.answer


def test_entity_named_like_area_and_class_wins(home: Snapshot) -> None:
    r = resolve(parse("turn on the kitchen light", "turn_on", area="kitchen", device_class="light"), home)
    assert calls(r) == [("light.turn_on", "light.kitchen_light")]


def test_plural_area_class_selects_all_of_class(home: Snapshot) -> None:
    r = resolve(parse("turn on the kitchen lights", "turn_on", area="kitchen", device_class="lights"), home)
    assert calls(r) == [("light.turn_on", "light.kitchen_light"), ("light.turn_on", "light.kitchen_strip")]


def test_name_with_room_word_never_hits_the_room(home: Snapshot) -> None:
    r = resolve(parse("turn on the kitchen speaker", "turn_on", area="kitchen", name="speaker"), home)
    assert r.actions == () and r.error is not None and "speaker" in r.error
    r = resolve(parse("turn on the kitchen speaker", "turn_on", name="kitchen speaker"), home)
    assert r.actions == () and r.error is not None and "kitchen speaker" in r.error


def test_everything_in_area_is_lights_switches_fans(home: Snapshot) -> None:
    r = resolve(
        parse("turn off everything in the kitchen", "turn_off", device_class="everything", area="kitchen"),
        home,
    )
    ids = {e for _, e in calls(r)}
    assert ids == {"light.kitchen_light", "light.kitchen_strip", "switch.kettle"}
    assert "lock.kitchen_door" not in ids


def test_ambiguous_singular_is_refused_with_candidates(home: Snapshot) -> None:
    r = resolve(parse("turn on the lamp", "turn_on", device_class="lamp"), home)
    assert r.actions == () and r.error is not None
    assert "Study lamp" in r.error and "Floor lamp" in r.error


def test_all_the_lights_means_all(home: Snapshot) -> None:
    r = resolve(parse("turn off all the lights", "turn_off", device_class="lights"), home)
    assert len(calls(r)) == 4


def test_unsupported_action_names_capabilities(home: Snapshot) -> None:
    r = resolve(parse("open the front door", "open", name="front door"), home)
    assert r.actions == () and r.error is not None and "lock.unlock" in r.error


def test_cross_language_area(home: Snapshot) -> None:
    r = resolve(parse("打开书房的灯", "turn_on", "zh", area="书房", device_class="灯"), home)
    assert calls(r) == [("light.turn_on", "light.study_lamp")]
    assert r.answer is not None and "已" in r.answer


def test_garage_door_needs_confirmation(home: Snapshot) -> None:
    r = resolve(parse("open the garage", "open", device_class="garage"), home)
    assert calls(r) == [("cover.open_cover", "cover.garage_door")] and r.actions[0].confirm
    assert not resolve(parse("close the garage", "close", device_class="garage"), home).actions[0].confirm


def test_unlock_needs_confirmation(home: Snapshot) -> None:
    r = resolve(parse("unlock the front door", "unlock", name="front door"), home)
    assert calls(r) == [("lock.unlock", "lock.front_door")] and r.actions[0].confirm


def test_lock_verb_with_door_word(home: Snapshot) -> None:
    r = resolve(parse("lock the back door", "lock", name="back door"), home)
    assert calls(r) == [("lock.lock", "lock.kitchen_door")]


def test_question_answers_in_english_and_chinese(home: Snapshot) -> None:
    states = {"lock.front_door": State("lock.front_door", "locked")}
    r = resolve(parse("is the front door locked", "get_state", name="front door"), home, states)
    assert r.query == ("lock.front_door",) and r.actions == () and r.answer and "locked" in r.answer
    r = resolve(parse("前门锁了吗", "get_state", "zh", name="front door"), home, states)
    assert r.answer is not None and "锁" in r.answer


def test_temperature_question_reads_sensor(home: Snapshot) -> None:
    states = {
        "sensor.study_temperature": State("sensor.study_temperature", "21.5", {"unit_of_measurement": "°C"})
    }
    r = resolve(parse("how warm is the study", "get_state", area="study"), home, states)
    assert r.query == ("sensor.study_temperature",)
    assert r.answer == "It is 21.5 °C in the Study."


def test_out_of_scope_does_nothing(home: Snapshot) -> None:
    r = resolve(parse("what's on tv tonight", "none"), home)
    assert r.actions == () and r.query is None and r.error


def test_unknown_area_is_refused(home: Snapshot) -> None:
    r = resolve(parse("turn on the sauna lights", "turn_on", area="sauna", device_class="lights"), home)
    assert r.actions == () and r.error is not None and "sauna" in r.error


def test_text_scan_when_slots_missed(home: Snapshot) -> None:
    r = resolve(parse("boil the kettle", "turn_on"), home)
    assert calls(r) == [("switch.turn_on", "switch.kettle")]


@pytest.mark.parametrize(("intent", "slots", "expected"), [
    ("set_brightness", {"brightness": ("40%", 40)}, ("light.turn_on", {"brightness_pct": 40})),
    ("set_brightness", {"brightness": ("0", 0)}, ("light.turn_off", {})),
    ("brightness_down", {}, ("light.turn_on", {"brightness_step_pct": -20})),
    ("brightness_up", {"brightness": ("10%", 10)}, ("light.turn_on", {"brightness_step_pct": 10})),
    ("set_color", {"color": ("red", (255, 0, 0))}, ("light.turn_on", {"rgb_color": [255, 0, 0]})),
    ("set_color_temp", {"color_temp": ("warm", 2700)}, ("light.turn_on", {"color_temp_kelvin": 2700})),
])  # fmt: skip
def test_light_service_data(home: Snapshot, intent: str, slots: dict[str, Any], expected: Any) -> None:
    r = resolve(parse("study lamp 40% red warm 10% 0", intent, name="study lamp", **slots), home)
    assert len(r.actions) == 1, r.error
    assert (r.actions[0].service, dict(r.actions[0].data)) == expected


def test_climate_relative_needs_state(home: Snapshot) -> None:
    p = parse("warmer in the study", "temperature_up", area="study")
    assert resolve(p, home).error is not None and not resolve(p, home).actions
    states = {"climate.study_radiator": State("climate.study_radiator", "heat", {"temperature": 20})}
    r = resolve(p, home, states)
    assert r.actions[0].service == "climate.set_temperature" and r.actions[0].data == {"temperature": 21}


def test_set_temperature_by_area(home: Snapshot) -> None:
    r = resolve(parse("heat the study to 20 degrees", "set_temperature", area="study",
                      temperature=("20 degrees", 20.0)), home)  # fmt: skip
    assert calls(r) == [("climate.set_temperature", "climate.study_radiator")]
    assert r.actions[0].data == {"temperature": 20}


def test_understand_contract_shape(home: Snapshot) -> None:
    obj = understand(parse("turn on the study lamp", "turn_on", name="study lamp"), home)
    assert set(obj) == {
        "text",
        "lang",
        "intent",
        "confidence",
        "slots",
        "actions",
        "query",
        "answer",
        "mqtt",
        "error",
    }
    assert obj["slots"] == {"name": "study lamp"}
    assert obj["mqtt"] and obj["mqtt"][0]["topic"] == "z2m/Study lamp/set"


def test_question_never_moves_a_device(home: Snapshot) -> None:
    r = resolve(parse("is the front door locked", "lock", name="front door"), home)
    assert r.actions == () and r.query == ("lock.front_door",)
    r = resolve(parse("前门锁上了吗", "lock", "zh", name="front door"), home)
    assert r.actions == () and r.query == ("lock.front_door",)


def test_no_target_words_and_unsure_model_does_nothing(home: Snapshot) -> None:
    unsure = Parse("call mom", "en", "set_temperature", 0.6)
    assert resolve(unsure, home).actions == () and resolve(unsure, home).error
    sure = Parse("heat the place to 20", "en", "set_temperature", 0.97, (Slot("temperature", "20", 20.0),))
    assert calls(resolve(sure, home)) == [("climate.set_temperature", "climate.study_radiator")]


def test_scanned_name_covers_split_slots(home: Snapshot) -> None:
    r = resolve(parse("turn on the floor lamp", "turn_on", device_class="lamp"), home)
    assert calls(r) == [("light.turn_on", "light.floor_lamp")]


def test_area_alone_with_an_unknown_noun_is_refused(home: Snapshot) -> None:
    """The model tagged only the area: "speaker" is still a device the home lacks, not the room."""
    r = resolve(parse("turn on the kitchen speaker", "turn_on", area="kitchen"), home)
    assert r.actions == () and r.error is not None and "kitchen speaker" in r.error


def test_area_alone_with_an_untagged_class_word(home: Snapshot) -> None:
    r = resolve(parse("turn off the kitchen lights", "turn_off", area="kitchen"), home)
    assert calls(r) == [("light.turn_off", "light.kitchen_light"), ("light.turn_off", "light.kitchen_strip")]


def test_area_alone_means_lights_switches_fans(home: Snapshot) -> None:
    r = resolve(parse("turn off the kitchen please", "turn_off", area="kitchen"), home)
    assert {e for _, e in calls(r)} == {"light.kitchen_light", "light.kitchen_strip", "switch.kettle"}


def test_untagged_area_narrows_a_singular_class(home: Snapshot) -> None:
    r = resolve(parse("turn on the lamp in the study", "turn_on", device_class="lamp"), home)
    assert calls(r) == [("light.turn_on", "light.study_lamp")]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("start the kettle", "en", [("switch.turn_on", "switch.kettle")]),
        ("please switch off the kettle", "en", [("switch.turn_off", "switch.kettle")]),
        ("I bought a new kettle", "en", []),
        ("start the sauna", "en", []),
        ("start the kettle and make tea for everyone", "en", []),
    ],
)
def test_on_off_rescue_needs_a_verb_and_an_exact_name(
    home: Snapshot, text: str, lang: str, expected: list[tuple[str, str]]
) -> None:
    r = resolve(Parse(text, lang, "none", 0.4), home)
    assert calls(r) == expected


@pytest.mark.parametrize(
    ("text", "slots", "expected"),
    [
        ("打开水壶", {"name": "水壶"}, [("switch.turn_on", "switch.kettle")]),
        ("打开水壶", {}, [("switch.turn_on", "switch.kettle")]),  # the model tagged nothing usable
        ("打开打印机", {"name": "打印机"}, []),  # no printer in this home: refused, never guessed
    ],
)
def test_device_names_cross_languages(home: Snapshot, text: str, slots: dict[str, str],
                                      expected: list[tuple[str, str]]) -> None:
    r = resolve(parse(text, "turn_on", "zh", **slots), home)
    assert calls(r) == expected
    if not expected:
        assert r.error is not None
