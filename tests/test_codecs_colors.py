"""Colour names and conversions (HA's color_util formulas)."""

from __future__ import annotations

import pytest

from hub.codecs import colors


def test_all_148_css_names() -> None:
    assert len(colors.CSS_COLORS) == 148
    assert colors.CSS_COLORS["rebeccapurple"] == (102, 51, 153)
    assert colors.CSS_COLORS["grey"] == colors.CSS_COLORS["gray"] == (128, 128, 128)


@pytest.mark.parametrize(
    ("name", "rgb"),
    [("red", (255, 0, 0)), ("Light Blue", (173, 216, 230)), ("light-blue", (173, 216, 230)),
     ("DarkOrange", (255, 140, 0)), ("红色", (255, 0, 0)), ("红", (255, 0, 0)),
     ("蓝色", (0, 0, 255)), ("粉红色", (255, 105, 180)), ("紫", (128, 0, 128)),
     ("青色", (0, 255, 255)), ("白色", (255, 255, 255))],
)
def test_name_to_rgb(name: str, rgb: tuple[int, int, int]) -> None:
    assert colors.name_to_rgb(name) == rgb


def test_unknown_name() -> None:
    assert colors.name_to_rgb("blurple") is None
    assert colors.name_to_rgb("") is None


def test_white_names_to_kelvin() -> None:
    assert colors.name_to_kelvin("Warm  White") == 2700
    assert colors.name_to_kelvin("冷光") == 6000
    assert colors.name_to_kelvin("red") is None


def test_rgb_hs_round_trip() -> None:
    assert colors.rgb_to_hs(255, 0, 0) == (0.0, 100.0)
    assert colors.rgb_to_hs(0, 0, 255) == (240.0, 100.0)
    assert colors.hs_to_rgb(120, 100) == (0, 255, 0)
    assert colors.hs_to_rgb(*colors.rgb_to_hs(255, 128, 0)) == (255, 128, 0)


def test_rgb_xy_matches_ha() -> None:
    # Values HA's color_util gives for the same inputs.
    assert colors.rgb_to_xy(255, 0, 0) == (0.701, 0.299)
    assert colors.rgb_to_xy(0, 255, 0) == (0.172, 0.747)
    assert colors.rgb_to_xy(0, 0, 0) == (0.0, 0.0)
    assert colors.xy_to_rgb(0.701, 0.299) == (255, 0, 0)
    assert colors.xy_to_rgb(0.5, 0.5, 0) == (0, 0, 0)


def test_kelvin_mired() -> None:
    assert colors.kelvin_to_mired(2700) == 370
    assert colors.mired_to_kelvin(370) == 2702
    assert colors.mired_to_kelvin(153) == 6535


def test_kelvin_to_colour_is_warm_or_cool() -> None:
    warm_hue, warm_sat = colors.kelvin_to_hs(2700)
    assert 20 < warm_hue < 40 and warm_sat > 50
    assert colors.kelvin_to_hs(6600)[1] < 5  # near white
    assert 2000 < colors.xy_to_kelvin(*colors.rgb_to_xy(255, 180, 107)) < 3000


def test_color_attributes_cover_every_representation() -> None:
    attrs = colors.color_attributes("hs", (240.0, 100.0))
    assert attrs["rgb_color"] == [0, 0, 255]
    assert attrs["hs_color"] == [240.0, 100.0]
    assert attrs["xy_color"] == list(colors.rgb_to_xy(0, 0, 255))
    assert attrs["color_temp_kelvin"] is None
    white = colors.color_attributes("color_temp", 2700)
    assert white["color_mode"] == "color_temp" and white["color_temp_kelvin"] == 2700
