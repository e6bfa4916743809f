"""Every parser of the wire is strict, as docs/protocol.md promises: an unknown field, a
wrong type or a value out of range refuses the whole message, naming the field. And at the
hub, through a real broker: a forged status is refused and changes nothing, a reply to a
command sent to another device is refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from commune.refusals import MESSAGE_REFUSED
from tests.sync_helpers import Broker, Client, HubRun, needs_mosquitto, wait_until
from village.wire import codec
from village.wire.blocks import FetchRequest
from village.wire.commands import Command
from village.wire.errors import Refused
from village.wire.manifest import read_procedures_document
from village.wire.signing import SigningKey
from village.wire.status import Reply, hub_is_online, parse_hub_status, parse_status
from village.wire.topics import CommuneTopics
from village.wire.uplink import Ack, Deferred, LogBatch, parse_answer

T = CommuneTopics("xa-mau")
SHA = "ab" * 32
NONCE = "0123456789abcdef0123456789abcdef"


def status(**changes: Any) -> dict[str, Any]:
    message = {
        "type": "status", "device": "pi-01", "online": True, "at": "2026-11-29T06:03:17+00:00",
        "content_version": 17, "content_revision": 4,
        "sync": {"state": "fetching", "version": 18, "have_bytes": 10, "total_bytes": 99},
        "state": "idle", "relay": False, "on_air": None, "clock_synchronized": True,
        "disk_free_bytes": 1000, "pending_logs": 0, "agent": "village 0.1.0",
        "last_broadcast": {"id": "x", "title": "Tin", "outcome": "aired", "reason": "",
                           "priority": "ordinary", "trigger": "schedule",
                           "planned_start": "2026-11-29T06:00:00+00:00", "relay_on": None,
                           "relay_off": None},
        "last_refusal": {"what": "manifest", "code": "bad-signature", "detail": "…",
                         "at": "2026-11-29T06:00:00+00:00"},
        "quarantined": [{"plan": "p", "title": "Kế hoạch", "reason": "INTERVAL=0"}],
    }  # fmt: skip
    message.update(changes)
    return message


def with_nested(key: str, **changes: Any) -> dict[str, Any]:
    message = status()
    message[key] = {**message[key], **changes}
    return message


STATUS_REFUSALS = {
    "an unknown field": (status(shell="rm -rf /"), "unknown field(s) shell"),
    "an unknown field in sync": (with_nested("sync", path="/x"), "status.sync: unknown"),
    "an unknown sync state": (with_nested("sync", state="hacked"), "status.sync.state"),
    "an unknown field in the last broadcast": (
        with_nested("last_broadcast", extra=1), "status.last_broadcast: unknown"),
    "a refusal without a code": (with_nested("last_refusal", code=""), "last_refusal.code"),
    "a relay that is not true or false": (status(relay="on"), "status.relay"),
    "a negative version": (status(content_version=-1), "status.content_version"),
    "a time without an offset": (status(at="2026-11-29T06:03:17"), "status.at"),
    "another device's name": (status(device="pi-02"), "another device"),
    "not a status": (status(type="hub"), "not a status"),
}  # fmt: skip


def test_a_full_status_as_devices_send_it_parses() -> None:
    assert parse_status(status(), "pi-01") == status()
    offline = {"type": "status", "device": "pi-01", "online": False, "reason": "connection lost"}
    assert parse_status(offline, "pi-01") == offline


@pytest.mark.parametrize("case", list(STATUS_REFUSALS))
def test_a_status_out_of_the_schema_is_refused(case: str) -> None:
    message, words = STATUS_REFUSALS[case]
    with pytest.raises(Refused, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_status(message, "pi-01")


def reply(**changes: Any) -> dict[str, Any]:
    message = Reply(NONCE, "pi-01", False, "quiet-hours", "…", "2026-11-29T06:00:00+00:00")
    return {**message.to_message(), **changes}


def fetch(**changes: Any) -> dict[str, Any]:
    return {**FetchRequest(SHA, 16384, (0, 1, 2), 3).to_message(), **changes}


def ack(**changes: Any) -> dict[str, Any]:
    return {**Ack("playlog", "b1", ("r1", "r2")).to_message(), **changes}


def deferred(**changes: Any) -> dict[str, Any]:
    message = Deferred("playlog", "b1", ("r1",), "quota", 3600, "over the quota").to_message()
    return {**message, **changes}


def batch(**changes: Any) -> dict[str, Any]:
    return {**LogBatch("playlog", "b1", ({"id": "r1"},)).to_message(), **changes}


PARSERS = {
    "reply": lambda m: Reply.parse(m),
    "fetch": lambda m: FetchRequest.parse(m),
    "ack": lambda m: Ack.parse(m),
    "deferral": lambda m: Deferred.parse(m),
    "log batch": lambda m: LogBatch.parse(m),
    "hub status": lambda m: parse_hub_status(m),
    "command": lambda m: Command.parse(m),
    "envelope": lambda m: KEY.public.open(codec.encode(m), limit=1 << 20, what="command"),
    "procedures": lambda m: read_procedures_document(codec.encode(m), 1),
}
KEY: SigningKey = SigningKey.generate()
COMMAND = Command.create(
    "xa-mau", "pi-01", "play-now", ttl=dt.timedelta(minutes=5), segments=("tin",)
).to_message()
HUB = {"type": "hub", "online": True, "at": "2026-11-29T06:00:00+00:00"}
REFUSALS = {
    "reply with an unknown field": ("reply", reply(extra=1)),
    "reply naming no command's nonce": ("reply", reply(command="../x")),
    "reply from no device id": ("reply", reply(device="PI 01!")),
    "reply with a code that is not one": ("reply", reply(code="Quiet Hours")),
    "reply at a time that is not one": ("reply", reply(at="yesterday")),
    "fetch with an unknown field": ("fetch", fetch(extra=1)),
    "fetch delivered somewhere unknown": ("fetch", fetch(deliver="everyone")),
    "fetch of 257 blocks": ("fetch", fetch(ranges=[[0, 257]])),
    "fetch with a reversed range": ("fetch", fetch(ranges=[[5, 2]])),
    "ack with an unknown field": ("ack", ack(extra=1)),
    "ack of an unknown stream": ("ack", ack(stream="secrets")),
    "ack of a batch id that is not one": ("ack", ack(batch="a b")),
    "deferral with an unknown code": ("deferral", deferred(code="never")),
    "deferral for ever": ("deferral", deferred(retry_after_s=10**9)),
    "deferral with an unknown field": ("deferral", deferred(extra=1)),
    "log batch with an unknown field": ("log batch", batch(extra=1)),
    "log batch with a batch id that is not one": ("log batch", batch(batch="../b")),
    "log batch with a record without id": ("log batch", batch(records=[{"x": 1}])),
    "hub status with an unknown field": ("hub status", {**HUB, "extra": 1}),
    "hub status with online not a flag": ("hub status", {**HUB, "online": "yes"}),
    "command with an unknown field": ("command", {**COMMAND, "extra": 1}),
    "signed envelope with an unknown field": (
        "envelope",
        {**json.loads(KEY.seal(COMMAND)), "extra": 1},
    ),
    "procedures document with an unknown field": (
        "procedures",
        {"type": "procedures", "schema": 1, "procedures": [{"code": "1.0"}], "extra": 1},
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_each_wire_parser_refuses_what_is_not_the_schema(case: str) -> None:
    parser, message = REFUSALS[case]
    with pytest.raises(Refused) as refused:
        PARSERS[parser](message)
    assert refused.value.code == "malformed"


def test_the_well_formed_messages_parse() -> None:
    assert Reply.parse(reply()).command == NONCE
    assert FetchRequest.parse(fetch()).deliver == "device"
    legacy = fetch()
    del legacy["deliver"]
    assert FetchRequest.parse(legacy).deliver == "commune"  # a device of before
    assert isinstance(parse_answer(deferred()), Deferred)
    assert isinstance(parse_answer(ack()), Ack)
    assert hub_is_online(HUB) and not hub_is_online({**HUB, "extra": 1})


@pytest.fixture
def hub(tmp_path: Path):
    broker = Broker(tmp_path / "broker").start()
    running = HubRun(tmp_path / "hub", broker).start()
    yield running
    running.stop()
    broker.stop()


def refused(hub: HubRun, device: str) -> int:
    hub.daemon.save_refusals()
    return sum(r.count for r in hub.hub.repository.refusals(device) if r.kind == MESSAGE_REFUSED)


@needs_mosquitto
def test_a_forged_status_is_refused_and_changes_nothing(hub: HubRun) -> None:
    topic = T.device("pi-01", "status")
    with Client(hub.broker, "pi-01") as device:
        assert device.publish(topic, codec.encode(status()), retain=True) == 0
        wait_until(lambda: hub.status("pi-01").get("content_version") == 17, 10, "the status")
        before = hub.device_row("pi-01")
        forged = status(content_version=99, admin=True)
        assert device.publish(topic, codec.encode(forged), retain=True) == 0
        wait_until(lambda: refused(hub, "pi-01") == 1, 10, "the forged status refused")
    assert hub.device_row("pi-01") == before
    assert hub.status("pi-01")["content_version"] == 17


@needs_mosquitto
def test_a_reply_to_a_command_for_another_device_is_refused(hub: HubRun) -> None:
    repository = hub.hub.repository
    for_pi_02 = Command.create("xa-mau", "pi-02", "stop", ttl=dt.timedelta(minutes=5))
    for_all = Command.create("xa-mau", "*", "stop", ttl=dt.timedelta(minutes=5))
    repository.queue_command(for_pi_02)
    repository.queue_command(for_all)
    topic = T.device("pi-01", "reply")

    def answer(command: str) -> bytes:
        return codec.encode(Reply(command, "pi-01", True, "", "", "").to_message())

    with Client(hub.broker, "pi-01") as device:
        assert device.publish(topic, answer(for_pi_02.id)) == 0  # sent to pi-02
        assert device.publish(topic, answer(NONCE)) == 0  # never sent at all
        assert device.publish(topic, answer(for_all.id)) == 0  # to every device: its own
        wait_until(lambda: repository.replies(for_all.id), 10, "the genuine reply")
        wait_until(lambda: refused(hub, "pi-01") == 2, 10, "the two refused")
    assert repository.replies(for_pi_02.id) == [] and repository.replies(NONCE) == []
