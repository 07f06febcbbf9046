"""The Wyoming TCP server: the library's `AsyncTcpServer` with the hub's handler, owned tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from wyoming.server import AsyncEventHandler, AsyncTcpServer

from hub.errors import HubError
from hub.wyoming.commands import CommandRunner, Recognizer
from hub.wyoming.handler import HubEventHandler

_LOGGER = logging.getLogger(__name__)

class WyomingListenError(HubError):
    """The Wyoming address cannot be listened on (taken, or not this machine's)."""


MAX_CLIENTS = 32
"""Connections served at once; one more gets a `busy` error (HA opens one per sentence)."""


class WyomingServer:
    """Serves Wyoming on `host:port` while entered; an async context manager.

    Args:
        commands: Carries out `transcript` sentences.
        recognizer: Parses `recognize` sentences.
        host: Address to listen on.
        port: TCP port.
        max_clients: Connections served at once.
    """

    def __init__(
        self, commands: CommandRunner, recognizer: Recognizer, host: str, port: int,
        *, max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.commands = commands
        self.recognizer = recognizer
        self.host = host
        self.port = port
        self.max_clients = max_clients
        self._server: AsyncTcpServer | None = None

    def _handler(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> AsyncEventHandler:
        assert self._server is not None
        busy = len(self._server._handlers) >= self.max_clients  # the library's own task table
        return HubEventHandler(reader, writer, self.commands, self.recognizer, busy=busy)

    async def start(self) -> None:
        """Listen.

        Raises:
            WyomingListenError: The address is taken or not this machine's.
        """
        server = AsyncTcpServer(self.host, self.port)
        self._server = server
        try:
            await server.start(self._handler)
        except OSError as err:
            self._server = None
            raise WyomingListenError(
                f"cannot serve Wyoming on {self.host}:{self.port} (wyoming.listen, HUB_WYOMING): "
                f"{err.strerror or err}") from None
        _LOGGER.info("wyoming: serving Home Assistant's Assist on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening, end every connection, and wait for their tasks."""
        server, self._server = self._server, None
        if server is None:
            return
        tasks = list(server._handlers)
        await server.stop()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def __aenter__(self) -> WyomingServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


__all__ = ["MAX_CLIENTS", "WyomingListenError", "WyomingServer"]
