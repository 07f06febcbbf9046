#!/bin/sh
# Start script of the Hub add-on: turn what the Supervisor provides into HUB_* variables, then
# `exec hub run`.
#
#   broker      the `mqtt_url` option (with `mqtt_username`/`mqtt_password`, URL-encoded) when
#               set; else GET $SUPERVISOR_API/services/mqtt (Bearer $SUPERVISOR_TOKEN) →
#               HUB_MQTT_URL (mqtts:// when the service says ssl)
#   options     $ADDON_OPTIONS (the user's add-on options) → HUB_LANGUAGE, HUB_CONFIRM,
#               HUB_COMMAND_ALLOW, HUB_WYOMING, HUB_DB_URL, HUB_LOG_LEVEL, HUB_HISTORY_DAYS,
#               HUB_TRAIN_ON_START, HUB_TOKEN (when set)
#   fixed       HUB_DATA_DIR=$ADDON_DATA, HUB_HTTP=$ADDON_HTTP_HOST:$ADDON_HTTP_PORT (also the
#               ingress port), HUB_INGRESS_PROXY=172.30.32.2 (HA's ingress proxy: no token), and
#               HUB_ZEROCONF=false: the container sits on the Supervisor's bridge network, where
#               mDNS neither reaches the LAN nor would announce a reachable address
#   model       the default model trained into the image is copied to $ADDON_DATA/models/default
#               on first start (per-home re-training replaces it there later)
#   names       python -m hub.homeassistant: HA's areas, entities and aliases through the
#               Supervisor's proxy into $ADDON_DATA/ha-home.json (a home file for per-home training)
#   discovery   with Wyoming on, POST $SUPERVISOR_API/discovery {"service": "wyoming", "config":
#               {"uri": "tcp://<this container's hostname>:<port>"}}: HA offers the hub as a
#               Wyoming conversation agent (a failure is logged, not fatal)
#
# POSIX sh plus the Python the hub runs on (JSON, HTTP and URL encoding); no bashio needed.
# Overridable for tests (defaults are what the Supervisor gives an add-on):
#   SUPERVISOR_API   http://supervisor          ADDON_DATA       /data
#   ADDON_OPTIONS    $ADDON_DATA/options.json    ADDON_HTTP_PORT  8765
#   ADDON_HTTP_HOST  0.0.0.0                     ADDON_MODEL      /opt/hub/models/default
#   ADDON_PYTHON     python3                     ADDON_HUB_BIN    hub
#   ADDON_HOSTNAME   the container's hostname    ADDON_INGRESS_PROXY 172.30.32.2
# `run.sh --print-env` prints the HUB_* variables (secrets included: a test hook) instead of starting
# the hub; it copies the model and announces the discovery as a real start does.
set -eu

: "${SUPERVISOR_API:=http://supervisor}"
: "${ADDON_DATA:=/data}"
: "${ADDON_OPTIONS:=${ADDON_DATA}/options.json}"
: "${ADDON_HTTP_PORT:=8765}"
: "${ADDON_HTTP_HOST:=0.0.0.0}"
: "${ADDON_PYTHON:=python3}"
: "${ADDON_HUB_BIN:=hub}"
: "${ADDON_MODEL:=/opt/hub/models/default}"
: "${ADDON_HOSTNAME:=}"
: "${ADDON_INGRESS_PROXY:=172.30.32.2}"
export SUPERVISOR_API ADDON_DATA ADDON_OPTIONS ADDON_HTTP_PORT ADDON_HTTP_HOST ADDON_MODEL ADDON_HOSTNAME \
    ADDON_INGRESS_PROXY

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
import shutil
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request


def fail(message):
    print(f"[hub add-on] {message}", file=sys.stderr)
    sys.exit(1)


def supervisor(method, path, body=None):
    token = os.environ.get("SUPERVISOR_TOKEN") or os.environ.get("HASSIO_TOKEN")
    if not token:
        fail("SUPERVISOR_TOKEN is not set: run.sh is meant to run inside the add-on container")
    url = os.environ["SUPERVISOR_API"].rstrip("/") + path
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as err:
        try:
            answer = json.load(err)
        except ValueError:
            return None, f"{method} {path}: HTTP {err.code}"
    except (OSError, ValueError) as err:
        return None, f"{method} {path}: {err}"
    if not isinstance(answer, dict) or answer.get("result") != "ok":
        message = answer.get("message", answer) if isinstance(answer, dict) else answer
        return None, f"{method} {path}: {message}"
    return answer.get("data") or {}, None


def supervisor_get(path):
    data, error = supervisor("GET", path)
    if error:
        fail(error)
    return data


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


def configured_broker(options):
    """The `mqtt_url` option with the user name and password options put in, URL-encoded."""
    raw = str(options["mqtt_url"]).strip()
    parts = urllib.parse.urlsplit(raw if "://" in raw else f"mqtt://{raw}")
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        fail(f"mqtt_url must look like mqtt://host:1883 or mqtts://host:8883, got {raw!r}")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        fail(f"mqtt_url has a bad port: {raw!r}")
    user = options.get("mqtt_username") or (urllib.parse.unquote(parts.username) if parts.username else "")
    password = options.get("mqtt_password") or (urllib.parse.unquote(parts.password) if parts.password else "")
    auth = ""
    if user:
        auth = urllib.parse.quote(str(user), safe="")
        if password:
            auth += ":" + urllib.parse.quote(str(password), safe="")
        auth += "@"
    return f"{parts.scheme}://{auth}{host}{port}", f"{parts.hostname}{port} (the mqtt_url option)"


