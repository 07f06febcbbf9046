"""Discovery parsers: Home Assistant MQTT discovery, zigbee2mqtt's device list, availability.

Pure code: messages in, `hub.domain` values out. The MQTT side feeds config messages to
`parse_discovery`, availability messages to an `AvailabilityTracker`, and
`zigbee2mqtt/bridge/devices` to `parse_bridge_devices`; the registry owns what comes out.
"""

from __future__ import annotations

from hub.discovery.availability import AvailabilityConfig, AvailabilitySource, AvailabilityTracker
from hub.discovery.ha import (
    DiscoveryTopic,
    UnsupportedComponentError,
    parse_discovery,
    parse_topic,
    slugify,
)
from hub.discovery.z2m import (
    BridgeDevice,
    index_by_identifier,
    match_identifiers,
    parse_bridge_devices,
)

__all__ = [
    "AvailabilityConfig",
    "AvailabilitySource",
    "AvailabilityTracker",
    "BridgeDevice",
    "DiscoveryTopic",
    "UnsupportedComponentError",
    "index_by_identifier",
    "match_identifiers",
    "parse_bridge_devices",
    "parse_discovery",
    "parse_topic",
    "slugify",
]
