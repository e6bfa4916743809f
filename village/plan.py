"""Broadcast plans: RFC 5545 recurrence expanded into slots, with the rules that shape them.

A plan is a recurrence (RRULE with RDATE/EXDATE) from a local start time, inside a date
window, with a slot length, a time zone, a priority and what to play: either a fixed list
of segments, or a pool the slots rotate through so consecutive sessions sound different.
``build_schedule`` turns plans into slots between two instants, removing what quiet hours,
holidays and higher-priority overlaps exclude, and says why each removed slot went.

A plan never stops the broadcasts: ``Plan.validate`` refuses rules that are too dense or
never match (cheaply, from the rule's parts), every expansion is bounded by the window
asked for and by an ``ExpansionBudget``, and ``build_schedule`` sets aside a plan that
fails either (``Schedule.quarantined``) while the other plans keep their slots.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import enum
import functools
import logging
import re
import time
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from village import recurrence
from village.errors import PlanError
from village.makeup import (
    MAKEUP_NEXT_FREE_DAY,
    MAKEUP_SKIP,
    MOVED_BY_CALENDAR,
    Timeline,
    make_up,
    makeup_margins,
)
from village.messages import say
from village.recurrence import MAX_SLOTS_PER_DAY

if TYPE_CHECKING:
    from village.config import Config

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_BUDGET",
    "MAKEUP_NEXT_FREE_DAY",
    "MAKEUP_SKIP",
    "MAX_SLOTS_PER_DAY",
    "ExpansionBudget",
    "Override",
    "Plan",
    "PlanBudgetExceeded",
    "PlanInvalid",
    "Policy",
    "Priority",
    "Quarantined",
    "Schedule",
    "Slot",
    "Suppressed",
    "build_schedule",
    "load_plans",
    "plan_slots",
    "read_plans",
]

MAX_DATES = 2000  # RDATEs, EXDATEs and overrides of one plan
MAKEUP_RULES = (MAKEUP_SKIP, MAKEUP_NEXT_FREE_DAY)
MAX_SERIES_SHIFT = dt.timedelta(days=31)  # RANGE=THISANDFUTURE: the window grows by the shift


class Priority(enum.IntEnum):
    """The three levels of Circular 39/2020/TT-BTTTT."""

    ORDINARY = 0
    PRIORITY = 1
    EMERGENCY = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | int | Priority) -> Priority:
        if isinstance(value, Priority):
            return value
        if isinstance(value, int):
            return cls(value)
        text = str(value).strip().lower()
        aliases = {
            "ordinary": cls.ORDINARY,
            "normal": cls.ORDINARY,
            "thường": cls.ORDINARY,
            "thuong": cls.ORDINARY,
            "priority": cls.PRIORITY,
            "ưu tiên": cls.PRIORITY,
            "uu tien": cls.PRIORITY,
            "emergency": cls.EMERGENCY,
            "khẩn cấp": cls.EMERGENCY,
            "khan cap": cls.EMERGENCY,
        }
        if text not in aliases:
            raise PlanError(say("plan_parse", value=value))
        return aliases[text]


# --- the expansion budget ----------------------------------------------------------------------


@dataclass(frozen=True)
class ExpansionBudget:
    """What one plan may cost in one expansion.

    ``max_slots``: starts inside the window asked for (24 a day for two years is 17,520);
    ``max_seconds``: CPU time of the expanding thread, so a busy machine does not make a
    sound plan look expensive.
    """

    max_slots: int = 20_000
    max_seconds: float = 5.0


DEFAULT_BUDGET = ExpansionBudget()


class PlanInvalid(PlanError):
    """``Plan.validate`` refused the plan; ``problems`` lists every reason."""

    def __init__(self, plan_id: str, title: str, problems: list[str]) -> None:
        self.plan_id = plan_id
        self.title = title
        self.problems = problems
        super().__init__(f"lịch «{title}» ({plan_id}): " + "; ".join(problems))


class PlanBudgetExceeded(PlanError):
    """Expanding a plan went past its ``ExpansionBudget``."""

    def __init__(self, plan_id: str, reason: str) -> None:
        self.plan_id = plan_id
        self.reason = reason
        super().__init__(say("plan_init", plan_id=plan_id, reason=reason))


class _Meter:
    """Counts one expansion's steps and slots against its budget."""

    def __init__(self, plan_id: str, budget: ExpansionBudget) -> None:
        self.plan_id = plan_id
        self.budget = budget
        self.deadline = time.thread_time() + budget.max_seconds
        self.steps = 0
        self.slots = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps % 256 == 0 and time.thread_time() > self.deadline:
            raise PlanBudgetExceeded(
                self.plan_id,
                say("plan_tick", max_seconds=self.budget.max_seconds, steps=self.steps),
            )

    def add_slots(self, count: int) -> None:
        self.slots += count
        if self.slots > self.budget.max_slots:
            raise PlanBudgetExceeded(
                self.plan_id,
                say("plan_add_slots", max_slots=self.budget.max_slots),
            )


