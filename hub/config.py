"""Settings: `hub.yaml`, overridden by `HUB_*` environment variables.

Every setting has a dotted key (`mqtt.url`) and an environment variable (`HUB_MQTT_URL`). A bad
value raises `ConfigError` naming both; the CLI prints it and exits with status 2.
See `config/hub.example.yaml` for the documented file.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from hub.domain import LANGUAGES
from hub.errors import ConfigError
from hub.mqtt_url import MqttUrl as MqttUrl  # re-exported: older imports of hub.config.MqttUrl

CONFIRM_TTL = 120.0
"""Default seconds a sensitive command waits for its confirmation (`confirm_ttl`); the command
service and `Confirmations` default to it too."""


def parse_hostport(value: str, key: str) -> tuple[str, int]:
    """Parse `host:port` (or `:port`, or `port`) for `key`."""
    host, _, port = value.rpartition(":")
    try:
        number = int(port)
    except ValueError:
        raise ConfigError(key, f"expected host:port, got {value!r}") from None
    if not 0 <= number <= 65535:
        raise ConfigError(key, f"port {number} out of range")
    return (host.strip("[]") or "127.0.0.1"), number


@dataclass(frozen=True)
class Settings:
    """Everything `hub run` and the CLI read from configuration."""

    data_dir: Path = Path("data")
    """Where the database, the token and trained models live (HUB_DATA_DIR)."""
    mqtt_url: str | None = None
    """Broker URL (HUB_MQTT_URL). Unset: zeroconf `_mqtt._tcp`, else an embedded broker."""
    db_url: str | None = None
    """SQLAlchemy URL (HUB_DB_URL). Unset: SQLite in the data dir."""
    http: str = "127.0.0.1:8765"
    """host:port of the HTTP API (HUB_HTTP)."""
    token: str | None = None
    """Bearer token (HUB_TOKEN). Unset: generated into `<data_dir>/token`."""
    discovery_prefix: str = "homeassistant"
    """HA discovery prefix (HUB_DISCOVERY_PREFIX)."""
    topic_prefix: str = "hub"
    """Prefix of the hub's own topics: `<p>/status`, `<p>/command` (HUB_TOPIC_PREFIX)."""
    client_id: str = "hub"
    """MQTT client id (HUB_CLIENT_ID); must differ per instance when scaling out."""
    shared_group: str | None = None
    """`$share` subscription group for state topics when several hubs share a broker."""
    reconnect_max: float = 30.0
    """Longest wait between reconnect attempts, seconds (HUB_RECONNECT_MAX)."""
    mqtt_protocol: int = 4
    """MQTT version to speak to a configured or discovered broker: 4 for 3.1.1 (Home Assistant's
    default too), or 5 (HUB_MQTT_PROTOCOL `3.1.1` | `5`). The hub uses nothing 3.1.1 lacks
    (Mosquitto and EMQX take `$share` subscriptions from 3.1.1 clients too), and paho receives
    1.7× faster without MQTT 5 properties: ~1.3× the hub's ingest rate (BENCHMARKS.md)."""
    language: str = "auto"
    """Default language of text commands: auto, en or zh (HUB_LANGUAGE)."""
    confirm: str = "sensitive"
    """`sensitive`: unlock and opening garage doors wait for a confirmation; `never`: run at once."""
    model: str = "default"
    """Name of the NLU artifact under `<data_dir>/models/` (HUB_MODEL)."""
    train_on_start: bool = True
    """Train the default model in the background when none exists (HUB_TRAIN_ON_START)."""
    history_days: int = 30
    """State history retention in days; 0 keeps everything (HUB_HISTORY_DAYS)."""
    log_level: str = "info"
    """debug, info, warning or error (HUB_LOG_LEVEL)."""
    demo: bool = False
    """Add simulated devices (HUB_DEMO; also `hub run --demo`)."""
    removal_grace: float = 5.0
    """Seconds after the HA birth message for bridges to re-announce before stale entities go."""
    hermes: str = "nlu"
    """Rhasspy/Hermes NLU on hermes/nlu/query: off, nlu (answer only) or execute (HUB_HERMES)."""
    zeroconf: bool = True
    """Find the broker via mDNS `_mqtt._tcp` when none is configured; announce the API (HUB_ZEROCONF)."""
    zeroconf_timeout: float = 3.0
    """Seconds to browse for a broker before starting an embedded one (HUB_ZEROCONF_TIMEOUT)."""
    command_allow: tuple[str, ...] = ()
    """Domains or entity ids the MQTT text-command topic may act on; empty allows everything."""
    confirm_exempt: tuple[str, ...] = ()
    """Requesters whose sensitive actions need no confirmation: a source (`api`, `websocket`,
    `mqtt`, `wyoming`) or `source:principal` (`mqtt:kitchen-panel`) (HUB_CONFIRM_EXEMPT)."""
    confirm_ttl: float = CONFIRM_TTL
    """Seconds a sensitive command waits for its confirmation (HUB_CONFIRM_TTL)."""
    sensitive_expiry: float = 5.0
    """Seconds a confirmed sensitive command may wait for the broker before it is refused rather
    than sent late (HUB_SENSITIVE_EXPIRY)."""
    retrain_interval: float = 3600.0
    """Least seconds between two per-home re-trainings on new device names (HUB_RETRAIN_INTERVAL)."""
    wyoming: str | None = None
    """host:port of the Wyoming server for Home Assistant's Assist (HUB_WYOMING); unset: off."""
    ingress_proxy: str | None = None
    """IP address of Home Assistant's ingress proxy (add-on: 172.30.32.2); its requests need no
    token, HA has authenticated the user (HUB_INGRESS_PROXY). Unset: every request needs one."""
    time_zone: str | None = None
    """IANA time zone of the hub's clock for commands in time ("at 9:30 pm"), e.g. `Europe/Berlin`
    (HUB_TIME_ZONE). Unset: the `TZ` environment variable (Home Assistant add-ons set it), else the
    machine's local zone."""
    schedule_grace: float = 300.0
    """Seconds a scheduled command may be late and still run once, e.g. when its moment passed
    while the hub was down; later than that it is reported as missed, not run (HUB_SCHEDULE_GRACE)."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Unused: an unknown key in hub.yaml is an error (kept so callers that pass it still work)."""

    @property
    def mqtt(self) -> MqttUrl | None:
        """The parsed broker URL, or None when none is configured."""
        return MqttUrl.parse(self.mqtt_url, "mqtt.url (HUB_MQTT_URL)") if self.mqtt_url else None

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL, defaulting to SQLite in the data dir."""
        return self.db_url or f"sqlite+aiosqlite:///{(self.data_dir / 'hub.db').resolve()}"

    @property
    def http_hostport(self) -> tuple[str, int]:
        return parse_hostport(self.http, "http (HUB_HTTP)")

    @property
    def zone(self) -> tzinfo:
        """The hub's time zone (`time_zone`, else `TZ`, else the machine's local zone)."""
        return hub_zone(self.time_zone)

    @property
    def model_dir(self) -> Path:
        return self.data_dir / "models" / self.model


def hub_zone(name: str | None, environ: Mapping[str, str] | None = None) -> tzinfo:
    """The zone called `name`, else the `TZ` variable's, else the machine's local zone.

    Raises:
        ValueError: `name` is not a known IANA zone.
    """
    environ = os.environ if environ is None else environ
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} (an IANA name like Europe/Berlin)") from None
    tz = environ.get("TZ", "").lstrip(":")
    if tz:
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    local = datetime.now(UTC).astimezone().tzinfo
    return local if local is not None else UTC


def _zone_name(value: Any) -> str | None:
    name = _optional_str(value)
    if name:
        hub_zone(name)
    return name


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true/false, got {value!r}")


def _choice(*options: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {value!r}")
        return text

    return check


MQTT_VERSIONS: dict[str, int] = {"3.1.1": 4, "5": 5}
"""MQTT versions the hub speaks: the name users write → paho's protocol level."""


