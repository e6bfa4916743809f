"""Sessions that fall on a holiday, made up on the next free day at the same hour.

A plan whose make-up rule is ``next-free-day`` does not lose a session to a holiday: the
session moves to the first later day, at the same local hour, that is not a holiday, keeps
clear of quiet hours and of every other slot, and is still inside the plan's dates; at
most ``MAKEUP_DAYS`` days later, or it is dropped with the reason. The moved slot keeps
its place in the rotation and says where it came from (``Slot.moved_from``).

The search looks at slots on both sides of the window asked for (``makeup_margins``), so
a session moved into the window from before it is found, and the result is the same
whatever window the controller, ``village plan`` or the report asks for.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from village.plan import Plan, Policy, Slot

MAKEUP_DAYS = 14
# a plan's make-up rule (Plan.makeup), and why a slot moved (Slot.moved_reason); village.plan
# gives them too (defined here so that this module never imports it while it runs)
MAKEUP_SKIP, MAKEUP_NEXT_FREE_DAY = "skip", "next-free-day"
MOVED_BY_CALENDAR, MOVED_FOR_HOLIDAY = "rescheduled", "holiday"


class Timeline:
    """Kept slots in time order (never overlapping), to find a conflict in O(log n)."""

    def __init__(self) -> None:
        self.slots: list[Slot] = []
        self.ends: list[dt.datetime] = []

    def conflict(self, start: dt.datetime, end: dt.datetime) -> Slot | None:
        """The earliest kept slot that overlaps [start, end)."""
        at = bisect.bisect_right(self.ends, start)
        if at < len(self.slots) and self.slots[at].start < end:
            return self.slots[at]
        return None

    def add(self, slot: Slot) -> None:
        at = bisect.bisect_right(self.ends, slot.end)
        self.slots.insert(at, slot)
        self.ends.insert(at, slot.end)


def makeup_margins(plans: Iterable[Plan], policy: Policy) -> tuple[dt.timedelta, dt.timedelta]:
    """How far before and after a window the plans must be expanded to make sessions up."""
    if not policy.holidays or not any(p.makeup == MAKEUP_NEXT_FREE_DAY for p in plans):
        return dt.timedelta(), dt.timedelta()
    return dt.timedelta(days=2 * MAKEUP_DAYS), dt.timedelta(days=1)


def free_day(slot: Slot, plan: Plan, kept: Timeline, policy: Policy) -> dt.datetime | None:
    """The start of the session made up on the next free day, if there is one."""
    local = slot.start.astimezone(policy.zone)
    length = slot.end - slot.start
    for days in range(1, MAKEUP_DAYS + 1):
        wall = dt.datetime.combine(local.date() + dt.timedelta(days=days), local.timetz())
        start = wall.astimezone(dt.UTC)
        end = start + length
        last = plan.last_day
        if not plan.in_window(start) or (
            last and start.astimezone(plan.zone).date().isoformat() > last
        ):
            return None  # past the plan's last day
        if policy.is_holiday(start) or policy.in_quiet_hours(start, end):
            continue
        if kept.conflict(start, end) is None:
            return start
    return None


def make_up(
    on_holidays: list[tuple[Slot, Plan]], kept: Timeline, policy: Policy
) -> list[tuple[Slot, str]]:
    """Move each holiday session (earliest first) into ``kept``; what cannot move is returned
    with the reason."""
    dropped: list[tuple[Slot, str]] = []
    for slot, plan in sorted(on_holidays, key=lambda pair: (pair[0].start, pair[0].plan_id)):
        start = free_day(slot, plan, kept, policy)
        if start is None:
            dropped.append((slot, f"holiday (no free day within {MAKEUP_DAYS} days)"))
            continue
        moved = dataclasses.replace(
            slot,
            start=start,
            end=start + (slot.end - slot.start),
            moved_from=slot.moved_from or slot.start,
            moved_reason=MOVED_FOR_HOLIDAY,
        )
        kept.add(moved)
    return dropped
