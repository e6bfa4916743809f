"""Play-log records the report does not take as fact.

The hub flags a record it cannot believe when it stores it (``commune.intake``: a time in
the future, a plan or segment never pushed to the device, durations no broadcast has);
the report adds what only the whole log shows: a device cannot air two broadcasts at once,
so a record whose relay span starts inside another's is implausible too (unless it is of a
higher priority, which interrupts the other, or a second record of the same slot). Such records are
left out of every figure and counted apart, with their reasons, so a report never prints
"100,000 sessions outside the plan" because one device sent 100,000 made-up records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from commune.report.period import Period, moment

OVERLAP = "overlap"  # its relay went on while another broadcast of the device was on air
OVERLAP_SLACK = dt.timedelta(seconds=1)
RANKS = {"ordinary": 0, "priority": 1, "emergency": 2}
FLAGS_KEY = "hub_flags"


@dataclass(frozen=True)
class Implausible:
    """A record left out of the figures, and why."""

    device: str
    record_id: str
    reasons: tuple[str, ...]
    start: str  # as the record says (its planned start or relay on), for staff


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _implausible(record: dict[str, Any], reasons: Iterable[str]) -> Implausible:
    start = record.get("planned_start") or record.get("relay_on") or ""
    return Implausible(
        str(record.get("device", "")), str(record.get("id", "")), tuple(reasons), str(start)
    )


def split(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Implausible]]:
    """The records to count, and those left out (flagged by the hub, or overlapping)."""
    kept: list[dict[str, Any]] = []
    out: list[Implausible] = []
    for record in records:
        flags = record.get(FLAGS_KEY)
        if flags:
            out.append(_implausible(record, flags))
        else:
            kept.append(record)
    overlapping = _overlaps(kept)
    if overlapping:
        out += [_implausible(r, (OVERLAP,)) for r in kept if id(r) in overlapping]
        kept = [r for r in kept if id(r) not in overlapping]
    return kept, out


def _overlaps(records: list[dict[str, Any]]) -> set[int]:
    """Records (by ``id()``) whose relay went on while another broadcast of the device was
    on air. Not counted as such: a second record of the same slot (a duplicate, which the
    figures count once) and a broadcast of a higher priority (it interrupts the other)."""
    spans: dict[str, list[tuple[dt.datetime, dt.datetime, dict[str, Any]]]] = {}
    for record in records:
        on, off = _moment(record.get("relay_on")), _moment(record.get("relay_off"))
        if on is not None and off is not None and off >= on:
            spans.setdefault(str(record.get("device", "")), []).append((on, off, record))
    found: set[int] = set()
    for spans_of_device in spans.values():
        spans_of_device.sort(key=lambda s: (s[0], s[1]))
        holder: tuple[dt.datetime, dict[str, Any]] | None = None  # (off, record) on air
        for on, off, record in spans_of_device:
            if holder is not None and on < holder[0] - OVERLAP_SLACK:
                slot = record.get("slot")
                duplicate = bool(slot) and slot == holder[1].get("slot")
                if not duplicate and _rank(record) <= _rank(holder[1]):
                    found.add(id(record))
                    continue
            if holder is None or off > holder[0]:
                holder = (off, record)
    return found


def _rank(record: dict[str, Any]) -> int:
    return RANKS.get(str(record.get("priority") or "ordinary"), 0)


def in_period(items: list[Implausible], period: Period) -> list[Implausible]:
    """The left-out records a period is about (with a time in it, or with none)."""
    kept = []
    for item in items:
        try:
            start = moment(item.start) if item.start else None
        except ValueError:
            start = None
        if start is None or period.contains(start):
            kept.append(item)
    return kept


def reasons_count(items: list[Implausible]) -> Counter[str]:
    """How many records were left out for each reason."""
    counts: Counter[str] = Counter()
    for item in items:
        counts.update(item.reasons)
    return counts
