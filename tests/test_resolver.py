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
        ("activate the kettle", "en", [("switch.turn_on", "switch.kettle")]),  # HA's HassTurnOn verbs
        ("deactivate the kettle", "en", [("switch.turn_off", "switch.kettle")]),
        ("activate the sauna", "en", []),
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


# -- issue 13: phrasing families on a home announced by discovery -------------------------------

FAMILY_HOME: dict[str, dict[str, Any]] = {
    "homeassistant/lock/front_door/config": {
        "name": None, "object_id": "front_door", "command_topic": "h/fd", "device": _dev("Front door", "Hall")},
    "homeassistant/lock/back_door/config": {
        "name": None, "object_id": "back_door", "command_topic": "h/bd", "device": _dev("Back door", "Kitchen")},
    "homeassistant/switch/garden_sprinklers/config": {
        "name": None, "object_id": "garden_sprinklers", "command_topic": "h/gs",
        "device": {"identifiers": ["gs"], "name": "Garden sprinklers"}},
    "homeassistant/cover/study_blind/config": {
        "name": None, "object_id": "study_blind", "command_topic": "h/sb", "set_position_topic": "h/sbs",
        "device": {"identifiers": ["sb"], "name": "Study blind"}},
    "homeassistant/light/under_cabinet/config": {
        "name": None, "object_id": "under_cabinet", "command_topic": "h/uc", "brightness_command_topic": "h/ucb",
        "device": _dev("Under-cabinet lights", "Kitchen")},
    "homeassistant/light/kitchen_ceiling/config": {
        "name": None, "object_id": "kitchen_ceiling", "command_topic": "h/kc", "device": _dev("Kitchen ceiling", "Kitchen")},
    "homeassistant/light/lamp_1/config": {
        "name": None, "object_id": "lamp_1", "command_topic": "h/l1", "device": _dev("Lamp 1", "Living Room")},
    "homeassistant/light/lamp_2/config": {
        "name": None, "object_id": "lamp_2", "command_topic": "h/l2", "device": _dev("Lamp 2", "Living Room")},
    "homeassistant/binary_sensor/kitchen_window/config": {
        "name": None, "object_id": "kitchen_window", "device_class": "window", "state_topic": "h/kw",
        "device": _dev("Kitchen window", "Kitchen")},
    "homeassistant/binary_sensor/hall_window/config": {
        "name": None, "object_id": "hall_window", "device_class": "window", "state_topic": "h/hw",
        "device": _dev("Hall window", "Hall")},
    "homeassistant/binary_sensor/hall_motion/config": {
        "name": None, "object_id": "hall_motion", "device_class": "motion", "state_topic": "h/hm",
        "device": _dev("Hall motion", "Hall")},
    "homeassistant/sensor/door_battery/config": {
        "name": None, "object_id": "door_battery", "device_class": "battery", "unit_of_measurement": "%",
        "state_topic": "h/db", "device": _dev("Door sensor battery", "Hall")},
    "homeassistant/sensor/remote_battery/config": {
        "name": None, "object_id": "remote_battery", "device_class": "battery", "unit_of_measurement": "%",
        "state_topic": "h/rb", "device": _dev("Remote battery", "Living Room")},
    "homeassistant/light/keting/config": {
        "name": None, "object_id": "keting_deng", "command_topic": "h/kt", "device": _dev("客廳吊燈", "客廳")},
    "homeassistant/light/woshi/config": {
        "name": None, "object_id": "woshi_deng", "command_topic": "h/ws", "device": _dev("卧室台灯", "卧室")},
}  # fmt: skip
FAMILY_STATES = {
    e: State(e, s, {}, None, None)  # type: ignore[arg-type]
    for e, s in [
        ("light.under_cabinet", "on"), ("light.kitchen_ceiling", "off"), ("light.lamp_1", "on"),
        ("light.lamp_2", "off"), ("light.keting_deng", "off"), ("light.woshi_deng", "on"),
        ("lock.front_door", "locked"), ("lock.back_door", "unlocked"),
        ("binary_sensor.kitchen_window", "on"), ("binary_sensor.hall_window", "off"),
        ("binary_sensor.hall_motion", "on"), ("sensor.door_battery", "12"), ("sensor.remote_battery", "80"),
    ]
}  # fmt: skip


