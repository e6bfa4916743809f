"""Import broadcast plans from iCalendar (.ics) files made by any calendar application.

Each series (the VEVENTs that share a UID) becomes a plan: SUMMARY is the title, the
DTSTART/DTEND (or DURATION) span is the slot length, EXDATEs are exceptions and the date
window runs from DTSTART to UNTIL (or the last RDATE). The other VEVENTs of the series,
those with a RECURRENCE-ID, are the sessions staff moved, re-timed or cancelled in
Outlook or Google Calendar (RFC 5545 overrides, RANGE=THISANDFUTURE included): they
become the plan's ``overrides``, so moving one session never loses the series. A series
whose every VEVENT is an override (the master is not in the file) still airs each of them.

Calendar apps cannot set our fields, so the priority, the segments and the make-up rule
are read, in order of preference, from ``X-VILLAGE-*`` properties, ``key: value`` lines in
DESCRIPTION, or CATEGORIES; by default a plan is ordinary, rotates through every segment
in the store and skips sessions that fall on a holiday.

The file is bounded before it is parsed (``MAX_ICS_BYTES``, ``MAX_EVENTS``), every time
zone is resolved or refused (``village.ics_zones``), and every problem is reported with
the event's SUMMARY and UID; nothing is imported unless the whole file is good.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import unicodedata
import warnings
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import icalendar

from village.errors import PlanError
from village.ics_zones import ZoneResolver
from village.messages import say
from village.plan import MAKEUP_NEXT_FREE_DAY, MAKEUP_SKIP, Override, Plan, PlanInvalid, Priority
from village.text import clean_line, describe_char, first_invisible
from village.text import shown as shown_hidden

MAX_ICS_BYTES = 8 * 1024 * 1024
MAX_EVENTS = 10_000
MAX_PROBLEMS_SHOWN = 20
_LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S"
_DURATION_RE = re.compile(r"^[+-]?P(?=\d|T\d)(\d+W|(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?)$")


# --- what an import reads --------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarSource:
    """Which calendar a file is: re-importing the same calendar replaces what it gave.

    Found from X-WR-RELCALID, else the application (PRODID without its version) and the
    calendar's name (X-WR-CALNAME), which both Outlook and Google write in every export;
    else from the file name (``by == "file"``; the importer then also looks for an earlier
    import holding the same UIDs).
    """

    id: str
    name: str
    by: str  # "calendar" or "file"


@dataclass
class ParsedCalendar:
    source: CalendarSource
    plans: list[Plan]
    notes: list[str] = field(default_factory=list)  # what staff should know, in Vietnamese


# --- reading the file ------------------------------------------------------------------------


def read_bounded(path: str | Path, limit: int = MAX_ICS_BYTES) -> bytes:
    """The file's bytes, refused before reading when it is larger than ``limit``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise PlanError(_too_big(path.name, size, limit))
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise PlanError(say("ics_read_bounded", path=path, strerror=exc.strerror)) from exc
    if len(data) > limit:  # it grew, or it is not a regular file
        raise PlanError(_too_big(path.name, len(data), limit))
    return data


def _too_big(name: str, size: int, limit: int) -> str:
    return say("ics_too_big", name=name, value=size / 1048576, value2=limit / 1048576)


def _parse(data: bytes) -> icalendar.Calendar:
    if len(data) > MAX_ICS_BYTES:
        raise PlanError(_too_big("tệp lịch", len(data), MAX_ICS_BYTES))
    declared = len(re.findall(rb"(?im)^BEGIN:VEVENT", data))
    if declared > MAX_EVENTS:
        raise PlanError(_too_many(declared))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise PlanError(say("ics_parse", exc=exc)) from exc


def _too_many(count: int) -> str:
    return say("ics_too_many", count=count, max_events=MAX_EVENTS)


def read_calendar(path: str | Path, default_timezone: str = "Asia/Ho_Chi_Minh") -> ParsedCalendar:
    path = Path(path)
    return parse_calendar(read_bounded(path), default_timezone, file_name=path.name)


def read_ics(path: str | Path, default_timezone: str = "Asia/Ho_Chi_Minh") -> list[Plan]:
    return read_calendar(path, default_timezone).plans


def plans_from_ics(data: bytes, default_timezone: str = "Asia/Ho_Chi_Minh") -> list[Plan]:
    """Every series in ``data`` as a plan; raises PlanError listing every problem."""
    return parse_calendar(data, default_timezone).plans