# --- plans -------------------------------------------------------------------------------------

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def _exdate(text: str) -> dt.datetime | dt.date:
    """An EXDATE: a local date-time, or a date (every session of that day)."""
    if isinstance(text, str) and len(text) == 10:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    return _local(text)


def _local(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise PlanError(say("plan_local", text=text)) from exc
    if value.tzinfo is not None:
        raise PlanError(say("plan_local_2", text=text))
    return value


NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})  # files of the zone folder


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


def known_zone(name: str) -> bool:
    """An IANA zone name of the tz database (never a path: '../x' and '/etc/x' are not)."""
    return name in _zone_names()


@dataclass(frozen=True)
class Override:
    """What a calendar changed in one occurrence (RECURRENCE-ID), or in it and every later
    one (``this_and_future``: RANGE=THISANDFUTURE).

    ``recurrence_id`` is where the rule puts the occurrence (local wall time in the plan's
    zone); ``start`` the new start ("" keeps it); ``slot_minutes`` the new length (0 keeps
    it); ``title`` the new title ("" keeps it). A cancelled occurrence (STATUS:CANCELLED) is
    not aired. For ``this_and_future`` the shift from ``recurrence_id`` to ``start`` moves
    every later occurrence too.
    """

    recurrence_id: str
    start: str = ""
    slot_minutes: float = 0.0
    title: str = ""
    cancelled: bool = False
    this_and_future: bool = False

    @classmethod
    def from_value(cls, value: Override | Mapping[str, Any]) -> Override:
        if isinstance(value, Override):
            return value
        if not isinstance(value, Mapping):
            raise PlanError(say("plan_from_value", value=value))
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(value) - names
        if unknown:
            raise PlanError(say("plan_from_value_2", value=", ".join(sorted(unknown))))
        return cls(**dict(value))

    @property
    def original(self) -> dt.datetime:
        return _local(self.recurrence_id)

    @property
    def shift(self) -> dt.timedelta:
        return _local(self.start) - self.original if self.start else dt.timedelta()

    def problems(self) -> list[str]:
        found = []
        for text in (self.recurrence_id, self.start) if self.start else (self.recurrence_id,):
            try:
                _local(text)
            except PlanError as exc:
                found.append(str(exc))
        if not isinstance(self.slot_minutes, int | float) or not (
            0 <= self.slot_minutes <= 24 * 60
        ):
            found.append(say("plan_problems", recurrence_id=self.recurrence_id))
        if found:
            return found
        if self.this_and_future and abs(self.shift) > MAX_SERIES_SHIFT:
            found.append(
                say("plan_problems_2", recurrence_id=self.recurrence_id, days=MAX_SERIES_SHIFT.days)
            )
        elif abs(self.shift) > dt.timedelta(days=3660):
            found.append(say("plan_problems_3", recurrence_id=self.recurrence_id))
        return found


