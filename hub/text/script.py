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


# t2s is loaded at import (start-up, ~4 ms, +3 MB), so a Chinese command never waits for its
# dictionaries. s2tw (+42 MB with its phrase dictionary) loads on the first Traditional answer.
_converter("t2s")


@functools.lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """Traditional characters → Simplified (t2s), same length as `text`; other text unchanged."""
    if text.isascii():
        return text
    out: str = _converter("t2s").convert(text)
    if len(out) == len(text):
        return out
    convert = _converter("t2s").convert
    return "".join(c if len(c := convert(ch)) == 1 else ch for ch in text)


def script_of(text: str) -> str:
    """ "hant" when the text has a character that Simplified Chinese writes differently, else "hans"."""
    return "hant" if not text.isascii() and to_simplified(text) != text else "hans"


@functools.lru_cache(maxsize=1024)
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
