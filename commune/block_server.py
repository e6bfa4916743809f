"""Serving media in blocks: each device gets what its manifest names, at its share.

A request is checked against the device's own manifest before anything is queued: the file
must be one the manifest names, in the block size it declares, and every block inside the
file; anything else is refused (counted, logged, nothing read from disk). Each device has
two token buckets: one on its requests (refused before they are even decoded, see
``admit``) and one on the bytes of blocks sent to it again. A block is sent to a device once;
asked for again, it is not sent if it went to that device after the request's round began or
less than ``RESEND_S`` ago (so a new round number alone gets nothing). A device may have
a few whole copies of each file its manifest names in ``COPIES_WINDOW_S`` (a
download, and the retries after a file that failed its hash): that is what a genuine device
needs, and it is bounded by its manifest. Beyond that, a copy is paid for from the device's
resend bucket.

Blocks wait in one queue per device, served in turn (one block per device per turn), so a
device that asks for a lot only ever takes its own turn. When several devices have asked
for the same block, it is read once and published to each of them.

Blocks go to ``device/<id>/media/<sha256>``, which only that device may read; a device that
asks the version-1 way (``deliver: commune``) gets them on the commune's shared
``media/<sha256>``, and a block published there after its round began reached it already.
Blocks go out as QoS 0 (a device asks again, in a new round, for what it lost), at most
``MAX_UNWRITTEN`` not yet written to the socket, optionally under a bandwidth cap.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from commune.refusals import (
    BLOCKS_OVER_LIMIT,
    FETCH_OVER_LIMIT,
    FETCH_REFUSED,
    RefusalCounter,
)
from village.store import ContentStore
from village.wire.blocks import DELIVER_COMMUNE, FetchRequest, encode_block
from village.wire.errors import Refused
from village.wire.manifest import MediaRef
from village.wire.mqtt import Outcome
from village.wire.topics import CommuneTopics

log = logging.getLogger(__name__)

MAX_UNWRITTEN = 8
OPEN_FILES = 16
FORGET_S = 300.0  # how long what was sent to whom is remembered
RESEND_S = 2.0  # a block sent to a device is not sent to it again sooner, whatever the round
COPIES_WINDOW_S = 3600.0  # the window a device's free copies of a file count in
MB = 1024 * 1024

Publish = Callable[[str, bytes], Outcome]
Refs = Callable[[str], dict[str, MediaRef]]
Clock = Callable[[], float]


@dataclass(frozen=True)
class DeviceLimits:
    """What one device may ask of the block server (the defaults leave a genuine device,
    which asks about 40 times a second at full speed, far below them)."""

    requests_per_s: float = 50.0
    request_burst: float = 200.0
    free_copies: int = 3  # whole copies of a file an hour before the resend bucket pays
    resend_bytes_per_s: float = 1 * MB
    resend_burst_bytes: float = 8 * MB
    queued_blocks: int = 4096


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: float | None = None, clock: Clock = time.monotonic):
        self.rate = rate
        self.burst = rate if burst is None else burst
        self.tokens = self.burst
        self.clock = clock
        self.stamp = clock()

    def _fill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def try_take(self, amount: float) -> bool:
        """Take ``amount`` if the bucket holds it; never waits."""
        self._fill()
        if self.tokens >= amount:
            self.tokens -= amount
            return True
        return False

    def take(self, amount: int, stop: threading.Event) -> None:
        """Wait until the bucket holds ``amount`` (or is full), then take it."""
        if self.rate <= 0:
            return
        while not stop.is_set():
            self._fill()
            if self.tokens >= amount or self.tokens >= self.burst:
                self.tokens -= amount
                return
            stop.wait((amount - self.tokens) / self.rate)


@dataclass
class ServerStats:
    requested: int = 0  # block indices asked for in requests the manifest allows
    already_sent: int = 0  # asked for, but sent to that device in this round or just now
    served: int = 0  # blocks published (one per device they went to)
    bytes: int = 0
    read: int = 0  # blocks read from disk
    refused: int = 0  # requests the manifest does not allow
    over_limit: int = 0  # requests and blocks over a device's allowance
    by_file: dict[str, collections.Counter] = field(default_factory=dict)


class DeviceAccount:
    """One device's allowance and queue."""

    def __init__(self, limits: DeviceLimits, clock: Clock) -> None:
        self.requests = TokenBucket(limits.requests_per_s, limits.request_burst, clock)
        self.resends = TokenBucket(limits.resend_bytes_per_s, limits.resend_burst_bytes, clock)
        self.queue: collections.OrderedDict[tuple[str, int], None] = collections.OrderedDict()
        self.rounds: dict[str, tuple[int, float]] = {}  # sha -> (round, when it began)
        self.deliver: dict[str, str] = {}  # sha -> where it listens
        self.copies: dict[str, tuple[int, float]] = {}  # sha -> (blocks sent, since when)
        self.free_copies = limits.free_copies

    def sent(self, sha256: str, now: float) -> None:
        count, since = self.copies.get(sha256, (0, now))
        if now - since >= COPIES_WINDOW_S:
            count, since = 0, now
        self.copies[sha256] = (count + 1, since)

    def free(self, ref: MediaRef, now: float) -> bool:
        """Whether one more block of ``ref`` is within the device's free copies."""
        count, since = self.copies.get(ref.sha256, (0, now))
        return now - since >= COPIES_WINDOW_S or count < self.free_copies * ref.blocks


