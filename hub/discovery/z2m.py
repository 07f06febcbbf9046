"""zigbee2mqtt's retained `<base>/bridge/devices` list, for facts HA discovery leaves out.

HA discovery from zigbee2mqtt carries the device's friendly name and model; `bridge/devices`
adds the vendor, the model's description, the user's own description of the device, the power
source and what the device exposes. `match_identifiers` gives the HA device identifier
zigbee2mqtt uses in discovery, so the registry can join the two.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import orjson

from hub.errors import DiscoveryError

_LOGGER = logging.getLogger(__name__)

_MAX_DEPTH: Final = 8
"""Composite exposes nest a level or two; deeper input is cut off, not followed."""


@dataclass(frozen=True, slots=True)
class BridgeDevice:
    """One device of zigbee2mqtt's `bridge/devices`."""

    ieee_address: str
    """`0x000b57fffec6a5b2`; the device's stable id."""
    friendly_name: str
    """The name the user gave it in zigbee2mqtt; also its MQTT topic (`zigbee2mqtt/<name>`)."""
    type: str | None = None
    """`Coordinator`, `Router` or `EndDevice`."""
    model: str | None = None
    """The definition's model (`LED1545G12`)."""
    vendor: str | None = None
    """The definition's vendor (`IKEA`)."""
    description: str | None = None
    """The definition's description of the model (`TRADFRI bulb E26/E27, …`)."""
    user_description: str | None = None
    """The user's own description of this device (`this is my bulb`), a source of aliases."""
    model_id: str | None = None
    """The model id the device reports (`TRADFRI bulb E27 WS opal 980lm`)."""
    manufacturer: str | None = None
    """The manufacturer the device reports, when zigbee2mqtt lists it."""
    supported: bool = False
    disabled: bool = False
    interview_completed: bool = False
    power_source: str | None = None
    """`Mains (single phase)`, `Battery`, …"""
    exposes: tuple[str, ...] = ()
    """Top-level exposes: the type of specific ones (`light`, `switch`, `cover`, `light_l1` for
    endpoint `l1`) and the name of generic ones (`temperature`, `battery`, `action`)."""
    features: tuple[str, ...] = ()
    """Every leaf feature's name, flattened (`state`, `brightness`, `color_temp`, …)."""


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _flag(value: Any) -> bool:
    return value is True


def _leaf_names(features: Any, depth: int = 0) -> list[str]:
    names: list[str] = []
    if not isinstance(features, list) or depth > _MAX_DEPTH:
        return names
    for item in features:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("features"), list):
            names += _leaf_names(item["features"], depth + 1)
        elif isinstance(item.get("name"), str):
            names.append(item["name"])
    return names


def _summary(exposes: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(exposes, list):
        return (), ()
    tops: list[str] = []
    for expose in exposes:
        if not isinstance(expose, dict):
            continue
        label = _text(expose.get("name")) or _text(expose.get("type"))
        if label is None:
            continue
        endpoint = _text(expose.get("endpoint"))
        tops.append(f"{label}_{endpoint}" if endpoint else label)
    leaves = list(dict.fromkeys(_leaf_names(exposes)))
    return tuple(tops), tuple(leaves)


def _device(entry: dict[str, Any]) -> BridgeDevice | None:
    ieee = _text(entry.get("ieee_address"))
    if not ieee:
        return None
    definition = entry.get("definition")
    definition = definition if isinstance(definition, dict) else {}
    exposes, features = _summary(definition.get("exposes"))
    return BridgeDevice(
        ieee_address=ieee,
        friendly_name=_text(entry.get("friendly_name")) or ieee,
        type=_text(entry.get("type")),
        model=_text(definition.get("model")),
        vendor=_text(definition.get("vendor")),
        description=_text(definition.get("description")),
        user_description=_text(entry.get("description")),
        model_id=_text(entry.get("model_id")),
        manufacturer=_text(entry.get("manufacturer")),
        supported=_flag(entry.get("supported")),
        disabled=_flag(entry.get("disabled")),
        interview_completed=_flag(entry.get("interview_completed")),
        power_source=_text(entry.get("power_source")),
        exposes=exposes,
        features=features,
    )


def parse_bridge_devices(payload: bytes | str) -> list[BridgeDevice]:
    """Parse the payload of `zigbee2mqtt/bridge/devices`.

    Args:
        payload: The retained JSON array zigbee2mqtt publishes.

    Returns:
        One `BridgeDevice` per usable entry, coordinator included, in payload order. Entries
        that are not objects or lack an `ieee_address` are logged and skipped; missing or
        wrongly typed fields become None/False/empty.

    Raises:
        DiscoveryError: The payload is not JSON or not an array.
    """
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError as err:
        raise DiscoveryError(f"bridge/devices: payload is not valid JSON ({err})") from None
    if not isinstance(value, list):
        raise DiscoveryError(f"bridge/devices: payload must be a JSON array, "
                             f"not {type(value).__name__}")
    devices = []
    for index, entry in enumerate(value):
        device = _device(entry) if isinstance(entry, dict) else None
        if device is None:
            _LOGGER.warning("bridge/devices: entry %d has no ieee_address; skipped", index)
            continue
        devices.append(device)
    return devices


def match_identifiers(device: BridgeDevice) -> str:
    """The HA device identifier zigbee2mqtt announces for this device.

    Args:
        device: A device from `parse_bridge_devices`.

    Returns:
        `zigbee2mqtt_<ieee>`, or `zigbee2mqtt_bridge_<ieee>` for the coordinator (the bridge
        device that other devices name in `via_device`).
    """
    if device.type == "Coordinator":
        return f"zigbee2mqtt_bridge_{device.ieee_address}"
    return f"zigbee2mqtt_{device.ieee_address}"


def index_by_identifier(devices: Iterable[BridgeDevice]) -> dict[str, BridgeDevice]:
    """Map each device's HA identifier to it, to look up `Entity.device.identifiers`.

    Args:
        devices: Devices from `parse_bridge_devices`.

    Returns:
        identifier → device.
    """
    return {match_identifiers(device): device for device in devices}
