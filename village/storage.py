"""A TinyDB ``Storage`` that survives a pulled power cord.

TinyDB's ``JSONStorage`` rewrites its file in place, so a crash mid-write leaves a file that
no longer parses. This storage writes the whole document to a temp file, fsyncs it and
renames it over the old one: a reader sees either the old or the new content, never a mix.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from village.atomic import atomic_write_bytes
from village.errors import StoreError
from village.messages import say


class AtomicJSONStorage(Storage):
    def __init__(self, path: str | Path, access_mode: str = "r+", **_: Any) -> None:
        self.path = Path(path)
        self.read_only = access_mode == "r"

    def read(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(say("store_unreadable", path=self.path, detail=exc.strerror)) from exc
        if not raw.strip():
            return None
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StoreError(say("store_corrupt", path=self.path, detail=exc)) from exc
        if not isinstance(data, dict):
            raise StoreError(say("store_not_tinydb", path=self.path))
        return data

    def write(self, data: dict[str, Any]) -> None:
        if self.read_only:
            raise StoreError(say("store_read_only", path=self.path))
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        atomic_write_bytes(self.path, payload.encode("utf-8"))

    def close(self) -> None:
        pass
