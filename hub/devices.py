"""The device schema (`devices/*.yaml`): services and their parameter ranges per component, and
the words people use for each component and device class, per language.

The resolver maps slot text ("lamp", "blinds", "空调", "窗帘") to a component and device class
through `class_words`; the API and docs list services and ranges from `services_for`. Loading
reads files, so async callers run `load_schema` once through `asyncio.to_thread`; the result is
cached.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from hub.domain import COMPONENTS
from hub.errors import ConfigError
from hub.resources import data_path

_SPACES = re.compile(r"\s+")


def normalize_word(text: str) -> str:
    """The form words are compared in: case-folded, trimmed, inner whitespace collapsed."""
    return _SPACES.sub(" ", text.strip().casefold())


@dataclass(frozen=True)
class FieldSpec:
    """One service data field and its allowed values."""

    name: str
    type: str
    """number, integer, boolean, string, enum, color_name, rgb, hs or xy."""
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    options: tuple[str, ...] = ()
    """Allowed values of an enum."""
    description: str = ""


@dataclass(frozen=True)
class ServiceSpec:
    """One HA service of a component."""

    name: str
    """`<domain>.<service>`, e.g. `light.turn_on`."""
    fields: Mapping[str, FieldSpec]
    confirm: bool = False
    """Sensitive (unlock): the live hub waits for a confirmation."""


@dataclass(frozen=True)
class DeviceClassSpec:
    """A device class of a component (cover: garage, blind, …) and its words."""

    name: str
    words: Mapping[str, tuple[str, ...]]
    """Language → words, normalised."""
    confirm: frozenset[str] = frozenset()
    """Services (without domain) that need a confirmation for this class (open a garage)."""


@dataclass(frozen=True)
class ComponentSpec:
    """Everything the schema says about one component."""

    name: str
    description: str
    capabilities: tuple[str, ...]
    services: Mapping[str, ServiceSpec]
    """Full service name → spec."""
    words: Mapping[str, tuple[str, ...]]
    """Language → words for the component itself, normalised."""
    device_classes: Mapping[str, DeviceClassSpec] = field(default_factory=dict)


@dataclass(frozen=True)
class DeviceSchema:
    """The whole device schema, one `ComponentSpec` per component in `COMPONENTS` order."""

    components: Mapping[str, ComponentSpec]

    def component(self, name: str) -> ComponentSpec:
        """The spec of a component; `KeyError` when the schema has none."""
        return self.components[name]


def _words(raw: Any, where: str) -> Mapping[str, tuple[str, ...]]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(where, "words must map a language to a list")
    out: dict[str, tuple[str, ...]] = {}
    for lang, items in raw.items():
        if not isinstance(items, list) or not all(isinstance(w, str | int | float) for w in items):
            raise ConfigError(f"{where}.{lang}", "must be a list of words")
        out[str(lang)] = tuple(dict.fromkeys(normalize_word(str(w)) for w in items))
    return MappingProxyType(out)


def _field(name: str, raw: Any, where: str) -> FieldSpec:
    if not isinstance(raw, dict) or "type" not in raw:
        raise ConfigError(where, "a field needs a mapping with a type")
    return FieldSpec(
        name=name,
        type=str(raw["type"]),
        min=None if raw.get("min") is None else float(raw["min"]),
        max=None if raw.get("max") is None else float(raw["max"]),
        unit=raw.get("unit"),
        options=tuple(str(o) for o in raw.get("options") or ()),
        description=str(raw.get("description") or ""),
    )


def _component(raw: Any, path: Path) -> ComponentSpec:
    where = f"devices/{path.name}"
    if not isinstance(raw, dict) or raw.get("component") != path.stem:
        raise ConfigError(where, f"must be a mapping with component: {path.stem}")
    name = path.stem
    services: dict[str, ServiceSpec] = {}
    for service, spec in (raw.get("services") or {}).items():
        spec = spec or {}
        fields = {
            key: _field(key, value, f"{where}:{service}.{key}")
            for key, value in (spec.get("fields") or {}).items()
        }
        full = f"{name}.{service}"
        services[full] = ServiceSpec(full, MappingProxyType(fields), bool(spec.get("confirm")))
    classes = {
        cls: DeviceClassSpec(
            cls,
            _words((spec or {}).get("words"), f"{where}:{cls}.words"),
            frozenset(str(s) for s in (spec or {}).get("confirm") or ()),
        )
        for cls, spec in (raw.get("device_classes") or {}).items()
    }
    return ComponentSpec(
        name=name,
        description=str(raw.get("description") or ""),
        capabilities=tuple(str(c) for c in raw.get("capabilities") or ()),
        services=MappingProxyType(services),
        words=_words(raw.get("words"), f"{where}:words"),
        device_classes=MappingProxyType(classes),
    )


def read_schema(folder: Path) -> DeviceSchema:
    """Read `<component>.yaml` for every component from `folder`.

    Raises:
        ConfigError: A file is missing or malformed (the message names it).
    """
    components: dict[str, ComponentSpec] = {}
    for name in COMPONENTS:
        path = folder / f"{name}.yaml"
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as err:
            raise ConfigError(f"devices/{path.name}", str(err)) from None
        components[name] = _component(raw, path)
    return DeviceSchema(MappingProxyType(components))


@functools.cache
def load_schema() -> DeviceSchema:
    """The shipped device schema (read once, then cached)."""
    return read_schema(data_path("devices"))


def services_for(component: str) -> Mapping[str, ServiceSpec]:
    """The services of a component, full name → spec (empty for sensors or an unknown name)."""
    spec = load_schema().components.get(component)
    return spec.services if spec is not None else MappingProxyType({})


def words_for(component: str, device_class: str | None = None, lang: str = "en") -> list[str]:
    """The words for a component (device_class None) or one of its device classes."""
    spec = load_schema().components.get(component)
    if spec is None:
        return []
    if device_class is None:
        return list(spec.words.get(lang, ()))
    cls = spec.device_classes.get(device_class)
    return list(cls.words.get(lang, ())) if cls is not None else []


@functools.cache
def _targets(lang: str) -> Mapping[str, tuple[tuple[str, str | None], ...]]:
    found: dict[str, list[tuple[str, str | None]]] = {}
    for spec in load_schema().components.values():
        for word in spec.words.get(lang, ()):
            found.setdefault(word, []).append((spec.name, None))
        for cls in spec.device_classes.values():
            for word in cls.words.get(lang, ()):
                found.setdefault(word, []).append((spec.name, cls.name))
    return MappingProxyType({w: tuple(dict.fromkeys(t)) for w, t in found.items()})


def word_targets(word: str, lang: str) -> list[tuple[str, str | None]]:
    """Every (component, device class or None) a word can mean, most likely first."""
    return list(_targets(lang).get(normalize_word(word), ()))


def class_words(lang: str) -> dict[str, tuple[str, str | None]]:
    """Normalised word → (component, device class or None), for one language.

    A word shared by several targets maps to the first: components in `COMPONENTS` order
    (actuators before sensors), and within a component its own words before its device
    classes ("blinds" → (cover, None), "garage door" → (cover, garage)). `word_targets`
    lists them all.
    """
    return {word: targets[0] for word, targets in _targets(lang).items()}


def needs_confirm(service: str, device_class: str | None = None) -> bool:
    """Whether a service call is sensitive: unlocking, or opening a garage door or gate.

    Args:
        service: `<domain>.<service>`.
        device_class: The target entity's device class, if any.
    """
    component, _, name = service.partition(".")
    spec = load_schema().components.get(component)
    if spec is None:
        return False
    if (svc := spec.services.get(service)) is not None and svc.confirm:
        return True
    cls = spec.device_classes.get(device_class) if device_class else None
    return cls is not None and name in cls.confirm
