"""`MqttUrl`: a broker address as users write it (`mqtt://user:pass@host:port`, `mqtts://` for TLS).

Its own module so that the MQTT client, zeroconf and the demo need only this, not all of `config`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from hub.errors import ConfigError


@dataclass(frozen=True, slots=True)
class MqttUrl:
    """A parsed `mqtt://user:pass@host:port` URL (`mqtts://` for TLS)."""

    host: str
    port: int = 1883
    username: str | None = None
    password: str | None = None
    tls: bool = False

    @classmethod
    def parse(cls, url: str, key: str = "mqtt.url") -> MqttUrl:
        """Parse `url`, raising `ConfigError` for `key` when it is not an MQTT URL."""
        parts = urlsplit(url if "://" in url else f"mqtt://{url}")
        if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
            raise ConfigError(key, f"scheme must be mqtt:// or mqtts://, got {parts.scheme!r}")
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(key, f"bad port in {url!r}") from None
        if not parts.hostname:
            raise ConfigError(key, f"no host in {url!r}")
        tls = parts.scheme in ("mqtts", "ssl")
        return cls(
            host=parts.hostname,
            port=port or (8883 if tls else 1883),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
        )

    def __str__(self) -> str:
        auth = f"{self.username}:***@" if self.username else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{auth}{self.host}:{self.port}"


__all__ = ["MqttUrl"]
