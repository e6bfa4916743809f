"""Broadcast plans: RFC 5545 recurrence expanded into slots, with the rules that shape them.

A plan is a recurrence (RRULE with RDATE/EXDATE) from a local start time, inside a date
window, with a slot length, a time zone, a priority and what to play: either a fixed list
of segments, or a pool the slots rotate through so consecutive sessions sound different.
``build_schedule`` turns plans into slots between two instants, removing what quiet hours,
holidays and higher-priority overlaps exclude, and says why each removed slot went.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dateutil import rrule

from village.errors import PlanError

if TYPE_CHECKING:
    from village.config import Config


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
            raise PlanError(
                f"mức ưu tiên không hợp lệ {value!r}: dùng thường, ưu tiên hoặc khẩn cấp"
            )
        return aliases[text]


_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def _local(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise PlanError(f"không phải ngày giờ địa phương (YYYY-MM-DDTHH:MM:SS): {text!r}") from exc
    if value.tzinfo is not None:
        raise PlanError(f"giờ địa phương không ghi độ lệch UTC: {text!r}")
    return value


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

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise PlanError(f"trường lịch không hợp lệ: {', '.join(sorted(unknown))}")
        plan = cls(**dict(data))
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

    def validate(self) -> None:
        problems = []
        if not _ID_RE.match(self.id or ""):
            problems.append(f"mã lịch {self.id!r} phải gồm 1-80 chữ, số, '.', '_' hoặc '-'")
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(f"múi giờ không tồn tại: {self.timezone!r}")
        for text in [self.dtstart, *self.rdates, *self.exdates]:
            try:
                _local(text)
            except PlanError as exc:
                problems.append(str(exc))
        for text in (self.window_start, self.window_end):
            if text:
                try:
                    dt.date.fromisoformat(text)
                except ValueError:
                    problems.append(f"ngày giới hạn {text!r} không có dạng YYYY-MM-DD")
        if not 0 < self.slot_minutes <= 24 * 60:
            problems.append("độ dài buổi phát phải lớn hơn 0 và không quá một ngày")
        try:
            Priority.parse(self.priority)
        except PlanError as exc:
            problems.append(str(exc))
        if self.rrule and not problems:
            try:
                self._rule()
            except (ValueError, TypeError) as exc:
                problems.append(f"RRULE không hợp lệ {self.rrule!r}: {exc}")
        if problems:
            raise PlanError(f"lịch {self.id!r}: " + "; ".join(problems))

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

    def _rule(self) -> rrule.rrule:
        start = self._aware(_local(self.dtstart))
        return rrule.rrulestr(self._rule_text(), dtstart=start)

    def occurrence_starts(self) -> Iterable[dt.datetime]:
        """Every start (aware, local zone) in order, before window and exceptions.

        The position of a start in this sequence is its occurrence index (for rotation).
        """
        rules = rrule.rruleset()
        if self.rrule:
            rules.rrule(self._rule())
        for text in self.rdates:
            rules.rdate(self._aware(_local(text)))
        if not self.rrule:
            rules.rdate(self._aware(_local(self.dtstart)))
        return rules

    def in_window(self, start: dt.datetime) -> bool:
        day = start.astimezone(self.zone).date().isoformat()
        if self.window_start and day < self.window_start:
            return False
        return not (self.window_end and day > self.window_end)

    def is_excluded(self, start: dt.datetime) -> bool:
        local = start.astimezone(self.zone).replace(tzinfo=None)
        return any(_local(text) == local for text in self.exdates)


@dataclass(frozen=True)
class Slot:
    plan_id: str
    title: str
    start: dt.datetime
    end: dt.datetime
    priority: Priority
    segments: tuple[str, ...]
    occurrence: int

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
        }


@dataclass(frozen=True)
class Suppressed:
    slot: Slot
    reason: str

    def to_json(self, zone: zoneinfo.ZoneInfo | None = None) -> dict[str, Any]:
        return {**self.slot.to_json(zone), "reason": self.reason}


@dataclass
class Schedule:
    slots: list[Slot]
    suppressed: list[Suppressed]


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
    plan: Plan, durations: Mapping[str, float], upto: int, budget_s: float
) -> list[tuple[str, ...]]:
    """Segments for occurrences 0..upto of a rotating plan.

    Each slot continues through the pool where the previous one stopped and takes
    segments while they fit the slot's audio budget (at least one, which the slot's end
    fades if it is too long), never repeating a segment within a slot.
    """
    pool = resolve_segments(plan, durations, unique=True)
    if not pool:
        return [()] * (upto + 1)
    result = []
    position = 0
    for _ in range(upto + 1):
        chosen: list[str] = []
        used = 0.0
        for step in range(len(pool)):
            candidate = pool[(position + step) % len(pool)]
            if chosen and used + durations[candidate] > budget_s:
                break
            chosen.append(candidate)
            used += durations[candidate]
        position = (position + len(chosen)) % len(pool)
        result.append(tuple(chosen))
    return result


def plan_slots(
    plan: Plan,
    begin: dt.datetime,
    end: dt.datetime,
    durations: Mapping[str, float],
    audio_margin_s: float = 5.0,
) -> list[Slot]:
    """The plan's slots that start in [begin, end), before policy and overlaps."""
    if not plan.enabled:
        return []
    found: list[tuple[int, dt.datetime]] = []
    for index, start in enumerate(plan.occurrence_starts()):
        if start >= end:
            break
        if start + plan.slot_length <= begin and start < begin:
            continue
        if start >= begin and plan.in_window(start) and not plan.is_excluded(start):
            found.append((index, start))
    if not found:
        return []
    intro = tuple(s for s in plan.intro if s in durations)
    outro = tuple(s for s in plan.outro if s in durations)
    framing = sum(durations[s] for s in intro + outro)
    budget = plan.slot_minutes * 60 - audio_margin_s - framing
    if plan.rotate:
        table = rotation(plan, durations, found[-1][0], budget)
        choose = lambda index: table[index]  # noqa: E731
    else:
        fixed = tuple(resolve_segments(plan, durations))
        choose = lambda index: fixed  # noqa: E731
    return [
        Slot(
            plan_id=plan.id,
            title=plan.title,
            start=start.astimezone(dt.UTC),
            end=(start + plan.slot_length).astimezone(dt.UTC),
            priority=plan.level,
            segments=intro + choose(index) + outro,
            occurrence=index,
        )
        for index, start in found
    ]


