"""The registry as the API shows it: entities, areas and devices."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from aiohttp import web

from hub import codecs
from hub.api.common import json_response
from hub.api.context import context_of
from hub.domain import Entity

routes = web.RouteTableDef()


def area_id(name: str) -> str:
    """A slug of an area name (`Living Room` → `living_room`), as HA makes area ids.

    Args:
        name: The area as people say it.
    """
    return re.sub(r"[^\w]+", "_", name.strip().lower(), flags=re.UNICODE).strip("_") or name


def entity_dict(entity: Entity) -> dict[str, Any]:
    """An entity's registry facts.

    Args:
        entity: The registry entry.
    """
    device = entity.device
    return {
        "entity_id": entity.entity_id,
        "name": entity.name,
        "component": entity.component,
        "area": entity.area,
        "area_id": area_id(entity.area) if entity.area else None,
        "device_class": entity.device_class,
        "device": None if device is None else {"id": device.key, "name": device.name},
        "aliases": list(entity.aliases),
        "services": codecs.services(entity),
    }


@routes.get("/api/entities")
async def entities(request: web.Request) -> web.Response:
    """Every entity of the registry, sorted by id."""
    items = sorted(context_of(request).registry.entities(), key=lambda e: e.entity_id)
    return json_response([entity_dict(e) for e in items])


@routes.get("/api/areas")
async def areas(request: web.Request) -> web.Response:
    """Areas with the ids of their entities, sorted by name."""
    by_area: dict[str, list[str]] = {}
    for entity in context_of(request).registry.entities():
        if entity.area:
            by_area.setdefault(entity.area, []).append(entity.entity_id)
    return json_response([
        {"area_id": area_id(name), "name": name, "entities": sorted(ids)}
        for name, ids in sorted(by_area.items())
    ])


@routes.get("/api/devices")
async def devices(request: web.Request) -> web.Response:
    """Devices with their entities, and zigbee2mqtt's facts where a bridge described the device."""
    ctx = context_of(request)
    out: dict[str, dict[str, Any]] = {}
    for entity in sorted(ctx.registry.entities(), key=lambda e: e.entity_id):
        device = entity.device
        if device is None:
            continue
        item = out.get(device.key)
        if item is None:
            item = out[device.key] = {
                "id": device.key,
                "name": device.name,
                "manufacturer": device.manufacturer,
                "model": device.model,
                "sw_version": device.sw_version,
                "area": device.suggested_area or entity.area,
                "identifiers": list(device.identifiers),
                "via_device": device.via_device,
                "entities": [],
                "zigbee2mqtt": _bridge_facts(ctx.bridge_devices, device.identifiers),
            }
        item["entities"].append(entity.entity_id)
    return json_response(list(out.values()))


def _bridge_facts(bridge_devices: Mapping[str, Any], identifiers: tuple[str, ...]) -> dict[str, Any] | None:
    """The `bridge/devices` entry whose IEEE address a discovery identifier carries.

    zigbee2mqtt announces identifiers like `zigbee2mqtt_0x00158d0001c4d5`.
    """
    for facts in bridge_devices.values():
        ieee = getattr(facts, "ieee_address", None)
        if ieee and any(i == ieee or i.endswith(f"_{ieee}") for i in identifiers):
            facts_dict: dict[str, Any] = asdict(facts)
            return {k: v for k, v in facts_dict.items() if _jsonable(v)}
    return None


def _jsonable(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, tuple, dict))
