"""The Broadcasts page's content: the play logs devices sent, filtered by device, period
and outcome, as rows for the page and as a CSV file (UTF-8 with BOM, for spreadsheets)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from commune.console.catalogue import t
from commune.console.errors import ConsoleError
from commune.console.formatting import local_time, parse_time
from commune.repository import HubRepository

OUTCOMES = ("aired", "partial", "missed")
SHOWN = 100
DEFAULT_DAYS = 7


@dataclass(frozen=True)
class Filters:
    device: str
    first: dt.date
    last: dt.date
    outcome: str  # "" for every outcome


def parse_filters(values: dict[str, str], today: dt.date, devices: list[str]) -> Filters:
    def day(key: str, default: dt.date) -> dt.date:
        text = values.get(key, "").strip()
        if not text:
            return default
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ConsoleError(t("broadcasts_bad_date", text=text[:40])) from None

    first = day("tu", today - dt.timedelta(days=DEFAULT_DAYS - 1))
    last = day("den", today)
    if last < first:
        raise ConsoleError(t("broadcasts_bad_range"))
    device = values.get("thiet-bi", "")
    outcome = values.get("ket-qua", "")
    return Filters(
        device if device in devices else "",
        first,
        last,
        outcome if outcome in OUTCOMES else "",
    )


def select(
    repository: HubRepository, filters: Filters, zone: zoneinfo.ZoneInfo
) -> list[dict[str, Any]]:
    """Matching play-log records, newest first."""
    begin = dt.datetime.combine(filters.first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(filters.last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    records = repository.records(
        stream="playlog",
        device=filters.device or None,
        since=begin.astimezone(dt.UTC).isoformat(),
        until=end.astimezone(dt.UTC).isoformat(),
    )
    chosen = []
    for record in records:
        start = parse_time(record.get("planned_start"))
        if start is None or start >= end:
            continue
        if filters.outcome and record.get("outcome") != filters.outcome:
            continue
        chosen.append(record)
    chosen.reverse()
    return chosen


@dataclass(frozen=True)
class Row:
    device: str
    planned: str
    title: str
    priority: str
    trigger: str
    outcome: str
    outcome_text: str
    relay: str
    segments: str
    reason: str


def rows(records: Iterable[dict[str, Any]], zone: zoneinfo.ZoneInfo) -> list[Row]:
    out = []
    for r in records:
        outcome = str(r.get("outcome") or "missed")
        segments = ", ".join(
            str(s.get("title") or s.get("id") or "") + ("" if s.get("complete", True) else " (dở)")
            for s in r.get("segments") or []
            if isinstance(s, dict)
        )
        out.append(
            Row(
                device=str(r.get("device", "")),
                planned=local_time(r.get("planned_start"), zone, "%d/%m/%Y %H:%M"),
                title=str(r.get("title") or ""),
                priority=t(f"doc_level_{r.get('priority', 'ordinary')}")
                if r.get("priority") in ("ordinary", "priority", "emergency")
                else str(r.get("priority") or ""),
                trigger=_trigger(r.get("trigger")),
                outcome=outcome if outcome in OUTCOMES else "missed",
                outcome_text=t(f"outcome_{outcome}") if outcome in OUTCOMES else outcome,
                relay=(
                    f"{local_time(r.get('relay_on'), zone, '%H:%M:%S')} → "
                    f"{local_time(r.get('relay_off'), zone, '%H:%M:%S')}"
                ),
                segments=segments,
                reason=str(r.get("reason") or ""),
            )
        )
    return out


def _trigger(value: Any) -> str:
    key = f"doc_trigger_{value}"
    try:
        return t(key)
    except KeyError:
        return str(value or "")


def to_csv(table: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            t("col_device"),
            t("col_planned"),
            t("col_title"),
            t("col_priority"),
            t("col_trigger"),
            t("col_outcome"),
            t("col_relay_times"),
            t("col_segments"),
            t("col_reason"),
        ]
    )
    for row in table:
        writer.writerow(
            [
                row.device,
                row.planned,
                _cell(row.title),
                row.priority,
                row.trigger,
                row.outcome_text,
                row.relay,
                _cell(row.segments),
                _cell(row.reason),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    """Text from devices, made safe for spreadsheets (no formula injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
