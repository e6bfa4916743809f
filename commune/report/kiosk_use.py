"""Kiosk figures from the journal records the devices sent (``usage`` and ``feedback``).

A record belongs to the period by its ``day`` (the kiosk's local day), not by when it was
written: a day's usage record is written when the day is over, or when the kiosk stops.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from commune.report.period import Period

RATINGS = (5, 4, 3, 2, 1)


@dataclass(frozen=True)
class ProcedureViews:
    code: str
    name: str  # empty when the hub's library no longer holds the procedure
    field: str
    views: int


@dataclass
class KioskUse:
    devices: list[str] = field(default_factory=list)  # devices that sent journal records
    records: int = 0  # journal records of the period (usage and feedback)
    usage_days: int = 0  # local days with a usage record (of any kiosk)
    views: int = 0
    procedures: list[ProcedureViews] = field(default_factory=list)  # most viewed first
    by_field: list[tuple[str, int]] = field(default_factory=list)  # most viewed first
    clips: list[tuple[str, str, int]] = field(default_factory=list)  # id, title, plays
    searches: int = 0
    found: int = 0
    not_found: list[tuple[str, int]] = field(default_factory=list)  # query, times
    ratings: dict[int, int] = field(default_factory=dict)  # 5..1 -> count
    reasons: list[tuple[str, int]] = field(default_factory=list)  # reason code, times

    @property
    def has_usage(self) -> bool:
        return self.usage_days > 0

    @property
    def feedback(self) -> int:
        return sum(self.ratings.values())

    @property
    def not_found_searches(self) -> int:
        return sum(count for _, count in self.not_found)

    @property
    def clip_plays(self) -> int:
        return sum(count for _, _, count in self.clips)

    @property
    def average_rating(self) -> float | None:
        if not self.feedback:
            return None
        return sum(r * n for r, n in self.ratings.items()) / self.feedback

    @property
    def satisfied(self) -> int:
        return self.ratings.get(5, 0) + self.ratings.get(4, 0)


def _day_of(record: Mapping[str, Any]) -> str:
    return str(record.get("day") or str(record.get("at") or "")[:10])


def _in_period(record: Mapping[str, Any], period: Period) -> bool:
    try:
        return period.contains_day(dt.date.fromisoformat(_day_of(record)))
    except ValueError:
        return False


def _count(values: Any) -> Counter[str]:
    counts: Counter[str] = Counter()
    if isinstance(values, dict):
        for key, value in values.items():
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                counts[str(key)] += value
    return counts


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def kiosk_use(
    records: list[dict[str, Any]],
    period: Period,
    procedures: Mapping[str, Mapping[str, Any]],
    clip_titles: Mapping[str, str],
) -> KioskUse:
    """Totals over the period; ``procedures`` (code -> record) names codes and fields."""
    use = KioskUse()
    views: Counter[str] = Counter()
    clips: Counter[str] = Counter()
    not_found: Counter[str] = Counter()
    ratings: Counter[int] = Counter()
    reasons: Counter[str] = Counter()
    devices: set[str] = set()
    days: set[str] = set()
    for record in records:
        if not _in_period(record, period):
            continue
        kind = record.get("type") or record.get("kind")
        device = str(record.get("device", ""))
        if kind == "usage":
            use.records += 1
            devices.add(device)
            days.add(_day_of(record))
            views.update(_count(record.get("views")))
            clips.update(_count(record.get("clips")))
            not_found.update(_count(record.get("not_found")))
            use.searches += int(record.get("searches") or 0)
            use.found += int(record.get("found") or 0)
        elif kind == "feedback" and record.get("rating") in RATINGS:
            use.records += 1
            devices.add(device)
            ratings[int(record["rating"])] += 1
            reasons.update(str(r) for r in record.get("reasons") or [])
    use.devices = sorted(devices)
    use.usage_days = len(days)
    use.views = sum(views.values())
    use.procedures = [
        ProcedureViews(
            code,
            str((procedures.get(code) or {}).get("name") or ""),
            str((procedures.get(code) or {}).get("field") or ""),
            count,
        )
        for code, count in _ranked(views)
    ]
    fields: Counter[str] = Counter()
    for item in use.procedures:
        fields[item.field] += item.views
    use.by_field = _ranked(fields)
    use.clips = [(key, clip_titles.get(key, key), n) for key, n in _ranked(clips)]
    use.not_found = _ranked(not_found)
    use.ratings = {r: ratings[r] for r in RATINGS}
    use.reasons = _ranked(reasons)
    return use
