"""The hub's exception tree: one base, shallow, translated at the boundary."""

from __future__ import annotations


class HubError(Exception):
    """Base of every error the hub raises on purpose."""


class ConfigError(HubError):
    """A setting is missing or invalid. `key` names it (`mqtt.url` / `HUB_MQTT_URL`)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


class DiscoveryError(HubError):
    """A discovery payload could not be used; the caller logs it and skips the payload."""


class TemplateError(HubError):
    """A Jinja template failed to compile or render, or tried to leave the sandbox."""


class CodecError(HubError):
    """A service call cannot be encoded for an entity (unsupported service, bad value)."""


class MqttError(HubError):
    """The MQTT connection failed."""


class MqttAuthError(MqttError):
    """The broker refused the credentials; retrying will not help."""


class StoreError(HubError):
    """The database failed."""


class ModelNotFoundError(HubError):
    """No trained NLU model in the data dir."""


class ModelNotReadyError(HubError):
    """No language model is loaded yet (first-start training, or none); the message says what to do."""


class UnknownEntityError(HubError):
    """A command named an entity the hub does not provide."""


class InvalidText(HubError, ValueError):
    """A command text that cannot be understood at all (empty, too long, lone surrogates); the message
    says why."""


class CommandError(HubError):
    """A command request (`POST /api/command`, the WebSocket's `command`) that is unusable.

    `status` is the HTTP status to answer with.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ServiceError(HubError):
    """A service call the hub refused or holds back; `status` is the HTTP status to answer with.

    A sensitive call (unlock, open a garage door) is held for a confirmation: status 202 with
    the `confirm_id` to send back as `{"confirm": id}` on `POST /api/command` (or the WebSocket's
    `command`).
    """

    def __init__(self, status: int, message: str, confirm_id: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.confirm_id = confirm_id
