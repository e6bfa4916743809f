"""The fetcher on its own: blocks asked for within the window, a stall asked again in a new
round, a corrupt file fetched again then refused, blocks held across a restart. What it
sends is recorded; blocks are handed to it as the network thread would."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from controller.sync.fetch import MAX_ATTEMPTS, STALL_S, Fetcher
from tests.unit.doubles import FakeMonotonic, answered
from village.wire.blocks import FetchRequest, encode_block
from village.wire.manifest import MediaRef
from village.wire.mqtt import Outcome

BLOCK = 1024


class Wire:
    """The fetcher's side of the session: what it subscribed to and asked for."""

    def __init__(self) -> None:
        self.subscribed: list[str] = []
        self.unsubscribed: list[str] = []
        self.requests: list[FetchRequest] = []

    def subscribe(self, sha256: str) -> Outcome:
        self.subscribed.append(sha256)
        return answered()

    def unsubscribe(self, sha256: str) -> None:
        self.unsubscribed.append(sha256)

    def request(self, fetch: FetchRequest) -> bool:
        self.requests.append(fetch)
        return True

    def asked(self) -> list[int]:
        return [i for r in self.requests for i in r.blocks]


class Media:
    def __init__(self, size: int) -> None:
        self.data = os.urandom(size)
        self.ref = MediaRef(hashlib.sha256(self.data).hexdigest(), size, BLOCK)

    def block(self, index: int, data: bytes | None = None) -> bytes:
        part = self.data[index * BLOCK : (index + 1) * BLOCK]
        return encode_block(index, self.ref.blocks, self.ref.size, data or part)


def fetcher(tmp_path: Path, wire: Wire, clock: FakeMonotonic | None = None) -> Fetcher:
    return Fetcher(
        tmp_path / "partial",
        lambda sha: tmp_path / "media" / sha,
        wire.subscribe,
        wire.unsubscribe,
        wire.request,
        window=4,
        monotonic=clock or FakeMonotonic(),
    )


def test_a_file_arrives_in_blocks_within_the_window_and_is_verified(tmp_path) -> None:
    media, wire = Media(10 * BLOCK + 123), Wire()  # 11 blocks, the last one short
    fetch = fetcher(tmp_path, wire)
    fetch.set_target([media.ref])
    fetch.tick(True)
    assert wire.subscribed == [media.ref.sha256] and not wire.requests  # subscribed first
    fetch.tick(True)
    assert wire.asked() == [0, 1, 2, 3]  # the window
    fetch.tick(True)
    assert wire.asked() == [0, 1, 2, 3]  # four outstanding: nothing more
    for index in (0, 1, 2):
        fetch.on_block(media.ref.sha256, media.block(index))
    fetch.tick(True)
    assert wire.asked()[4:] == [4, 5, 6]  # room for three again
    while not fetch.done:
        for index in sorted(fetch.outstanding):
            fetch.on_block(media.ref.sha256, media.block(index))
        fetch.tick(True)
    assert (tmp_path / "media" / media.ref.sha256).read_bytes() == media.data
    assert sorted(wire.asked()) == list(range(11))  # each block asked for once
    assert wire.unsubscribed == [media.ref.sha256]
    assert fetch.progress() == (media.ref.size, media.ref.size)
    assert list((tmp_path / "partial").iterdir()) == []


def test_nothing_is_asked_for_while_the_hub_cannot_be_reached(tmp_path) -> None:
    media, wire = Media(3 * BLOCK), Wire()
    fetch = fetcher(tmp_path, wire)
    fetch.set_target([media.ref])
    for _ in range(3):
        fetch.tick(False)
    assert wire.subscribed == [] and wire.requests == []
    assert fetch.busy and not fetch.done


def test_a_stall_is_asked_again_in_a_new_round(tmp_path) -> None:
    media, wire, clock = Media(8 * BLOCK), Wire(), FakeMonotonic()
    fetch = fetcher(tmp_path, wire, clock)
    fetch.set_target([media.ref])
    fetch.tick(True)
    fetch.tick(True)
    first = wire.requests[-1]
    clock.value += STALL_S - 0.1
    fetch.tick(True)
    assert wire.requests[-1] is first  # not yet a stall
    clock.value += 0.2
    fetch.tick(True)
    again = wire.requests[-1]
    assert again.blocks == first.blocks and again.round == first.round + 1
    assert fetch.stalls == 1


def test_a_file_that_does_not_match_its_sha256_is_fetched_again_then_refused(tmp_path) -> None:
    media, wire = Media(2 * BLOCK), Wire()
    fetch = fetcher(tmp_path, wire)
    fetch.set_target([media.ref])
    downloads = 0
    while fetch.failed is None and downloads < 10:
        fetch.tick(True)
        for index in sorted(fetch.outstanding):
            fetch.on_block(media.ref.sha256, media.block(index, b"\0" * BLOCK))
        if fetch.current is not None and fetch.current.complete:
            downloads += 1
    assert downloads == MAX_ATTEMPTS
    assert fetch.failed is not None and fetch.failed.code == "hash-mismatch"
    assert not (tmp_path / "media" / media.ref.sha256).exists()
    assert not fetch.done


def test_blocks_held_survive_a_restart_and_are_not_asked_for_again(tmp_path) -> None:
    media, wire = Media(6 * BLOCK), Wire()
    fetch = fetcher(tmp_path, wire)
    fetch.set_target([media.ref])
    fetch.tick(True)
    fetch.tick(True)
    for index in (0, 1, 2):
        fetch.on_block(media.ref.sha256, media.block(index))
    fetch.close()  # the controller stops: what is held is flushed

    wire = Wire()
    again = fetcher(tmp_path, wire)
    again.set_target([media.ref])
    assert again.held_bytes([media.ref]) == 3 * BLOCK
    again.tick(True)
    again.tick(True)
    assert wire.asked() == [3, 4, 5]


def test_blocks_of_another_file_or_malformed_are_ignored(tmp_path) -> None:
    media, other, wire = Media(2 * BLOCK), Media(2 * BLOCK), Wire()
    fetch = fetcher(tmp_path, wire)
    fetch.set_target([media.ref])
    fetch.tick(True)
    fetch.on_block(other.ref.sha256, other.block(0))  # not the file being fetched
    fetch.on_block(media.ref.sha256, b"VBK1 short")  # not a block
    fetch.on_block(media.ref.sha256, other.block(0)[:-1])  # wrong length
    assert fetch.ignored_blocks == 3
    assert fetch.current is not None and fetch.current.held == 0