def build_schedule(
    plans: Iterable[Plan],
    begin: dt.datetime,
    end: dt.datetime,
    durations: Mapping[str, float],
    policy: Policy,
) -> Schedule:
    """All slots in [begin, end) after quiet hours, holidays and overlaps, in time order.

    Overlapping slots are resolved by priority (emergency, priority, ordinary), then by the
    earlier start, then by plan id; the loser is dropped whole and reported.
    """
    candidates: list[Slot] = []
    suppressed: list[Suppressed] = []
    for plan in plans:
        for slot in plan_slots(plan, begin, end, durations, policy.audio_margin_s):
            reason = policy.blocks(slot)
            if reason:
                suppressed.append(Suppressed(slot, reason))
            else:
                candidates.append(slot)
    candidates.sort(key=lambda s: (-s.priority, s.start, s.plan_id))
    kept: list[Slot] = []
    for slot in candidates:
        winner = next((k for k in kept if k.start < slot.end and slot.start < k.end), None)
        if winner is None:
            kept.append(slot)
        else:
            suppressed.append(Suppressed(slot, f"overlaps {winner.key} ({winner.priority.label})"))
    kept.sort(key=lambda s: s.start)
    suppressed.sort(key=lambda s: s.slot.start)
    return Schedule(kept, suppressed)


def load_plans(records: Iterable[Mapping[str, Any]]) -> list[Plan]:
    return [Plan.from_dict(r) for r in records]
