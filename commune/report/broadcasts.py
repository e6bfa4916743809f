"""Broadcast figures: sessions planned against sessions aired, per ISO week and in total.

Planned sessions are each device's plans (its desired state on the hub) expanded over the
period with the hub's schedule rules (``build_schedule``: quiet hours, holidays, overlaps),
up to the moment the report is made. A play-log record belongs to the planned session whose
slot key it carries (``plan@start``), on the same device; every other record (manual,
button, emergency, or a slot the current plans do not hold) is an unplanned broadcast.
A session moved to another day (made up after a holiday, or moved in the calendar) is
planned at its new time and counts for the week it was first planned in.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from commune.desired import DesiredState, desired_state
from commune.report import plausibility
from commune.report.period import Period, Week, moment, week_key
from commune.repository import Entry
from village.errors import PlanError
from village.plan import Plan, Policy, Slot, build_schedule

log = logging.getLogger(__name__)

NO_RECORD = "no-record"
RANK = {"aired": 3, "partial": 2, "missed": 1}

# a week's (or the period's) verdict against the plan
MET, NOT_MET, INCOMPLETE, NO_DATA, NO_PLAN = "met", "not-met", "incomplete", "no-data", "no-plan"


@dataclass(frozen=True)
class Session:
    """One play-log record, or a planned session the hub holds no record of."""

    device: str
    start: dt.datetime  # planned start (local time of the period's zone)
    title: str
    plan: str
    slot: str
    priority: str
    trigger: str
    outcome: str  # aired, partial, missed, or no-record
    reason: str  # as the device logged it
    audio_s: float  # seconds of audio on air (sum of the segments' play spans)
    planned: bool  # one of the planned sessions
    record_id: str = ""
    duplicate: bool = False  # a second record of a planned session (counted once)
    relay_on: str = ""
    relay_off: str = ""


@dataclass(frozen=True)
class Tally:
    """Counts for a week or the whole period."""

    planned: int = 0
    aired: int = 0  # planned sessions aired in full
    partial: int = 0
    missed: int = 0
    no_record: int = 0
    unplanned: int = 0  # broadcasts outside the plan (any outcome)
    audio_s: float = 0.0  # every broadcast's audio
    records: int = 0  # play-log records received (0: no device reported)

    @property
    def status(self) -> str:
        if self.planned == 0:
            return NO_PLAN
        if self.records == 0:
            return NO_DATA
        if self.aired >= self.planned:
            return MET
        if self.no_record and self.aired + self.no_record >= self.planned:
            return INCOMPLETE
        return NOT_MET

    @property
    def minutes(self) -> float:
        return self.audio_s / 60


@dataclass(frozen=True)
class WeekFigures:
    week: Week
    tally: Tally


@dataclass(frozen=True)
class Target:
    """What the plans ask for: sessions in a full week and minutes per session."""

    sessions_per_week: int
    minutes_per_session: float
    devices: int


@dataclass(frozen=True)
class SegmentCount:
    id: str
    title: str
    plays: int  # times it started on air
    complete: int  # times it played to its end
    audio_s: float


@dataclass
class Broadcasts:
    devices: list[str]  # devices with plans or play-log records in the period
    total: Tally
    weeks: list[WeekFigures]
    target: Target | None
    sessions: list[Session] = field(default_factory=list)
    segments: list[SegmentCount] = field(default_factory=list)
    planned_minutes: float = 0.0
    # records left out of every figure: flagged by the hub, or overlapping (plausibility)
    implausible: list[plausibility.Implausible] = field(default_factory=list)

    @property
    def problems(self) -> list[Session]:
        """Sessions aired partly or not at all (planned or not), in time order."""
        return [s for s in self.sessions if s.outcome in ("partial", "missed")]

    @property
    def special(self) -> list[Session]:
        """Emergency and priority broadcasts that have a record."""
        return [s for s in self.sessions if s.priority in ("emergency", "priority") and s.record_id]


def record_start(record: Mapping[str, Any]) -> dt.datetime | None:
    for key in ("planned_start", "relay_on", "logged_at"):
        value = record.get(key)
        if isinstance(value, str) and value:
            try:
                return moment(value)
            except ValueError:
                continue
    return None


def _span_s(segment: Mapping[str, Any]) -> float:
    try:
        start = dt.datetime.fromisoformat(segment["start"])
        end = dt.datetime.fromisoformat(segment["end"])
    except (KeyError, TypeError, ValueError):
        return 0.0
    return max(0.0, (end - start).total_seconds())


def audio_seconds(record: Mapping[str, Any]) -> float:
    return sum(_span_s(s) for s in record.get("segments") or [] if isinstance(s, dict))


def device_slots(
    state: DesiredState, period: Period, policy: Policy, until: dt.datetime
) -> list[Slot]:
    """The device's planned slots in the period that were due by ``until``."""
    plans = []
    for record in state.items["plans"].values():
        try:
            plans.append(Plan.from_dict(record))
        except (PlanError, TypeError) as exc:
            log.warning(
                "plan %s of %s left out of the report: %s", record.get("id"), state.device, exc
            )
    if not plans:
        return []
    durations = {
        key: float(record.get("duration_s") or 0.0)
        for key, record in state.items["segments"].items()
    }
    end = min(period.end, until)
    if end <= period.begin:
        return []
    return build_schedule(plans, period.begin, end, durations, policy).slots


