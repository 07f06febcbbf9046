"""Wyoming protocol server: the hub as a conversation agent of Home Assistant's Assist.

`server` (TCP, the library's `AsyncTcpServer`), `handler` (one connection), `info` (`describe`),
`intents` (parses as HA's built-in intents, pure), `commands` (what the server needs from the
hub, and the adapter to it).
"""

from hub.wyoming.commands import CommandRunner, HubCommands, Recognizer
from hub.wyoming.server import WyomingServer

__all__ = ["CommandRunner", "HubCommands", "Recognizer", "WyomingServer"]
