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
            raise StoreError(f"không đọc được {self.path}: {exc.strerror}") from exc
        if not raw.strip():
            return None
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StoreError(f"{self.path} bị hỏng ({exc}); hãy khôi phục từ bản sao lưu") from exc
        if not isinstance(data, dict):
            raise StoreError(f"{self.path} không phải kho nội dung TinyDB")
        return data

    def write(self, data: dict[str, Any]) -> None:
        if self.read_only:
            raise StoreError(f"{self.path} chỉ được mở để đọc")
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        atomic_write_bytes(self.path, payload.encode("utf-8"))

    def close(self) -> None:
        pass
