"""A recurring plan in a form: weekdays, a time, a length, a date window, segments (in
order, or a pool the sessions rotate through), a priority and the make-up rule.

The form makes a ``village.plan.Plan`` checked by ``Plan.validate`` (the same checks a
calendar file gets); its next slots are worked out by ``build_schedule`` together with the
other plans of the devices it is for, so the preview shows what quiet hours, holidays and
overlaps will do to it. A plan imported from a calendar whose rule the form cannot show
keeps its rule; its other fields can still be changed here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from commune.console.catalogue import t
from commune.console.content.calendar_view import reason_text
from commune.console.forms import Form
from village.library import slugify
from village.plan import (
    MAKEUP_NEXT_FREE_DAY,
    MAKEUP_SKIP,
    Plan,
    PlanInvalid,
    Policy,
    Slot,
    Suppressed,
    build_schedule,
)
from village.text import clean_line

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PRIORITIES = ("ordinary", "priority")
PREVIEW_SLOTS = 8
PREVIEW_DAYS = 62
MAX_MINUTES = 240
_SIMPLE_RULE = re.compile(
    r"^FREQ=WEEKLY;BYDAY=((?:MO|TU|WE|TH|FR|SA|SU)(?:,(?:MO|TU|WE|TH|FR|SA|SU))*)$"
)
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass
class PlanForm:
    """What the form shows and sends (all text)."""

    title: str = ""
    id: str = ""
    weekdays: list[str] = field(default_factory=list)
    time: str = "06:30"
    minutes: str = "15"
    first_day: str = ""
    last_day: str = ""
    pool: bool = False
    segments: list[str] = field(default_factory=list)
    priority: str = "ordinary"
    makeup: bool = False
    rule: str = ""  # a rule the weekdays and time cannot show (kept as it is)

    @classmethod
    def from_form(cls, form: Form, editing: Plan | None) -> PlanForm:
        rule = ""
        if editing is not None and not _SIMPLE_RULE.match(editing.rrule or ""):
            rule = editing.rrule or "-"
        return cls(
            title=form.get("title"),
            id=editing.id if editing else form.get("id").strip(),
            weekdays=[d for d in WEEKDAYS if d in form.getlist("thu")],
            time=form.get("time").strip(),
            minutes=form.get("minutes").strip(),
            first_day=form.get("first_day").strip(),
            last_day=form.get("last_day").strip(),
            pool=form.get("what") == "pool",
            segments=[s for s in form.getlist("segment") if s],
            priority=form.get("priority"),
            makeup=form.get("makeup") == "1",
            rule=rule,
        )

    @classmethod
    def from_plan(cls, plan: Plan) -> PlanForm:
        start = dt.datetime.fromisoformat(plan.dtstart)
        simple = _SIMPLE_RULE.match(plan.rrule or "")
        return cls(
            title=plan.title,
            id=plan.id,
            weekdays=simple.group(1).split(",") if simple else [],
            time=start.strftime("%H:%M"),
            minutes=f"{plan.slot_minutes:g}",
            first_day=plan.window_start or start.date().isoformat(),
            last_day=plan.window_end,
            pool=plan.rotate,
            segments=[s for s in plan.segments if s != "*"],
            priority=plan.priority,
            makeup=plan.makeup == MAKEUP_NEXT_FREE_DAY,
            rule="" if simple else (plan.rrule or "-"),
        )


class PlanFormError(Exception):
    """The form cannot make a plan; ``problems`` says why, in staff words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _day(text: str, key: str, problems: list[str]) -> str:
    if not text:
        return ""
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        problems.append(t(key, value=text[:40]))
        return ""


