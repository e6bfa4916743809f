"""Serving media in blocks: requests from many devices, each block published once.

Blocks are published on the file's topic, which every device fetching that file is
subscribed to, so devices fetching the same file at once (a commune-wide push) share them.
A device subscribes before it asks, so a block published after the first request of its
current round (see ``FetchRequest.round``) has reached it already: asked again in the same
round, it is not sent again. A block waiting to be sent is not queued twice.

When a push has just sent a file to several devices at once, the first requests for it
wait (at most ``GATHER_S``) until every online device expected has asked: they then all
receive the first blocks from one publish instead of one publish each. In such a wave a
block is published again at most every ``HOLD_S``, so devices that ask late (slower ones)
share the next copy.

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

from village.store import ContentStore
from village.wire.blocks import FetchRequest, encode_block
from village.wire.manifest import MediaRef
from village.wire.mqtt import Outcome

log = logging.getLogger(__name__)

MAX_UNWRITTEN = 8
MAX_PENDING = 100_000
OPEN_FILES = 16
FORGET_S = 300.0  # how long publish times and round starts are remembered
GATHER_S = 2.0  # longest wait for the other (online) devices of a wave to ask for a file
HOLD_S = 2.0  # during a wave, a block is published again at most this often

Publish = Callable[[str, bytes], Outcome]


@dataclass
class ServerStats:
    requested: int = 0  # block indices asked for (before merging)
    already_sent: int = 0  # asked for, but published to that device in this round already
    served: int = 0  # blocks published
    bytes: int = 0
    refused: int = 0  # requests for media the device is not meant to have
    by_file: dict[str, collections.Counter] = field(default_factory=dict)


class TokenBucket:
    def __init__(self, rate_bytes_s: float) -> None:
        self.rate = rate_bytes_s
        self.tokens = rate_bytes_s
        self.stamp = time.monotonic()

    def take(self, amount: int, stop: threading.Event) -> None:
        if self.rate <= 0:
            return
        while not stop.is_set():
            now = time.monotonic()
            self.tokens = min(self.rate, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= amount or self.tokens >= self.rate:
                self.tokens -= amount
                return
            stop.wait((amount - self.tokens) / self.rate)


class BlockServer:
    def __init__(
        self,
        library: ContentStore,
        publish: Publish,
        topic_for: Callable[[str], str],
        allowed: Callable[[str, str], bool],
        rate_limit_kbps: int = 0,
        expected: Callable[[str], set[str]] = lambda sha256: set(),
    ) -> None:
        self.library = library
        self.publish = publish
        self.topic_for = topic_for
        self.allowed = allowed
        self.expected = expected  # devices just sent a manifest with this file
        self.bucket = TokenBucket(rate_limit_kbps * 1024)
        self.stats = ServerStats()
        self._pending: collections.OrderedDict[tuple[str, int, int], None] = (
            collections.OrderedDict()
        )
        self._ready = threading.Condition()
        self._stop = threading.Event()
        self._files: collections.OrderedDict[str, int] = collections.OrderedDict()
        self._thread: threading.Thread | None = None
        self._published: dict[tuple[str, int, int], float] = {}  # block -> last publish
        self._rounds: dict[tuple[str, str, int], float] = {}  # (device, sha, round) -> start
        self._forget_at = time.monotonic() + FORGET_S
        # sha -> (opened, devices still to ask, whether several devices were expected)
        self._waves: dict[str, tuple[float, set[str], bool]] = {}

    # -- requests (network thread) ---------------------------------------------------------

    def request(self, device: str, fetch: FetchRequest) -> None:
        if not self.allowed(device, fetch.sha256):
            self.stats.refused += 1
            log.warning("%s asked for media %s it is not meant to hold", device, fetch.sha256[:12])
            return
        now = time.monotonic()
        with self._ready:
            self._forget(now)
            since = self._rounds.setdefault((device, fetch.sha256, fetch.round), now)
            self._join_wave(device, fetch.sha256, now)
            counter = self.stats.by_file.setdefault(fetch.sha256, collections.Counter())
            for index in fetch.blocks:
                self.stats.requested += 1
                counter[index] += 1
                key = (fetch.sha256, fetch.block_size, index)
                if self._published.get(key, -1.0) >= since:
                    self.stats.already_sent += 1
                    continue
                if key not in self._pending and len(self._pending) < MAX_PENDING:
                    self._pending[key] = None
            self._ready.notify()

    def _join_wave(self, device: str, sha256: str, now: float) -> None:
        wave = self._waves.get(sha256)
        if wave is None:
            others = self.expected(sha256) - {device}
            self._waves[sha256] = (now, others, bool(others))  # no others: nothing to wait for
        else:
            wave[1].discard(device)

    def _held_back(self, key: tuple[str, int, int], now: float) -> float:
        """Seconds a block still waits (0: none): for the rest of its wave to ask, and,
        in a wave of several devices, until its last copy is ``HOLD_S`` old, so devices that
        ask late share one copy instead of getting one each."""
        opened, waiting, crowd = self._waves.get(key[0], (now, set(), False))
        delay = max(0.0, GATHER_S - (now - opened)) if waiting else 0.0
        last = self._published.get(key)
        if crowd and last is not None:
            delay = max(delay, last + HOLD_S - now)
        return delay

    def _forget(self, now: float) -> None:
        if now < self._forget_at:
            return
        self._forget_at = now + FORGET_S
        self._published = {k: t for k, t in self._published.items() if now - t < FORGET_S}
        self._rounds = {k: t for k, t in self._rounds.items() if now - t < FORGET_S}
        self._waves = {k: w for k, w in self._waves.items() if now - w[0] < FORGET_S}

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
        if self.stats.requested:
            log.info(
                "served %d blocks (%.1f MB) for %d blocks requested (%d already sent)",
                self.stats.served,
                self.stats.bytes / 1e6,
                self.stats.requested,
                self.stats.already_sent,
            )

    def _next(self) -> tuple[str, int, int] | None:
        """The oldest block whose file is not held back for its wave."""
        with self._ready:
            while not self._stop.is_set():
                now = time.monotonic()
                wait = 1.0
                for key in self._pending:
                    delay = self._held_back(key, now)
                    if delay <= 0:
                        del self._pending[key]
                        return key
                    wait = min(wait, delay)
                self._ready.wait(wait)
            return None

    def _fd(self, sha256: str) -> int:
        fd = self._files.pop(sha256, None)
        if fd is None:
            fd = os.open(self.library.media_path(sha256), os.O_RDONLY)
            if len(self._files) >= OPEN_FILES:
                _, old = self._files.popitem(last=False)
                os.close(old)
        self._files[sha256] = fd
        return fd

    def _run(self) -> None:
        unwritten: collections.deque[Outcome] = collections.deque()
        while True:
            key = self._next()
            if key is None:
                return
            sha, block_size, index = key
            try:
                fd = self._fd(sha)
                size = os.fstat(fd).st_size
                ref = MediaRef(sha, size, block_size)
                if index >= ref.blocks:
                    continue
                data = os.pread(fd, ref.block_length(index), index * block_size)
            except OSError as exc:
                log.error("cannot read media %s: %s", sha[:12], exc)
                continue
            self.bucket.take(len(data), self._stop)
            while len(unwritten) >= MAX_UNWRITTEN:
                unwritten.popleft().wait(10)
            with self._ready:
                self._published[key] = time.monotonic()
            unwritten.append(
                self.publish(self.topic_for(sha), encode_block(index, ref.blocks, size, data))
            )
            self.stats.served += 1
            self.stats.bytes += len(data)
