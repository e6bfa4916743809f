"""Resumable uploads of large files (segments, clips): a file sent in chunks that a broken
connection, or a page closed half-way, does not make staff send again from the start.

The browser announces the file (its name and size, checked against the console's cap and
the free disk space), gets an upload id, then sends chunks, each as an ordinary capped
multipart form with the offset it starts at. The hub appends a chunk only at the offset it
has received up to (anything else is answered with that offset, so the browser resumes
from the truth); a chunk that broke off half-way was never appended. Asking for an upload
by its id tells how much has arrived, and the browser continues from there — after a
retry, or after the page was reloaded and the same file chosen again.

::

    HUB/console/uploads/<id>.part   the bytes received so far
    HUB/console/uploads/<id>.json   owner, kind, shown name, size announced, bytes received

Ids are random (128 bits), checked before they are joined to a path; an upload belongs to
the account that started it; one left untouched for ``MAX_IDLE_S`` is removed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from commune.console.catalogue import t
from commune.console.errors import ConsoleError, UploadRefused

CHUNK_BYTES = 8 * 1024 * 1024  # what the browser sends at a time (the form cap is larger)
MAX_IDLE_S = 24 * 3600
DISK_MARGIN = 64 * 1024 * 1024  # kept free besides the upload itself
MAX_OPEN_PER_USER = 10
_ID_RE = re.compile(r"^[0-9a-f]{32}$")
COPY_BLOCK = 1024 * 1024


class OffsetMismatch(ConsoleError):
    """A chunk did not start where the hub's copy ends; ``received`` says where it does."""

    def __init__(self, received: int) -> None:
        super().__init__(t("upload_offset_mismatch", received=received))
        self.received = received


@dataclass
class Upload:
    id: str
    owner: str
    kind: str  # segment, clip
    name: str  # the browser's file name, for showing only
    size: int  # announced
    received: int
    touched: float

    @property
    def complete(self) -> bool:
        return self.received == self.size

    @property
    def percent(self) -> int:
        return int(100 * self.received / self.size) if self.size else 100


class ResumableUploads:
    def __init__(self, folder: Path, cap: int, now: Callable[[], float] = time.time) -> None:
        self.folder = folder
        self.cap = cap
        self._now = now

    def _data(self, upload_id: str) -> Path:
        return self.folder / f"{upload_id}.part"

    def _meta(self, upload_id: str) -> Path:
        return self.folder / f"{upload_id}.json"

    def _save(self, upload: Upload) -> None:
        temporary = self.folder / f".{upload.id}.json.tmp"
        temporary.write_text(json.dumps(asdict(upload), ensure_ascii=False), "utf-8")
        os.replace(temporary, self._meta(upload.id))

    def start(self, owner: str, kind: str, name: str, size: int) -> Upload:
        """A new upload of ``size`` bytes, refused if over the cap or the free disk space."""
        if size <= 0:
            raise UploadRefused(t("upload_empty"), 400)
        if size > self.cap:
            raise UploadRefused(t("upload_too_large", limit=self.cap // 1_000_000))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.expire()
        if len(self.of(owner)) >= MAX_OPEN_PER_USER:
            raise UploadRefused(t("upload_too_many", count=MAX_OPEN_PER_USER), 429)
        free = shutil.disk_usage(self.folder).free
        if size + DISK_MARGIN > free:
            raise UploadRefused(t("upload_no_space", free=free // 1_000_000), 507)
        upload = Upload(secrets.token_hex(16), owner, kind, name, size, 0, self._now())
        self._data(upload.id).touch(exist_ok=False)
        self._save(upload)
        return upload

    def _load(self, upload_id: str) -> Upload | None:
        if not _ID_RE.match(upload_id):
            return None
        try:
            return Upload(**json.loads(self._meta(upload_id).read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def get(self, upload_id: str, owner: str, kind: str) -> Upload | None:
        """The owner's upload of this kind, or None (unknown, someone else's, removed)."""
        upload = self._load(upload_id)
        if upload is None or upload.owner != owner or upload.kind != kind:
            return None
        return upload if self._data(upload_id).is_file() else None

    def of(self, owner: str) -> list[Upload]:
        """The owner's uploads in progress, of any kind."""
        found = (self._load(meta.stem) for meta in self.folder.glob("*.json"))
        return [u for u in found if u is not None and u.owner == owner]

    def append(self, upload: Upload, offset: int, chunk: Path, chunk_size: int) -> Upload:
        """Add ``chunk`` at ``offset``, which must be where the upload stands."""
        if offset != upload.received:
            raise OffsetMismatch(upload.received)
        if upload.received + chunk_size > upload.size:
            raise UploadRefused(t("upload_longer_than_announced"), 400)
        with open(self._data(upload.id), "r+b") as target, open(chunk, "rb") as source:
            target.seek(offset)
            target.truncate()  # bytes of a chunk that broke off are not kept
            while block := source.read(COPY_BLOCK):
                target.write(block)
            target.flush()
            os.fsync(target.fileno())
        upload.received += chunk_size
        upload.touched = self._now()
        self._save(upload)
        return upload

    def take(self, upload: Upload, target: Path) -> Path:
        """Move a complete upload's bytes to ``target``; the upload is then gone."""
        if not upload.complete:
            raise ConsoleError(t("upload_incomplete", percent=upload.percent))
        os.replace(self._data(upload.id), target)
        self._meta(upload.id).unlink(missing_ok=True)
        return target

    def drop(self, upload: Upload) -> None:
        self._data(upload.id).unlink(missing_ok=True)
        self._meta(upload.id).unlink(missing_ok=True)

    def expire(self) -> None:
        if not self.folder.is_dir():
            return
        limit = time.time() - MAX_IDLE_S
        for entry in self.folder.iterdir():
            try:
                if entry.stat().st_mtime < limit:
                    entry.unlink(missing_ok=True)
            except OSError:
                continue
