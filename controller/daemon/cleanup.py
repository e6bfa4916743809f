"""What a killed controller leaves behind: temporary files and media no version uses.

The controller sweeps them when it starts (before the sync agent runs, online or not) and
once more a few minutes later. A media file stays if the content store uses it, if the
version being fetched names it (``sync/target.json``: the files it already has count as
fetched, and a resumed fetch must not get them again), or if it is younger than
``GRACE_S`` (a file another process, e.g. ``village import``, has just written and is about
to record). Partial downloads (``sync/partial/*.part``, ``*.blocks``) belong to the fetcher,
which resumes them or deletes them when it knows the version: the sweep leaves them alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from controller.sync.apply import TARGET_FILE
from village.store import SHA256_RE, ContentStore

log = logging.getLogger(__name__)

GRACE_S = 120.0
MAX_ENTRIES = 100_000  # a folder with more than this is not looked through further


@dataclass
class Swept:
    removed: list[str] = field(default_factory=list)
    bytes: int = 0
    kept_young: int = 0  # candidates left for the next sweep: too recent to judge


def media_to_keep(store: ContentStore, sync_dir: Path) -> set[str]:
    """SHA-256 of the media the store uses and of those the version being fetched names."""
    snapshot = store.snapshot()
    keep = {s.sha256 for s in snapshot.segments.values()}
    keep |= {c.sha256 for c in snapshot.clips.values()}
    try:
        target = json.loads((sync_dir / TARGET_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        target = {}
    media = target.get("media") if isinstance(target, dict) else None
    if isinstance(media, list):
        keep |= {m for m in media[:MAX_ENTRIES] if isinstance(m, str) and SHA256_RE.match(m)}
    return keep


def sweep(
    store: ContentStore,
    sync_dir: Path,
    temp_dirs: list[Path],
    *,
    in_use: set[str] | None = None,
    grace_s: float = GRACE_S,
    now: Callable[[], float] = time.time,
) -> Swept:
    """Delete orphan media and stale temporary files; never raises."""
    swept = Swept()
    try:
        keep = media_to_keep(store, sync_dir) | (in_use or set())
    except Exception as exc:  # an unreadable store: judge nothing
        log.warning("no clean-up of media: the content store cannot be read (%s)", exc)
        keep = None
    cutoff = now() - grace_s
    if keep is not None:
        for entry in _entries(store.media_dir):
            orphan = not (SHA256_RE.match(entry.name) and entry.name in keep)
            if orphan:
                _remove(entry, cutoff, swept)
    for folder in temp_dirs:
        for entry in _entries(folder):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                _remove(entry, cutoff, swept)
    with _store_lock(store) as locked:  # the store's own temp files: only with its lock
        if locked:
            for entry in _entries(store.data_dir):
                if entry.name.startswith(f".{store.path.name}.") and entry.name.endswith(".tmp"):
                    _remove(entry, cutoff, swept)
    if swept.removed:
        log.info(
            "removed %d leftover file(s), %.1f MB: %s",
            len(swept.removed),
            swept.bytes / 1e6,
            ", ".join(swept.removed[:10]),
        )
    return swept


def _entries(folder: Path) -> Iterator[Path]:
    try:
        with os.scandir(folder) as found:
            for count, entry in enumerate(found):
                if count >= MAX_ENTRIES:
                    log.warning("%s: over %d entries, the rest not looked at", folder, count)
                    return
                if entry.is_file(follow_symlinks=False):
                    yield Path(entry.path)
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("%s not swept: %s", folder, exc)


def _remove(path: Path, cutoff: float, swept: Swept) -> None:
    try:
        info = path.lstat()
        if info.st_mtime > cutoff:
            swept.kept_young += 1
            return
        path.unlink()
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("%s not removed: %s", path, exc)
        return
    swept.removed.append(f"{path.parent.name}/{path.name}")
    swept.bytes += info.st_size


@contextlib.contextmanager
def _store_lock(store: ContentStore) -> Iterator[bool]:
    """The store's writer lock if it is free now (never waits for an import)."""
    try:
        fd = os.open(store.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by a writer (EWOULDBLOCK), or no locking here
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class Sweeper:
    """Sweeps at start-up, and once more when what was too recent to judge is old enough."""

    def __init__(
        self,
        store: ContentStore,
        sync_dir: Path,
        temp_dirs: list[Path],
        monotonic: Callable[[], float],
        grace_s: float = GRACE_S,
    ) -> None:
        self.store = store
        self.sync_dir = sync_dir
        self.temp_dirs = temp_dirs
        self.monotonic = monotonic
        self.grace_s = grace_s
        self._again_at: float | None = None

    def sweep(self) -> Swept:
        swept = sweep(self.store, self.sync_dir, self.temp_dirs, grace_s=self.grace_s)
        self._again_at = self.monotonic() + self.grace_s
        return swept

    def sweep_if_due(self) -> None:
        """The second sweep, once its time has come (between broadcasts only)."""
        due = self._again_at
        if due is not None and self.monotonic() >= due:
            self.sweep()
            self._again_at = None
