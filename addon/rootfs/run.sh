#!/bin/sh
# Start script of the Hub add-on: turn what the Supervisor provides into HUB_* variables, then
# `exec hub run`.
#
#   broker      GET $SUPERVISOR_API/services/mqtt (Bearer $SUPERVISOR_TOKEN) → HUB_MQTT_URL, with
#               the user name and password URL-encoded (mqtts:// when the service says ssl)
#   options     $ADDON_OPTIONS (the user's add-on options) → HUB_LANGUAGE, HUB_CONFIRM,
#               HUB_LOG_LEVEL, HUB_HISTORY_DAYS, HUB_TRAIN_ON_START, HUB_TOKEN (when set)
#   fixed       HUB_DATA_DIR=$ADDON_DATA, HUB_HTTP=$ADDON_HTTP_HOST:$ADDON_HTTP_PORT, and
#               HUB_ZEROCONF=false: the container sits on the Supervisor's bridge network, where
#               mDNS neither reaches the LAN nor would announce a reachable address
#
# POSIX sh plus the Python the hub runs on (JSON, HTTP and URL encoding); no bashio needed.
# Overridable for tests (defaults are what the Supervisor gives an add-on):
#   SUPERVISOR_API   http://supervisor          ADDON_DATA       /data
#   ADDON_OPTIONS    $ADDON_DATA/options.json    ADDON_HTTP_PORT  8765
#   ADDON_HTTP_HOST  0.0.0.0
#   ADDON_PYTHON     python3                     ADDON_HUB_BIN    hub
# `run.sh --print-env` prints the HUB_* variables (secrets included: a test hook) instead of starting
# the hub.
set -eu

: "${SUPERVISOR_API:=http://supervisor}"
: "${ADDON_DATA:=/data}"
: "${ADDON_OPTIONS:=${ADDON_DATA}/options.json}"
: "${ADDON_HTTP_PORT:=8765}"
: "${ADDON_HTTP_HOST:=0.0.0.0}"
: "${ADDON_PYTHON:=python3}"
: "${ADDON_HUB_BIN:=hub}"
export SUPERVISOR_API ADDON_DATA ADDON_OPTIONS ADDON_HTTP_PORT ADDON_HTTP_HOST

log() {
    printf '[hub add-on] %s\n' "$*" >&2
}

# The Python part prints `export NAME='value'` lines (shlex-quoted, safe to eval) on stdout and
# its messages on stderr; it exits non-zero when the hub cannot start (no broker, bad options).
exports="$("$ADDON_PYTHON" - <<'PYTHON'
import json
import os
import secrets
import shlex
import sys
import urllib.error
import urllib.parse
import urllib.request


def fail(message):
    print(f"[hub add-on] {message}", file=sys.stderr)
    sys.exit(1)


def supervisor_get(path):
    token = os.environ.get("SUPERVISOR_TOKEN") or os.environ.get("HASSIO_TOKEN")
    if not token:
        fail("SUPERVISOR_TOKEN is not set: run.sh is meant to run inside the add-on container")
    url = os.environ["SUPERVISOR_API"].rstrip("/") + path
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.load(response)
    except urllib.error.HTTPError as err:
        try:
            body = json.load(err)
        except ValueError:
            fail(f"GET {path}: HTTP {err.code}")
    except (OSError, ValueError) as err:
        fail(f"GET {path}: {err}")
    if body.get("result") != "ok":
        fail(f"GET {path}: {body.get('message', body)}")
    return body.get("data") or {}


def mqtt_url(service):
    host = service.get("host")
    if not host:
        fail("the MQTT service has no host")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6 literal
    ssl = service.get("ssl") in (True, "true", "True", 1)
    port = int(service.get("port") or (8883 if ssl else 1883))
    auth = ""
    user = service.get("username")
    if user:
        auth = urllib.parse.quote(str(user), safe="")
        password = service.get("password")
        if password:
            auth += ":" + urllib.parse.quote(str(password), safe="")
        auth += "@"
    return f"{'mqtts' if ssl else 'mqtt'}://{auth}{host}:{port}"


def load_options():
    path = os.environ["ADDON_OPTIONS"]
    try:
        with open(path, encoding="utf-8") as handle:
            options = json.load(handle)
    except FileNotFoundError:
        print(f"[hub add-on] {path} not found: using the defaults", file=sys.stderr)
        return {}
    except ValueError as err:
        fail(f"{path} is not JSON: {err}")
    if not isinstance(options, dict):
        fail(f"{path} is not a JSON object")
    return options


def ensure_token(data_dir, options):
    """The hub would generate a token into <data>/token; do it here so the user can see it once."""
    if options.get("token"):
        return
    path = os.path.join(data_dir, "token")
    if os.path.exists(path):
        return
    os.makedirs(data_dir, exist_ok=True)
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    print("[hub add-on] generated the API token (shown once; set the 'token' option to choose "
          f"your own): {token}", file=sys.stderr)


options = load_options()
service = supervisor_get("/services/mqtt")
data_dir = os.environ["ADDON_DATA"]
env = {
    "HUB_MQTT_URL": mqtt_url(service),
    "HUB_DATA_DIR": data_dir,
    "HUB_HTTP": f"{os.environ['ADDON_HTTP_HOST']}:{os.environ['ADDON_HTTP_PORT']}",
    "HUB_LANGUAGE": str(options.get("language", "auto")),
    "HUB_CONFIRM": str(options.get("confirm", "sensitive")),
    "HUB_LOG_LEVEL": str(options.get("log_level", "info")),
    "HUB_HISTORY_DAYS": str(int(options.get("history_days", 30))),
    "HUB_TRAIN_ON_START": "true" if options.get("train_on_start", True) else "false",
    "HUB_ZEROCONF": "false",
}
if options.get("token"):
    env["HUB_TOKEN"] = str(options["token"])
ensure_token(data_dir, options)
provider = service.get("app") or service.get("addon") or "?"
print(f"[hub add-on] broker {service.get('host')}:{service.get('port')} from {provider}, "
      f"user {service.get('username') or '(none)'}", file=sys.stderr)
for name, value in env.items():
    print(f"export {name}={shlex.quote(value)}")
PYTHON
)" || exit 1
eval "$exports"

if [ "${1:-}" = "--print-env" ]; then
    env | grep '^HUB_' | sort
    exit 0
fi

log "starting: HUB_HTTP=${HUB_HTTP} HUB_LANGUAGE=${HUB_LANGUAGE} HUB_LOG_LEVEL=${HUB_LOG_LEVEL}"
exec "$ADDON_HUB_BIN" run
