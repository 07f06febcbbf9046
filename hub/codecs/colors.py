"""Colour names and conversions, following Home Assistant's `color_util` formulas.

Pure functions: CSS named colours and Chinese colour words → RGB, RGB ↔ HS ↔ XY, Kelvin ↔ mired,
and the colour-temperature approximations HA uses to emulate one colour mode with another.
The NLU's normalisers import these too, so names map to the same values everywhere.
"""

from __future__ import annotations

import colorsys
import math
import re

RGB = tuple[int, int, int]
"""Red, green, blue, each 0–255."""
HS = tuple[float, float]
"""Hue 0–360 and saturation 0–100."""
XY = tuple[float, float]
"""CIE 1931 chromaticity, each 0–1."""

_CSS_TABLE = """
aliceblue 240 248 255|antiquewhite 250 235 215|aqua 0 255 255|aquamarine 127 255 212
azure 240 255 255|beige 245 245 220|bisque 255 228 196|black 0 0 0|blanchedalmond 255 235 205
blue 0 0 255|blueviolet 138 43 226|brown 165 42 42|burlywood 222 184 135|cadetblue 95 158 160
chartreuse 127 255 0|chocolate 210 105 30|coral 255 127 80|cornflowerblue 100 149 237
cornsilk 255 248 220|crimson 220 20 60|cyan 0 255 255|darkblue 0 0 139|darkcyan 0 139 139
darkgoldenrod 184 134 11|darkgray 169 169 169|darkgreen 0 100 0|darkgrey 169 169 169
darkkhaki 189 183 107|darkmagenta 139 0 139|darkolivegreen 85 107 47|darkorange 255 140 0
darkorchid 153 50 204|darkred 139 0 0|darksalmon 233 150 122|darkseagreen 143 188 143
darkslateblue 72 61 139|darkslategray 47 79 79|darkslategrey 47 79 79|darkturquoise 0 206 209
darkviolet 148 0 211|deeppink 255 20 147|deepskyblue 0 191 255|dimgray 105 105 105
dimgrey 105 105 105|dodgerblue 30 144 255|firebrick 178 34 34|floralwhite 255 250 240
forestgreen 34 139 34|fuchsia 255 0 255|gainsboro 220 220 220|ghostwhite 248 248 255
gold 255 215 0|goldenrod 218 165 32|gray 128 128 128|green 0 128 0|greenyellow 173 255 47
grey 128 128 128|honeydew 240 255 240|hotpink 255 105 180|indianred 205 92 92|indigo 75 0 130
ivory 255 255 240|khaki 240 230 140|lavender 230 230 250|lavenderblush 255 240 245
lawngreen 124 252 0|lemonchiffon 255 250 205|lightblue 173 216 230|lightcoral 240 128 128
lightcyan 224 255 255|lightgoldenrodyellow 250 250 210|lightgray 211 211 211
lightgreen 144 238 144|lightgrey 211 211 211|lightpink 255 182 193|lightsalmon 255 160 122
lightseagreen 32 178 170|lightskyblue 135 206 250|lightslategray 119 136 153
lightslategrey 119 136 153|lightsteelblue 176 196 222|lightyellow 255 255 224|lime 0 255 0
limegreen 50 205 50|linen 250 240 230|magenta 255 0 255|maroon 128 0 0
mediumaquamarine 102 205 170|mediumblue 0 0 205|mediumorchid 186 85 211
mediumpurple 147 112 219|mediumseagreen 60 179 113|mediumslateblue 123 104 238
mediumspringgreen 0 250 154|mediumturquoise 72 209 204|mediumvioletred 199 21 133
midnightblue 25 25 112|mintcream 245 255 250|mistyrose 255 228 225|moccasin 255 228 181
navajowhite 255 222 173|navy 0 0 128|oldlace 253 245 230|olive 128 128 0|olivedrab 107 142 35
orange 255 165 0|orangered 255 69 0|orchid 218 112 214|palegoldenrod 238 232 170
palegreen 152 251 152|paleturquoise 175 238 238|palevioletred 219 112 147
papayawhip 255 239 213|peachpuff 255 218 185|peru 205 133 63|pink 255 192 203
plum 221 160 221|powderblue 176 224 230|purple 128 0 128|rebeccapurple 102 51 153|red 255 0 0
rosybrown 188 143 143|royalblue 65 105 225|saddlebrown 139 69 19|salmon 250 128 114
sandybrown 244 164 96|seagreen 46 139 87|seashell 255 245 238|sienna 160 82 45
silver 192 192 192|skyblue 135 206 235|slateblue 106 90 205|slategray 112 128 144
slategrey 112 128 144|snow 255 250 250|springgreen 0 255 127|steelblue 70 130 180
tan 210 180 140|teal 0 128 128|thistle 216 191 216|tomato 255 99 71|turquoise 64 224 208
violet 238 130 238|wheat 245 222 179|white 255 255 255|whitesmoke 245 245 245
yellow 255 255 0|yellowgreen 154 205 50
"""