@dataclass(frozen=True)
class Occurrence:
    """One session of a plan: where the rule puts it, and where (after overrides) it is."""

    index: int
    planned: dt.datetime
    start: dt.datetime
    length: dt.timedelta
    title: str
    cancelled: bool = False


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    dtstart: str  # local wall time in ``timezone``
    rrule: str = ""
    rdates: list[str] = field(default_factory=list)
    exdates: list[str] = field(default_factory=list)
    window_start: str = ""  # inclusive local dates; empty: open
    window_end: str = ""
    slot_minutes: float = 15.0
    timezone: str = "Asia/Ho_Chi_Minh"
    priority: str = "ordinary"
    segments: list[str] = field(default_factory=list)
    rotate: bool = False
    intro: list[str] = field(default_factory=list)  # played at the start of every slot
    outro: list[str] = field(default_factory=list)  # played at the end of every slot
    enabled: bool = True
    overrides: list[Override] = field(default_factory=list)  # moved or cancelled sessions
    makeup: str = MAKEUP_SKIP  # a session on a holiday: skipped, or moved to the next free day
    uid: str = ""  # the calendar event's UID
    source: str = ""  # the calendar it came from (re-importing that calendar replaces it)
    calendar: str = ""  # that calendar's name, for people

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for name in _PLAN_FIELDS:
            value = getattr(self, name)
            if name == "overrides":
                value = [dataclasses.asdict(o) for o in value]
            elif isinstance(value, list):
                value = list(value)
            record[name] = value
        return record

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise PlanError(say("plan_from_dict", value=", ".join(sorted(unknown))))
        values = dict(data)
        overrides = values.get("overrides") or []
        if not isinstance(overrides, list) or len(overrides) > MAX_DATES:
            raise PlanError(say("plan_from_dict_2", value=values.get("id")))
        values["overrides"] = [Override.from_value(o) for o in overrides]
        plan = cls(**values)
        plan.validate()
        return plan

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def level(self) -> Priority:
        return Priority.parse(self.priority)

    @property
    def slot_length(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.slot_minutes)

    # -- checks ----------------------------------------------------------------------------

    def validate(self) -> None:
        """Refuse what cannot be a plan, or would cost the scheduler more than it should.

        Cheap: the rule is checked from its parts and tried once, never listed.
        """
        if self.__dict__.get("_valid"):
            return
        problems = self._field_problems()
        if not problems:
            problems = self._rule_problems()
        if problems:
            raise PlanInvalid(self.id, self.title, problems)
        object.__setattr__(self, "_valid", True)  # the fields are frozen: check once

    def _field_problems(self) -> list[str]:
        problems = []
        if not _ID_RE.match(self.id or ""):
            problems.append(say("plan_field_problems", id=self.id))
        if not isinstance(self.timezone, str) or not known_zone(self.timezone):
            problems.append(say("plan_field_problems_2", timezone=self.timezone))
        problems += self._date_problems()
        if not isinstance(self.slot_minutes, int | float) or not 0 < self.slot_minutes <= 24 * 60:
            problems.append(say("plan_field_problems_3"))
        try:
            Priority.parse(self.priority)
        except PlanError as exc:
            problems.append(str(exc))
        if self.makeup not in MAKEUP_RULES:
            problems.append(
                say("plan_field_problems_4", makeup=self.makeup, value=" hoặc ".join(MAKEUP_RULES))
            )
        return problems

    def _date_problems(self) -> list[str]:
        if max(len(self.rdates), len(self.exdates), len(self.overrides)) > MAX_DATES:
            return [f"quá {MAX_DATES} ngày RDATE, EXDATE hoặc buổi được sửa"]
        problems = []
        checks: list[tuple[Callable[[str], object], list[str]]] = [
            (_local, [self.dtstart, *self.rdates]),
            (_exdate, list(self.exdates)),
            (dt.date.fromisoformat, [t for t in (self.window_start, self.window_end) if t]),
        ]
        for check, texts in checks:
            for text in texts:
                try:
                    check(text)
                except (PlanError, TypeError, ValueError) as exc:
                    wrong = say("plan_date_problems", text=text)
                    problems.append(str(exc) if isinstance(exc, PlanError) else wrong)
        for override in self.overrides:
            if not isinstance(override, Override):
                problems.append(say("plan_date_problems_2", override=override))
            else:
                problems.extend(override.problems())
        return problems

    def _rule_problems(self) -> list[str]:
        start = _local(self.dtstart)
        wrong_year = recurrence.year_problem(start)
        if wrong_year:
            return [wrong_year]
        slot_s = self.slot_minutes * 60
        problems = recurrence.dates_problems(self._listed_starts(), slot_s)
        if not self.rrule:
            return problems
        try:
            parts = recurrence.parse_rule(self.rrule)
            problems += recurrence.density_problems(parts, start, slot_s)
            if not problems and recurrence.never_matches(parts, start):
                problems.append(say("plan_rule_problems"))
            if not problems:
                self._expansion()
        except PlanError as exc:
            problems.append(f"RRULE {self.rrule!r}: {exc}")
        except (ValueError, TypeError, OverflowError) as exc:
            problems.append(say("plan_rule_problems_2", rrule=self.rrule, exc=exc))
        return problems

    def _listed_starts(self) -> list[dt.datetime]:
        """RDATEs, with DTSTART when there is no rule (local wall times)."""
        listed = [_local(text) for text in self.rdates]
        return listed if self.rrule else [_local(self.dtstart), *listed]

    # -- expansion -------------------------------------------------------------------------

    def _aware(self, local: dt.datetime) -> dt.datetime:
        return local.replace(tzinfo=self.zone)

    def _rule_text(self) -> str:
        """The RRULE with a local or date-only UNTIL rewritten to UTC, as dateutil needs."""
        parts = []
        for part in self.rrule.removeprefix("RRULE:").split(";"):
            key, _, value = part.partition("=")
            if key.upper() == "UNTIL" and not value.endswith("Z"):
                if "T" in value:
                    local = dt.datetime.strptime(value, "%Y%m%dT%H%M%S")
                else:  # a date-only UNTIL means the whole of that day
                    local = dt.datetime.strptime(value, "%Y%m%d").replace(
                        hour=23, minute=59, second=59
                    )
                value = self._aware(local).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            parts.append(f"{key.upper()}={value}")
        return ";".join(parts)

    @functools.cached_property
    def _rule_parts(self) -> dict[str, str]:
        return recurrence.parse_rule(self.rrule)

    def _expansion(self) -> recurrence.Expansion:
        return recurrence.Expansion.of(
            self._rule_text(), self._rule_parts, self._aware(_local(self.dtstart))
        )

    @functools.cached_property
    def _cached_expansion(self) -> recurrence.Expansion:
        return self._expansion()

    @functools.cached_property
    def _listed(self) -> list[dt.datetime]:
        return sorted({self._aware(local) for local in self._listed_starts()})

    @functools.cached_property
    def _excluded(self) -> frozenset[dt.datetime | dt.date]:
        return frozenset(_exdate(text) for text in self.exdates)

    def indexed_starts(
        self, lo: dt.datetime, hi: dt.datetime, meter: _Meter | None = None
    ) -> list[tuple[int, dt.datetime]]:
        """``(index, start)`` of every start in [lo, hi), before window and exceptions.

        The index of a start is the number of the plan's starts before it (rule starts and
        RDATEs, counted from DTSTART): the rotation continues by it, whatever window is
        asked for.
        """
        meter = meter or _Meter(self.id, DEFAULT_BUDGET)
        listed = self._listed
        window = listed[bisect.bisect_left(listed, lo) : bisect.bisect_left(listed, hi)]
        meter.add_slots(len(window))
        if not self.rrule:
            first = bisect.bisect_left(listed, lo)
            return [(first + i, s) for i, s in enumerate(window)]
        before_lo, rule_starts = recurrence.starts_between(
            self._cached_expansion, lo, hi, meter.tick, lambda: meter.add_slots(1)
        )
        found = []
        for start in sorted(set(rule_starts) | set(window)):
            rule_before = before_lo + bisect.bisect_left(rule_starts, start)
            found.append((rule_before + bisect.bisect_left(listed, start), start))
        return found

    @functools.cached_property
    def last_day(self) -> str:
        """The plan's last local date (YYYY-MM-DD), or "" when it has no end: the window's
        end, else the rule's UNTIL, else (no rule) its last listed start."""
        if self.window_end:
            return self.window_end
        if not self.rrule:
            return max(self._listed).date().isoformat()
        until = self._rule_parts.get("UNTIL")
        if not until:
            return ""
        text = self._rule_text()
        value = next(p for p in text.split(";") if p.startswith("UNTIL=")).split("=", 1)[1]
        instant = dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        return instant.astimezone(self.zone).date().isoformat()

    def in_window(self, start: dt.datetime) -> bool:
        day = start.astimezone(self.zone).date().isoformat()
        if self.window_start and day < self.window_start:
            return False
        return not (self.window_end and day > self.window_end)

    def is_excluded(self, start: dt.datetime) -> bool:
        local = start.astimezone(self.zone).replace(tzinfo=None)
        return local in self._excluded or local.date() in self._excluded

    def index_of(self, start: dt.datetime, meter: _Meter) -> int:
        """How many of the plan's starts come before ``start``."""
        before = bisect.bisect_left(self._listed, start)
        if self.rrule:
            rule_before, _ = recurrence.starts_between(
                self._cached_expansion, start, start, meter.tick, lambda: None
            )
            before += rule_before
        return before

    @functools.cached_property
    def _exact_overrides(self) -> dict[dt.datetime, Override]:
        return {o.original: o for o in self.overrides if not o.this_and_future}

    @functools.cached_property
    def _future_overrides(self) -> list[Override]:
        return sorted((o for o in self.overrides if o.this_and_future), key=lambda o: o.original)

    def _changed(self, index: int, planned: dt.datetime, change: Override | None) -> Occurrence:
        if change is None:
            return Occurrence(index, planned, planned, self.slot_length, self.title)
        minutes = change.slot_minutes or self.slot_minutes
        if change.this_and_future:
            start = planned + change.shift  # wall-clock shift in the plan's zone
        else:
            start = self._aware(_local(change.start)) if change.start else planned
        return Occurrence(
            index,
            planned,
            start,
            dt.timedelta(minutes=minutes),
            change.title or self.title,
            change.cancelled,
        )

    def occurrences(
        self, begin: dt.datetime, end: dt.datetime, meter: _Meter | None = None
    ) -> list[Occurrence]:
        """The plan's sessions that start in [begin, end) once the calendar's changes apply.

        A session moved by an override keeps its index (its place in the rotation); a
        cancelled one comes back with ``cancelled`` set unless a change to it and every
        later session cancelled it (the series then simply ends there).
        """
        meter = meter or _Meter(self.id, DEFAULT_BUDGET)
        exact, future = self._exact_overrides, self._future_overrides
        shifts = [o.shift for o in future if not o.cancelled] + [dt.timedelta()]
        lo, hi = begin - max(max(shifts), dt.timedelta()), end - min(min(shifts), dt.timedelta())
        found: list[Occurrence] = []
        future_ids = [o.original for o in future]
        for index, planned in self.indexed_starts(lo, hi, meter):
            local = planned.replace(tzinfo=None)
            if local in exact or not self.in_window(planned) or self.is_excluded(planned):
                continue
            at = bisect.bisect_right(future_ids, local)
            change = future[at - 1] if at else None
            if change is not None and change.cancelled:
                continue
            occurrence = self._changed(index, planned, change)
            if begin <= occurrence.start < end:
                found.append(occurrence)
        for original, override in exact.items():
            planned = self._aware(original)
            occurrence = self._changed(0, planned, override)
            if begin <= occurrence.start < end:
                index = self.index_of(planned, meter)
                found.append(dataclasses.replace(occurrence, index=index))
        found.sort(key=lambda o: (o.start, o.index))
        return found


