"""Import broadcast plans from iCalendar (.ics) files made by any calendar application.

Each VEVENT with a recurrence (RRULE or RDATE) becomes a plan: SUMMARY is the title, the
DTSTART/DTEND (or DURATION) span is the slot length, EXDATEs are exceptions and the date
window runs from DTSTART to UNTIL (or the last RDATE). Calendar apps cannot set our fields,
so the priority and the segments are read, in order of preference, from ``X-VILLAGE-*``
properties, ``key: value`` lines in DESCRIPTION, or CATEGORIES; by default a plan is
ordinary and rotates through every segment in the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from pathlib import Path
from typing import Any

import icalendar

from village.errors import PlanError
from village.plan import Plan, Priority

_LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _to_zone(value: dt.datetime | dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # floating time: the commune's own clock
            return value.replace(tzinfo=zone)
        return value.astimezone(zone)
    return dt.datetime.combine(value, dt.time(), tzinfo=zone)


def _zone_of(value: Any, default: str) -> str:
    tz = getattr(value, "tzinfo", None)
    key = getattr(tz, "key", None)
    if key:
        return key
    return default


def _dates(prop: Any, zone: zoneinfo.ZoneInfo) -> list[dt.datetime]:
    if prop is None:
        return []
    props = prop if isinstance(prop, list) else [prop]
    out = []
    for item in props:
        for value in item.dts:
            out.append(_to_zone(value.dt, zone))
    return out


def _field_lines(description: str) -> dict[str, str]:
    found = {}
    for line in description.splitlines():
        match = re.match(r"^\s*([A-Za-zÀ-ỹ ]+?)\s*:\s*(.+?)\s*$", line)
        if match:
            found[match.group(1).strip().lower()] = match.group(2)
    return found


def _priority(event: icalendar.Event, fields: dict[str, str]) -> str:
    if event.get("X-VILLAGE-PRIORITY"):
        return Priority.parse(str(event.get("X-VILLAGE-PRIORITY"))).label
    for key in ("priority", "mức ưu tiên", "muc uu tien"):
        if key in fields:
            return Priority.parse(fields[key]).label
    categories = event.get("CATEGORIES")
    names: list[str] = []
    for item in categories if isinstance(categories, list) else [categories] if categories else []:
        names.extend(str(c) for c in item.cats)
    for name in names:
        try:
            return Priority.parse(name).label
        except PlanError:
            continue
    return Priority.ORDINARY.label


def _segments(event: icalendar.Event, fields: dict[str, str]) -> tuple[list[str], bool]:
    fixed = event.get("X-VILLAGE-SEGMENTS") or fields.get("segments") or fields.get("bài phát")
    pool = event.get("X-VILLAGE-POOL") or fields.get("pool")
    if fixed:
        return [s.strip() for s in str(fixed).split(",") if s.strip()], False
    if pool and str(pool).strip().lower() != "all":
        return [s.strip() for s in str(pool).split(",") if s.strip()], True
    return ["*"], True  # every segment in the store, rotating


def _id_list(event: icalendar.Event, fields: dict[str, str], name: str) -> list[str]:
    value = event.get(f"X-VILLAGE-{name.upper()}") or fields.get(name)
    return [s.strip() for s in str(value).split(",") if s.strip()] if value else []


def plan_id_for(uid: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", uid).strip("-.")[:40]
    digest = hashlib.sha256(uid.encode()).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"ics-{digest}"


def plans_from_ics(data: bytes, default_timezone: str = "Asia/Ho_Chi_Minh") -> list[Plan]:
    """Every recurring VEVENT in ``data`` as a plan; raises PlanError listing every problem."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise PlanError(f"không phải tệp lịch iCalendar (.ics): {exc}") from exc
    plans: list[Plan] = []
    problems: list[str] = []
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise PlanError("tệp lịch không có sự kiện nào (VEVENT)")
    for number, event in enumerate(events, 1):
        label = str(event.get("SUMMARY") or event.get("UID") or f"event {number}")
        try:
            plans.append(_plan_from_event(event, default_timezone))
        except (PlanError, ValueError, TypeError, KeyError) as exc:
            problems.append(f"{label}: {exc}")
    if problems:
        raise PlanError("không nhập được tệp lịch:\n  " + "\n  ".join(problems))
    return plans


def _plan_from_event(event: icalendar.Event, default_timezone: str) -> Plan:
    if event.get("DTSTART") is None:
        raise PlanError("thiếu giờ bắt đầu (DTSTART)")
    raw_start = event.decoded("DTSTART")
    if not isinstance(raw_start, dt.datetime):
        raise PlanError("sự kiện cả ngày (DTSTART không có giờ); buổi phát cần giờ bắt đầu")
    timezone = _zone_of(raw_start, default_timezone)
    zone = zoneinfo.ZoneInfo(timezone)
    start = _to_zone(raw_start, zone)
    if event.get("DTEND") is not None:
        length = _to_zone(event.decoded("DTEND"), zone) - start
    elif event.get("DURATION") is not None:
        length = event.decoded("DURATION")
    else:
        raise PlanError("thiếu DTEND hoặc DURATION: không biết độ dài buổi phát")
    if length.total_seconds() <= 0:
        raise PlanError("sự kiện kết thúc trước khi bắt đầu")
    rule = event.get("RRULE")
    rule_text = rule.to_ical().decode() if rule is not None else ""
    if isinstance(rule, list):
        raise PlanError("một sự kiện có nhiều hơn một RRULE")
    rdates = _dates(event.get("RDATE"), zone)
    exdates = _dates(event.get("EXDATE"), zone)
    if not rule_text and not rdates:
        rdates = []  # a single event: one slot at DTSTART
    window_end = ""
    if rule is not None and rule.get("UNTIL"):
        until = rule.get("UNTIL")[0]
        window_end = _to_zone(until, zone).date().isoformat()
    elif not rule_text:
        window_end = max([start, *rdates]).date().isoformat()
    description = str(event.get("DESCRIPTION") or "")
    fields = _field_lines(description)
    segments, rotate = _segments(event, fields)
    uid = str(event.get("UID") or f"{event.get('SUMMARY')}-{start.isoformat()}")
    plan = Plan(
        id=plan_id_for(uid),
        title=str(event.get("SUMMARY") or "Phát thanh"),
        dtstart=start.replace(tzinfo=None).strftime(_LOCAL_FORMAT),
        rrule=rule_text,
        rdates=[d.replace(tzinfo=None).strftime(_LOCAL_FORMAT) for d in rdates],
        exdates=[d.replace(tzinfo=None).strftime(_LOCAL_FORMAT) for d in exdates],
        window_start=start.date().isoformat(),
        window_end=window_end,
        slot_minutes=round(length.total_seconds() / 60, 3),
        timezone=timezone,
        priority=_priority(event, fields),
        segments=segments,
        rotate=rotate,
        intro=_id_list(event, fields, "intro"),
        outro=_id_list(event, fields, "outro"),
    )
    plan.validate()
    return plan


def read_ics(path: str | Path, default_timezone: str = "Asia/Ho_Chi_Minh") -> list[Plan]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanError(f"{path}: không đọc được ({exc.strerror})") from exc
    return plans_from_ics(data, default_timezone)
