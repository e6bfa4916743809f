"""One device's real credentials cannot make the hub publish for it what its manifest does
not name, cannot flood the block server to the cost of the other devices, and cannot read
the media pushed to another device. The hostile device runs in its own process, with a
capped count of messages, under CPU and memory limits (``sync_helpers.hostile``)."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import pytest

from commune.block_server import DeviceLimits
from commune.push import push_segment
from commune.refusals import BLOCKS_OVER_LIMIT, FETCH_OVER_LIMIT, FETCH_REFUSED
from tests.conftest import run_village, write_config
from tests.sync_helpers import (
    AgentRun,
    Broker,
    HubRun,
    device_mqtt,
    hostile,
    make_config,
    needs_mosquitto,
    wait_until,
)
from village.wire import codec
from village.wire.blocks import FetchRequest
from village.wire.topics import CommuneTopics

pytestmark = needs_mosquitto
T = CommuneTopics("xa-mau")
BLOCK = 16 * 1024
FETCH = T.device("pi-02", "fetch")
EVERYTHING_PI_02_MAY_TRY = (
    f"{T.prefix}/media/#",
    f"{T.prefix}/device/pi-01/media/#",
    f"{T.prefix}/device/+/media/#",
    f"{T.prefix}/#",
    "village/#",
)


def fetch(sha: str, first: int = 0, end: int = 1, round_: int = 1, **changes: object) -> bytes:
    message = FetchRequest(sha, BLOCK, tuple(range(first, end)), round_).to_message()
    return codec.encode({**message, **changes})


def media_topics(received: dict) -> list[str]:
    return [topic for topic in received["count"] if "/media/" in topic]


class Commune:
    """pi-01 (a genuine agent) and pi-02 (whose credentials the attacker holds), each with
    content of its own."""

    def __init__(self, tmp_path: Path, make_tone, **hub: Any) -> None:
        self.broker = Broker(tmp_path / "broker").start()
        self.hub = HubRun(tmp_path / "hub", self.broker, **hub).start()
        config = make_config(
            tmp_path / "pi-01",
            device_mqtt(self.broker, self.hub, "pi-01"),
            device={"id": "pi-01"},
        )
        self.pi01 = AgentRun(config).start()
        self.make_tone = make_tone
        # pi-01's private announcement (6 blocks of 16 KiB), and pi-02's own (9)
        self.private, version = self.push("bao-rieng.wav", 1.0, "pi-01")
        self.own, _ = self.push("tin-02.wav", 1.5, "pi-02")
        self.pi01.wait_version(version)
        wait_until(lambda: self.hub.daemon.manifests.refs("pi-02"), 10, "pi-02's manifest")

    def push(self, name: str, seconds: float, device: str) -> tuple[str, int]:
        tone = self.make_tone(name, seconds=seconds)
        pushed = push_segment(
            self.hub.hub, tone, name, segment_id=name.split(".")[0], devices=[device]
        )
        return hashlib.sha256(tone.read_bytes()).hexdigest(), pushed.version.version

    @property
    def stats(self):
        return self.hub.daemon.blocks.stats

    def refusals(self, device: str) -> dict[str, int]:
        self.hub.daemon.save_refusals()
        return {r.kind: r.count for r in self.hub.hub.repository.refusals(device)}

    def close(self) -> None:
        self.pi01.stop()
        self.hub.stop()
        self.broker.stop()


@pytest.fixture
def commune(tmp_path: Path, make_tone):
    built = Commune(tmp_path, make_tone)
    yield built
    built.close()


def test_fetches_the_manifest_does_not_allow_get_nothing_and_staff_see_them(
    commune: Commune, tmp_path: Path
) -> None:
    own, private = commune.own, commune.private
    blocks = commune.hub.daemon.manifests.refs("pi-02")[own].blocks
    bad = (
        [fetch(private, 0, 2, i) for i in range(40)]  # pi-01's media
        + [fetch(own, 0, 2, i, block_size=4096) for i in range(40)]  # another block size
        + [fetch(own, blocks - 1, blocks + 5, i) for i in range(40)]  # beyond the file
        + [fetch(own, 0, 1, i, extra="x") for i in range(10)]  # not the protocol
    )
    served = commune.stats.served
    got = hostile(commune.broker, "pi-02", FETCH, bad, listen=EVERYTHING_PI_02_MAY_TRY)
    wait_until(lambda: commune.stats.refused >= 120, 10, "the requests looked at")
    assert commune.stats.served == served  # not one block published for them
    assert not media_topics(got)
    counts = commune.refusals("pi-02")
    assert counts[FETCH_REFUSED] == 120 and counts["message-refused"] == 10
    # staff see it
    staff = write_config(tmp_path / "hub.toml", {"hub": {"data": str(commune.hub.hub.root)}})
    shown = run_village("devices", env={"VILLAGE_CONFIG": str(staff)})
    line = next(x for x in shown.stdout.splitlines() if x.startswith("pi-02"))
    assert "120 yêu cầu tải tệp không được giao" in line, shown.stdout
    assert "10 tin nhắn sai giao thức" in line
    listed = run_village("devices", "--json", env={"VILLAGE_CONFIG": str(staff)})
    assert '"fetch-refused": 120' in listed.stdout


def test_a_new_round_alone_gets_no_block_again(tmp_path: Path, make_tone) -> None:
    limits = DeviceLimits(
        requests_per_s=20, request_burst=100, free_copies=1, resend_burst_bytes=4 * BLOCK
    )
    commune = Commune(tmp_path, make_tone, device_limits=limits)
    try:
        own = commune.own
        ref = commune.hub.daemon.manifests.refs("pi-02")[own]
        flood = [fetch(own, 0, ref.blocks, i) for i in range(400)]  # every block, new rounds
        served = commune.stats.served
        got = hostile(
            commune.broker, "pi-02", FETCH, flood, listen=(T.device_media_filter("pi-02"),)
        )
        published = commune.stats.served - served
        # once, plus at most what its resend allowance pays for (4 blocks), however long
        # the flood lasted: not 400 copies
        assert ref.blocks <= published <= ref.blocks + 4
        assert sum(got["count"].values()) == published
        counts = commune.refusals("pi-02")
        assert counts[FETCH_OVER_LIMIT] >= 400 - 100 - 20 * 10  # the bucket let ~100 in
        assert counts.get(BLOCKS_OVER_LIMIT, 0) + commune.stats.already_sent > 0
    finally:
        commune.close()


def test_another_devices_push_applies_during_a_flood(commune: Commune) -> None:
    own = commune.own
    blocks = commune.hub.daemon.manifests.refs("pi-02")[own].blocks
    flood = [fetch(own, 0, blocks, i) for i in range(3000)] + [
        fetch(commune.private, 0, 2, i) for i in range(3000)
    ]
    tone = commune.make_tone("tin-moi.wav", seconds=2.0)
    pushed = push_segment(commune.hub.hub, tone, "Tin mới", segment_id="tin-moi", devices=["pi-01"])
    hostile(commune.broker, "pi-02", FETCH, flood, quiet_s=0.2)
    commune.pi01.wait_version(pushed.version.version, timeout=60)
    store = commune.pi01.host.store
    sha = store.snapshot().segments["tin-moi"].sha256
    assert hashlib.sha256(store.media_path(sha).read_bytes()).hexdigest() == sha
    assert commune.refusals("pi-02")[FETCH_OVER_LIMIT] > 0


def test_a_device_cannot_read_the_media_pushed_to_another(commune: Commune) -> None:
    """pi-02 listens everywhere it may while pi-01 fetches an announcement meant for it
    alone: pi-02 receives nothing; pi-01 gets every block."""
    tone = commune.make_tone("khan-cap.wav", seconds=1.0)
    listening = []

    def spy() -> None:
        listening.append(
            hostile(commune.broker, "pi-02", FETCH, [], listen=EVERYTHING_PI_02_MAY_TRY, quiet_s=4)
        )

    thread = threading.Thread(target=spy)
    thread.start()
    wait_until(lambda: "pi-02" in commune.broker.log_text(), 10, "pi-02 connected")
    pushed = push_segment(
        commune.hub.hub, tone, "Thông báo khẩn", segment_id="khan-cap", devices=["pi-01"]
    )
    commune.pi01.wait_version(pushed.version.version)
    thread.join(30)
    (got,) = listening
    assert not media_topics(got), got["count"]
    sha = hashlib.sha256(tone.read_bytes()).hexdigest()
    assert commune.pi01.host.store.has_media(sha)


def test_a_device_of_before_still_converges_while_the_broker_grants_the_shared_topic(
    tmp_path: Path, make_tone
) -> None:
    """The upgrade path: with ``--legacy-media``, a device that asks the version-1 way
    (no ``deliver``, listening on ``media/<sha>``) gets its blocks on the shared topic."""
    broker = Broker(tmp_path / "broker", extra_args=("--legacy-media",)).start()
    hub = HubRun(tmp_path / "hub", broker).start()
    try:
        assert f"topic read {T.all_media}" in (broker.folder / "acl").read_text()
        tone = make_tone("cu.wav", seconds=1.0)
        push_segment(hub.hub, tone, "Cũ", segment_id="cu", devices=["pi-02"])
        sha = hashlib.sha256(tone.read_bytes()).hexdigest()
        ref = wait_until(lambda: hub.daemon.manifests.refs("pi-02").get(sha), 10, "manifest")
        old_fetch = FetchRequest(sha, ref.block_size, tuple(range(ref.blocks)), 1).to_message()
        del old_fetch["deliver"]
        got = hostile(broker, "pi-02", FETCH, [codec.encode(old_fetch)], listen=(T.media(sha),))
        assert got["count"].get(T.media(sha)) == ref.blocks
    finally:
        hub.stop()
        broker.stop()
    # without the grant (the default once every device is upgraded) it is not readable
    assert (
        f"topic read {T.all_media}"
        not in (Broker(tmp_path / "broker-new").folder / "acl").read_text()
    )