def parse_calendar(
    data: bytes, default_timezone: str = "Asia/Ho_Chi_Minh", file_name: str = ""
) -> ParsedCalendar:
    calendar = _parse(data)
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise PlanError(say("ics_parse_calendar"))
    if len(events) > MAX_EVENTS:
        raise PlanError(_too_many(len(events)))
    reader = _Reader(ZoneResolver(calendar.walk("VTIMEZONE")), default_timezone)
    plans: list[Plan] = []
    problems: list[str] = []
    for uid, group in _series(events).items():
        hidden = first_invisible(uid)
        if hidden:  # two UIDs that look the same would be two series (two plans)
            problems.append(
                f"{_label(group[0], shown_hidden(uid))}: "
                + say("ics_uid_invisible", char=describe_char(hidden))
            )
            continue
        try:
            plans.extend(reader.series(uid, group))
        except (PlanError, ValueError, TypeError, KeyError, OverflowError) as exc:
            problems.append(f"{_label(group[0], uid)}: {_reason(exc)}")
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > len(shown):
            shown.append(say("ics_parse_calendar_2", value=len(problems) - len(shown)))
        raise PlanError("không nhập được tệp lịch:\n  " + "\n  ".join(shown))
    source = calendar_source(calendar, file_name)
    plans = [dataclasses.replace(p, source=source.id, calendar=source.name) for p in plans]
    return ParsedCalendar(source, plans, reader.notes)


def _reason(exc: Exception) -> str:
    if isinstance(exc, PlanInvalid):
        return "; ".join(exc.problems)
    return str(exc)


def _label(event: Any, uid: str) -> str:
    summary = str(event.get("SUMMARY") or "").strip()
    return f"«{summary}» (UID {uid})" if summary else say("ics_label", uid=uid)


def _series(events: list[Any]) -> dict[str, list[Any]]:
    """The VEVENTs of each UID, in file order (an event with no UID is its own series)."""
    groups: dict[str, list[Any]] = {}
    for number, event in enumerate(events, 1):
        uid = str(event.get("UID") or "").strip()
        if not uid:
            uid = f"{event.get('SUMMARY') or 'event'}-{_raw(event, 'DTSTART')}-{number}"
        groups.setdefault(uid, []).append(event)
    return groups


def _raw(event: Any, name: str) -> str:
    value = event.get(name)
    try:
        return value.to_ical().decode() if value is not None else ""
    except (AttributeError, ValueError, UnicodeDecodeError):
        return str(value)


# --- the calendar's identity -----------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _application(calendar: Any) -> str:
    """PRODID without version numbers: "-//Microsoft Corporation//Outlook MIMEDIR//EN"."""
    return _normal(re.sub(r"\d+(\.\d+)*", "", str(calendar.get("PRODID") or "")))


def _file_stem(file_name: str) -> str:
    """The name a re-export keeps: "Lịch (1).ics" and "Lịch - Copy.ics" are "Lịch"."""
    stem = Path(file_name).stem
    stem = re.sub(r"(\s*\(\d+\)|\s*-\s*(copy|bản sao))+$", "", stem, flags=re.IGNORECASE)
    return stem.strip() or file_name


def calendar_source(calendar: Any, file_name: str = "") -> CalendarSource:
    relcalid = str(calendar.get("X-WR-RELCALID") or "").strip()
    name = str(calendar.get("X-WR-CALNAME") or "").strip()
    if relcalid:
        key, by = f"relcalid|{relcalid}", "calendar"
    elif name:
        key, by = f"{_application(calendar)}|name|{_normal(name)}", "calendar"
    else:
        name = _file_stem(file_name) if file_name else "lịch"
        key, by = f"{_application(calendar)}|file|{_normal(name)}", "file"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return CalendarSource(f"cal-{digest}", name or "lịch", by)


