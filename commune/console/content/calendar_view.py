"""The Schedule page's calendar: a month (six weeks at most, Monday first) or a week of
days, each with its slots in local time, coloured by priority, marked with what the play
logs say, and the slots not aired shown with why (quiet hours, a holiday, an overlap, a
cancelled session), the moved ones with where they came from."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from commune.console.catalogue import t
from commune.console.content.schedule_data import DeviceSchedules, PlannedSlot, tally
from village.plan import Policy

MONTH, WEEK = "thang", "tuan"
_OVERLAP = re.compile(r"^overlaps (?P<plan>[^@]+)@(?P<at>\d{8}T\d{6}Z) \((?P<level>\w+)\)$")


@dataclass(frozen=True)
class Period:
    kind: str  # MONTH or WEEK
    first: dt.date  # the month's or week's first day
    last: dt.date  # its last day
    shown_first: dt.date  # the grid's first day (a Monday)
    shown_last: dt.date  # the grid's last day (a Sunday)

    def query(self, first: dt.date, device: str) -> str:
        values = {"xem": self.kind}
        values["thang" if self.kind == MONTH else "ngay"] = (
            first.strftime("%Y-%m") if self.kind == MONTH else first.isoformat()
        )
        if device:
            values["thiet-bi"] = device
        return "?" + urlencode(values)

    @property
    def previous(self) -> dt.date:
        if self.kind == WEEK:
            return self.first - dt.timedelta(days=7)
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def following(self) -> dt.date:
        if self.kind == WEEK:
            return self.first + dt.timedelta(days=7)
        return self.last + dt.timedelta(days=1)

    def title(self) -> str:
        if self.kind == MONTH:
            return t("calendar_month", month=self.first.month, year=self.first.year)
        return t(
            "calendar_week",
            first=self.first.strftime("%d/%m"),
            last=self.last.strftime("%d/%m/%Y"),
        )

    def bounds(self, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """The grid's first and last instants (aware)."""
        begin = dt.datetime.combine(self.shown_first, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(self.shown_last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        return begin, end


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def period_of(values: Mapping[str, str], today: dt.date) -> Period:
    """The period a page's query asks for (this month by default); bad values mean today."""
    if values.get("xem") == WEEK:
        try:
            day = dt.date.fromisoformat(values.get("ngay", ""))
        except ValueError:
            day = today
        first = _monday(day)
        last = first + dt.timedelta(days=6)
        return Period(WEEK, first, last, first, last)
    try:
        first = dt.datetime.strptime(values.get("thang", ""), "%Y-%m").date()
    except ValueError:
        first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    last = following - dt.timedelta(days=1)
    return Period(MONTH, first, last, _monday(first), _monday(last) + dt.timedelta(days=6))


@dataclass(frozen=True)
class CalendarItem:
    key: str
    plan_id: str
    title: str
    start: str  # local "HH:MM"
    end: str
    priority: str  # ordinary, priority, emergency
    devices: int
    suppressed: bool
    why: str  # why it is not aired, in staff words
    moved: str  # where it was moved from, in staff words
    marks: dict[str, int]  # outcome -> devices that logged it
    unlogged: int  # devices with no record of a slot that is over


@dataclass
class CalendarDay:
    date: dt.date
    in_period: bool
    today: bool
    holiday: bool
    items: list[CalendarItem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.date.strftime("%d/%m") if self.date.day == 1 else str(self.date.day)


@dataclass(frozen=True)
class QuarantinedPlan:
    plan_id: str
    title: str
    reason: str
    devices: int


@dataclass
class Calendar:
    period: Period
    days: list[CalendarDay]
    device: str  # the device shown, or "" for all
    devices: int  # how many devices the calendar covers
    quarantined: list[QuarantinedPlan]
    quiet_hours: str
    holidays: list[str]

    @property
    def empty(self) -> bool:
        return not any(day.items for day in self.days)


def reason_text(reason: str, zone: zoneinfo.ZoneInfo) -> str:
    if reason == "quiet hours":
        return t("slot_quiet_hours")
    if reason == "holiday":
        return t("slot_holiday")
    if reason.startswith("holiday (no free day"):
        return t("slot_holiday_no_day")
    if reason == "cancelled":
        return t("slot_cancelled")
    found = _OVERLAP.match(reason)
    if found:
        at = dt.datetime.strptime(found["at"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        return t(
            "slot_overlap",
            plan=found["plan"],
            time=at.astimezone(zone).strftime("%H:%M"),
            level=t("priority_" + found["level"]),
        )
    return reason


def _item(
    planned: PlannedSlot,
    marks: Mapping[str, Mapping[str, str]],
    now: dt.datetime,
    zone: zoneinfo.ZoneInfo,
) -> CalendarItem:
    slot = planned.slot
    counted = tally(marks.get(slot.key, {}), planned.devices)
    over = slot.end <= now and not planned.suppressed
    moved = ""
    if slot.moved_from is not None:
        moved = t(
            "slot_moved",
            time=slot.moved_from.astimezone(zone).strftime("%d/%m %H:%M"),
            reason=t("moved_" + (slot.moved_reason or "rescheduled")),
        )
    return CalendarItem(
        key=slot.key,
        plan_id=slot.plan_id,
        title=slot.title,
        start=slot.start.astimezone(zone).strftime("%H:%M"),
        end=slot.end.astimezone(zone).strftime("%H:%M"),
        priority=slot.priority.label,
        devices=len(planned.devices),
        suppressed=planned.suppressed,
        why=reason_text(planned.reason, zone) if planned.suppressed else "",
        moved=moved,
        marks=dict(counted),
        unlogged=len(planned.devices) - sum(counted.values()) if over else 0,
    )


def build_calendar(
    period: Period,
    schedules: DeviceSchedules,
    marks: Mapping[str, Mapping[str, str]],
    policy: Policy,
    now: dt.datetime,
    device: str = "",
) -> Calendar:
    zone = policy.zone
    today = now.astimezone(zone).date()
    days: dict[dt.date, CalendarDay] = {}
    day = period.shown_first
    while day <= period.shown_last:
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
        in_period = period.first <= day <= period.last
        days[day] = CalendarDay(day, in_period, day == today, policy.is_holiday(noon))
        day += dt.timedelta(days=1)
    for planned in schedules.slots:
        local = planned.slot.start.astimezone(zone).date()
        if local in days:
            days[local].items.append(_item(planned, marks, now, zone))
    quarantined: dict[str, QuarantinedPlan] = {}
    for plan, members in schedules.quarantined:
        known = quarantined.get(plan.plan_id)
        count = len(members) + (known.devices if known else 0)
        quarantined[plan.plan_id] = QuarantinedPlan(plan.plan_id, plan.title, plan.reason, count)
    return Calendar(
        period,
        list(days.values()),
        device,
        len(schedules.devices),
        sorted(quarantined.values(), key=lambda q: q.plan_id),
        policy.quiet_hours,
        list(policy.holidays),
    )
