"""The generated Mosquitto configuration: passwords, the ACL (MQTT 5 reason codes) and TLS."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from commune.passwords import check_entry, password_entry
from tests.conftest import run_village
from tests.sync_helpers import HUB_USER, Broker, Client, needs_mosquitto, wait_until
from village.wire.errors import MqttError
from village.wire.mqtt import NO_MATCHING_SUBSCRIBERS, NOT_AUTHORIZED, SUCCESS
from village.wire.topics import CommuneTopics

T = CommuneTopics("xa-mau")
ACCEPTED = (SUCCESS, NO_MATCHING_SUBSCRIBERS)


def test_password_entries_use_mosquittos_format() -> None:
    entry = password_entry("pi-01", "s3cret", salt=bytes(range(12)))
    assert entry.startswith("pi-01:$7$101$AAECAwQFBgcICQoL$")
    assert check_entry(entry, "s3cret") and not check_entry(entry, "other")


@pytest.fixture
def broker(tmp_path: Path):
    running = Broker(tmp_path / "broker").start()
    yield running
    running.stop()


@needs_mosquitto
def test_a_device_cannot_publish_as_another_device_or_as_the_hub(broker: Broker) -> None:
    with Client(broker, "pi-01") as device:
        for topic in (T.device("pi-01", leaf) for leaf in ("status", "fetch", "log", "reply")):
            assert device.publish(topic, b"{}") in ACCEPTED, topic
        for topic in (
            T.device("pi-02", "status"),  # another device
            T.device("pi-02", "log"),
            T.device("pi-01", "manifest"),  # the hub's topics
            T.device("pi-01", "cmd"),
            T.device("pi-01", "ack"),
            T.commune_command,
            T.hub_status,
            T.media("0" * 64),
            "village/v1/xa-khac/device/pi-01/status",  # another commune
        ):
            assert device.publish(topic, b"{}") == NOT_AUTHORIZED, topic


@needs_mosquitto
def test_a_device_reads_only_its_own_and_the_communes_topics(broker: Broker) -> None:
    with Client(broker, "pi-01") as device, Client(broker, HUB_USER) as hub:
        device.session.subscribe(
            [(T.device("pi-02", "manifest"), 1), (T.device("pi-01", "manifest"), 1)]
        ).wait()
        assert hub.publish(T.device("pi-02", "manifest"), b"for pi-02") in ACCEPTED
        assert hub.publish(T.device("pi-01", "manifest"), b"for pi-01") in ACCEPTED
        wait_until(lambda: device.messages, 5, "a message")
        time.sleep(0.3)
        assert [m.payload for m in device.messages] == [b"for pi-01"]


@needs_mosquitto
def test_no_one_gets_in_without_the_password_or_as_someone_else(broker: Broker) -> None:
    from village.wire.mqtt import Endpoint, Session

    wrong = Session(Endpoint("127.0.0.1", broker.port, "pi-01", "not-the-password"), "pi-01")
    with pytest.raises(MqttError, match="refused"):
        wrong.connect(5)
    anonymous = Session(Endpoint("127.0.0.1", broker.port), "anyone")
    with pytest.raises(MqttError, match="refused"):
        anonymous.connect(5)
    # the client id is forced to the user name: pi-01 cannot take over pi-02's session
    with Client(broker, "pi-02") as victim, Client(broker, "pi-01", client_id="pi-02"):
        time.sleep(0.5)
        assert victim.session.connected


@needs_mosquitto
def test_nothing_over_the_size_limit_gets_through(broker: Broker) -> None:
    big = b"x" * (1024 * 1024 + 1)
    with Client(broker, "pi-01") as device, Client(broker, HUB_USER) as hub:
        device.session.subscribe([(T.device("pi-01", "manifest"), 1)]).wait()
        with pytest.raises(MqttError, match="over the broker.s limit"):
            hub.session.publish(T.device("pi-01", "manifest"), big)
        # and a client that ignores the limit is cut off by the broker, delivering nothing
        hub.session.max_payload = len(big)
        assert hub.session.publish(T.device("pi-01", "manifest"), big).wait(2) is None
        time.sleep(0.5)
        assert device.messages == []


@needs_mosquitto
def test_tls_with_the_commune_ca_works_and_another_ca_is_refused(tmp_path: Path) -> None:
    ca = tmp_path / "ca"
    other = tmp_path / "other-ca"
    for folder in (ca, other):
        made = run_village("broker", "ca", "init", "--out", str(folder), "--commune", "xa-mau")
        assert made.returncode == 0, made.stderr
    made = run_village(
        "broker", "ca", "server", "--out", str(ca), "--host", "localhost", "--ip", "127.0.0.1"
    )
    assert made.returncode == 0, made.stderr
    broker = Broker(
        tmp_path / "broker",
        extra_args=(
            "--tls-cert", str(ca / "server.crt"),
            "--tls-key", str(ca / "server.key"),
            "--tls-ca", str(ca / "ca.crt"),
        ),
    ).start()  # fmt: skip
    try:
        conf = broker.config_path.read_text()
        assert "certfile" in conf and "tls_version tlsv1.2" in conf
        snippet = (broker.folder / "credentials" / "pi-01.toml").read_text()
        assert "ca_file" in snippet
        with Client(broker, "pi-01", ca_file=str(ca / "ca.crt")) as device:
            assert device.publish(T.device("pi-01", "status"), b"{}") in ACCEPTED
        wrong_ca = Client(broker, "pi-01", ca_file=str(other / "ca.crt"))
        with pytest.raises(MqttError, match="certificate verify failed"), wrong_ca:
            pass
        # plain MQTT on the TLS port does not get in either
        with pytest.raises(MqttError), Client(broker, "pi-01", timeout=2):
            pass
    finally:
        broker.stop()


def test_broker_config_keeps_passwords_unless_rotated(tmp_path: Path) -> None:
    out = tmp_path / "broker"
    base = ["broker", "config", "--out", str(out), "--commune", "xa-mau", "--device", "pi-01"]
    assert run_village(*base).returncode == 0
    first = (out / "credentials" / "pi-01.toml").read_text()
    assert run_village(*base, "--device", "pi-02").returncode == 0
    assert (out / "credentials" / "pi-01.toml").read_text() == first
    acl = (out / "acl").read_text()
    assert "user pi-02" in acl and "topic write village/v1/xa-mau/device/pi-02/status" in acl
    assert run_village(*base, "--rotate").returncode == 0
    assert (out / "credentials" / "pi-01.toml").read_text() != first
    conf = (out / "mosquitto.conf").read_text()
    for line in ("max_queued_messages 10000", "message_size_limit 1048576", "persistence true"):
        assert line in conf