def planned_weeks(
    slots: Mapping[str, list[Slot]], weeks: list[Week], zone: dt.tzinfo
) -> dict[tuple[str, str], str]:
    """The week a moved session counts for: the week it was planned in (a session made up
    after a holiday, or moved in the calendar, still meets that week's target), when that
    week is in the period."""
    keys = {week.key for week in weeks}
    found: dict[tuple[str, str], str] = {}
    for device, found_slots in slots.items():
        for slot in found_slots:
            if slot.moved_from is not None:
                week = week_key(slot.moved_from.astimezone(zone).date())
                if week in keys:
                    found[(device, slot.key)] = week
    return found


def _session(
    record: Mapping[str, Any], start: dt.datetime, planned: bool, duplicate: bool
) -> Session:
    return Session(
        device=str(record.get("device", "")),
        start=start,
        title=str(record.get("title") or ""),
        plan=str(record.get("plan") or ""),
        slot=str(record.get("slot") or ""),
        priority=str(record.get("priority") or "ordinary"),
        trigger=str(record.get("trigger") or ""),
        outcome=str(record.get("outcome") or "missed"),
        reason=str(record.get("reason") or ""),
        audio_s=audio_seconds(record),
        planned=planned,
        record_id=str(record.get("id", "")),
        duplicate=duplicate,
        relay_on=str(record.get("relay_on") or ""),
        relay_off=str(record.get("relay_off") or ""),
    )


def _tally(sessions: Iterable[Session], planned: int) -> Tally:
    counts: Counter[str] = Counter()
    audio = 0.0
    records = 0
    unplanned = 0
    for s in sessions:
        if s.record_id:
            records += 1
            audio += s.audio_s
        if s.planned:
            counts[s.outcome] += 1
        elif not s.duplicate:
            unplanned += 1
    return Tally(
        planned=planned,
        aired=counts["aired"],
        partial=counts["partial"],
        missed=counts["missed"],
        no_record=counts[NO_RECORD],
        unplanned=unplanned,
        audio_s=audio,
        records=records,
    )