def plan_id_for(uid: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", uid).strip("-.")[:40]
    digest = hashlib.sha256(uid.encode()).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"ics-{digest}"


# --- fields calendar applications cannot set -------------------------------------------------


def _field_lines(description: str) -> dict[str, str]:
    found = {}
    for line in description.splitlines()[:200]:
        match = re.match(r"^\s*([A-Za-zÀ-ỹ ]{1,40}?)\s*:\s*(.+?)\s*$", line)
        if match:
            found[match.group(1).strip().lower()] = match.group(2)
    return found


def _categories(event: Any) -> list[str]:
    categories = event.get("CATEGORIES")
    names: list[str] = []
    for item in categories if isinstance(categories, list) else [categories] if categories else []:
        names.extend(str(c) for c in getattr(item, "cats", []))
    return names


def _priority(event: Any, fields: dict[str, str]) -> str:
    if event.get("X-VILLAGE-PRIORITY"):
        return Priority.parse(str(event.get("X-VILLAGE-PRIORITY"))).label
    for key in ("priority", "mức ưu tiên", "muc uu tien"):
        if key in fields:
            return Priority.parse(fields[key]).label
    for name in _categories(event):
        try:
            return Priority.parse(name).label
        except PlanError:
            continue
    return Priority.ORDINARY.label


_MAKEUP_WORDS = {
    MAKEUP_NEXT_FREE_DAY: MAKEUP_NEXT_FREE_DAY,
    "next free day": MAKEUP_NEXT_FREE_DAY,
    "ngày kế tiếp": MAKEUP_NEXT_FREE_DAY,
    "ngay ke tiep": MAKEUP_NEXT_FREE_DAY,
    "bù": MAKEUP_NEXT_FREE_DAY,
    "có": MAKEUP_NEXT_FREE_DAY,
    MAKEUP_SKIP: MAKEUP_SKIP,
    "bỏ": MAKEUP_SKIP,
    "không": MAKEUP_SKIP,
    "khong": MAKEUP_SKIP,
}


def _makeup(event: Any, fields: dict[str, str]) -> str:
    value = event.get("X-VILLAGE-MAKEUP")
    for key in ("makeup", "bù buổi", "phát bù", "bu buoi", "phat bu"):
        value = value or fields.get(key)
    if not value:
        return MAKEUP_SKIP
    text = " ".join(str(value).strip().lower().split())
    if text not in _MAKEUP_WORDS:
        raise PlanError(say("ics_makeup", value=value))
    return _MAKEUP_WORDS[text]


def _segments(event: Any, fields: dict[str, str]) -> tuple[list[str], bool]:
    fixed = event.get("X-VILLAGE-SEGMENTS") or fields.get("segments") or fields.get("bài phát")
    pool = event.get("X-VILLAGE-POOL") or fields.get("pool")
    if fixed:
        return [s.strip() for s in str(fixed).split(",") if s.strip()], False
    if pool and str(pool).strip().lower() != "all":
        return [s.strip() for s in str(pool).split(",") if s.strip()], True
    return ["*"], True  # every segment in the store, rotating


def _id_list(event: Any, fields: dict[str, str], name: str) -> list[str]:
    value = event.get(f"X-VILLAGE-{name.upper()}") or fields.get(name)
    return [s.strip() for s in str(value).split(",") if s.strip()] if value else []


# --- times -----------------------------------------------------------------------------------


def _broken(value: Any) -> bool:
    return type(value).__name__ == "vBroken"


def _wall(text: dt.datetime) -> str:
    return text.replace(tzinfo=None).strftime(_LOCAL_FORMAT)


class _Reader:
    """Turns the VEVENTs of one file into plans, resolving its time zones."""

    def __init__(self, zones: ZoneResolver, default_timezone: str) -> None:
        self.zones = zones
        self.default_timezone = default_timezone
        self.notes: list[str] = []

    # -- one value ------------------------------------------------------------------------

    def _tzid_zone(self, params: Any) -> zoneinfo.ZoneInfo | None:
        tzid = params.get("TZID") if params is not None else None
        return zoneinfo.ZoneInfo(self.zones.resolve(str(tzid))) if tzid else None

    def moment(self, value: Any, params: Any, floating: zoneinfo.ZoneInfo) -> dt.datetime | dt.date:
        """An aware datetime (or a date) from a decoded value and its TZID parameter."""
        if isinstance(value, tuple):  # a PERIOD: its start
            value = value[0]
        if not isinstance(value, dt.datetime):
            if isinstance(value, dt.date):
                return value
            raise PlanError(say("ics_moment", value=value))
        zone = self._tzid_zone(params)
        if zone is not None:  # the wall time as written, in the resolved zone
            return value.replace(tzinfo=zone)
        if value.tzinfo is not None:  # UTC ("Z")
            return value.astimezone(dt.UTC)
        return value.replace(tzinfo=floating)

    def property_moment(self, event: Any, name: str, floating: zoneinfo.ZoneInfo) -> Any:
        prop = event.get(name)
        if _broken(prop):
            raise PlanError(say("ics_property_moment", name=name, prop=prop))
        return self.moment(prop.dt, prop.params, floating)

    def moments(
        self, event: Any, name: str, zone: zoneinfo.ZoneInfo
    ) -> list[dt.datetime | dt.date]:
        prop = event.get(name)
        if prop is None:
            return []
        found: list[dt.datetime | dt.date] = []
        for item in prop if isinstance(prop, list) else [prop]:
            if _broken(item):
                raise PlanError(say("ics_moments", name=name, item=item))
            for value in item.dts:
                found.append(self.moment(value.dt, item.params, zone))
        return found

    def start_of(self, event: Any) -> tuple[dt.datetime, str]:
        """DTSTART as an aware datetime, and the plan's zone it implies."""
        if event.get("DTSTART") is None:
            raise PlanError(say("ics_start_of"))
        default = zoneinfo.ZoneInfo(self.default_timezone)
        start = self.property_moment(event, "DTSTART", default)
        if not isinstance(start, dt.datetime):
            raise PlanError(say("ics_start_of_2"))
        if event["DTSTART"].params.get("TZID"):
            return start, getattr(start.tzinfo, "key", self.default_timezone)
        if start.tzinfo is dt.UTC:
            return start, "UTC"
        return start, self.default_timezone

    def length_of(self, event: Any, start: dt.datetime, required: bool = True) -> dt.timedelta:
        if event.get("DTEND") is not None:
            end = self.property_moment(event, "DTEND", start.tzinfo)  # type: ignore[arg-type]
            if not isinstance(end, dt.datetime):
                raise PlanError(say("ics_length_of"))
            length = end - start
        elif event.get("DURATION") is not None:
            length = self._duration(event)
        elif required:
            raise PlanError(say("ics_length_of_2"))
        else:
            return dt.timedelta()
        if length.total_seconds() <= 0:
            raise PlanError(say("ics_length_of_3"))
        return length

    @staticmethod
    def _duration(event: Any) -> dt.timedelta:
        raw = _raw(event, "DURATION").strip()
        value = event.get("DURATION")
        length = None if _broken(value) else getattr(value, "dt", None)
        if not isinstance(length, dt.timedelta) or not _DURATION_RE.match(raw):
            raise PlanError(say("ics_duration", value=raw[:40]))
        return length

    # -- one series -----------------------------------------------------------------------

    def series(self, uid: str, group: list[Any]) -> list[Plan]:
        masters = [e for e in group if e.get("RECURRENCE-ID") is None]
        changes = [e for e in group if e.get("RECURRENCE-ID") is not None]
        if not masters:
            return [self._orphan(uid, event) for event in changes]
        master = self._latest(uid, masters)
        plan = self.plan(uid, master)
        overrides = [self.override(plan, event) for event in self._latest_changes(changes)]
        if overrides:
            plan = dataclasses.replace(plan, overrides=overrides)
            plan.validate()
        return [plan]

    def _latest(self, uid: str, masters: list[Any]) -> Any:
        """The newest of several VEVENTs of one series (the highest SEQUENCE)."""
        if len(masters) == 1:
            return masters[0]
        ranked = sorted(masters, key=_sequence, reverse=True)
        if (
            _sequence(ranked[0]) == _sequence(ranked[1])
            and ranked[0].to_ical() != ranked[1].to_ical()
        ):
            raise PlanError(say("ics_latest", count=len(masters)))
        if ranked[0].to_ical() != ranked[1].to_ical():
            self.notes.append(
                say(
                    "ics_latest_2",
                    value=_label(ranked[0], uid),
                    value2=_sequence(ranked[0]),
                    value3=len(masters) - 1,
                )
            )
        return ranked[0]

    @staticmethod
    def _latest_changes(changes: list[Any]) -> list[Any]:
        newest: dict[str, Any] = {}
        for event in changes:
            key = _raw(event, "RECURRENCE-ID") + str(event["RECURRENCE-ID"].params.get("RANGE"))
            if key not in newest or _sequence(event) > _sequence(newest[key]):
                newest[key] = event
        return list(newest.values())

    def plan(self, uid: str, event: Any, single: bool = False) -> Plan:
        """The plan of a series' VEVENT (``single``: only its own DTSTART, for an orphan)."""
        _refuse_unsupported(event)
        start, timezone = self.start_of(event)
        zone = zoneinfo.ZoneInfo(timezone)
        start = start.astimezone(zone)
        length = self.length_of(event, start)
        rule_text, window_end, rdates, exdates = "", "", [], []
        if not single:
            rule_text, window_end = self._rule(event, zone)
            rdates = [self._in_zone(d, zone, start) for d in self.moments(event, "RDATE", zone)]
            exdates = self._exdates(event, zone)
        if not rule_text and rdates:
            window_end = max([start, *rdates]).date().isoformat()
        elif not rule_text:
            window_end = start.date().isoformat()
        fields = _field_lines(str(event.get("DESCRIPTION") or ""))
        segments, rotate = _segments(event, fields)
        cancelled = str(event.get("STATUS") or "").upper() == "CANCELLED"
        title = clean_line(str(event.get("SUMMARY") or "")) or "Phát thanh"
        if cancelled:
            self.notes.append(say("ics_plan", value=_label(event, uid)))
        plan = Plan(
            id=plan_id_for(uid),
            title=title,
            dtstart=_wall(start),
            rrule=rule_text,
            rdates=[_wall(d) for d in rdates],
            exdates=exdates,
            window_start=start.date().isoformat(),
            window_end=window_end,
            slot_minutes=round(length.total_seconds() / 60, 3),
            timezone=timezone,
            priority=_priority(event, fields),
            segments=segments,
            rotate=rotate,
            intro=_id_list(event, fields, "intro"),
            outro=_id_list(event, fields, "outro"),
            enabled=not cancelled,
            makeup=_makeup(event, fields),
            uid=uid,
        )
        plan.validate()
        return plan

    def _rule(self, event: Any, zone: zoneinfo.ZoneInfo) -> tuple[str, str]:
        rule = event.get("RRULE")
        if rule is None:
            return "", ""
        if isinstance(rule, list):
            raise PlanError(say("ics_rule", count=len(rule)))
        if _broken(rule):
            raise PlanError(say("ics_rule_2", rule=rule))
        window_end = ""
        until = rule.get("UNTIL")
        if until:
            value = until[0]
            if isinstance(value, dt.datetime):
                value = value.astimezone(zone) if value.tzinfo else value
                window_end = value.date().isoformat()
            else:
                window_end = value.isoformat()
        return rule.to_ical().decode(), window_end

    @staticmethod
    def _in_zone(
        value: dt.datetime | dt.date, zone: zoneinfo.ZoneInfo, start: dt.datetime
    ) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value.astimezone(zone)
        return dt.datetime.combine(value, start.timetz())  # a date: at the series' hour

    def _exdates(self, event: Any, zone: zoneinfo.ZoneInfo) -> list[str]:
        found = []
        for value in self.moments(event, "EXDATE", zone):
            if isinstance(value, dt.datetime):
                found.append(_wall(value.astimezone(zone)))
            else:  # a date: every session of that day
                found.append(value.isoformat())
        return found

    def override(self, plan: Plan, event: Any) -> Override:
        """A RECURRENCE-ID VEVENT as a change to the plan."""
        zone = plan.zone
        recurrence = self.property_moment(event, "RECURRENCE-ID", zone)
        if not isinstance(recurrence, dt.datetime):
            recurrence = dt.datetime.combine(recurrence, _time_of(plan.dtstart), tzinfo=zone)
        scope = str(event["RECURRENCE-ID"].params.get("RANGE") or "").upper()
        if scope not in ("", "THISANDFUTURE"):
            raise PlanError(say("ics_override", scope=scope))
        cancelled = str(event.get("STATUS") or "").upper() == "CANCELLED"
        start_text, minutes = "", 0.0
        if event.get("DTSTART") is not None and not cancelled:
            start, _ = self.start_of(event)
            start = start.astimezone(zone)
            start_text = _wall(start)
            length = self.length_of(event, start, required=False)
            minutes = round(length.total_seconds() / 60, 3)
        title = clean_line(str(event.get("SUMMARY") or ""))
        return Override(
            recurrence_id=_wall(recurrence.astimezone(zone)),
            start=start_text,
            slot_minutes=minutes,
            title=title if title != plan.title else "",
            cancelled=cancelled,
            this_and_future=scope == "THISANDFUTURE",
        )

    def _orphan(self, uid: str, event: Any) -> Plan:
        """A moved session whose series is not in the file: a plan of its own."""
        rid = _raw(event, "RECURRENCE-ID")
        self.notes.append(say("ics_orphan", value=_label(event, uid), rid=rid))
        plan = self.plan(f"{uid}@{rid}", event, single=True)
        return dataclasses.replace(plan, uid=uid)


def _sequence(event: Any) -> int:
    try:
        return int(str(event.get("SEQUENCE") or 0))
    except ValueError:
        return 0


def _time_of(local: str) -> dt.time:
    return dt.datetime.fromisoformat(local).time()


def _refuse_unsupported(event: Any) -> None:
    """Recurrences we cannot expand are refused, never imported as one session."""
    if event.get("EXRULE") is not None:
        raise PlanError(say("ics_refuse_unsupported"))
    if event.get("RRULE") is None and event.get("X-MICROSOFT-RRULE") is not None:
        raise PlanError(say("ics_refuse_unsupported_2"))


def describe(plans: Iterable[Plan]) -> list[str]:
    """One line per plan, for messages."""
    return [f"{p.id} «{p.title}»" for p in plans]