class BlockServer:
    def __init__(
        self,
        library: ContentStore,
        publish: Publish,
        topics: CommuneTopics,
        refs: Refs,
        rate_limit_kbps: int = 0,
        limits: DeviceLimits | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.library = library
        self.publish = publish
        self.topics = topics
        self.refs = refs  # a device's media, as its manifest names them
        self.limits = limits or DeviceLimits()
        self.clock = clock
        self.bucket = TokenBucket(rate_limit_kbps * 1024)
        self.stats = ServerStats()
        self.refusals = RefusalCounter("media requests", clock)
        self._accounts: dict[str, DeviceAccount] = {}
        self._askers: dict[tuple[str, int], set[str]] = {}  # block -> devices waiting for it
        self._turns: collections.deque[str] = collections.deque()  # devices with blocks queued
        self._sent: dict[tuple[str, str, int], float] = {}  # (device, sha, index) -> last sent
        self._shared: dict[tuple[str, int], float] = {}  # block -> last sent on the shared topic
        self._ready = threading.Condition()
        self._stop = threading.Event()
        self._files: collections.OrderedDict[str, int] = collections.OrderedDict()
        self._thread: threading.Thread | None = None
        self._forget_at = clock() + FORGET_S

    def _account(self, device: str) -> DeviceAccount:
        account = self._accounts.get(device)
        if account is None:
            account = self._accounts[device] = DeviceAccount(self.limits, self.clock)
        return account

    # -- requests (network thread) ---------------------------------------------------------

    def admit(self, device: str) -> bool:
        """Whether a request from ``device`` may be looked at (its request rate); called
        before the request is decoded, so a flood costs next to nothing."""
        with self._ready:
            account = self._account(device)
            if account.requests.try_take(1):
                return True
            self.stats.over_limit += 1
        self.refusals.note(device, FETCH_OVER_LIMIT, "requests over its rate limit")
        return False

    def request(self, device: str, fetch: FetchRequest) -> None:
        ref = self.refs(device).get(fetch.sha256)
        with self._ready:
            account = self._account(device)
            try:
                fetch.check(ref)
            except Refused as exc:
                self.stats.refused += 1
                self.refusals.note(device, FETCH_REFUSED, exc.detail)
                return
            assert ref is not None
            now = self.clock()
            self._forget(now)
            since = self._round_start(account, fetch, now)
            account.deliver[fetch.sha256] = fetch.deliver
            counter = self.stats.by_file.setdefault(fetch.sha256, collections.Counter())
            queued = False
            for index in fetch.blocks:
                self.stats.requested += 1
                counter[index] += 1
                queued = self._ask(account, device, ref, index, fetch.deliver, since, now) or queued
            if queued:
                self._ready.notify()

    def _round_start(self, account: DeviceAccount, fetch: FetchRequest, now: float) -> float:
        held = account.rounds.get(fetch.sha256)
        if held is None or held[0] != fetch.round:
            held = account.rounds[fetch.sha256] = (fetch.round, now)
        return held[1]

    def _ask(
        self,
        account: DeviceAccount,
        device: str,
        ref: MediaRef,
        index: int,
        deliver: str,
        since: float,
        now: float,
    ) -> bool:
        """Queue one block for a device, if it is due; True if it was queued."""
        key = (ref.sha256, index)
        last = self._sent.get((device, ref.sha256, index))
        if deliver == DELIVER_COMMUNE:
            shared = self._shared.get(key)
            if shared is not None and (last is None or shared > last):
                last = shared  # it went to everyone listening on the shared topic
        if key in account.queue or (last is not None and last >= min(since, now - RESEND_S)):
            self.stats.already_sent += 1
            return False
        paid = last is not None and not account.free(ref, now)
        if paid and not account.resends.try_take(ref.block_length(index)):
            self.stats.over_limit += 1
            self.refusals.note(device, BLOCKS_OVER_LIMIT, "blocks asked again over its allowance")
            return False
        if len(account.queue) >= self.limits.queued_blocks:
            self.stats.over_limit += 1
            self.refusals.note(device, BLOCKS_OVER_LIMIT, "more blocks asked than it may wait for")
            return False
        if not account.queue:
            self._turns.append(device)
        account.queue[key] = None
        self._askers.setdefault(key, set()).add(device)
        return True

    def _forget(self, now: float) -> None:
        if now < self._forget_at:
            return
        self._forget_at = now + FORGET_S
        self._sent = {k: t for k, t in self._sent.items() if now - t < FORGET_S}
        self._shared = {k: t for k, t in self._shared.items() if now - t < FORGET_S}
        for account in self._accounts.values():
            account.rounds = {s: r for s, r in account.rounds.items() if now - r[1] < FORGET_S}

    # -- serving (own thread) --------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="hub-blocks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self._ready:
            self._ready.notify_all()
        if self._thread is not None:
            self._thread.join(5)
        for fd in self._files.values():
            os.close(fd)
        self._files.clear()
        if self.stats.requested or self.stats.refused or self.stats.over_limit:
            log.info(
                "served %d blocks (%.1f MB) for %d blocks requested (%d already sent); "
                "refused %d requests, %d requests and blocks over a device's allowance",
                self.stats.served,
                self.stats.bytes / 1e6,
                self.stats.requested,
                self.stats.already_sent,
                self.stats.refused,
                self.stats.over_limit,
            )

    def _next(self) -> tuple[tuple[str, int], list[tuple[str, str]]] | None:
        """The next device's oldest block, and every device waiting for it (with where
        each listens); devices take turns."""
        with self._ready:
            while not self._turns:
                if self._stop.is_set():
                    return None
                self._ready.wait(1.0)
            device = self._turns.popleft()
            account = self._accounts[device]
            key, _ = account.queue.popitem(last=False)
            if account.queue:
                self._turns.append(device)
            waiting = [device]
            for other in self._askers.pop(key, set()) - {device}:
                queue = self._accounts[other].queue
                queue.pop(key, None)
                if not queue:
                    self._turns.remove(other)
                waiting.append(other)
            now = self.clock()
            sha, index = key
            devices = []
            for d in waiting:  # counted as sent now: a request meanwhile does not queue it again
                deliver = self._accounts[d].deliver.get(sha, "")
                self._sent[(d, sha, index)] = now
                self._accounts[d].sent(sha, now)
                if deliver == DELIVER_COMMUNE:
                    self._shared[key] = now
                devices.append((d, deliver))
            return key, devices

    def _fd(self, sha256: str) -> int:
        fd = self._files.pop(sha256, None)
        if fd is None:
            fd = os.open(self.library.media_path(sha256), os.O_RDONLY)
            if len(self._files) >= OPEN_FILES:
                _, old = self._files.popitem(last=False)
                os.close(old)
        self._files[sha256] = fd
        return fd

    def _read(self, sha: str, index: int, devices: list[tuple[str, str]]) -> bytes | None:
        """The block as published (header and data), read once for every device."""
        ref = next((r for d, _ in devices if (r := self.refs(d).get(sha)) is not None), None)
        if ref is None or index >= ref.blocks:
            return None  # no longer in any manifest
        try:
            data = os.pread(self._fd(sha), ref.block_length(index), index * ref.block_size)
        except OSError as exc:
            log.error("cannot read media %s: %s", sha[:12], exc)
            return None
        self.stats.read += 1
        return encode_block(index, ref.blocks, ref.size, data)

    def _run(self) -> None:
        unwritten: collections.deque[Outcome] = collections.deque()
        while True:
            item = self._next()
            if item is None:
                return
            (sha, index), devices = item
            payload = self._read(sha, index, devices)
            if payload is None:
                continue
            topics = {
                self.topics.media(sha)
                if deliver == DELIVER_COMMUNE
                else self.topics.device_media(device, sha)
                for device, deliver in devices
            }
            for topic in sorted(topics):
                self.bucket.take(len(payload), self._stop)
                while len(unwritten) >= MAX_UNWRITTEN:
                    unwritten.popleft().wait(10)
                unwritten.append(self.publish(topic, payload))
                self.stats.served += 1
                self.stats.bytes += len(payload) - 20
