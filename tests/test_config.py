"""Settings from hub.yaml and HUB_* variables; bad values name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.cli import main
from hub.config import load_settings
from hub.errors import ConfigError
from hub.resources import data_path


def test_example_file_loads_and_documents_every_key(tmp_path: Path) -> None:
    example = data_path("config") / "hub.example.yaml"
    settings = load_settings(example, environ={})
    assert settings.mqtt is not None and settings.mqtt.username == "user"
    text = example.read_text()
    from hub.config import settings_keys

    for key, env, _ in settings_keys():
        assert env in text, f"{env} ({key}) is not documented in hub.example.yaml"


def test_environment_overrides_file(tmp_path: Path) -> None:
    file = tmp_path / "hub.yaml"
    file.write_text("mqtt:\n  url: mqtt://a:1883\nhttp: 127.0.0.1:9000\n")
    s = load_settings(file, environ={"HUB_MQTT_URL": "mqtt://u:p%2Fw@b:1884", "HUB_DATA_DIR": str(tmp_path)})
    assert s.mqtt is not None
    assert (s.mqtt.host, s.mqtt.port, s.mqtt.username, s.mqtt.password) == ("b", 1884, "u", "p/w")
    assert s.http_hostport == ("127.0.0.1", 9000)
    assert s.database_url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'hub.db'}"
    assert "p/w" not in str(s.mqtt)


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"HUB_MQTT_URL": "http://x"}, "HUB_MQTT_URL"),
        ({"HUB_HTTP": "nonsense"}, "HUB_HTTP"),
        ({"HUB_HISTORY_DAYS": "soon"}, "HUB_HISTORY_DAYS"),
        ({"HUB_LANGUAGE": "fr"}, "HUB_LANGUAGE"),
        ({"HUB_DB_URL": "hub.db"}, "HUB_DB_URL"),
        ({"HUB_TOPIC_PREFIX": "hub/#"}, "HUB_TOPIC_PREFIX"),
        ({"HUB_MQTT_PROTOCOL": "3"}, "HUB_MQTT_PROTOCOL"),
    ],
)
def test_bad_setting_names_the_key(env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(None, environ=env)
    assert key in str(info.value)


@pytest.mark.parametrize(("value", "protocol"), [("5", 5), ("3.1.1", 4), ("4", 4)])
def test_mqtt_protocol(value: str, protocol: int) -> None:
    assert load_settings(None, environ={}).mqtt_protocol == 4  # 3.1.1, as Home Assistant
    assert load_settings(None, environ={"HUB_MQTT_PROTOCOL": value}).mqtt_protocol == protocol


def test_mqtt_protocol_from_yaml(tmp_path: Path) -> None:
    file = tmp_path / "hub.yaml"
    file.write_text("mqtt:\n  protocol: 5\n")
    assert load_settings(file, environ={}).mqtt_protocol == 5


def test_bad_setting_exits_2_with_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HUB_HTTP", "not-a-port")
    assert main(["devices"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "HUB_HTTP" in err[0]


def test_yaml_that_is_not_a_mapping(tmp_path: Path) -> None:
    file = tmp_path / "hub.yaml"
    file.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_settings(file, environ={})


@pytest.mark.parametrize(("text", "match"), [
    ("mqtt:\n  ulr: mqtt://broker:1883\n", r"mqtt\.ulr.*did you mean 'mqtt\.url'"),
    ("comand_allow: [light]\n", r"comand_allow.*did you mean 'command_allow'"),
    ("mqtt:\n  url: 12345\n", r"mqtt\.url.*expected a string"),
    ("db:\n  url: 'sqlite+aiosqlite://'\n  pool: 3\n", r"db\.pool"),
    ("db:\n  url: 'mysql://u@h/db'\n", r"unsupported database 'mysql'"),
    ("db:\n  url: 'postgresql+asyncpg://u@h:notaport/db'\n", r"db\.url"),
    ("confirm_ttl: -1\n", r"confirm_ttl"),
    ("token: 1234\n", r"token.*quote it"),
])  # fmt: skip
def test_mistakes_in_the_file_stop_with_the_key_named(tmp_path: Path, text: str, match: str) -> None:
    file = tmp_path / "hub.yaml"
    file.write_text(text)
    with pytest.raises(ConfigError, match=match):
        load_settings(file, environ={})


def test_confirmation_settings(tmp_path: Path) -> None:
    file = tmp_path / "hub.yaml"
    file.write_text("confirm_exempt: [api, 'mqtt:panel']\nconfirm_ttl: 30\nsensitive_expiry: 2\n")
    settings = load_settings(file, environ={"HUB_RETRAIN_INTERVAL": "600"})
    assert settings.confirm_exempt == ("api", "mqtt:panel") and settings.confirm_ttl == 30
    assert settings.sensitive_expiry == 2 and settings.retrain_interval == 600
