"""The kiosk's journal: what citizens looked at, searched for and thought of the service.

Written by the kiosk alone, append-only (``DATA/journal/kiosk-YYYY-MM.jsonl``). To stay small
over years, views and searches are counted in memory per day and written as one compact
``usage`` record (the counts since the last write) every ``flush_s`` seconds and at
shutdown: the journal grows with days × distinct procedures viewed, not with touches.
Searches that found nothing are kept word for word (staff need to know what citizens look
for and do not find). Feedback is written at once. Every record has an ``id`` (UUID, hex)
so a later sync can acknowledge it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from village.clock import Clock, SystemClock
from village.errors import StoreError
from village.jsonlog import AppendLog

log = logging.getLogger(__name__)

RATINGS = (5, 4, 3, 2, 1)  # 5 = very satisfied … 1 = very dissatisfied
REASONS = ("hard_to_understand", "not_found", "text_too_small", "long_wait", "staff_attitude")
MAX_QUERY_LENGTH = 80


@dataclass
class DayUsage:
    views: Counter[str] = field(default_factory=Counter)
    clips: Counter[str] = field(default_factory=Counter)
    searches: int = 0
    found: int = 0
    not_found: Counter[str] = field(default_factory=Counter)

    def empty(self) -> bool:
        return not (self.views or self.clips or self.searches)

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"searches": self.searches, "found": self.found}
        if self.views:
            record["views"] = dict(sorted(self.views.items()))
        if self.clips:
            record["clips"] = dict(sorted(self.clips.items()))
        if self.not_found:
            record["not_found"] = dict(sorted(self.not_found.items()))
        return record


class KioskJournal:
    def __init__(
        self,
        data_dir: str | Path,
        *,
        device: str = "",
        timezone: str = "Asia/Ho_Chi_Minh",
        clock: Clock | None = None,
        flush_s: float = 300.0,
    ) -> None:
        self.log = AppendLog(Path(data_dir) / "journal", "kiosk")
        self.device = device
        self.zone = zoneinfo.ZoneInfo(timezone)
        self.clock = clock or SystemClock("assume")
        self.flush_s = flush_s
        self.pending: dict[str, DayUsage] = {}
        self._last_flush = self.clock.monotonic()

    # -- counting ------------------------------------------------------------------------------

    def _today(self) -> DayUsage:
        day = self.clock.now().astimezone(self.zone).date().isoformat()
        return self.pending.setdefault(day, DayUsage())

    def record_view(self, code: str) -> None:
        self._today().views[code] += 1

    def record_clip(self, clip_id: str) -> None:
        self._today().clips[clip_id] += 1

    def record_search(self, query: str, result_count: int) -> None:
        """A search the citizen finished (opened a result or left the search screen)."""
        query = " ".join(query.split())[:MAX_QUERY_LENGTH]
        if not query:
            return
        usage = self._today()
        usage.searches += 1
        if result_count:
            usage.found += 1
        else:
            usage.not_found[query] += 1

    def record_feedback(
        self, rating: int, reasons: list[str] | tuple[str, ...] = (), procedure: str = ""
    ) -> dict[str, Any]:
        """Write a citizen's rating at once; returns the record."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}")
        unknown = set(reasons) - set(REASONS)
        if unknown:
            raise ValueError(f"unknown reasons: {sorted(unknown)}")
        record = self._record("feedback", rating=rating, reasons=sorted(set(reasons)))
        if procedure:
            record["procedure"] = procedure
        self._append([record])
        return record

    # -- writing -------------------------------------------------------------------------------

    def _record(self, kind: str, **values: Any) -> dict[str, Any]:
        now = self.clock.now()
        record = {
            "id": uuid.uuid4().hex,
            "type": kind,
            "at": now.isoformat(timespec="seconds"),
            "day": now.astimezone(self.zone).date().isoformat(),
        }
        if self.device:
            record["device"] = self.device
        record.update(values)
        return record

    def _append(self, records: list[dict[str, Any]]) -> bool:
        try:
            self.log.append_many(records)
        except StoreError as exc:
            log.error("journal not written: %s", exc)
            return False
        return True

    def maybe_flush(self) -> bool:
        """Write the counters if ``flush_s`` has passed since the last write."""
        if self.clock.monotonic() - self._last_flush < self.flush_s:
            return False
        self.flush()
        return True

    def flush(self) -> int:
        """Write one usage record per day with counts since the last write."""
        self._last_flush = self.clock.monotonic()
        records = []
        for day, usage in sorted(self.pending.items()):
            if usage.empty():
                continue
            record = self._record("usage", **usage.to_record())
            record["day"] = day
            records.append(record)
        if records and not self._append(records):
            return 0  # kept in memory; the next flush tries again
        self.pending.clear()
        return len(records)

    def close(self) -> None:
        self.flush()
        self.log.close()

    # -- reading -------------------------------------------------------------------------------

    def records(self) -> Iterator[dict[str, Any]]:
        yield from self.log.read()

    def summary(self, day: dt.date | None = None) -> dict[str, Any]:
        """Totals for one day (default today), written and pending."""
        wanted = (day or self.clock.now().astimezone(self.zone).date()).isoformat()
        total = DayUsage()
        feedback: Counter[int] = Counter()
        for record in self.records():
            if record.get("day") != wanted:
                continue
            if record.get("type") == "usage":
                total.views.update(record.get("views", {}))
                total.clips.update(record.get("clips", {}))
                total.searches += record.get("searches", 0)
                total.found += record.get("found", 0)
                total.not_found.update(record.get("not_found", {}))
            elif record.get("type") == "feedback":
                feedback[record.get("rating", 0)] += 1
        pending = self.pending.get(wanted)
        if pending:
            total.views.update(pending.views)
            total.clips.update(pending.clips)
            total.searches += pending.searches
            total.found += pending.found
            total.not_found.update(pending.not_found)
        return {
            "day": wanted,
            "views": sum(total.views.values()),
            "procedures_viewed": len(total.views),
            "searches": total.searches,
            "not_found": dict(total.not_found),
            "feedback": dict(feedback),
        }

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.log.files())
