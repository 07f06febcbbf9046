"""1,000 malformed discovery and state payloads through a live hub: no crash, nothing lost."""

from __future__ import annotations

import json
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.app import Hub
from hub.broker import MosquittoProcess
from hub.config import MqttUrl
from hub.demo import Simulator, load_home
from hub.mqtt import Received
from tests.hubs import hub_settings, running_hub
from tests.mqtt_helpers import wait_for

HOME = load_home()
KEYS = ["name", "cmd_t", "command_topic", "stat_t", "state_topic", "~", "dev", "device", "cmps", "p",
        "val_tpl", "value_template", "schema", "brightness_scale", "modes", "min_temp", "availability",
        "avty_t", "obj_id", "default_entity_id", "unique_id", "supported_color_modes", "position_open"]
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                      st.sampled_from(["{{ value_json.x }}", "{{ ''.__class__ }}", "~/set", "{% for %}", "ON"]))
json_tree = st.recursive(json_leaf, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.sampled_from(KEYS), c, max_size=5),
                         max_leaves=15)
payloads = st.one_of(
    json_tree.map(json.dumps),
    st.dictionaries(st.sampled_from(KEYS), json_tree, max_size=8).map(json.dumps),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.text(max_size=200),
)
COMPONENTS = ["light", "switch", "fan", "climate", "cover", "lock", "vacuum", "sensor", "binary_sensor", "device", "camera"]
STATE_TOPICS = sorted({str(v) for p in HOME.values() for k, v in p.items() if k.endswith(("_t", "topic"))
                       and isinstance(v, str) and not v.startswith("~")})
topics = st.one_of(
    st.builds(lambda c, o: f"homeassistant/{c}/{o}/config", st.sampled_from(COMPONENTS),
              st.from_regex(r"[a-z0-9_]{1,8}", fullmatch=True)),
    st.sampled_from(STATE_TOPICS),
)


async def test_malformed_payloads_never_crash_the_hub(mosquitto: MosquittoProcess, tmp_path: Path) -> None:
    hub_cfg = hub_settings(tmp_path / "data", mosquitto.url)
    async with Simulator(MqttUrl.parse(mosquitto.url), HOME) as sim, running_hub(hub_cfg) as hub:
        sim.announce()
        await wait_for(lambda: len(hub.registry) == len(HOME), what="demo home")
        real = {e.entity_id for e in hub.registry.entities()}
        fed = _feed(hub)
        assert fed["count"] >= 1000
        assert hub.state.value == "running"
        # Every real entity survives unless a fuzzed message legitimately replaced its topic.
        survivors = {e.entity_id for e in hub.registry.entities()}
        assert len(real & survivors) >= len(real) - fed["removed_real"]
        await hub.store.flush()
        assert hub.store.healthy
        # The hub still works end to end.
        await hub.call_service("switch", "turn_on", {"entity_id": "switch.coffee_machine"})
        await wait_for(lambda: (s := hub.get_state("switch.coffee_machine")) is not None and s.state == "on",
                       what="coffee machine on after the fuzzing")


def _feed(hub: Hub) -> dict[str, int]:
    fed = {"count": 0, "removed_real": 0}
    home_topics = set(HOME)

    @settings(max_examples=1000, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(topic=topics, payload=payloads, retain=st.booleans())
    def one(topic: str, payload: str, retain: bool) -> None:
        if topic in home_topics:
            fed["removed_real"] += 1
        hub.ingest.on_messages([Received(topic, payload.encode("utf-8", "surrogatepass"), retain, 0, time.monotonic())])
        fed["count"] += 1

    one()
    return fed