def mqtt_version_name(level: int) -> str:
    """`3.1.1` or `5` for a protocol level (4 or 5)."""
    return next(name for name, known in MQTT_VERSIONS.items() if known == level)


def _mqtt_protocol(value: Any) -> int:
    text = str(value).strip().lower()
    if text in MQTT_VERSIONS:
        return MQTT_VERSIONS[text]
    if text in ("4", "5.0"):  # the protocol level, or YAML's float 5.0
        return 4 if text == "4" else 5
    raise ValueError(f"expected one of {', '.join(MQTT_VERSIONS)}, got {value!r}")


def _list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return tuple(v.strip() for v in str(value).split(",") if v.strip())


def _optional_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__} {value!r} (quote it in YAML)")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__} {value!r} (quote it in YAML)")
    return value


def _seconds(value: Any) -> float:
    number = float(value)
    if not 0 <= number < 1e7:
        raise ValueError(f"expected seconds from 0, got {value!r}")
    return number


# key in hub.yaml → (field, converter). The environment variable is HUB_ + key upper-cased with
# dots as underscores (mqtt.url → HUB_MQTT_URL).
_KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "data_dir": ("data_dir", lambda v: Path(str(v)).expanduser()),
    "mqtt.url": ("mqtt_url", _optional_str),
    "db.url": ("db_url", _optional_str),
    "http": ("http", lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else _str(v)),
    "token": ("token", _optional_str),
    "discovery_prefix": ("discovery_prefix", _str),
    "topic_prefix": ("topic_prefix", _str),
    "mqtt.client_id": ("client_id", _str),
    "mqtt.shared_group": ("shared_group", _optional_str),
    "mqtt.reconnect_max": ("reconnect_max", _seconds),
    "mqtt.protocol": ("mqtt_protocol", _mqtt_protocol),
    "language": ("language", _choice("auto", *LANGUAGES)),
    "confirm": ("confirm", _choice("sensitive", "never")),
    "model": ("model", _str),
    "train_on_start": ("train_on_start", _bool),
    "history_days": ("history_days", int),
    "log_level": ("log_level", _choice("debug", "info", "warning", "error")),
    "demo": ("demo", _bool),
    "removal_grace": ("removal_grace", _seconds),
    "command_allow": ("command_allow", _list),
    "confirm_exempt": ("confirm_exempt", _list),
    "confirm_ttl": ("confirm_ttl", _seconds),
    "sensitive_expiry": ("sensitive_expiry", _seconds),
    "retrain_interval": ("retrain_interval", _seconds),
    "zeroconf": ("zeroconf", _bool),
    "hermes": ("hermes", _choice("off", "nlu", "execute")),
    "zeroconf_timeout": ("zeroconf_timeout", _seconds),
    "wyoming.listen": ("wyoming", _optional_str),
    "ingress_proxy": ("ingress_proxy", _optional_str),
    "time_zone": ("time_zone", _zone_name),
    "schedule_grace": ("schedule_grace", _seconds),
}
_ENV_ALIASES = {"HUB_MQTT_URL": "mqtt.url", "HUB_DB_URL": "db.url", "HUB_CLIENT_ID": "mqtt.client_id",
                "HUB_SHARED_GROUP": "mqtt.shared_group", "HUB_RECONNECT_MAX": "mqtt.reconnect_max",
                "HUB_WYOMING": "wyoming.listen"}


