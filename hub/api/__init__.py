"""The HTTP/WebSocket API (aiohttp), in Home Assistant's REST shapes."""

from hub.api.server import ApiServer, build_app

__all__ = ["ApiServer", "build_app"]
