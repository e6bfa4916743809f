"""The block server's rules, on its own (no broker; its clock and its publisher are ours):
a new round alone gets nothing again, free copies then a paid allowance, the request rate,
and devices taking turns so one device's flood does not hold up another."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from commune.block_server import RESEND_S, BlockServer, DeviceLimits
from tests.sync_helpers import wait_until
from village.store import ContentStore
from village.wire.blocks import FetchRequest
from village.wire.manifest import MediaRef
from village.wire.mqtt import Outcome
from village.wire.topics import CommuneTopics

BLOCK = 4096
T = CommuneTopics("xa-mau")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Published(list):
    """A publisher that records (topic, payload) and answers at once."""

    def __call__(self, topic: str, payload: bytes) -> Outcome:
        self.append((topic, payload))
        done = Outcome()
        done._set([0])
        return done


@pytest.fixture
def scene(tmp_path: Path):
    library = ContentStore(tmp_path / "library")
    source = tmp_path / "media.bin"
    source.write_bytes(os.urandom(BLOCK * 10))
    sha = library.add_media(source)
    ref = MediaRef(sha, BLOCK * 10, BLOCK)
    clock = Clock()
    published = Published()
    limits = DeviceLimits(
        requests_per_s=10, request_burst=20, free_copies=2, resend_burst_bytes=3 * BLOCK,
        resend_bytes_per_s=BLOCK,
    )  # fmt: skip
    server = BlockServer(library, published, T, lambda device: {sha: ref}, 0, limits, clock)
    yield server, ref, clock, published
    server.stop()


def serve_all(server: BlockServer) -> list[tuple[str, int]]:
    """Serve what is queued, in the server's order: (device, block index) per block."""
    served = []
    while server._turns:
        turn = server._next()
        assert turn is not None
        (sha, index), devices = turn
        payload = server._read(sha, index, devices)
        assert payload is not None
        served += [(device, index) for device, _ in devices]
    return served


def ask(server: BlockServer, device: str, ref: MediaRef, blocks: range, round_: int) -> None:
    assert server.admit(device)
    server.request(device, FetchRequest(ref.sha256, BLOCK, tuple(blocks), round_))


def test_a_new_round_alone_gets_nothing_then_copies_are_counted(scene) -> None:
    server, ref, clock, _ = scene
    ask(server, "pi-01", ref, range(10), 1)
    assert len(serve_all(server)) == 10  # the first copy
    for round_ in range(2, 12):  # new rounds, a moment later: nothing again
        clock.now += 0.1
        ask(server, "pi-01", ref, range(10), round_)
    assert serve_all(server) == []
    clock.now += RESEND_S + 0.1  # later, the second copy is free (after a failed hash)
    ask(server, "pi-01", ref, range(10), 20)
    assert len(serve_all(server)) == 10
    clock.now += RESEND_S + 0.1  # a third is paid from the resend bucket: 3 blocks of it
    ask(server, "pi-01", ref, range(10), 21)
    assert len(serve_all(server)) == 3
    assert server.refusals.take()["pi-01"][0] == {"blocks-over-limit": 7}


def test_requests_over_the_rate_are_refused_before_they_are_read(scene) -> None:
    server, ref, clock, _ = scene
    admitted = sum(server.admit("pi-02") for _ in range(100))
    assert admitted == 20  # the burst
    clock.now += 1.0
    assert sum(server.admit("pi-02") for _ in range(100)) == 10  # the rate
    assert sum(server.admit("pi-01") for _ in range(5)) == 5  # another device is not affected
    assert server.refusals.take()["pi-02"][0] == {"fetch-over-limit": 170}


def test_devices_take_turns(scene) -> None:
    server, ref, _, _ = scene
    ask(server, "pi-02", ref, range(10), 1)  # pi-02 asks for everything first
    ask(server, "pi-01", ref, range(9, 10), 1)  # then pi-01 for the last block
    order = serve_all(server)
    # pi-02's first block, then the block pi-01 waits for (read once, sent to both)
    assert order[:3] == [("pi-02", 0), ("pi-01", 9), ("pi-02", 9)]
    assert sorted(i for d, i in order if d == "pi-02") == list(range(10))


def test_blocks_go_to_the_device_topic_or_for_a_device_of_before_the_shared_one(scene) -> None:
    server, ref, _, published = scene
    server.start()
    server.request("pi-01", FetchRequest(ref.sha256, BLOCK, (0,), 1))
    server.request("pi-02", FetchRequest(ref.sha256, BLOCK, (1,), 1, deliver="commune"))
    wait_until(lambda: len(published) >= 2, 5, "two blocks published")
    topics = sorted(topic for topic, _ in published)
    assert topics == sorted([T.device_media("pi-01", ref.sha256), T.media(ref.sha256)])