def _parse_table(table: str) -> dict[str, RGB]:
    out: dict[str, RGB] = {}
    for entry in table.replace("\n", "|").split("|"):
        if entry.strip():
            name, r, g, b = entry.split()
            out[name] = (int(r), int(g), int(b))
    return out


CSS_COLORS: dict[str, RGB] = _parse_table(_CSS_TABLE)
"""The 148 CSS Color Module Level 4 named colours (gray/grey spellings both present)."""

_ZH_BASE: dict[str, str] = {
    "红色": "red", "大红色": "red", "绿色": "lime", "蓝色": "blue", "黄色": "yellow",
    "紫色": "purple", "橙色": "orange", "橘色": "orange", "橘黄色": "orange", "橙黄色": "orange",
    "粉色": "pink", "粉红色": "hotpink", "白色": "white", "青色": "cyan", "黑色": "black",
    "灰色": "gray", "棕色": "brown", "褐色": "brown", "咖啡色": "chocolate", "金色": "gold",
    "金黄色": "gold", "银色": "silver", "天蓝色": "skyblue", "浅蓝色": "lightblue",
    "淡蓝色": "lightblue", "深蓝色": "darkblue", "湖蓝色": "dodgerblue", "藏青色": "navy",
    "宝蓝色": "royalblue", "深红色": "darkred", "暗红色": "darkred", "酒红色": "maroon",
    "浅绿色": "lightgreen", "淡绿色": "palegreen", "深绿色": "darkgreen", "草绿色": "lawngreen",
    "墨绿色": "darkgreen", "翠绿色": "springgreen", "橄榄绿": "olivedrab", "品红色": "magenta",
    "洋红色": "magenta", "玫红色": "deeppink", "玫瑰红": "deeppink", "紫红色": "mediumvioletred",
    "蓝紫色": "blueviolet", "紫罗兰色": "violet", "淡紫色": "lavender", "浅紫色": "plum",
    "深紫色": "indigo", "靛蓝色": "indigo", "靛青色": "indigo", "米色": "beige", "米白色": "ivory",
    "珊瑚色": "coral", "番茄色": "tomato", "三文鱼色": "salmon", "蓝绿色": "teal", "绿松石色": "turquoise",
    "柠檬黄": "yellow", "浅黄色": "lightyellow", "淡黄色": "lightyellow", "桃红色": "hotpink",
    "浅粉色": "lightpink", "深粉色": "deeppink", "橘红色": "orangered", "土黄色": "goldenrod",
}


def _zh_colors() -> dict[str, RGB]:
    out: dict[str, RGB] = {}
    for word, css in _ZH_BASE.items():
        out[word] = CSS_COLORS[css]
    for word, css in _ZH_BASE.items():
        stem = word.removesuffix("色")
        if stem != word and stem not in out:  # 红色 → 红, 粉红色 → 粉红
            out[stem] = CSS_COLORS[css]
    return out


ZH_COLORS: dict[str, RGB] = _zh_colors()
"""Chinese colour words (with and without the 色 suffix) → RGB."""

