"""Serving media in blocks: requests from many devices, each block published once.

Requests are merged: a block already waiting to be sent is not queued twice, so devices
fetching the same file at the same time (a commune-wide push) share every block. A block
is always published after the request that asked for it arrived, and a device subscribes
to the file's topic before it asks, so every requester receives it. Blocks go out as QoS 0
(they are re-requested if lost), at most ``MAX_UNWRITTEN`` not yet written to the socket,
optionally under a bandwidth cap for slow uplinks.
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

Publish = Callable[[str, bytes], Outcome]


@dataclass
class ServerStats:
    requested: int = 0  # block indices asked for (before merging)
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
    ) -> None:
        self.library = library
        self.publish = publish
        self.topic_for = topic_for
        self.allowed = allowed
        self.bucket = TokenBucket(rate_limit_kbps * 1024)
        self.stats = ServerStats()
        self._pending: collections.OrderedDict[tuple[str, int, int], None] = (
            collections.OrderedDict()
        )
        self._ready = threading.Condition()
        self._stop = threading.Event()
        self._files: collections.OrderedDict[str, int] = collections.OrderedDict()
        self._thread: threading.Thread | None = None

    # -- requests (network thread) ---------------------------------------------------------

    def request(self, device: str, fetch: FetchRequest) -> None:
        if not self.allowed(device, fetch.sha256):
            self.stats.refused += 1
            log.warning("%s asked for media %s it is not meant to hold", device, fetch.sha256[:12])
            return
        with self._ready:
            counter = self.stats.by_file.setdefault(fetch.sha256, collections.Counter())
            for index in fetch.blocks:
                self.stats.requested += 1
                counter[index] += 1
                key = (fetch.sha256, fetch.block_size, index)
                if key not in self._pending and len(self._pending) < MAX_PENDING:
                    self._pending[key] = None
            self._ready.notify()

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

    def _next(self) -> tuple[str, int, int] | None:
        with self._ready:
            while not self._pending and not self._stop.is_set():
                self._ready.wait(1.0)
            if self._stop.is_set():
                return None
            key, _ = self._pending.popitem(last=False)
            return key

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
            unwritten.append(
                self.publish(self.topic_for(sha), encode_block(index, ref.blocks, size, data))
            )
            self.stats.served += 1
            self.stats.bytes += len(data)
