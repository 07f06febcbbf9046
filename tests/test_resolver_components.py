"""The intents the model knows, on the components HA added since: valves, water heaters, mowers,
humidifiers, sirens, scenes, and questions about them (pure: hand-built parses, the component
fixture home)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.ask import registry_from
from hub.registry import Snapshot
from hub.resolver import resolve
from tests.test_resolver import calls, parse

FIXTURE = Path(__file__).parent / "fixtures" / "discovery" / "components.json"


@pytest.fixture(scope="module")
def home() -> Snapshot:
    cases = json.loads(FIXTURE.read_text("utf-8"))["cases"]
    return registry_from(((c["topic"], json.dumps(c["payload"])) for c in cases.values()), pytest.fail).snapshot()


@pytest.mark.parametrize(("text", "intent", "slots", "expected"), [
    ("open the garden valve", "open", {"name": "garden valve"}, [("valve.open_valve", "valve.garden_valve")]),
    ("turn on the garden valve", "turn_on", {"name": "garden valve"}, [("valve.open_valve", "valve.garden_valve")]),
    ("shut the garden valve", "close", {"name": "garden valve"}, [("valve.close_valve", "valve.garden_valve")]),
    ("set the water heater to 55 degrees", "set_temperature",
     {"name": "water heater", "temperature": ("55", 55)},
     [("water_heater.set_temperature", "water_heater.water_heater")]),
    ("start the mower", "vacuum_start", {"name": "mower"}, [("lawn_mower.start_mowing", "lawn_mower.mower")]),
    ("send the mower home", "vacuum_return", {"name": "mower"}, [("lawn_mower.dock", "lawn_mower.mower")]),
    ("pause the mower", "stop", {"name": "mower"}, [("lawn_mower.pause", "lawn_mower.mower")]),
    ("turn on the bedroom humidifier", "turn_on", {"name": "bedroom humidifier"},
     [("humidifier.turn_on", "humidifier.bedroom_humidifier")]),
    ("sound the garage siren", "turn_on", {"name": "garage siren"}, [("siren.turn_on", "siren.garage_siren")]),
    ("turn on movie time", "turn_on", {"name": "movie time"}, [("scene.turn_on", "scene.living_room_movie_time")]),
])  # fmt: skip
def test_known_intents_reach_the_new_components(
    home: Snapshot, text: str, intent: str, slots: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    result = resolve(parse(text, intent, **slots), home)  # type: ignore[arg-type]
    assert calls(result) == expected, result.error


def test_valve_position(home: Snapshot) -> None:
    result = resolve(parse("set the radiator valve to 40 percent", "set_position", name="radiator valve",
                           position=("40 percent", 40)), home)
    assert calls(result) == [("valve.set_valve_position", "valve.radiator_valve")]
    assert result.actions[0].data == {"position": 40}


def test_questions_about_the_new_components(home: Snapshot) -> None:
    for text, name, entity_id in (("is the garden valve open?", "garden valve", "valve.garden_valve"),
                                  ("is the house alarm armed?", "house alarm", "alarm_control_panel.house_alarm"),
                                  ("is there an update for the kitchen plug?", "kitchen plug", "update.kitchen_plug")):
        result = resolve(parse(text, "get_state", name=name), home)
        assert result.query is not None and entity_id in result.query, (text, result)
        assert result.actions == ()


def test_a_scene_cannot_be_turned_off(home: Snapshot) -> None:
    result = resolve(parse("turn off movie time", "turn_off", name="movie time"), home)
    assert result.actions == () and result.error
