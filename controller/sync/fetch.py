"""Downloading media in blocks, with resume across broker and controller restarts.

Each file being fetched is ``sync/partial/<sha256>.part`` (written at block offsets) and
``<sha256>.blocks``, the list of blocks held. The list is written only after the data it
names is fsync'd, so after a crash it never claims a block that is not on disk; at worst a
few blocks received since the last flush are fetched again. A finished file is checked
against its SHA-256 before it is moved into ``media/``; a mismatch throws it away.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from village.atomic import atomic_write_bytes, fsync_dir
from village.wire.blocks import FetchRequest, decode_block, to_ranges
from village.wire.errors import Refused
from village.wire.manifest import MediaRef
from village.wire.mqtt import Outcome

log = logging.getLogger(__name__)

# How often held blocks are made durable. fsync has a high fixed cost (tens of ms on an SD
# card), so it is paced by time: a power cut loses at most the last few seconds of download.
FLUSH_EVERY_S = 2.0
STALL_S = 5.0  # no block for this long: ask again for what is outstanding
MAX_ATTEMPTS = 3  # whole-file hash mismatches before the version is refused


def read_block_map(folder: Path, ref: MediaRef) -> bytearray:
    """Which blocks of ``ref`` a partial file holds (one byte per block, 1 = held)."""
    have = bytearray(ref.blocks)
    try:
        saved = json.loads((folder / f"{ref.sha256}.blocks").read_text())
    except (OSError, ValueError):
        return have
    layout = (saved.get("size"), saved.get("block_size"))
    if layout != (ref.size, ref.block_size) or not (folder / f"{ref.sha256}.part").exists():
        return have
    for first, end in saved.get("have", []):
        for index in range(max(0, int(first)), min(int(end), ref.blocks)):
            have[index] = 1
    return have


class PartialFile:
    """One file being downloaded."""

    def __init__(
        self, folder: Path, ref: MediaRef, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.ref = ref
        self.monotonic = monotonic
        self.data_path = folder / f"{ref.sha256}.part"
        self.map_path = folder / f"{ref.sha256}.blocks"
        folder.mkdir(parents=True, exist_ok=True)
        self.have = read_block_map(folder, ref)
        self.fd = os.open(self.data_path, os.O_RDWR | os.O_CREAT, 0o644)
        if os.fstat(self.fd).st_size != ref.size:
            os.ftruncate(self.fd, ref.size)
        self.unflushed = 0
        self.flushed_at = monotonic()

    @property
    def held(self) -> int:
        return sum(self.have)

    @property
    def held_bytes(self) -> int:
        return sum(self.ref.block_length(i) for i, h in enumerate(self.have) if h)

    @property
    def complete(self) -> bool:
        return all(self.have)

    def missing(self) -> list[int]:
        return [i for i, h in enumerate(self.have) if not h]

    def write(self, index: int, data: bytes | memoryview) -> bool:
        """Write one block; False if it was already held."""
        if self.have[index]:
            return False
        view = memoryview(data)
        offset = index * self.ref.block_size
        while view:
            written = os.pwrite(self.fd, view, offset)
            view = view[written:]
            offset += written
        self.have[index] = 1
        self.unflushed += 1
        if self.monotonic() - self.flushed_at > FLUSH_EVERY_S:
            self.flush()
        return True

    def flush(self) -> None:
        """Make the held blocks durable, then record them."""
        if not self.unflushed:
            return
        os.fsync(self.fd)
        held = [i for i, h in enumerate(self.have) if h]
        saved = {"size": self.ref.size, "block_size": self.ref.block_size, "have": to_ranges(held)}
        atomic_write_bytes(self.map_path, json.dumps(saved).encode())
        self.unflushed = 0
        self.flushed_at = self.monotonic()

    def verify_and_install(self, target: Path) -> bool:
        """Move the finished file to ``target`` if its SHA-256 matches; False otherwise."""
        os.fsync(self.fd)
        digest = hashlib.sha256()
        offset = 0
        while offset < self.ref.size:
            chunk = os.pread(self.fd, min(1 << 20, self.ref.size - offset), offset)
            if not chunk:
                break
            digest.update(chunk)
            offset += len(chunk)
        if digest.hexdigest() != self.ref.sha256:
            log.error(
                "media %s: SHA-256 of the received file is %s; discarded",
                self.ref.sha256[:12],
                digest.hexdigest()[:12],
            )
            self.discard()
            return False
        self.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.data_path, target)
        fsync_dir(target.parent)
        self.map_path.unlink(missing_ok=True)
        return True

    def close(self) -> None:
        if self.fd >= 0:
            try:
                self.flush()
            finally:
                os.close(self.fd)
                self.fd = -1

    def discard(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        self.data_path.unlink(missing_ok=True)
        self.map_path.unlink(missing_ok=True)


class Fetcher:
    """Fetches a list of files, one at a time, keeping ``window`` blocks requested ahead."""

    def __init__(
        self,
        folder: Path,
        media_path: Callable[[str], Path],
        subscribe: Callable[[str], Outcome],
        unsubscribe: Callable[[str], None],
        request: Callable[[FetchRequest], bool],
        window: int = 16,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        self.monotonic = monotonic
        self.media_path = media_path
        self.subscribe = subscribe
        self.unsubscribe = unsubscribe
        self.request = request
        self.window = window
        self.queue: list[MediaRef] = []
        self.current: PartialFile | None = None
        self.subscription: Outcome | None = None
        self.outstanding: dict[int, float] = {}
        self.last_block = monotonic()
        self.attempts: dict[str, int] = {}
        self.failed: Refused | None = None
        self.total_bytes = 0
        self.finished_bytes = 0
        self.requested_blocks = 0
        self.ignored_blocks = 0
        self.stalls = 0
        # changes when blocks may have been missed (see FetchRequest); starts anywhere, so a
        # restarted agent never reuses a round the hub remembers from before
        self.round = secrets.randbelow(2**30)
        self.opened_at = 0.0  # monotonic time the current file was opened
        self.last_received = 0.0  # and its last block arrived

    # -- target ----------------------------------------------------------------------------

    def set_target(self, refs: list[MediaRef]) -> None:
        """Fetch ``refs`` (in order); partial files of other media are deleted.

        A file being fetched that the new target still needs stays open and first in line:
        its subscription and the blocks asked for carry on, nothing is asked for twice.
        """
        current = self.current
        if current is not None and current.ref in refs:
            refs = [current.ref, *(ref for ref in refs if ref != current.ref)]
        else:
            self._close_current()
        wanted = {ref.sha256 for ref in refs}
        if self.folder.is_dir():
            for entry in self.folder.iterdir():
                if entry.name.split(".")[0] not in wanted:
                    entry.unlink(missing_ok=True)
        self.queue = list(refs)
        self.attempts = {}
        self.failed = None
        self.total_bytes = sum(ref.size for ref in refs)
        self.finished_bytes = 0

    def clear(self) -> None:
        self._close_current()
        self.queue = []

    @property
    def done(self) -> bool:
        return not self.queue and self.current is None and self.failed is None

    @property
    def busy(self) -> bool:
        return bool(self.queue) or self.current is not None

    def held_bytes(self, refs: list[MediaRef]) -> int:
        """Bytes of ``refs`` already on disk in partial files."""
        total = 0
        for ref in refs:
            if self.current is not None and self.current.ref.sha256 == ref.sha256:
                total += self.current.held_bytes
                continue
            have = read_block_map(self.folder, ref)
            total += sum(ref.block_length(i) for i, h in enumerate(have) if h)
        return total

    def progress(self) -> tuple[int, int]:
        held = self.current.held_bytes if self.current else 0
        return self.finished_bytes + held, self.total_bytes

    # -- events ----------------------------------------------------------------------------

    def on_disconnect(self) -> None:
        """Requests in flight are lost with the connection; the subscription is redone."""
        self.outstanding.clear()
        self.subscription = None
        if self.current is not None:
            self.current.flush()

    def on_block(self, sha256: str, payload: bytes) -> None:
        current = self.current
        if current is None or current.ref.sha256 != sha256:
            self.ignored_blocks += 1
            return
        try:
            block = decode_block(payload, current.ref)
        except Refused as exc:
            self.ignored_blocks += 1
            log.debug("block for %s ignored: %s", sha256[:12], exc)
            return
        current.write(block.index, block.data)
        self.outstanding.pop(block.index, None)
        self.last_block = self.last_received = self.monotonic()

    def tick(self, can_request: bool) -> None:
        """Open the next file, verify a finished one, and keep the request window full."""
        if self.current is None and self.queue and self.failed is None:
            self._open(self.queue[0])
        current = self.current
        if current is None:
            return
        if current.complete:
            self._finish(current)
            return
        if not can_request:
            return
        if self.subscription is None:  # a new subscription starts a new round
            self.round += 1
            self.subscription = self.subscribe(current.ref.sha256)
            return
        if self.subscription.done:
            self._request_more(current)

    def _request_more(self, current: PartialFile) -> None:
        """Ask for the missing blocks the window has room for (again, after a stall)."""
        now = self.monotonic()
        if self.outstanding and now - self.last_block > STALL_S:
            log.info(
                "media %s: no block for %.0f s, asking again", current.ref.sha256[:12], STALL_S
            )
            self.outstanding.clear()
            self.last_block = now
            self.round += 1
            self.stalls += 1
        if len(self.outstanding) > self.window // 2:
            return
        wanted = [i for i in current.missing() if i not in self.outstanding]
        wanted = wanted[: self.window - len(self.outstanding)]
        if not wanted:
            return
        fetch = FetchRequest(current.ref.sha256, current.ref.block_size, tuple(wanted), self.round)
        if self.request(fetch):
            if not self.outstanding:
                self.last_block = now
            for index in wanted:
                self.outstanding[index] = now
            self.requested_blocks += len(wanted)

    def _open(self, ref: MediaRef) -> None:
        target = self.media_path(ref.sha256)
        if target.exists():  # arrived meanwhile (an earlier version, another path)
            self.queue.pop(0)
            self.finished_bytes += ref.size
            return
        self.current = PartialFile(self.folder, ref, self.monotonic)
        self.opened_at = self.monotonic()
        self.subscription = None
        self.outstanding.clear()
        self.last_block = self.opened_at
        log.info(
            "fetching media %s: %d bytes, %d of %d blocks already held",
            ref.sha256[:12],
            ref.size,
            self.current.held,
            ref.blocks,
        )

    def _finish(self, partial: PartialFile) -> None:
        sha = partial.ref.sha256
        self.current = None
        self.outstanding.clear()
        self.unsubscribe(sha)
        if partial.verify_and_install(self.media_path(sha)):
            self.queue.pop(0)
            self.finished_bytes += partial.ref.size
            took = max(1e-6, self.last_received - self.opened_at)
            log.info(
                "media %s received in %.2f s (%.1f MB/s) and verified",
                sha[:12],
                took,
                partial.ref.size / took / 1e6,
            )
            return
        self.attempts[sha] = self.attempts.get(sha, 0) + 1
        if self.attempts[sha] >= MAX_ATTEMPTS:
            self.failed = Refused(
                "hash-mismatch",
                f"media {sha} did not match its SHA-256 in {MAX_ATTEMPTS} downloads",
            )

    def _close_current(self) -> None:
        if self.current is not None:
            self.unsubscribe(self.current.ref.sha256)
            self.current.close()
            self.current = None
        self.outstanding.clear()
        self.subscription = None

    def close(self) -> None:
        """Flush what is held (the next start resumes from it)."""
        if self.current is not None:
            self.current.close()
            self.current = None