def _default_of(plan_field: dataclasses.Field[Any]) -> Any:
    factory = plan_field.default_factory
    return factory() if callable(factory) else plan_field.default


_PLAN_FIELDS = tuple(f.name for f in dataclasses.fields(Plan))
PLAN_DEFAULTS: dict[str, Any] = {
    f.name: _default_of(f)
    for f in dataclasses.fields(Plan)
    if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
}


@dataclass(frozen=True)
class Slot:
    plan_id: str
    title: str
    start: dt.datetime
    end: dt.datetime
    priority: Priority
    segments: tuple[str, ...]
    occurrence: int
    moved_from: dt.datetime | None = None  # where the plan put it, if it was moved
    moved_reason: str = ""  # MOVED_BY_CALENDAR or MOVED_FOR_HOLIDAY

    @property
    def key(self) -> str:
        """Identifies the slot across restarts: plan and planned start."""
        return f"{self.plan_id}@{self.start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"

    def to_json(self, zone: zoneinfo.ZoneInfo | None = None) -> dict[str, Any]:
        def iso(value: dt.datetime) -> str:
            return value.astimezone(zone).isoformat() if zone else value.isoformat()

        return {
            "plan": self.plan_id,
            "title": self.title,
            "start": iso(self.start),
            "end": iso(self.end),
            "priority": self.priority.label,
            "segments": list(self.segments),
            "occurrence": self.occurrence,
            "moved_from": iso(self.moved_from) if self.moved_from else None,
            "moved_reason": self.moved_reason,
        }