WHITE_KELVIN: dict[str, int] = {
    "warm white": 2700, "warm": 2700, "soft white": 2700, "candlelight": 2000,
    "neutral white": 4000, "natural white": 4000, "neutral": 4000,
    "cool white": 5000, "cold white": 6000, "cool": 5000, "daylight": 6500,
    "暖白": 2700, "暖白色": 2700, "暖光": 2700, "暖色": 2700, "暖黄": 2500, "暖黄光": 2500,
    "自然光": 4000, "中性光": 4000, "自然白": 4000, "冷白": 6000, "冷白色": 6000, "冷光": 6000,
    "冷色": 6000, "日光": 6500, "白光": 5000,
}
"""Names of white tones people ask for → colour temperature in Kelvin."""

_SEPARATORS = re.compile(r"[\s_\-]+")


def name_to_rgb(name: str) -> RGB | None:
    """Look up a colour name: a CSS name ("Light Blue" → lightblue) or a Chinese word ("红色").

    Args:
        name: The colour as written; case, spaces, hyphens and underscores are ignored.

    Returns:
        The RGB triple, or None when the name is unknown.
    """
    text = name.strip()
    if text in ZH_COLORS:
        return ZH_COLORS[text]
    return CSS_COLORS.get(_SEPARATORS.sub("", text.casefold()))


def name_to_kelvin(name: str) -> int | None:
    """Colour temperature of a named white ("warm white", "冷光"), or None when unknown."""
    return WHITE_KELVIN.get(" ".join(name.casefold().split()))


def rgb_to_hsv(r: float, g: float, b: float) -> tuple[float, float, float]:
    """RGB (0–255) → hue 0–360, saturation 0–100, value 0–100, rounded to 3 places (HA)."""
    h, s, v = colorsys.rgb_to_hsv(r / 255.0, g / 255.0, b / 255.0)
    return round(h * 360, 3), round(s * 100, 3), round(v * 100, 3)


def hsv_to_rgb(h: float, s: float, v: float) -> RGB:
    """Hue 0–360, saturation 0–100, value 0–100 → RGB (0–255), truncated as HA does."""
    fr, fg, fb = colorsys.hsv_to_rgb(h / 360, s / 100, v / 100)
    return int(fr * 255), int(fg * 255), int(fb * 255)


def rgb_to_hs(r: float, g: float, b: float) -> HS:
    """RGB → (hue, saturation), HA's `color_RGB_to_hs`."""
    h, s, _ = rgb_to_hsv(r, g, b)
    return h, s


def hs_to_rgb(h: float, s: float) -> RGB:
    """(hue, saturation) at full value → RGB, HA's `color_hs_to_RGB`."""
    return hsv_to_rgb(h, s, 100)


def _gamma(c: float) -> float:
    return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92


def _inverse_gamma(c: float) -> float:
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def rgb_to_xy(r: float, g: float, b: float) -> XY:
    """RGB → CIE xy (Wide RGB D65, HA's `color_RGB_to_xy`), rounded to 3 places."""
    if r + g + b == 0:
        return 0.0, 0.0
    lr, lg, lb = _gamma(r / 255), _gamma(g / 255), _gamma(b / 255)
    x = lr * 0.664511 + lg * 0.154324 + lb * 0.162028
    y = lr * 0.283881 + lg * 0.668433 + lb * 0.047685
    z = lr * 0.000088 + lg * 0.072310 + lb * 0.986039
    total = x + y + z
    return round(x / total, 3), round(y / total, 3)


def xy_to_rgb(x: float, y: float, brightness: int = 255) -> RGB:
    """CIE xy (+ brightness 0–255) → RGB, HA's `color_xy_brightness_to_RGB`."""
    level = brightness / 255.0
    if level == 0.0:
        return 0, 0, 0
    if y == 0.0:
        y += 1e-11
    big_x = (level / y) * x
    big_z = (level / y) * (1 - x - y)
    r = big_x * 1.656492 - level * 0.354851 - big_z * 0.255038
    g = -big_x * 0.707196 + level * 1.655397 + big_z * 0.036152
    b = big_x * 0.051713 - level * 0.121364 + big_z * 1.011530
    channels = [max(0.0, _inverse_gamma(c)) for c in (r, g, b)]
    peak = max(channels)
    if peak > 1:
        channels = [c / peak for c in channels]
    return int(channels[0] * 255), int(channels[1] * 255), int(channels[2] * 255)


