"""The year's broadcast schedule for the public: the slots ``build_schedule`` keeps (after
quiet hours, holidays and overlaps), folded into rows of one month, one time and one
programme with the days it airs, so a year of daily broadcasts stays a short page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from village.errors import PlanError
from village.plan import Plan, Policy, Schedule, Slot, build_schedule


@dataclass(frozen=True)
class ScheduleRow:
    month: int
    start: str  # HH:MM, local
    end: str
    title: str
    days: tuple[int, ...]


@dataclass(frozen=True)
class YearSchedule:
    year: int
    rows: tuple[ScheduleRow, ...]
    sessions: int
    next_start: dt.datetime | None  # local time of the first session after "now"
    next_title: str = ""
    left_out: tuple[str, ...] = ()  # plans that could not be read or expanded

    @property
    def months(self) -> list[tuple[int, list[ScheduleRow]]]:
        grouped: dict[int, list[ScheduleRow]] = {}
        for row in self.rows:
            grouped.setdefault(row.month, []).append(row)
        return sorted(grouped.items())


def _plans(records: Iterable[Mapping[str, Any]]) -> tuple[list[Plan], list[str]]:
    plans: list[Plan] = []
    bad: list[str] = []
    for record in records:
        try:
            plan = Plan.from_dict(record)
            plan.validate()
        except (PlanError, KeyError, TypeError, ValueError):
            bad.append(str(record.get("title") or record.get("id") or "?"))
            continue
        plans.append(plan)
    return plans, bad


def _expand(
    plans: list[Plan],
    begin: dt.datetime,
    end: dt.datetime,
    durations: Mapping[str, float],
    policy: Policy,
) -> tuple[list[Slot], list[str]]:
    """Every plan's slots; a plan that fails to expand is left out, the others still count."""
    try:
        schedule: Schedule = build_schedule(plans, begin, end, durations, policy)
    except PlanError:
        slots: list[Slot] = []
        bad: list[str] = []
        for plan in plans:
            try:
                slots += build_schedule([plan], begin, end, durations, policy).slots
            except PlanError:
                bad.append(plan.title or plan.id)
        return sorted(slots, key=lambda s: s.start), bad
    left_out = [q.title or q.plan_id for q in getattr(schedule, "quarantined", [])]
    return schedule.slots, left_out


def year_schedule(
    records: Iterable[Mapping[str, Any]],
    durations: Mapping[str, float],
    policy: Policy,
    year: int,
    now: dt.datetime,
) -> YearSchedule:
    zone = policy.zone
    begin = dt.datetime(year, 1, 1, tzinfo=zone)
    end = dt.datetime(year + 1, 1, 1, tzinfo=zone)
    plans, bad = _plans(records)
    slots, left_out = _expand(plans, begin, end, durations, policy)
    grouped: dict[tuple[int, str, str, str], list[int]] = {}
    for slot in slots:
        start, stop = slot.start.astimezone(zone), slot.end.astimezone(zone)
        key = (start.month, f"{start:%H:%M}", f"{stop:%H:%M}", slot.title)
        grouped.setdefault(key, []).append(start.day)
    rows = tuple(
        ScheduleRow(month, start, stop, title, tuple(sorted(set(days))))
        for (month, start, stop, title), days in sorted(grouped.items())
    )
    upcoming = next((s for s in slots if s.start >= now), None)
    return YearSchedule(
        year=year,
        rows=rows,
        sessions=len(slots),
        next_start=upcoming.start.astimezone(zone) if upcoming else None,
        next_title=upcoming.title if upcoming else "",
        left_out=tuple(bad + left_out),
    )