@dataclass(frozen=True)
class Suppressed:
    slot: Slot
    reason: str

    def to_json(self, zone: zoneinfo.ZoneInfo | None = None) -> dict[str, Any]:
        return {**self.slot.to_json(zone), "reason": self.reason}


@dataclass(frozen=True)
class Quarantined:
    """A plan left out of a schedule: it failed ``validate()`` or its expansion budget."""

    plan_id: str
    title: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"plan": self.plan_id, "title": self.title, "reason": self.reason}


@dataclass
class Schedule:
    slots: list[Slot]
    suppressed: list[Suppressed]
    quarantined: list[Quarantined] = field(default_factory=list)


@dataclass(frozen=True)
class Policy:
    """Station-wide rules: quiet hours and holidays (from the configuration)."""

    timezone: str = "Asia/Ho_Chi_Minh"
    quiet_hours: str = "21:30-05:30"
    holidays: tuple[str, ...] = ()
    audio_margin_s: float = 5.0  # warm-up plus tail, taken from each slot's audio budget

    @classmethod
    def from_config(cls, config: Config) -> Policy:
        """The station's rules as configured; the relay's warm-up and tail come off each slot."""
        return cls(
            timezone=config.schedule.timezone,
            quiet_hours=config.schedule.quiet_hours,
            holidays=tuple(config.schedule.holidays),
            audio_margin_s=config.relay.warmup_s + config.relay.tail_s,
        )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def _quiet_minutes(self) -> tuple[int, int] | None:
        if not self.quiet_hours:
            return None
        begin, end = self.quiet_hours.split("-")
        bh, bm = (int(x) for x in begin.split(":"))
        eh, em = (int(x) for x in end.split(":"))
        return bh * 60 + bm, eh * 60 + em

    def in_quiet_hours(self, start: dt.datetime, end: dt.datetime) -> bool:
        """True if any minute of [start, end) falls in quiet hours (local time)."""
        window = self._quiet_minutes()
        if window is None:
            return False
        begin, stop = window
        local = start.astimezone(self.zone)
        minutes = local.hour * 60 + local.minute + local.second / 60
        length = (end - start).total_seconds() / 60
        # test each start of a quiet interval against the slot, over two days
        for day_offset in (-1440, 0, 1440):
            q_start = begin + day_offset
            q_end = (stop if stop > begin else stop + 1440) + day_offset
            if minutes < q_end and q_start < minutes + length:
                return True
        return False

    def is_holiday(self, start: dt.datetime) -> bool:
        day = start.astimezone(self.zone).date()
        return any(
            h == day.isoformat() or (len(h) == 5 and h == day.strftime("%m-%d"))
            for h in self.holidays
        )

    def blocks(self, slot: Slot) -> str | None:
        if slot.priority >= Priority.EMERGENCY:
            return None
        if self.in_quiet_hours(slot.start, slot.end):
            return "quiet hours"
        if slot.priority == Priority.ORDINARY and self.is_holiday(slot.start):
            return "holiday"
        return None


