"""The as-run log of broadcasts: one record per slot, appended, never rewritten.

The controller is its only writer. Every record has an ``id`` so the hub can acknowledge it
and store it idempotently.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from village.jsonlog import AppendLog

OUTCOMES = ("aired", "partial", "missed")


def new_record_id() -> str:
    return uuid.uuid4().hex


class PlayLog:
    def __init__(self, data_dir: str | Path) -> None:
        self.log = AppendLog(Path(data_dir) / "log", "playlog")

    def append(self, record: dict[str, Any]) -> None:
        """Durable when this returns (fsync'd)."""
        if record.get("outcome") not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        record.setdefault("id", new_record_id())
        record.setdefault("logged_at", dt.datetime.now(dt.UTC).isoformat())
        self.log.append(record)

    def records(self, since: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
        for record in self.log.read():
            if since is not None:
                planned = record.get("planned_start")
                if planned and dt.datetime.fromisoformat(planned) < since:
                    continue
            yield record

    def slot_keys(self) -> set[str]:
        return {r["slot"] for r in self.log.read() if r.get("slot")}

    def last(self) -> dict[str, Any] | None:
        found = None
        for record in self.log.read():
            found = record
        return found

    def close(self) -> None:
        self.log.close()