def _target(weeks: list[tuple[Week, int]], slots: list[Slot], devices: int) -> Target | None:
    """Sessions a full week is planned to have (the commonest count), minutes per session."""
    if not slots:
        return None
    full = [count for week, count in weeks if week.days == 7 and count]
    counts = Counter(full or [max(count for _, count in weeks)])
    sessions = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    lengths = Counter(round((s.end - s.start).total_seconds() / 60, 2) for s in slots)
    minutes = max(lengths.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return Target(sessions, minutes, devices)


def _segments(records: list[Mapping[str, Any]], titles: Mapping[str, str]) -> list[SegmentCount]:
    plays: Counter[str] = Counter()
    complete: Counter[str] = Counter()
    audio: defaultdict[str, float] = defaultdict(float)
    named: dict[str, str] = {}
    for record in records:
        for segment in record.get("segments") or []:
            if not isinstance(segment, dict) or not segment.get("start"):
                continue
            key = str(segment.get("id") or "")
            plays[key] += 1
            complete[key] += 1 if segment.get("complete") else 0
            audio[key] += _span_s(segment)
            named.setdefault(key, str(segment.get("title") or titles.get(key) or key))
    return sorted(
        (SegmentCount(k, named[k], plays[k], complete[k], audio[k]) for k in plays),
        key=lambda c: (-c.plays, -c.complete, c.title, c.id),
    )


def _record_key(record: dict[str, Any]) -> tuple[str, str]:
    return (str(record.get("device", "")), str(record.get("slot") or ""))


def _best_records(
    in_period: list[tuple[dt.datetime, dict[str, Any]]], planned_keys: set[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The best record of each planned session: aired over partial over missed."""
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for _, record in in_period:
        key = _record_key(record)
        if key in planned_keys:
            held = best.get(key)
            if held is None or RANK.get(str(record.get("outcome")), 0) > RANK.get(
                str(held.get("outcome")), 0
            ):
                best[key] = record
    return best


def _without_record(
    slots: dict[str, list[Slot]],
    best: dict[tuple[str, str], dict[str, Any]],
    zone: dt.tzinfo,
) -> list[Session]:
    """The planned sessions no device reported on."""
    return [
        Session(
            device=device,
            start=slot.start.astimezone(zone),
            title=slot.title,
            plan=slot.plan_id,
            slot=slot.key,
            priority=slot.priority.label,
            trigger="schedule",
            outcome=NO_RECORD,
            reason="",
            audio_s=0.0,
            planned=True,
        )
        for device, found in slots.items()
        for slot in found
        if (device, slot.key) not in best
    ]


def _week_figures(
    sessions: list[Session],
    slots: dict[str, list[Slot]],
    weeks: list[Week],
    zone: dt.tzinfo,
) -> list[WeekFigures]:
    """Each week's tally, a planned session counted in the week its plan put it in."""
    week_of = planned_weeks(slots, weeks, zone)
    planned_per_week = Counter(
        week_of.get((d, s.key)) or week_key(s.start.astimezone(zone).date())
        for d, found in slots.items()
        for s in found
    )
    by_week: defaultdict[str, list[Session]] = defaultdict(list)
    for session in sessions:
        week = week_of.get((session.device, session.slot)) if session.planned else None
        by_week[week or week_key(session.start.date())].append(session)
    return [
        WeekFigures(week, _tally(by_week[week.key], planned_per_week[week.key])) for week in weeks
    ]


def broadcasts(
    records: list[dict[str, Any]],
    entries: list[Entry],
    devices: list[str],
    period: Period,
    policy: Policy,
    until: dt.datetime,
) -> Broadcasts:
    """Every broadcast figure of the period from the play-log records and the plans."""
    zone = period.zone
    records, implausible = plausibility.split(records)
    in_period: list[tuple[dt.datetime, dict[str, Any]]] = []
    for record in records:
        start = record_start(record)
        if start is not None and period.contains(start):
            in_period.append((start.astimezone(zone), record))
    states = {device: desired_state(entries, device) for device in devices}
    slots: dict[str, list[Slot]] = {
        device: device_slots(state, period, policy, until) for device, state in states.items()
    }
    best = _best_records(in_period, {(d, s.key) for d, found in slots.items() for s in found})
    sessions: list[Session] = []
    for start, record in in_period:
        held = best.get(_record_key(record))
        duplicate = held is not None and held is not record
        sessions.append(_session(record, start, planned=held is record, duplicate=duplicate))
    sessions += _without_record(slots, best, zone)
    sessions.sort(key=lambda s: (s.start, s.device, s.record_id))
    all_slots = [s for found in slots.values() for s in found]
    week_figures = _week_figures(sessions, slots, period.weeks(), zone)
    titles: dict[str, str] = {}
    for state in states.values():
        for segment_id, record in state.items["segments"].items():
            titles.setdefault(segment_id, str(record.get("title") or segment_id))
    planned_devices = [d for d, found in slots.items() if found]
    return Broadcasts(
        devices=sorted(set(planned_devices) | {s.device for s in sessions if s.record_id}),
        total=_tally(sessions, len(all_slots)),
        weeks=week_figures,
        target=_target(
            [(w.week, w.tally.planned) for w in week_figures], all_slots, len(planned_devices)
        ),
        sessions=sessions,
        segments=_segments([r for _, r in in_period], titles),
        planned_minutes=sum((s.end - s.start).total_seconds() for s in all_slots) / 60,
        implausible=plausibility.in_period(implausible, period),
    )
