"""The kiosk's journal: what citizens looked at, searched for and thought of the service.

Written by the kiosk alone, append-only (``DATA/journal/kiosk-YYYY-MM.jsonl``). To stay small
over years, views, clips and searches are counted per day in memory, and the day's counts go
into the journal as one ``usage`` record when the day is over (or when the kiosk stops, for
the part of the day it ran): the journal grows with days × distinct procedures viewed, not
with touches. Until then the counts are checkpointed every ``flush_s`` seconds to a small
file replaced atomically (``kiosk-today.json``), so a crash or power cut loses at most that
long; the next start resumes from it. Searches that found nothing are kept word for word
(staff need to know what citizens look for and do not find). Feedback is appended at once.

Every record has an ``id`` (UUID, hex) so a later sync can acknowledge it. A usage record's
id is chosen when its day's counting starts and checkpointed with the counts: if a crash
comes between appending a day and updating the checkpoint, the day is appended again with
the same id, which the hub (and ``summary``) counts once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import uuid
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from village.atomic import atomic_write_bytes
from village.clock import Clock, SystemClock
from village.errors import StoreError
from village.jsonlog import AppendLog

log = logging.getLogger(__name__)

RATINGS = (5, 4, 3, 2, 1)  # 5 = very satisfied … 1 = very dissatisfied
REASONS = ("hard_to_understand", "not_found", "text_too_small", "long_wait", "staff_attitude")
MAX_QUERY_LENGTH = 80
CHECKPOINT = "kiosk-today.json"


@dataclass
class DayUsage:
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    views: Counter[str] = field(default_factory=Counter)
    clips: Counter[str] = field(default_factory=Counter)
    searches: int = 0
    found: int = 0
    not_found: Counter[str] = field(default_factory=Counter)

    def empty(self) -> bool:
        return not (self.views or self.clips or self.searches)

    def counts(self) -> dict[str, Any]:
        record: dict[str, Any] = {"searches": self.searches, "found": self.found}
        if self.views:
            record["views"] = dict(sorted(self.views.items()))
        if self.clips:
            record["clips"] = dict(sorted(self.clips.items()))
        if self.not_found:
            record["not_found"] = dict(sorted(self.not_found.items()))
        return record

    def add(self, record: dict[str, Any]) -> None:
        self.views.update(record.get("views", {}))
        self.clips.update(record.get("clips", {}))
        self.searches += int(record.get("searches", 0))
        self.found += int(record.get("found", 0))
        self.not_found.update(record.get("not_found", {}))

    @classmethod
    def from_checkpoint(cls, data: dict[str, Any]) -> DayUsage:
        usage = cls(id=str(data["id"]))
        usage.add(data)
        return usage


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
        self.folder = Path(data_dir) / "journal"
        self.log = AppendLog(self.folder, "kiosk")
        self.checkpoint = self.folder / CHECKPOINT
        self.device = device
        self.zone = zoneinfo.ZoneInfo(timezone)
        self.clock = clock or SystemClock("assume")
        self.flush_s = flush_s
        self.pending: dict[str, DayUsage] = self._resume()
        self._changed = False
        self._last_flush = self.clock.monotonic()

    # -- counting ------------------------------------------------------------------------------

    def _day(self) -> str:
        return self.clock.now().astimezone(self.zone).date().isoformat()

    def _today(self) -> DayUsage:
        self._changed = True
        return self.pending.setdefault(self._day(), DayUsage())

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
        """Append a citizen's rating at once; returns the record."""
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

    def _record(self, kind: str, record_id: str = "", **values: Any) -> dict[str, Any]:
        now = self.clock.now()
        record = {
            "id": record_id or uuid.uuid4().hex,
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

    def _usage_record(self, day: str, usage: DayUsage) -> dict[str, Any]:
        record = self._record("usage", usage.id, **usage.counts())
        record["day"] = day
        return record

    def _write_checkpoint(self) -> None:
        data = {day: {"id": u.id, **u.counts()} for day, u in self.pending.items()}
        try:
            if data:
                payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                atomic_write_bytes(self.checkpoint, payload.encode("utf-8"))
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.checkpoint)
        except (StoreError, OSError) as exc:
            log.error("journal checkpoint not written: %s", exc)

    def _resume(self) -> dict[str, DayUsage]:
        """The counts checkpointed before a crash or power cut."""
        try:
            data = json.loads(self.checkpoint.read_text(encoding="utf-8"))
            return {day: DayUsage.from_checkpoint(v) for day, v in data.items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.error("journal checkpoint unreadable, counting afresh: %s", exc)
            return {}

    def maybe_flush(self) -> bool:
        """Every ``flush_s``: finished days into the journal, today's counts checkpointed."""
        if self.clock.monotonic() - self._last_flush < self.flush_s:
            return False
        self._last_flush = self.clock.monotonic()
        today = self._day()
        finished = sorted(day for day in self.pending if day < today)
        if finished:
            self._close_days(finished)
        if self._changed or finished:
            self._write_checkpoint()
            self._changed = False
        return True

    def _close_days(self, days: list[str]) -> int:
        records = [
            self._usage_record(day, self.pending[day])
            for day in days
            if not self.pending[day].empty()
        ]
        if records and not self._append(records):
            return 0  # kept (and checkpointed): the next flush tries again
        for day in days:
            del self.pending[day]
        return len(records)

    def flush(self) -> int:
        """Everything counted so far into the journal (at shutdown); returns records written."""
        written = self._close_days(sorted(self.pending))
        self._write_checkpoint()
        self._changed = False
        return written

    def close(self) -> None:
        self.flush()
        self.log.close()

    # -- reading -------------------------------------------------------------------------------

    def records(self) -> Iterator[dict[str, Any]]:
        """Every record once (a day appended twice across a crash has one id)."""
        seen: set[str] = set()
        for record in self.log.read():
            ident = record.get("id", "")
            if ident in seen:
                continue
            seen.add(ident)
            yield record

    def summary(self, day: dt.date | None = None) -> dict[str, Any]:
        """Totals for one day (default today), written and pending."""
        wanted = (day or self.clock.now().astimezone(self.zone).date()).isoformat()
        total = DayUsage()
        feedback: Counter[int] = Counter()
        for record in self.records():
            if record.get("day") != wanted:
                continue
            if record.get("type") == "usage":
                total.add(record)
            elif record.get("type") == "feedback":
                feedback[record.get("rating", 0)] += 1
        pending = self.pending.get(wanted)
        if pending:
            total.add(pending.counts())
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