def resolve_segments(plan: Plan, durations: Mapping[str, float], unique: bool = False) -> list[str]:
    """The plan's segments that exist; ``*`` stands for every segment, in store order."""
    chosen: list[str] = []
    framing = set(plan.intro) | set(plan.outro)
    for name in plan.segments:
        everything = [seg for seg in durations if seg not in framing]
        for seg in everything if name == "*" else [name]:
            if seg in durations and not (unique and seg in chosen):
                chosen.append(seg)
    return chosen


def rotation(
    plan: Plan, durations: Mapping[str, float], budget_s: float
) -> Callable[[int], tuple[str, ...]]:
    """The segments of occurrence ``i`` of a rotating plan, for any ``i`` at the same cost.

    Each slot continues through the pool where the previous one stopped and takes
    segments while they fit the slot's audio budget (at least one, which the slot's end
    fades if it is too long), never repeating a segment within a slot. What a slot takes
    depends only on where in the pool it starts, so the positions slot after slot repeat
    within one pass of the pool and occurrence ``i``'s position is found without walking
    ``i`` slots.
    """
    pool = resolve_segments(plan, durations, unique=True)
    if not pool:
        return lambda index: ()

    def take(position: int) -> tuple[str, ...]:
        chosen: list[str] = []
        used = 0.0
        for step in range(len(pool)):
            candidate = pool[(position + step) % len(pool)]
            if chosen and used + durations[candidate] > budget_s:
                break
            chosen.append(candidate)
            used += durations[candidate]
        return tuple(chosen)

    takes = [take(p) for p in range(len(pool))]
    order: list[int] = []  # positions of slots 0, 1, 2, ... until one comes back
    seen: dict[int, int] = {}
    position = 0
    while position not in seen:
        seen[position] = len(order)
        order.append(position)
        position = (position + len(takes[position])) % len(pool)
    loop_from = seen[position]
    loop = len(order) - loop_from

    def segments(index: int) -> tuple[str, ...]:
        if index < len(order):
            return takes[order[index]]
        return takes[order[loop_from + (index - loop_from) % loop]]

    return segments