@pytest.fixture(scope="module")
def family() -> Snapshot:
    return registry_from(((t, json.dumps(p)) for t, p in FAMILY_HOME.items()), pytest.fail).snapshot()


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        # a class word that fits names rather than a domain
        (parse("lock all the doors", "lock", device_class="doors"),
         [("lock.lock", "lock.back_door"), ("lock.lock", "lock.front_door")]),
        (parse("unlock the doors", "unlock", device_class="doors"),
         [("lock.unlock", "lock.back_door"), ("lock.unlock", "lock.front_door")]),
        # an area word that is really the start of a name (no area "study", no area "garden")
        (parse("close the study blind", "close", area="study", device_class="blind"),
         [("cover.close_cover", "cover.study_blind")]),
        (parse("stop watering the garden", "turn_off", area="garden"),
         [("switch.turn_off", "switch.garden_sprinklers")]),
        # hyphenated and numbered names
        (parse("turn on the under-cabinet lights", "turn_on", name="under-cabinet lights"),
         [("light.turn_on", "light.under_cabinet")]),
        (parse("turn on the under cabinet lights", "turn_on", name="under cabinet lights"),
         [("light.turn_on", "light.under_cabinet")]),
        (parse("switch off lamp 2", "turn_off", name="lamp 2"), [("light.turn_off", "light.lamp_2")]),
    ],
    ids=lambda v: v.text if isinstance(v, Parse) else "",
)
def test_names_before_classes_and_areas(family: Snapshot, p: Parse, expected: list[tuple[str, str]]) -> None:
    r = resolve(p, family)
    assert calls(r) == expected, r.error


def test_area_word_that_names_nothing_is_still_an_error(family: Snapshot) -> None:
    r = resolve(parse("close the attic blind", "close", area="attic", device_class="blind"), family)
    assert calls(r) == [] and r.error is not None and "attic" in r.error


@pytest.mark.parametrize(
    ("p", "query", "answer"),
    [
        (parse("how many lights are on?", "get_state", device_class="lights"),
         ["light.keting_deng", "light.kitchen_ceiling", "light.lamp_1", "light.lamp_2", "light.under_cabinet",
          "light.woshi_deng"],
         "3 of 6 lights are on: Under-cabinet lights, Lamp 1 and 卧室台灯."),
        (parse("which windows are open?", "get_state", device_class="windows"),
         ["binary_sensor.hall_window", "binary_sensor.kitchen_window"], "Kitchen window is open."),
        (parse("are any doors unlocked?", "get_state", device_class="doors"),
         ["lock.back_door", "lock.front_door"], "Yes: Back door is unlocked."),
        (parse("is there any motion?", "get_state", device_class="motion"),
         ["binary_sensor.hall_motion"], "Yes: Hall motion is detecting motion."),
        (parse("which batteries are low?", "get_state", device_class="batteries"),
         ["sensor.door_battery", "sensor.remote_battery"], "Door sensor battery is low."),
        (parse("are all the doors locked?", "get_state", device_class="doors"),
         ["lock.back_door", "lock.front_door"], "No: Back door is not locked."),
        (parse("有几个灯开着", "get_state", "zh", device_class="灯"),
         ["light.keting_deng", "light.kitchen_ceiling", "light.lamp_1", "light.lamp_2", "light.under_cabinet",
          "light.woshi_deng"],
         "6个灯中有3个开着：Under-cabinet lights、Lamp 1和卧室台灯。"),
        (parse("哪些窗户开着", "get_state", "zh", device_class="窗户"),
         ["binary_sensor.hall_window", "binary_sensor.kitchen_window"], "2个窗户中有1个开着：Kitchen window。"),
    ],
    ids=lambda v: v.text if isinstance(v, Parse) else "",
)
def test_questions_about_several_devices_count_and_name_them(
    family: Snapshot, p: Parse, query: list[str], answer: str
) -> None:
    r = resolve(p, family, FAMILY_STATES)
    assert r.actions == () and r.error is None
    assert sorted(r.query or ()) == query
    assert r.answer == answer


