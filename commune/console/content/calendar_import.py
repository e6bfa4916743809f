"""A calendar file (.ics) imported from the console: shown first (the push's dry run: plans
added, replaced, removed, unchanged, and the first slots), then pushed to the devices.

The file keeps the name staff gave it while it is read, because a calendar known only by
its file name is recognised by that name when it is imported again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from commune.console.content.place import staged_files
from commune.console.content.staging import Staged
from commune.console.context import Console
from commune.push import PushResult, preview_plans, push_plans
from village.plan import Policy, Slot
from village.plan_import import CalendarChanges, first_slots

KIND = "calendar"


@dataclass(frozen=True)
class CalendarPreview:
    changes: CalendarChanges
    slots: list[Slot]
    upcoming: (
        bool  # the slots are the next ones (False: the plans have none left, these are their first)
    )


def preview(console: Console, staged: Staged, devices: Sequence[str]) -> CalendarPreview:
    """What pushing the calendar to ``devices`` (none: all) would change; raises PlanError."""
    hub = console.hub
    timezone = console.config.schedule.timezone
    with staged_files(console).under_its_name(staged, "lich") as path:
        changes = preview_plans(hub, path, timezone, devices=devices)
    durations = {sid: s.duration_s for sid, s in hub.library.snapshot().segments.items()}
    policy = Policy.from_config(console.config)
    slots, upcoming = first_slots(changes.plans, policy, durations, console.now(), count=8)
    return CalendarPreview(changes, slots, upcoming)


def publish(console: Console, staged: Staged, devices: Sequence[str]) -> PushResult:
    with staged_files(console).under_its_name(staged, "lich") as path:
        return push_plans(console.hub, path, console.config.schedule.timezone, devices=devices)


def when(slot: Slot, policy_zone: dt.tzinfo) -> str:
    start = slot.start.astimezone(policy_zone)
    return f"{start:%d/%m/%Y %H:%M}–{slot.end.astimezone(policy_zone):%H:%M}"