def plan_slots(
    plan: Plan,
    begin: dt.datetime,
    end: dt.datetime,
    durations: Mapping[str, float],
    audio_margin_s: float = 5.0,
    *,
    budget: ExpansionBudget = DEFAULT_BUDGET,
) -> list[Slot]:
    """The plan's slots that start in [begin, end), before policy and overlaps.

    Raises ``PlanBudgetExceeded`` when the expansion goes past ``budget``.
    """
    return plan_sessions(plan, begin, end, durations, audio_margin_s, budget)[0]


def plan_sessions(
    plan: Plan,
    begin: dt.datetime,
    end: dt.datetime,
    durations: Mapping[str, float],
    audio_margin_s: float = 5.0,
    budget: ExpansionBudget = DEFAULT_BUDGET,
) -> tuple[list[Slot], list[Slot]]:
    """``(slots, cancelled)``: the plan's slots in [begin, end), and the sessions the
    calendar cancelled there (as slots, to show why they are not aired)."""
    if not plan.enabled:
        return [], []
    meter = _Meter(plan.id, budget)
    found = plan.occurrences(begin, end, meter)
    if not found:
        return [], []
    intro = tuple(s for s in plan.intro if s in durations)
    outro = tuple(s for s in plan.outro if s in durations)
    framing = sum(durations[s] for s in intro + outro)
    audio_budget = plan.slot_minutes * 60 - audio_margin_s - framing
    if plan.rotate:
        choose = rotation(plan, durations, audio_budget)
    else:
        fixed = tuple(resolve_segments(plan, durations))
        choose = lambda index: fixed  # noqa: E731
    slots: list[Slot] = []
    cancelled: list[Slot] = []
    for occurrence in found:
        start = occurrence.start.astimezone(dt.UTC)
        moved = occurrence.start != occurrence.planned
        slot = Slot(
            plan_id=plan.id,
            title=occurrence.title,
            start=start,
            end=start + occurrence.length,
            priority=plan.level,
            segments=intro + choose(occurrence.index) + outro,
            occurrence=occurrence.index,
            moved_from=occurrence.planned.astimezone(dt.UTC) if moved else None,
            moved_reason=MOVED_BY_CALENDAR if moved else "",
        )
        (cancelled if occurrence.cancelled else slots).append(slot)
    return slots, cancelled