@pytest.mark.parametrize(
    ("p", "area", "expected"),
    [
        (parse("turn on the lights in here", "turn_on", device_class="lights"), "Kitchen",
         [("light.turn_on", "light.kitchen_ceiling"), ("light.turn_on", "light.under_cabinet")]),
        (parse("打开这里的灯", "turn_on", "zh", area="这里", device_class="灯"), "Living Room",
         [("light.turn_on", "light.lamp_1"), ("light.turn_on", "light.lamp_2")]),
        (parse("turn on the lights in here", "turn_on", device_class="lights"), None, []),
        (parse("打开这里的灯", "turn_on", "zh", area="这里", device_class="灯"), None, []),
        # a room said outright wins over the request's room
        (parse("turn off the kitchen lights", "turn_off", area="kitchen", device_class="lights"), "Living Room",
         [("light.turn_off", "light.kitchen_ceiling"), ("light.turn_off", "light.under_cabinet")]),
    ],
)
def test_here_means_the_requests_area(
    family: Snapshot, p: Parse, area: str | None, expected: list[tuple[str, str]]
) -> None:
    out = understand(p, family, area=area)
    assert sorted((a["service"], e) for a in out["actions"] for e in a["entity_id"]) == expected
    if not expected:
        assert out["error"] and ("room" in out["error"] or "房间" in out["error"])


@pytest.mark.parametrize(
    ("p", "expected", "answer"),
    [
        # Traditional text, a home named in Traditional characters
        (parse("打開客廳吊燈", "turn_on", "zh", name="客廳吊燈"), [("light.turn_on", "light.keting_deng")],
         "已打開客廳吊燈。"),
        # Simplified text, the same home: matched, answered in Simplified
        (parse("打开客厅吊灯", "turn_on", "zh", name="客厅吊灯"), [("light.turn_on", "light.keting_deng")],
         "已打开客厅吊灯。"),
        # Traditional text, a home named in Simplified characters: answered in Traditional
        (parse("關掉臥室的燈", "turn_off", "zh", area="臥室", device_class="燈"), [("light.turn_off", "light.woshi_deng")],
         "已關閉臥室檯燈。"),
    ],
)
def test_traditional_chinese_names_and_answers(
    family: Snapshot, p: Parse, expected: list[tuple[str, str]], answer: str
) -> None:
    r = resolve(p, family)
    assert calls(r) == expected and r.answer == answer


def test_traditional_refusal_is_answered_in_traditional(family: Snapshot) -> None:
    r = resolve(parse("打開書房的燈", "turn_on", "zh", area="書房", device_class="燈"), family)
    assert calls(r) == [] and r.error is not None
    assert "書房" in r.error and "书房" not in r.error


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        # the model's intent contradicts the sentence's own verb: the verb wins
        (parse("activate the kitchen lights", "turn_off", area="kitchen", device_class="lights"),
         [("light.turn_on", "light.kitchen_ceiling"), ("light.turn_on", "light.under_cabinet")]),
        (parse("deactivate lamp 2", "turn_on", name="lamp 2"), [("light.turn_off", "light.lamp_2")]),
        (parse("开启前门锁", "lock", "zh", name="前门"), [("lock.unlock", "lock.front_door")]),  # 前门 = Front door
        # a room tagged as a name, an unknown device beside it: nothing is done
        (parse("turn on the kitchen speaker", "turn_on", name="kitchen"), []),
        (parse("打开客廳音箱", "turn_on", "zh", area="客廳"), []),
    ],
    ids=lambda v: v.text if isinstance(v, Parse) else "",
)
def test_no_confident_wrong_action(family: Snapshot, p: Parse, expected: list[tuple[str, str]]) -> None:
    r = resolve(p, family)
    assert calls(r) == expected
    if not expected:
        assert r.error


def test_explicit_verb_of_the_other_kind_unlocks_not_locks(home: Snapshot) -> None:
    r = resolve(parse("开启后门锁", "lock", "zh", name="后门"), home)
    assert [a.service for a in r.actions] == ["lock.unlock"] and r.actions[0].confirm


# -- misreadings the resolver catches (issue 13: no confident wrong actions) ------------------

