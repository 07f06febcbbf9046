"""Chinese script at the edge: Traditional in, Simplified inside, the user's script out.

The model, the resolver's comparisons and the Chinese regexes all work in Simplified Chinese;
speech-to-text (Whisper) often writes Mandarin in Traditional characters ("打開客廳燈"). Rather
than train on a second script, text is converted with OpenCC (the `opencc` package: the OpenCC
project's own C++ library and dictionaries) where it enters, and answers are converted back.

`to_simplified` keeps the string's length, so character offsets (slot spans) found on the
Simplified text hold on the original: a phrase-level conversion that would change the length
falls back to converting character by character.
"""

from __future__ import annotations

import functools

import opencc

SCRIPTS = ("hans", "hant")
"""Simplified, Traditional."""


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


# The dictionaries are loaded at import (start-up, a few ms), so a Chinese command never waits
# for them. s2tw (+42 MB with its phrase dictionary) loads on the first Traditional answer.
_converter("t2s")
_converter("tw2sp")


@functools.lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """Traditional → Simplified, same length as `text`; other text unchanged.

    Taiwan's words become the mainland's where the length allows (tw2sp: 印表機 → 打印机,
    滑鼠 → 鼠标), as Whisper and Taiwanese users write them; otherwise characters only (t2s),
    and character by character where even that would change the length.
    """
    if text.isascii():
        return text
    for config in ("tw2sp", "t2s"):
        out: str = _converter(config).convert(text)
        if len(out) == len(text):
            return out
    convert = _converter("t2s").convert
    return "".join(c if len(c := convert(ch)) == 1 else ch for ch in text)


def script_of(text: str) -> str:
    """ "hant" when the text has a character that Simplified Chinese writes differently, else "hans"."""
    return "hant" if not text.isascii() and _converter("t2s").convert(text) != text else "hans"


def to_traditional(text: str) -> str:
    """Simplified → Traditional as written in Taiwan (s2tw: characters, no vocabulary changes)."""
    if text.isascii():
        return text
    out: str = _converter("s2tw").convert(text)
    return out


def in_script(text: str | None, script: str) -> str | None:
    """A Chinese sentence in `script` ("hant" or "hans"); None stays None."""
    if text is None:
        return None
    return to_traditional(text) if script == "hant" else to_simplified(text)