def env_name(key: str) -> str:
    """The environment variable for a dotted key."""
    for env, dotted in _ENV_ALIASES.items():
        if dotted == key:
            return env
    return "HUB_" + key.replace(".", "_").upper()


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping) and key not in _KEYS:
            flat.update(_flatten(value, f"{key}."))
        else:
            flat[key] = value
    return flat


def load_settings(
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Read `path` (default `./hub.yaml` when it exists), then `HUB_*` variables, then overrides.

    Args:
        path: The YAML file; a missing explicit path is an error, a missing default is not.
        environ: Environment to read (default `os.environ`).
        **overrides: Field values from the command line (already typed); None values are ignored.

    Raises:
        ConfigError: A file that cannot be read or parsed, or a bad value, naming the key.
    """
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    explicit = path is not None or "HUB_CONFIG" in environ
    file = path or Path(environ.get("HUB_CONFIG", "hub.yaml"))
    if file.exists():
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise ConfigError(str(file), f"cannot read configuration: {err}") from None
        if not isinstance(loaded, Mapping):
            raise ConfigError(str(file), "the configuration file must be a YAML mapping")
        raw.update(_flatten(loaded))
    elif explicit:
        raise ConfigError(str(file), "configuration file not found")
    sources = {key: f"{key} in {file}" for key in raw}
    for key in _KEYS:
        env = env_name(key)
        if env in environ:
            raw[key] = environ[env]
            sources[key] = env
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _KEYS:
            raise ConfigError(sources[key], _unknown(key))
        name, convert = _KEYS[key]
        try:
            values[name] = convert(value) if value is not None else None
        except (TypeError, ValueError) as err:
            raise ConfigError(sources[key], str(err)) from None
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = replace(Settings(), **values)
    _validate(settings, sources)
    return settings


def _unknown(key: str) -> str:
    """The error for an unknown key, with the nearest known one."""
    close = difflib.get_close_matches(key, list(_KEYS), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown setting{hint}; see config/hub.example.yaml for every key"


def _validate(settings: Settings, sources: Mapping[str, str]) -> None:
    if settings.mqtt_url:
        MqttUrl.parse(settings.mqtt_url, sources.get("mqtt.url", "mqtt.url"))
    parse_hostport(settings.http, sources.get("http", "http"))
    if settings.db_url:
        _check_db_url(settings.db_url, sources.get("db.url", "db.url"))
    if settings.wyoming:
        parse_hostport(settings.wyoming, sources.get("wyoming.listen", "wyoming.listen"))
    if settings.ingress_proxy:
        try:
            ipaddress.ip_address(settings.ingress_proxy)
        except ValueError:
            raise ConfigError(sources.get("ingress_proxy", "ingress_proxy"),
                              f"expected an IP address, got {settings.ingress_proxy!r}") from None
    if settings.history_days < 0:
        raise ConfigError(sources.get("history_days", "history_days"), "must be 0 or more")
    for name in ("discovery_prefix", "topic_prefix"):
        value = getattr(settings, name)
        if not value or any(c in value for c in "#+") or value.startswith("/"):
            raise ConfigError(sources.get(name, name), f"bad MQTT topic prefix {value!r}")


def _check_db_url(url: str, key: str) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    example = "expected a SQLAlchemy URL like sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db"
    if "://" not in url:
        raise ConfigError(key, example)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as err:
        raise ConfigError(key, f"{err}; {example}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(key, f"unsupported database {parsed.get_backend_name()!r}: SQLite or PostgreSQL")


def settings_keys() -> list[tuple[str, str, str]]:
    """(yaml key, environment variable, field doc) for every setting; used by docs and --help."""
    docs = {f.name: f for f in fields(Settings)}
    return [(key, env_name(key), docs[name].name) for key, (name, _) in _KEYS.items()]
