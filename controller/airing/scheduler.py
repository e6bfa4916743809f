"""What the controller should do now: wait, start a slot (perhaps late), or log it missed.

Pure decisions over the schedule, the current time and whether the clock can be trusted;
the daemon carries them out. Slots are identified by ``Slot.key`` so a restart never airs
or logs a slot twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from village.plan import (
    DEFAULT_BUDGET,
    ExpansionBudget,
    Plan,
    Policy,
    Priority,
    Schedule,
    Slot,
    build_schedule,
)

LOOKBACK = dt.timedelta(days=7)
HORIZON = dt.timedelta(days=2)
MIN_REMAINING_S = 10.0  # a late start needs at least this much of its slot left

Window = tuple[dt.datetime, dt.datetime]


def expansion_window(now: dt.datetime) -> Window:
    """The span the controller expands plans over: the past week (to log what was missed)
    and the next two days."""
    return now - LOOKBACK, now + HORIZON


@dataclass(frozen=True)
class Wait:
    until: dt.datetime


@dataclass(frozen=True)
class Start:
    slot: Slot
    late_s: float


@dataclass(frozen=True)
class Miss:
    slot: Slot
    reason: str


@dataclass(frozen=True)
class WaitForClock:
    slot: Slot


Decision = Wait | Start | Miss | WaitForClock


@dataclass
class Busy:
    """A span the controller spent on another broadcast."""

    start: dt.datetime
    end: dt.datetime
    title: str


class Scheduler:
    def __init__(self, policy: Policy, grace: dt.timedelta, started_at: dt.datetime) -> None:
        self.policy = policy
        self.grace = grace
        self.started_at = started_at
        self.schedule = Schedule([], [])
        self.window: Window | None = None
        self.busy: list[Busy] = []
        self.unsynced_spans: list[tuple[dt.datetime, dt.datetime]] = []
        self._unsynced_mono: float | None = None
        # slots that started before this are history: not aired, not logged as missed
        self.backfill_from: dt.datetime | None = None

    def rebuild(
        self, plans: list[Plan], durations: Mapping[str, float], now: dt.datetime
    ) -> Schedule:
        window = expansion_window(now)
        self.install(self.expand(plans, durations, window), window)
        return self.schedule

    def expand(
        self,
        plans: list[Plan],
        durations: Mapping[str, float],
        window: Window,
        budget: ExpansionBudget = DEFAULT_BUDGET,
    ) -> Schedule:
        """The schedule for ``window``; touches nothing of the scheduler (any thread)."""
        return build_schedule(plans, *window, durations, self.policy, budget=budget)

    def install(self, schedule: Schedule, window: Window) -> None:
        self.schedule = schedule
        self.window = window

    def needs_rebuild(self, now: dt.datetime) -> bool:
        return self.window is None or now + dt.timedelta(hours=12) > self.window[1]

    def note_busy(self, start: dt.datetime, end: dt.datetime, title: str) -> None:
        self.busy.append(Busy(start, end, title))
        self.busy = self.busy[-20:]

    def _missed_reason(self, slot: Slot, now: dt.datetime) -> str:
        for span in self.busy:
            if span.start <= slot.start + self.grace and slot.start <= span.end:
                return f"busy: another broadcast was on air ({span.title})"
        for begin, end in self.unsynced_spans:
            if begin <= slot.start + self.grace and slot.start <= end:
                return "clock not synchronised at slot time"
        if slot.start < self.started_at:
            return "the controller was not running at slot time (device off or restarting)"
        late = (now - slot.start).total_seconds()
        return f"too late to start ({late:.0f} s after the planned start)"

    def note_clock(self, synchronized: bool, now: dt.datetime, monotonic: float) -> None:
        """Track spans of unsynchronised time, measured on the monotonic clock.

        The wall clock is wrong while unsynchronised, so a span's start is worked out
        backwards from the first synchronised reading.
        """
        if not synchronized:
            if self._unsynced_mono is None:
                self._unsynced_mono = monotonic
            return
        if self._unsynced_mono is not None:
            start = now - dt.timedelta(seconds=monotonic - self._unsynced_mono)
            self.unsynced_spans.append((start, now))
            self.unsynced_spans = self.unsynced_spans[-20:]
            self._unsynced_mono = None

    def decide(self, now: dt.datetime, synchronized: bool, handled: set[str]) -> Decision:
        for slot in self.schedule.slots:
            if slot.key in handled:
                continue
            if slot.start > now:
                return Wait(slot.start)
            if not synchronized and slot.priority < Priority.EMERGENCY:
                # the time itself is in doubt: neither air nor write off ordinary slots
                return WaitForClock(slot)
            cutoff = self.backfill_from or self.started_at
            if slot.start < cutoff and slot.start + self.grace < now:
                continue
            late = (now - slot.start).total_seconds()
            remaining = (slot.end - now).total_seconds()
            on_time = late < 1.0
            if late <= self.grace.total_seconds() and (on_time or remaining >= MIN_REMAINING_S):
                return Start(slot, late)
            return Miss(slot, self._missed_reason(slot, now))
        return Wait(now + dt.timedelta(hours=1))

    def next_slot(self, now: dt.datetime, handled: set[str]) -> Slot | None:
        return next(
            (s for s in self.schedule.slots if s.start > now and s.key not in handled), None
        )
