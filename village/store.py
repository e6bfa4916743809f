"""The content store: one TinyDB document (atomic writes) plus media files named by SHA-256.

Readers take a ``snapshot()`` of every table at once; writers go through ``transaction()``,
which holds an exclusive lock, applies all changes in memory and replaces the file once, so
a reader (the kiosk) sees either all of a change or none of it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage

from village.atomic import atomic_copy, exclusive_lock
from village.content import Clip, Segment
from village.errors import StoreError
from village.messages import say
from village.storage import AtomicJSONStorage

TABLES = ("segments", "clips", "procedures", "plans", "meta")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Snapshot:
    """Every table of the store as read at one moment."""

    revision: int = 0
    meta: dict[str, Any] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)
    clips: dict[str, Clip] = field(default_factory=dict)
    procedures: dict[str, dict[str, Any]] = field(default_factory=dict)
    plans: dict[str, dict[str, Any]] = field(default_factory=dict)


class Tables:
    """Write access to the store inside a transaction (a TinyDB on an in-memory copy)."""

    def __init__(self, db: TinyDB) -> None:
        self.db = db

    def table(self, name: str):
        if name not in TABLES:
            raise StoreError(f"no table {name!r}")
        return self.db.table(name)

    def upsert(self, table: str, record: dict[str, Any], key: str = "id") -> None:
        self.table(table).upsert(record, Query()[key] == record[key])

    def put_many(self, table: str, records: list[dict[str, Any]], key: str = "id") -> None:
        """Store every record, replacing the one with the same ``key``, in one pass over the
        table (``upsert`` searches the whole table for each record)."""
        if not records:
            return
        target = self.table(table)
        by_key = {record[key]: record for record in records}
        present = {doc[key]: doc.doc_id for doc in target.all() if doc.get(key) in by_key}

        def replace(doc: dict[str, Any]) -> None:
            new = by_key[doc[key]]
            doc.clear()
            doc.update(new)

        if present:
            target.update(replace, doc_ids=list(present.values()))
        fresh = [record for k, record in by_key.items() if k not in present]
        if fresh:
            target.insert_multiple(fresh)

    def get(self, table: str, value: str, key: str = "id") -> dict[str, Any] | None:
        found = self.table(table).get(Query()[key] == value)
        return dict(found) if found else None

    def remove(self, table: str, value: str, key: str = "id") -> int:
        return len(self.table(table).remove(Query()[key] == value))

    def all(self, table: str) -> list[dict[str, Any]]:
        return [dict(doc) for doc in self.table(table).all()]

    def replace_all(self, table: str, records: list[dict[str, Any]]) -> None:
        self.table(table).truncate()
        if records:
            self.table(table).insert_multiple(records)

    def set_meta(self, **values: Any) -> None:
        meta = self.table("meta")
        current = meta.get(doc_id=1)
        if current is None:
            meta.insert(values)
        else:
            meta.update(values, doc_ids=[1])

    def meta(self) -> dict[str, Any]:
        return dict(self.table("meta").get(doc_id=1) or {})


class ContentStore:
    """The content store under a data folder (``content.json`` and ``media/``)."""

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / "content.json"
        self.media_dir = self.data_dir / "media"
        self.lock_path = self.data_dir / "content.lock"

    # -- reading ---------------------------------------------------------------------------

    def read_raw(self) -> dict[str, Any]:
        return AtomicJSONStorage(self.path, access_mode="r").read() or {}

    def snapshot(self) -> Snapshot:
        raw = self.read_raw()

        def rows(name: str) -> list[dict[str, Any]]:
            table = raw.get(name) or {}
            return [dict(v) for _, v in sorted(table.items(), key=lambda kv: int(kv[0]))]

        meta = (raw.get("meta") or {}).get("1", {})
        return Snapshot(
            revision=int(meta.get("revision", 0)),
            meta=dict(meta),
            segments={r["id"]: Segment.from_dict(r) for r in rows("segments")},
            clips={r["id"]: Clip.from_dict(r) for r in rows("clips")},
            procedures={r["code"]: r for r in rows("procedures")},
            plans={r["id"]: r for r in rows("plans")},
        )

    def revision(self) -> int:
        return self.snapshot().revision

    def media_path(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256 or ""):
            raise StoreError(say("store_bad_media_name", name=repr(sha256)))
        return self.media_dir / sha256

    def has_media(self, sha256: str) -> bool:
        return self.media_path(sha256).is_file()

    # -- writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tables]:
        """Change the store: all of it lands at once when the block ends without error."""
        with exclusive_lock(self.lock_path):
            self._remove_stale_temp_files()
            current = AtomicJSONStorage(self.path).read() or {}
            memory = TinyDB(storage=MemoryStorage)
            memory.storage.write(current)
            tables = Tables(memory)
            yield tables
            meta = tables.meta()
            tables.set_meta(revision=int(meta.get("revision", 0)) + 1, updated=utc_now_iso())
            AtomicJSONStorage(self.path).write(memory.storage.read() or {})

    def _remove_stale_temp_files(self) -> None:
        """Temp files a crash left behind (only the lock holder writes, so none is live)."""
        for stale in self.data_dir.glob(f".{self.path.name}.*.tmp"):
            stale.unlink(missing_ok=True)

    def add_media(self, source: Path, expected_sha256: str | None = None) -> str:
        """Copy a file into ``media/`` under its SHA-256; returns the hash."""
        digest = file_sha256(source)
        if expected_sha256 and digest != expected_sha256:
            raise StoreError(
                say("store_hash_mismatch", file=source, got=digest, expected=expected_sha256)
            )
        target = self.media_path(digest)
        if not target.exists():
            atomic_copy(source, target)
        return digest

    def remove_unused_media(self) -> list[str]:
        """Delete media no record refers to; returns the removed hashes."""
        snap = self.snapshot()
        used = {s.sha256 for s in snap.segments.values()} | {c.sha256 for c in snap.clips.values()}
        removed = []
        if self.media_dir.is_dir():
            for entry in self.media_dir.iterdir():
                if SHA256_RE.match(entry.name) and entry.name not in used:
                    os.unlink(entry)
                    removed.append(entry.name)
        return removed