def xy_to_hs(x: float, y: float) -> HS:
    """CIE xy → (hue, saturation), HA's `color_xy_to_hs`."""
    return rgb_to_hs(*xy_to_rgb(x, y))


def hs_to_xy(h: float, s: float) -> XY:
    """(hue, saturation) → CIE xy, HA's `color_hs_to_xy`."""
    return rgb_to_xy(*hs_to_rgb(h, s))


def kelvin_to_mired(kelvin: float) -> int:
    """Kelvin → mireds, floored as HA's `color_temperature_kelvin_to_mired`."""
    return math.floor(1_000_000 / kelvin)


def mired_to_kelvin(mired: float) -> int:
    """Mireds → Kelvin, floored as HA's `color_temperature_mired_to_kelvin`."""
    return math.floor(1_000_000 / mired)


def _clamp255(value: float) -> float:
    return min(max(value, 0.0), 255.0)


def kelvin_to_rgb(kelvin: float) -> tuple[float, float, float]:
    """Approximate RGB of a black body (Tanner Helland's fit, as HA's `color_temperature_to_rgb`)."""
    t = min(max(kelvin, 1000), 40000) / 100.0
    red = 255.0 if t <= 66 else _clamp255(329.698727446 * (t - 60) ** -0.1332047592)
    if t <= 66:
        green = _clamp255(99.4708025861 * math.log(t) - 161.1195681661)
    else:
        green = _clamp255(288.1221695283 * (t - 60) ** -0.0755148492)
    if t >= 66:
        blue = 255.0
    elif t <= 19:
        blue = 0.0
    else:
        blue = _clamp255(138.5177312231 * math.log(t - 10) - 305.0447927307)
    return red, green, blue


def kelvin_to_hs(kelvin: float) -> HS:
    """Colour temperature → (hue, saturation), used to emulate white on colour-only lights."""
    return rgb_to_hs(*kelvin_to_rgb(kelvin))


def xy_to_kelvin(x: float, y: float) -> int:
    """CIE xy → correlated colour temperature (McCamy's formula, HA's `color_xy_to_temperature`)."""
    n = (x - 0.3320) / (0.1858 - y)
    return int(437 * n**3 + 3601 * n**2 + 6861 * n + 5517)


def color_attributes(mode: str, value: tuple[float, ...] | float) -> dict[str, object]:
    """A light's colour attributes in every representation HA shows.

    Args:
        mode: "hs", "xy", "rgb" or "color_temp".
        value: (h, s), (x, y), (r, g, b) or a Kelvin number, matching `mode`.

    Returns:
        `color_mode`, `hs_color`, `rgb_color`, `xy_color` and `color_temp_kelvin` (None unless
        the mode is color_temp).
    """
    kelvin: int | None = None
    if isinstance(value, tuple):
        if mode == "rgb":
            rgb: RGB = (int(value[0]), int(value[1]), int(value[2]))
        elif mode == "hs":
            rgb = hs_to_rgb(value[0], value[1])
        elif mode == "xy":
            rgb = xy_to_rgb(value[0], value[1])
        else:
            raise ValueError(f"unknown colour mode {mode!r}")
    else:
        kelvin = int(value)
        red, green, blue = kelvin_to_rgb(kelvin)
        rgb = (round(red), round(green), round(blue))
    return {
        "color_mode": mode,
        "hs_color": list(value) if mode == "hs" and isinstance(value, tuple) else
        list(rgb_to_hs(*rgb)),
        "rgb_color": list(rgb),
        "xy_color": list(value) if mode == "xy" and isinstance(value, tuple) else
        list(rgb_to_xy(*rgb)),
        "color_temp_kelvin": kelvin,
    }
