"""Checks on what a command carries before anything is logged or published (pure).

Text: lone surrogates, control characters and overlong text are refused with a message, never a
500 or silence. Service data: numbers outside the schema's range in `devices/` are refused naming
the range (`brightness_pct=-5` is an error, not "off"), and values the command log cannot store
(integers past 64 bits, NaN, deep nesting) are refused before they are half-executed.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from hub.devices import services_for
from hub.domain import LANGUAGES
from hub.errors import CodecError, InvalidText

MAX_TEXT = 1000
"""Longest command text, in characters."""
MAX_PAYLOAD = 16_384
"""Longest MQTT command or query payload read at all, in bytes (checked before decoding)."""
LANGS: tuple[str, ...] = ("auto", *LANGUAGES)
"""Languages a request may name (`auto` detects)."""
_INT64 = 2**63 - 1
_MAX_DEPTH = 4
_MAX_STRING = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """`text` ready for the model: control characters become spaces, then NFC.

    Raises:
        InvalidText: Empty, longer than `MAX_TEXT`, or not valid Unicode (a lone surrogate).
    """
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise InvalidText("the text is not valid Unicode (a lone surrogate)")
    if len(text) > MAX_TEXT:
        raise InvalidText(f"the text is longer than {MAX_TEXT} characters")
    cleaned = unicodedata.normalize("NFC", _CONTROL.sub(" ", text))
    if not cleaned.strip():
        raise InvalidText("the text is empty")
    return cleaned


def is_valid_unicode(value: Any) -> bool:
    """False when `value` (JSON data) holds a lone surrogate, which no UTF-8 answer can carry."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_storable(value: Any, where: str = "data", depth: int = 0) -> None:
    """Refuse values the command log cannot store faithfully.

    Raises:
        CodecError: Naming the field.
    """
    if depth > _MAX_DEPTH:
        raise CodecError(f"{where}: nested too deeply")
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        if abs(value) > _INT64:
            raise CodecError(f"{where}: {value} is out of range (a 64-bit integer)")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CodecError(f"{where}: must be a finite number")
    elif isinstance(value, str):
        if len(value) > _MAX_STRING:
            raise CodecError(f"{where}: longer than {_MAX_STRING} characters")
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            raise CodecError(f"{where}: not valid Unicode")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_storable(item, f"{where}[{i}]", depth + 1)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            check_storable(item, f"{where}.{key}", depth + 1)
    else:
        raise CodecError(f"{where}: unsupported value {type(value).__name__}")


def check_service_data(service: str, data: Mapping[str, Any]) -> None:
    """Refuse numbers outside the range `devices/` gives for `service`'s fields.

    Raises:
        CodecError: Naming the field and its range.
    """
    check_storable(dict(data))
    component = service.split(".", 1)[0]
    spec = services_for(component).get(service)
    if spec is None:
        return  # the codec names what the entity supports
    for name, value in data.items():
        field = spec.fields.get(name)
        if field is None or field.type not in ("number", "integer"):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CodecError(f"{name} must be a number, got {value!r}")
        low, high = field.min, field.max
        if (low is not None and value < low) or (high is not None and value > high):
            unit = f" {field.unit}" if field.unit else ""
            raise CodecError(f"{name} must be from {_num(low)} to {_num(high)}{unit}, got {_num(value)}")


def _num(value: float | None) -> str:
    if value is None:
        return "…"
    return str(int(value)) if float(value).is_integer() else str(value)


__all__ = ["LANGS", "MAX_PAYLOAD", "MAX_TEXT", "InvalidText", "check_service_data", "check_storable",
           "clean_text", "is_valid_unicode"]