@pytest.mark.parametrize(
    ("p", "expected"),
    [
        # a plain on/off verb and an exact device name, read as an intent the device cannot take
        (Parse("start the kettle", "en", "vacuum_start", 0.9), [("switch.turn_on", "switch.kettle")]),
        (Parse("turn off the kettle", "en", "close", 0.9), [("switch.turn_off", "switch.kettle")]),
        # … but an intent the device can take stays as the model read it
        (Parse("turn on the kettle", "en", "toggle", 0.9), [("switch.toggle", "switch.kettle")]),
    ],
    ids=lambda v: f"{v.text} ({v.intent})" if isinstance(v, Parse) else "",
)
def test_on_off_rescue_from_an_intent_the_device_cannot_take(
    home: Snapshot, p: Parse, expected: list[tuple[str, str]]
) -> None:
    assert calls(resolve(p, home)) == expected


def test_chinese_name_split_in_two_is_one_name(family: Snapshot) -> None:
    """"卧室" + "音箱" tagged as two names is one device (a speaker there is none of), not the
    bedroom lamp whose name holds "卧室"."""
    split = (Slot("name", "卧室", None, 2, 4), Slot("name", "音箱", None, 4, 6))
    r = resolve(Parse("打开卧室音箱", "zh", "turn_on", 0.9, split), family)
    assert calls(r) == [] and r.error is not None


def test_one_chinese_character_of_an_area_is_not_a_name(family: Snapshot) -> None:
    """"室" cut from "桑拿室" begins no name: the lamp called 卧室台灯 is not touched."""
    r = resolve(parse("打开桑拿室的台灯", "turn_on", "zh", area="室", name="台灯"), family)
    assert calls(r) == [] and r.error is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("draw the study blind", "cover.close_cover"), ("draw back the study blind", "cover.open_cover")],
)
def test_drawing_curtains_shuts_them(family: Snapshot, text: str, expected: str) -> None:
    r = resolve(parse(text, "open", name="study blind"), family)
    assert calls(r) == [(expected, "cover.study_blind")]


def test_taiwan_device_word_finds_the_mainland_name() -> None:
    printer = {"homeassistant/switch/printer/config": {
        "name": None, "object_id": "printer", "command_topic": "h/p", "device": _dev("打印机", "书房")}}
    snapshot = registry_from(((t, json.dumps(p)) for t, p in printer.items()), pytest.fail).snapshot()
    r = resolve(parse("開啟印表機", "turn_on", "zh", name="印表機"), snapshot)
    assert calls(r) == [("switch.turn_on", "switch.printer")]


def test_chinese_area_cut_short_by_the_tagger_is_the_room_around_it(family: Snapshot) -> None:
    """"室" tagged where the text says "卧室" is the bedroom (卧室), not an unknown room "室"."""
    r = resolve(parse("卧室的灯开着吗", "get_state", "zh", area=("室", None), device_class="灯"), family,
                FAMILY_STATES)
    assert r.error is None and r.query == ("light.woshi_deng",)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [("关闭前门的门锁", "zh", "lock.lock"), ("lock the front door", "en", "lock.lock"),
     ("打开前门的门锁", "zh", "lock.unlock")],
)
def test_a_lock_verb_read_as_unlock_locks(family: Snapshot, text: str, lang: str, expected: str) -> None:
    """HA's Chinese says "关闭…门锁" for locking: a misread unlock must not open the door."""
    r = resolve(parse(text, "unlock", lang, name=("前门", None) if lang == "zh" else "front door"), family)
    assert [a.service for a in r.actions] == [expected]


@pytest.mark.parametrize("text", ["open the study blind halfway", "close the study blind half way",
                                  "把study blind开一半"])
def test_half_beside_open_or_close_is_a_position(family: Snapshot, text: str) -> None:
    """Read as a plain open, "halfway" would open the blind fully."""
    lang = "zh" if "开" in text else "en"
    r = resolve(parse(text, "open", lang, name="study blind"), family)
    assert [(a.service, a.data) for a in r.actions] == [("cover.set_cover_position", {"position": 50})]


def test_a_room_tagged_as_a_name_beside_a_class_word_is_the_room(family: Snapshot) -> None:
    """"kitchen" tagged as a name would find the one device whose name holds it (Kitchen
    ceiling); with "lights" beside it, it is every light in the kitchen."""
    r = resolve(parse("kitchen lights on", "turn_on", name="kitchen", device_class="lights"), family)
    assert calls(r) == [("light.turn_on", "light.kitchen_ceiling"), ("light.turn_on", "light.under_cabinet")]