def copy_model(data_dir):
    """The image's trained model into the data folder, once (first start ready in seconds)."""
    source = os.environ["ADDON_MODEL"]
    target = os.path.join(data_dir, "models", "default")
    if os.path.exists(os.path.join(target, "model.safetensors")):
        return
    if not os.path.exists(os.path.join(source, "model.safetensors")):
        print(f"[hub add-on] no trained model in the image ({source}): the hub trains one", file=sys.stderr)
        return
    tmp = target + ".copying"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(source, tmp)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    print(f"[hub add-on] installed the image's default model into {target}", file=sys.stderr)


def announce_wyoming(port):
    host = os.environ.get("ADDON_HOSTNAME") or socket.gethostname()
    uri = f"tcp://{host}:{port}"
    _, error = supervisor("POST", "/discovery", {"service": "wyoming", "config": {"uri": uri}})
    if error:
        print(f"[hub add-on] could not announce Wyoming to Home Assistant ({error}); add it by hand: "
              f"Wyoming Protocol, host {host}, port {port}", file=sys.stderr)
    else:
        print(f"[hub add-on] announced Wyoming ({uri}) to Home Assistant", file=sys.stderr)


def wyoming_port(options):
    try:
        port = int(options.get("wyoming_port", 10700))
    except (TypeError, ValueError):
        fail(f"wyoming_port must be a port number, got {options.get('wyoming_port')!r}")
    if not 1 <= port <= 65535 or port == int(os.environ["ADDON_HTTP_PORT"]):
        fail(f"wyoming_port {port} must be 1-65535 and differ from the HTTP port")
    return port


options = load_options()
if options.get("mqtt_url"):
    broker, where = configured_broker(options)
else:
    service = supervisor_get("/services/mqtt")
    broker = mqtt_url(service)
    provider = service.get("app") or service.get("addon") or "?"
    where = (f"{service.get('host')}:{service.get('port')} from {provider}, "
             f"user {service.get('username') or '(none)'}")
data_dir = os.environ["ADDON_DATA"]
env = {
    "HUB_MQTT_URL": broker,
    "HUB_DATA_DIR": data_dir,
    "HUB_HTTP": f"{os.environ['ADDON_HTTP_HOST']}:{os.environ['ADDON_HTTP_PORT']}",
    "HUB_INGRESS_PROXY": os.environ["ADDON_INGRESS_PROXY"],
    "HUB_LANGUAGE": str(options.get("language", "auto")),
    "HUB_CONFIRM": str(options.get("confirm", "sensitive")),
    "HUB_LOG_LEVEL": str(options.get("log_level", "info")),
    "HUB_HISTORY_DAYS": str(int(options.get("history_days", 30))),
    "HUB_TRAIN_ON_START": "true" if options.get("train_on_start", True) else "false",
    "HUB_ZEROCONF": "false",
}
allow = options.get("command_allow") or []
if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
    fail("command_allow must be a list of domains or entity ids")
allow = [a.strip() for a in allow if a.strip()]
if any("," in a for a in allow):
    fail("command_allow: one domain or entity id per entry (no commas)")
if allow:
    env["HUB_COMMAND_ALLOW"] = ",".join(allow)
if options.get("database_url"):
    env["HUB_DB_URL"] = str(options["database_url"])
if options.get("token"):
    env["HUB_TOKEN"] = str(options["token"])
ensure_token(data_dir, options)
copy_model(data_dir)
if options.get("wyoming", True):
    port = wyoming_port(options)
    env["HUB_WYOMING"] = f"0.0.0.0:{port}"
    announce_wyoming(port)
print(f"[hub add-on] broker {where}", file=sys.stderr)
for name, value in env.items():
    print(f"export {name}={shlex.quote(value)}")
PYTHON
)" || exit 1
eval "$exports"

# The user's own names (areas, entities, aliases) from Home Assistant (homeassistant_api: true),
# kept for per-home training; Home Assistant may still be starting: a failure only costs the names.
if [ -n "${SUPERVISOR_TOKEN:-}${HASSIO_TOKEN:-}" ]; then
    SUPERVISOR_TOKEN="${SUPERVISOR_TOKEN:-${HASSIO_TOKEN:-}}" "$ADDON_PYTHON" -m hub.homeassistant \
        --core "${SUPERVISOR_API%/}/core" --out "${ADDON_DATA}/ha-home.json" \
        || log "could not read names from Home Assistant; continuing without them"
fi

if [ "${1:-}" = "--print-env" ]; then
    env | grep '^HUB_' | sort
    exit 0
fi

log "starting: HUB_HTTP=${HUB_HTTP} HUB_WYOMING=${HUB_WYOMING:-off} HUB_LANGUAGE=${HUB_LANGUAGE}"
exec "$ADDON_HUB_BIN" run
