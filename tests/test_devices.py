"""The device schema in devices/ and its word lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub import devices
from hub.codecs import CODECS
from hub.domain import COMPONENTS
from hub.errors import ConfigError


def test_every_component_is_described() -> None:
    schema = devices.load_schema()
    assert list(schema.components) == list(COMPONENTS)
    assert devices.load_schema() is schema  # cached
    for name in COMPONENTS:
        spec = schema.component(name)
        assert spec.words["en"] and spec.words["zh"], name


def test_schema_services_match_the_codecs() -> None:
    for name, codec in CODECS.items():
        assert set(devices.services_for(name)) == {f"{name}.{s.name}" for s in codec.services}
        for service in codec.services:
            declared = set(devices.services_for(name)[f"{name}.{service.name}"].fields)
            assert declared == set(service.fields), f"{name}.{service.name}"


def test_ranges() -> None:
    turn_on = devices.services_for("light")["light.turn_on"]
    pct = turn_on.fields["brightness_pct"]
    assert (pct.min, pct.max, pct.unit) == (0, 100, "%")
    position = devices.services_for("cover")["cover.set_cover_position"].fields["position"]
    assert (position.min, position.max) == (0, 100)
    assert devices.services_for("sensor") == {}
    assert devices.services_for("toaster") == {}


@pytest.mark.parametrize(
    ("word", "lang", "target"),
    [("lamp", "en", ("light", None)), ("Ceiling  Light", "en", ("light", None)),
     ("AC", "en", ("climate", None)), ("radiator", "en", ("climate", None)),
     ("blinds", "en", ("cover", None)), ("garage door", "en", ("cover", "garage")),
     ("deadbolt", "en", ("lock", None)), ("roomba", "en", ("vacuum", None)),
     ("plug", "en", ("switch", "outlet")), ("humidity", "en", ("sensor", "humidity")),
     ("temperature", "en", ("sensor", "temperature")), ("leak", "en", ("binary_sensor", "moisture")),
     ("灯", "zh", ("light", None)), ("台灯", "zh", ("light", None)), ("空调", "zh", ("climate", None)),
     ("暖气", "zh", ("climate", None)), ("窗帘", "zh", ("cover", None)),
     ("车库门", "zh", ("cover", "garage")), ("门锁", "zh", ("lock", None)),
     ("扫地机器人", "zh", ("vacuum", None)), ("插座", "zh", ("switch", "outlet")),
     ("湿度", "zh", ("sensor", "humidity")), ("温度", "zh", ("sensor", "temperature"))],
)
def test_class_words(word: str, lang: str, target: tuple[str, str | None]) -> None:
    assert devices.class_words(lang)[devices.normalize_word(word)] == target


def test_ambiguous_words_list_every_target() -> None:
    assert devices.word_targets("door", "en") == [("cover", "door"), ("binary_sensor", "door")]
    assert devices.word_targets("nonsense", "en") == []


def test_words_for() -> None:
    assert "lamp" in devices.words_for("light", None, "en")
    assert "百叶窗" in devices.words_for("cover", "blind", "zh")
    assert devices.words_for("cover", "spaceship", "en") == []
    assert devices.words_for("toaster", None, "en") == []


def test_every_cover_device_class_is_listed() -> None:
    classes = set(devices.load_schema().component("cover").device_classes)
    assert classes == {"awning", "blind", "curtain", "damper", "door", "garage", "gate", "shade",
                       "shutter", "window"}


def test_confirmations() -> None:
    assert devices.needs_confirm("lock.unlock")
    assert not devices.needs_confirm("lock.lock")
    assert devices.needs_confirm("cover.open_cover", "garage")
    assert not devices.needs_confirm("cover.close_cover", "garage")
    assert not devices.needs_confirm("cover.open_cover", "blind")
    assert not devices.needs_confirm("toaster.toast")


def test_bad_schema_file_names_itself(tmp_path: Path) -> None:
    for name in COMPONENTS:
        (tmp_path / f"{name}.yaml").write_text(f"component: {name}\n", encoding="utf-8")
    assert devices.read_schema(tmp_path).component("light").services == {}
    (tmp_path / "lock.yaml").write_text("component: light\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"devices/lock\.yaml"):
        devices.read_schema(tmp_path)
    (tmp_path / "lock.yaml").write_text("component: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"devices/lock\.yaml"):
        devices.read_schema(tmp_path)
