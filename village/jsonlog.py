"""Append-only JSON Lines logs, one file per month, durable on return from ``append``.

Appending costs the same at the 10,000th record as at the first (no rewrite of what is
there). A crash mid-append leaves at most one torn last line; it was never acknowledged, and
the next writer cuts it off before appending.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from village.atomic import fsync_dir
from village.errors import StoreError

log = logging.getLogger(__name__)


def _repair_tail(path: Path) -> None:
    """Cut a torn last line (no trailing newline) left by a crash."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return
    with open(path, "rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        # scan back for the last complete line
        pos = size
        block = 4096
        keep = 0
        while pos > 0:
            start = max(0, pos - block)
            handle.seek(start)
            chunk = handle.read(pos - start)
            index = chunk.rfind(b"\n")
            if index >= 0:
                keep = start + index + 1
                break
            pos = start
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    log.warning("cut a torn record at the end of %s (%d bytes)", path, size - keep)


class AppendLog:
    """Monthly ``PREFIX-YYYY-MM.jsonl`` files in ``folder``."""

    def __init__(self, folder: str | Path, prefix: str) -> None:
        self.folder = Path(folder)
        self.prefix = prefix
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._open_name = ""

    def _name_for(self, when: dt.datetime) -> str:
        return f"{self.prefix}-{when:%Y-%m}.jsonl"

    def _fd_for(self, name: str) -> int:
        if self._fd is not None and name == self._open_name:
            return self._fd
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name
        created = not path.exists()
        _repair_tail(path)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._open_name = name
        if created:
            fsync_dir(self.folder)
        return self._fd

    def append_many(self, records: Iterable[dict[str, Any]]) -> None:
        lines = [
            json.dumps(r, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
            for r in records
        ]
        if not lines:
            return
        data = "".join(lines).encode("utf-8")
        with self._lock:
            fd = self._fd_for(self._name_for(dt.datetime.now(dt.UTC)))
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except OSError as exc:
                # leave no partial line behind, so the next record starts on a fresh line
                self.close()
                _repair_tail(self.folder / self._open_name)
                raise StoreError(
                    f"không ghi thêm được vào nhật ký {self.prefix}: {exc.strerror}"
                ) from exc

    def append(self, record: dict[str, Any]) -> None:
        self.append_many([record])

    def files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob(f"{self.prefix}-*.jsonl"))

    def read(self) -> Iterator[dict[str, Any]]:
        """Every complete record, oldest first; a torn or corrupt line is skipped and logged."""
        for path in self.files():
            with open(path, "rb") as handle:
                for number, raw in enumerate(handle, 1):
                    if not raw.endswith(b"\n"):
                        log.warning("%s: torn last line skipped", path.name)
                        break
                    try:
                        record = json.loads(raw)
                    except (json.JSONDecodeError, UnicodeDecodeError):
                        log.warning("%s:%d: unreadable record skipped", path.name, number)
                        continue
                    if isinstance(record, dict):
                        yield record

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> AppendLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