def _expand_or_quarantine(
    plan: Plan,
    begin: dt.datetime,
    end: dt.datetime,
    durations: Mapping[str, float],
    policy: Policy,
    budget: ExpansionBudget,
) -> tuple[list[Slot], list[Slot]] | Quarantined:
    try:
        plan.validate()
        return plan_sessions(plan, begin, end, durations, policy.audio_margin_s, budget)
    except PlanInvalid as exc:
        reason = "; ".join(exc.problems)
    except PlanBudgetExceeded as exc:
        reason = exc.reason
    except Exception as exc:  # one bad plan never stops the others
        log.exception("plan %s could not be expanded", plan.id)
        reason = say("plan_expand_or_quarantine", exc=exc)
    log.error("plan %s («%s») left out of the schedule: %s", plan.id, plan.title, reason)
    return Quarantined(plan.id, plan.title, reason)


def build_schedule(
    plans: Iterable[Plan],
    begin: dt.datetime,
    end: dt.datetime,
    durations: Mapping[str, float],
    policy: Policy,
    *,
    budget: ExpansionBudget = DEFAULT_BUDGET,
) -> Schedule:
    """All slots in [begin, end) after quiet hours, holidays and overlaps, in time order.

    Overlapping slots are resolved by priority (emergency, priority, ordinary), then by the
    earlier start, then by plan id; the loser is dropped whole and reported. An ordinary
    session on a holiday is dropped, or, for a plan whose make-up rule says so, moved to
    the next free day at the same hour (``village.makeup``). A plan that fails
    ``validate()`` or its ``budget`` gives no slot and is listed in ``quarantined``; it
    never stops the other plans.
    """
    plans = list(plans)
    before, after = makeup_margins(plans, policy)
    candidates: list[Slot] = []
    suppressed: list[Suppressed] = []
    quarantined: list[Quarantined] = []
    on_holidays: list[tuple[Slot, Plan]] = []
    for plan in plans:
        expanded = _expand_or_quarantine(
            plan, begin - before, end + after, durations, policy, budget
        )
        if isinstance(expanded, Quarantined):
            quarantined.append(expanded)
            continue
        slots, cancelled = expanded
        suppressed.extend(Suppressed(slot, "cancelled") for slot in cancelled)
        for slot in slots:
            reason = policy.blocks(slot)
            if reason == "holiday" and plan.makeup == MAKEUP_NEXT_FREE_DAY:
                on_holidays.append((slot, plan))
            elif reason:
                suppressed.append(Suppressed(slot, reason))
            else:
                candidates.append(slot)
    candidates.sort(key=lambda s: (-s.priority, s.start, s.plan_id))
    kept = Timeline()
    for slot in candidates:
        winner = kept.conflict(slot.start, slot.end)
        if winner is None:
            kept.add(slot)
        else:
            suppressed.append(Suppressed(slot, f"overlaps {winner.key} ({winner.priority.label})"))
    suppressed.extend(
        Suppressed(slot, reason) for slot, reason in make_up(on_holidays, kept, policy)
    )
    inside = [s for s in kept.slots if begin <= s.start < end]
    suppressed = [s for s in suppressed if begin <= s.slot.start < end]
    suppressed.sort(key=lambda s: s.slot.start)
    return Schedule(sorted(inside, key=lambda s: s.start), suppressed, quarantined)


def load_plans(records: Iterable[Mapping[str, Any]]) -> list[Plan]:
    return [Plan.from_dict(r) for r in records]


def read_plans(records: Iterable[Mapping[str, Any]]) -> tuple[list[Plan], list[Quarantined]]:
    """The stored plans that are valid, and the others set aside with the reason."""
    plans: list[Plan] = []
    refused: list[Quarantined] = []
    for record in records:
        try:
            plans.append(Plan.from_dict(record))
        except PlanInvalid as exc:
            refused.append(Quarantined(exc.plan_id, exc.title, "; ".join(exc.problems)))
        except (PlanError, TypeError, ValueError) as exc:
            plan_id = str(record.get("id", "?")) if isinstance(record, Mapping) else "?"
            title = str(record.get("title", "")) if isinstance(record, Mapping) else ""
            refused.append(Quarantined(plan_id, title, str(exc)))
    return plans, refused
