"""The report's raw tables as CSV files: a folder of them, or a ZIP archive of the same files.

UTF-8 with a byte-order mark (so spreadsheet programs read the diacritics), a header row of
English column names, ISO dates and times, plain numbers with a point. Where nothing was
measured (no device sent a play log, no kiosk sent a journal) the cell is empty, not 0.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from commune.report.broadcasts import Tally
from commune.report.model import Report
from commune.report.reasons import reason_text
from village.atomic import atomic_write_bytes

Rows = tuple[list[str], list[list[Any]]]


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _tally(t: Tally) -> list[Any]:
    measured = t.records > 0

    def m(value: Any) -> Any:
        return value if measured else ""

    return [
        t.planned,
        m(t.aired),
        m(t.partial),
        m(t.missed),
        t.no_record,
        m(t.unplanned),
        t.records,
        m(_num(round(t.audio_s, 3))),
        m(_num(round(t.minutes, 2))),
        t.status,
    ]


TALLY = [
    "planned",
    "aired",
    "partial",
    "missed",
    "no_record",
    "unplanned",
    "records",
    "audio_s",
    "audio_min",
    "status",
]


def tables(report: Report) -> dict[str, Rows]:
    """Every table, by file name."""
    b, k = report.broadcasts, report.kiosk
    target = b.target
    kiosk = k.records > 0
    summary: list[tuple[str, Any]] = [
        ("period_from", report.period.first.isoformat()),
        ("period_to", report.period.last.isoformat()),
        ("timezone", report.period.timezone),
        ("made_at", report.made_at.isoformat(timespec="seconds")),
        ("commune", report.commune),
        ("devices", " ".join(report.devices)),
        *zip(TALLY, _tally(b.total), strict=True),
        ("planned_min", _num(round(b.planned_minutes, 2))),
        ("target_sessions_per_week", target.sessions_per_week if target else ""),
        ("target_minutes_per_session", _num(target.minutes_per_session) if target else ""),
        ("conferences", len(report.conferences)),
        ("attendees", report.attendees),
        ("journal_records", k.records),
        ("kiosk_days", k.usage_days if kiosk else ""),
        ("views", k.views if kiosk else ""),
        ("clip_plays", k.clip_plays if kiosk else ""),
        ("searches", k.searches if kiosk else ""),
        ("found", k.found if kiosk else ""),
        ("not_found", k.not_found_searches if kiosk else ""),
        ("feedback", k.feedback if kiosk else ""),
        ("average_rating", _num(round(k.average_rating, 3)) if k.average_rating else ""),
    ]
    out: dict[str, Rows] = {"summary.csv": (["key", "value"], [list(p) for p in summary])}
    out["weeks.csv"] = (
        ["week", "first_day", "last_day", *TALLY],
        [
            [w.week.key, w.week.first.isoformat(), w.week.last.isoformat(), *_tally(w.tally)]
            for w in b.weeks
        ],
    )
    out["sessions.csv"] = (
        [
            "device",
            "planned_start",
            "title",
            "plan",
            "slot",
            "priority",
            "trigger",
            "planned",
            "outcome",
            "reason",
            "reason_vi",
            "audio_s",
            "relay_on",
            "relay_off",
            "record_id",
            "duplicate",
        ],
        [
            [
                s.device,
                s.start.isoformat(timespec="seconds"),
                s.title,
                s.plan,
                s.slot,
                s.priority,
                s.trigger,
                int(s.planned),
                s.outcome,
                s.reason,
                reason_text(s.reason) if s.reason else "",
                _num(round(s.audio_s, 3)) if s.record_id else "",
                s.relay_on,
                s.relay_off,
                s.record_id,
                int(s.duplicate),
            ]
            for s in b.sessions
        ],
    )
    out["segments.csv"] = (
        ["segment", "title", "plays", "complete", "audio_s"],
        [[c.id, c.title, c.plays, c.complete, _num(round(c.audio_s, 3))] for c in b.segments],
    )
    out["conferences.csv"] = (
        ["date", "topic", "place", "attendees", "id"],
        [[c.day.isoformat(), c.topic, c.place, c.attendees, c.id] for c in report.conferences],
    )
    out["kiosk_fields.csv"] = (["field", "views"], [list(p) for p in k.by_field])
    out["kiosk_procedures.csv"] = (
        ["code", "name", "field", "views"],
        [[p.code, p.name, p.field, p.views] for p in k.procedures],
    )
    out["kiosk_not_found.csv"] = (["query", "times"], [list(p) for p in k.not_found])
    out["kiosk_clips.csv"] = (["clip", "title", "plays"], [list(p) for p in k.clips])
    out["kiosk_ratings.csv"] = (
        ["rating", "count"],
        [[r, n] for r, n in k.ratings.items()] if k.feedback else [],
    )
    out["kiosk_reasons.csv"] = (["reason", "count"], [list(p) for p in k.reasons])
    out["offline.csv"] = (
        ["device", "start", "end", "minutes", "from_before", "still_offline"],
        [
            [
                s.device,
                s.start.isoformat(timespec="seconds"),
                s.end.isoformat(timespec="seconds"),
                _num(round(s.seconds / 60, 2)),
                int(s.from_before),
                int(s.still_offline),
            ]
            for d in report.presence
            for s in d.spells
        ],
    )
    out["devices.csv"] = (
        ["device", "presence_known", "offline_spells", "offline_min"],
        [
            [
                d.device,
                int(d.known),
                len(d.spells) if d.known else "",
                _num(round(d.offline_s / 60, 2)) if d.known else "",
            ]
            for d in report.presence
        ],
    )
    return out


def _csv_bytes(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def write_csv(report: Report, path: Path) -> None:
    """A ZIP archive if ``path`` ends in .zip, otherwise a folder of CSV files."""
    files = {name: _csv_bytes(*rows) for name, rows in tables(report).items()}
    if path.suffix.lower() == ".zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        atomic_write_bytes(path, buffer.getvalue())
        return
    for name, data in files.items():
        atomic_write_bytes(path / name, data)
