"""Language detection by script, and the word splitter shared by training and inference.

Words are what the BIO tags label: English words split on whitespace and punctuation (a number
keeps its decimal part and a trailing `%`; a hyphen between letters joins: "under-cabinet" is one
word, so a tagged name never ends in a stray "-"); every CJK character is a word of its own, and a run of
latin letters or digits inside Chinese text is one word.
"""

from __future__ import annotations

import re

LANGS: tuple[str, ...] = ("en", "zh")

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_CJK}]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_WORD = re.compile(
    rf"[{_CJK}]"  # one CJK character
    rf"|[^\W{_CJK}]+(?:[.,'’-][^\W{_CJK}]+)*%?"  # latin/digit run: "22.5", "don't", "50%", "under-cabinet"
    r"|°[CcFf]?"  # a degree sign, with its unit
    r"|\S"  # any other non-space character (punctuation) stands alone
)


def is_cjk(char: str) -> bool:
    """Whether `char` is a CJK unified ideograph."""
    return bool(_HAN.fullmatch(char))


def detect_lang(text: str) -> str:
    """Return "zh" when the text is mostly Chinese, else "en".

    Chinese wins when it has at least as many Han characters as latin words, so a Chinese
    command that names a latin device ("打开 Hue 灯") is Chinese, and an English one that quotes a
    Chinese room name ("turn on the 客厅 lamp please") stays English.
    """
    han = len(_HAN.findall(text))
    if han == 0:
        return "en"
    return "zh" if han >= len(_LATIN_WORD.findall(text)) else "en"


def split_words(text: str) -> list[tuple[str, int, int]]:
    """Split `text` into `(word, start, end)` triples with character offsets."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