def _form_problems(values: PlanForm) -> tuple[str, float, str, str, list[str]]:
    problems: list[str] = []
    title = clean_line(values.title)[:200]
    if not title:
        problems.append(t("plan_need_title"))
    if not values.rule and not values.weekdays:
        problems.append(t("plan_need_weekdays"))
    if not _TIME.match(values.time):
        problems.append(t("plan_bad_time", value=values.time[:20]))
    try:
        minutes = float(values.minutes.replace(",", "."))
    except ValueError:
        minutes = 0.0
    if not 0 < minutes <= MAX_MINUTES:
        problems.append(t("plan_bad_minutes", limit=MAX_MINUTES))
    first = _day(values.first_day, "plan_bad_first_day", problems)
    if not values.first_day:
        problems.append(t("plan_need_first_day"))
    last = _day(values.last_day, "plan_bad_last_day", problems)
    if first and last and last < first:
        problems.append(t("plan_last_before_first"))
    if values.priority not in PRIORITIES:
        problems.append(t("plan_bad_priority"))
    if not values.pool and not values.segments:
        problems.append(t("plan_need_segments"))
    return title, minutes, first, last, problems


def make_plan(values: PlanForm, editing: Plan | None, timezone: str) -> Plan:
    """The plan the form describes (``editing``'s other fields kept); raises PlanFormError."""
    title, minutes, first, last, problems = _form_problems(values)
    if problems:
        raise PlanFormError(problems)
    rule = (
        editing.rrule
        if values.rule and editing
        else f"FREQ=WEEKLY;BYDAY={','.join(values.weekdays)}"
    )
    chosen: dict[str, Any] = {
        "title": title,
        "dtstart": f"{first}T{values.time}:00",
        "rrule": rule,
        "window_start": first,
        "window_end": last,
        "slot_minutes": minutes,
        "priority": values.priority,
        "segments": values.segments or ["*"],
        "rotate": values.pool,
        "makeup": MAKEUP_NEXT_FREE_DAY if values.makeup else MAKEUP_SKIP,
    }
    if editing is not None:
        if values.rule:  # the calendar's own start (its time of day and first session)
            chosen["dtstart"] = editing.dtstart
        plan = dataclasses.replace(editing, **chosen)
    else:
        plan_id = values.id or "lich-" + slugify(title)[:60]
        plan = Plan(id=plan_id, timezone=timezone, **chosen)
    try:
        plan.validate()
    except PlanInvalid as exc:
        raise PlanFormError(exc.problems) from exc
    return plan


@dataclass(frozen=True)
class SlotsPreview:
    slots: list[Slot]
    suppressed: list[tuple[Suppressed, str]]  # and why, in staff words


def preview(
    plan: Plan,
    others: Iterable[Plan],
    durations: dict[str, float],
    policy: Policy,
    now: dt.datetime,
) -> SlotsPreview:
    """The plan's next slots beside the other plans of its devices, and those it loses."""
    plans = [p for p in others if p.id != plan.id] + [plan]
    begin = max(now, dt.datetime.fromisoformat(plan.dtstart).replace(tzinfo=plan.zone))
    schedule = build_schedule(
        plans, begin, begin + dt.timedelta(days=PREVIEW_DAYS), durations, policy
    )
    slots = [s for s in schedule.slots if s.plan_id == plan.id][:PREVIEW_SLOTS]
    lost = [s for s in schedule.suppressed if s.slot.plan_id == plan.id][:PREVIEW_SLOTS]
    return SlotsPreview(slots, [(s, reason_text(s.reason, policy.zone)) for s in lost])


def describe(plan: Plan) -> str:
    """When a plan airs, in staff words ('Thứ hai, Thứ tư lúc 06:30, 15 phút')."""
    start = dt.datetime.fromisoformat(plan.dtstart)
    simple = _SIMPLE_RULE.match(plan.rrule or "")
    if simple:
        days = ", ".join(t(f"weekday_{d}") for d in simple.group(1).split(","))
    elif plan.rrule == "FREQ=DAILY":
        days = t("plan_daily")
    else:
        days = plan.rrule or t("plan_once", day=start.strftime("%d/%m/%Y"))
    return t("plan_when", days=days, time=start.strftime("%H:%M"), minutes=f"{plan.slot_minutes:g}")
