"""An asyncio smart-home hub: MQTT discovery, a state database, and natural-language commands."""

__version__ = "0.1.0"
