"""A media transfer cut off (broker restart, controller restart) resumes from the blocks the
device already holds: no finished block is asked for again."""

from __future__ import annotations

import collections
import hashlib
import subprocess
from pathlib import Path

import pytest

from commune.push import push_segment
from controller.sync.fetch import read_block_map
from tests.conftest import ControllerRun
from tests.sync_helpers import (
    AgentRun,
    Broker,
    HubRun,
    device_mqtt,
    make_config,
    needs_mosquitto,
    wait_until,
)
from village.config import Config
from village.wire.manifest import MediaRef

pytestmark = needs_mosquitto
BLOCK = 16 * 1024


@pytest.fixture
def broker(tmp_path: Path):
    running = Broker(tmp_path / "broker", devices=("pi-01",)).start()
    yield running
    running.stop()


@pytest.fixture
def slow_hub(tmp_path: Path, broker: Broker):
    """Blocks of 16 KiB at 160 KiB/s: a 700 KB segment takes about four seconds."""
    running = HubRun(tmp_path / "hub", broker, devices=("pi-01",), rate_limit_kbps=160).start()
    yield running
    running.stop()


@pytest.fixture
def long_segment(tmp_path: Path) -> Path:
    target = tmp_path / "dai.wav"  # 16 s of 22.05 kHz mono: about 700 KB, 43 blocks
    subprocess.run(
        ["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(target),
         "synth", "16", "sine", "300", "vol", "0.2"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return target


@pytest.fixture
def long_ref(long_segment: Path) -> MediaRef:
    """The long segment as the devices fetch it, in blocks of 16 KiB."""
    sha = hashlib.sha256(long_segment.read_bytes()).hexdigest()
    return MediaRef(sha, long_segment.stat().st_size, BLOCK)


@pytest.fixture
def device_config(tmp_path: Path, broker: Broker, slow_hub: HubRun) -> Config:
    """pi-01's configuration: the test broker and hub, four blocks asked for at a time."""
    return make_config(
        tmp_path / "pi-01",
        device_mqtt(broker, slow_hub, "pi-01", fetch_window=4),
        device={"id": "pi-01"},
    )


def held_blocks(data_dir: Path, ref: MediaRef) -> set[int]:
    have = read_block_map(data_dir / "sync" / "partial", ref)
    return {i for i, h in enumerate(have) if h}


def requests_of(hub: HubRun, sha: str) -> collections.Counter:
    return collections.Counter(hub.daemon.blocks.stats.by_file.get(sha, {}))


def test_broker_restart_mid_transfer_resumes_from_the_blocks_held(
    broker: Broker,
    slow_hub: HubRun,
    long_segment: Path,
    long_ref: MediaRef,
    device_config: Config,
) -> None:
    config, ref, sha = device_config, long_ref, long_ref.sha256
    device = AgentRun(config).start()
    try:
        pushed = push_segment(slow_hub.hub, long_segment, "Bài dài", segment_id="dai")
        wait_until(lambda: len(held_blocks(config.data_dir, ref)) >= 10, 20, "10 blocks held")

        broker.stop()
        wait_until(lambda: not device.agent.session.connected, 10, "the device to notice")
        wait_until(
            lambda: device.agent.fetcher.current and not device.agent.fetcher.current.unflushed
        )
        held = held_blocks(config.data_dir, ref)
        assert 10 <= len(held) < ref.blocks
        before = requests_of(slow_hub, sha)

        broker.start()
        device.wait_version(pushed.version.version, timeout=40)
        asked_after = requests_of(slow_hub, sha) - before
        assert asked_after, "the transfer finished without asking for the rest"
        assert not held & set(asked_after), f"asked again for {sorted(held & set(asked_after))}"
        assert set(asked_after) | held == set(range(ref.blocks))
        stored = device.host.store.media_path(sha).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == sha
    finally:
        device.stop()


def test_controller_restart_mid_transfer_resumes_from_the_blocks_held(
    slow_hub: HubRun, long_segment: Path, long_ref: MediaRef, device_config: Config, mock_pins
) -> None:
    config, ref, sha = device_config, long_ref, long_ref.sha256
    device = ControllerRun(config, mock_pins).start()
    try:
        pushed = push_segment(slow_hub.hub, long_segment, "Bài dài", segment_id="dai")
        wait_until(lambda: len(held_blocks(config.data_dir, ref)) >= 10, 20, "10 blocks held")
    finally:
        device.stop()  # a clean stop flushes what it holds
    held = held_blocks(config.data_dir, ref)
    assert 10 <= len(held) < ref.blocks
    before = requests_of(slow_hub, sha)

    device = ControllerRun(config, mock_pins).start()
    try:
        wait_until(
            lambda: (
                device.controller.snapshot.meta.get("content_version") == pushed.version.version
            ),
            40,
            "the version applied after the restart",
        )
    finally:
        device.stop()
    asked_after = requests_of(slow_hub, sha) - before
    assert not held & set(asked_after), f"asked again for {sorted(held & set(asked_after))}"
    assert "dai" in device.controller.snapshot.segments


def test_a_newer_version_during_a_transfer_keeps_what_is_held(
    slow_hub: HubRun,
    long_segment: Path,
    long_ref: MediaRef,
    device_config: Config,
    make_tone,
) -> None:
    """A push while the device is downloading: the new version replaces the old target at
    once, the blocks held are kept, and the download carries on without stalling."""
    config, ref, sha = device_config, long_ref, long_ref.sha256
    device = AgentRun(config).start()
    try:
        push_segment(slow_hub.hub, long_segment, "Bài dài", segment_id="dai")
        wait_until(lambda: len(held_blocks(config.data_dir, ref)) >= 8, 20, "8 blocks held")
        before = requests_of(slow_hub, sha)
        held = held_blocks(config.data_dir, ref)
        newer = push_segment(
            slow_hub.hub, make_tone("ngan.wav", seconds=0.5), "Bài ngắn", segment_id="ngan"
        )
        device.wait_version(newer.version.version, timeout=40)
        asked_after = requests_of(slow_hub, sha) - before
        assert not held & set(asked_after)
        assert device.agent.fetcher.stalls == 0  # never waited for a lost request
        assert set(device.host.store.snapshot().segments) == {"dai", "ngan"}
    finally:
        device.stop()
