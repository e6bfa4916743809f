"""Importing a calendar: what it changes in the plans, shown first, then applied at once.

Staff re-export the same calendar after editing it and import it again; the new export
must replace what that calendar gave before. Every imported plan carries its calendar
(``Plan.source``, see ``village.ics.CalendarSource``), so an import compares the file's
plans with the plans of that calendar: added, replaced (same UID, changed), unchanged,
and removed (in the store from that calendar, no longer in the file). Plans of other
calendars, and plans imported before calendars were recorded, are never removed.

``preview`` works on a snapshot and changes nothing (``--dry-run``); ``import_calendar``
applies the same comparison inside one store transaction, writing the plans table once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from village.ics import CalendarSource, ParsedCalendar, read_calendar
from village.plan import PLAN_DEFAULTS, Plan, Policy, Slot, build_schedule
from village.store import ContentStore

_IDENTITY_FIELDS = ("source", "calendar")


@dataclass
class CalendarChanges:
    """What importing one calendar does to a set of plans."""

    source: CalendarSource
    file: str
    plans: list[Plan] = field(default_factory=list)  # every plan of the file, in its order
    added: list[Plan] = field(default_factory=list)
    replaced: list[Plan] = field(default_factory=list)
    unchanged: list[Plan] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)  # the stored records
    notes: list[str] = field(default_factory=list)

    @property
    def removed_ids(self) -> list[str]:
        return [str(r.get("id")) for r in self.removed]


def _comparable(record: Mapping[str, Any]) -> dict[str, Any]:
    """A stored plan with every field (older records lack the newer ones), without its
    calendar fields."""
    values = {**PLAN_DEFAULTS, **record}
    return {k: v for k, v in values.items() if k not in _IDENTITY_FIELDS}


def _adopted_source(
    parsed: ParsedCalendar, existing: Mapping[str, Mapping[str, Any]]
) -> CalendarSource:
    """A calendar known only by its file name takes the identity of an earlier import that
    holds the most of its UIDs (staff renamed the file between two exports)."""
    if parsed.source.by != "file":
        return parsed.source
    ids = {p.id for p in parsed.plans}
    counts: dict[tuple[str, str], int] = {}
    for record in existing.values():
        source = str(record.get("source") or "")
        if source and record.get("id") in ids:
            key = (source, str(record.get("calendar") or ""))
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return parsed.source
    (source, name), _ = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return CalendarSource(source, name or parsed.source.name, "uid")


def compare(
    parsed: ParsedCalendar, existing: Mapping[str, Mapping[str, Any]], file: str = ""
) -> CalendarChanges:
    """What importing ``parsed`` over the plans ``existing`` (id -> record) would do."""
    source = _adopted_source(parsed, existing)
    plans = [dataclasses.replace(p, source=source.id, calendar=source.name) for p in parsed.plans]
    changes = CalendarChanges(source, file, plans=plans, notes=list(parsed.notes))
    for plan in plans:
        old = existing.get(plan.id)
        if old is None:
            changes.added.append(plan)
        elif _comparable(old) == _comparable(plan.to_dict()):
            changes.unchanged.append(plan)
        else:
            changes.replaced.append(plan)
    ids = {p.id for p in plans}
    changes.removed = [
        dict(record)
        for key, record in existing.items()
        if record.get("source") == source.id and key not in ids
    ]
    return changes


def apply(records: Iterable[Mapping[str, Any]], changes: CalendarChanges) -> list[dict[str, Any]]:
    """The plans table after the import: removed plans gone, the file's plans written."""
    gone = set(changes.removed_ids)
    new = {p.id: p.to_dict() for p in changes.plans}
    table: list[dict[str, Any]] = []
    for record in records:
        key = record.get("id")
        if key in gone:
            continue
        table.append(new.pop(key) if key in new else dict(record))
    table.extend(new.values())
    return table


def preview(store: ContentStore, path: str | Path, timezone: str) -> CalendarChanges:
    """What importing the file would change; the store is only read."""
    parsed = read_calendar(path, timezone)
    return compare(parsed, store.snapshot().plans, Path(path).name)


def import_calendar(store: ContentStore, path: str | Path, timezone: str) -> CalendarChanges:
    """Import the file: the whole file is checked first, then the plans table is written once."""
    return import_parsed(store, read_calendar(path, timezone), Path(path).name)


def import_parsed(store: ContentStore, parsed: ParsedCalendar, file: str) -> CalendarChanges:
    with store.transaction() as tables:
        current = tables.all("plans")
        changes = compare(parsed, {str(r.get("id")): r for r in current}, file)
        tables.replace_all("plans", apply(current, changes))
    return changes


def first_slots(
    plans: Iterable[Plan],
    policy: Policy,
    durations: Mapping[str, float],
    now: dt.datetime,
    count: int = 5,
) -> tuple[list[Slot], bool]:
    """``(slots, upcoming)``: the next ``count`` slots of the plans from ``now`` within a
    year, or, when they have none left, their first slots (``upcoming`` False)."""
    plans = [p for p in plans if p.enabled]
    if not plans:
        return [], True
    found = _slots_from(plans, policy, durations, now, count)
    if found:
        return found, True
    earliest = min(_first_day(p) for p in plans)
    return _slots_from(plans, policy, durations, earliest, count), False


def _first_day(plan: Plan) -> dt.datetime:
    start = dt.datetime.fromisoformat(plan.dtstart).replace(tzinfo=plan.zone)
    moved = [
        dt.datetime.fromisoformat(o.start).replace(tzinfo=plan.zone)
        for o in plan.overrides
        if o.start
    ]
    return min([start, *moved]) - dt.timedelta(days=1)


def _slots_from(
    plans: list[Plan],
    policy: Policy,
    durations: Mapping[str, float],
    begin: dt.datetime,
    count: int,
) -> list[Slot]:
    found: list[Slot] = []
    span = dt.timedelta(days=31)
    for step in range(12):
        window = (begin + span * step, begin + span * (step + 1))
        first_day = (window[0] - dt.timedelta(days=1)).date().isoformat()
        live = [p for p in plans if not p.last_day or p.last_day >= first_day]
        if not live:
            break
        found += build_schedule(live, *window, durations, policy).slots
        if len(found) >= count:
            break
    return found[:count]


# --- what staff read ---------------------------------------------------------------------------


def slot_line(slot: Slot, zone: Any) -> str:
    """One slot as ``village plan`` prints it, with where it was moved from."""
    from village.messages import say

    start = slot.start.astimezone(zone)
    line = (
        f"{start:%Y-%m-%d %a %H:%M}–{slot.end.astimezone(zone):%H:%M}  "
        f"{slot.priority.label:<9} {slot.title}: {', '.join(slot.segments)}"
    )
    if slot.moved_from is not None:
        reason = say(f"moved_{slot.moved_reason or 'rescheduled'}")
        line += say(
            "slot_moved",
            start=f"{slot.moved_from.astimezone(zone):%Y-%m-%d %a %H:%M}",
            reason=reason,
        )
    return line


def describe_changes(
    changes: CalendarChanges, slots: list[Slot], upcoming: bool, zone: Any
) -> list[str]:
    """The lines that tell staff what an import changes (or would change)."""
    from village.messages import say

    lines = [
        say(
            "plan_changes",
            calendar=changes.source.name,
            file=changes.file,
            added=len(changes.added),
            replaced=len(changes.replaced),
            removed=len(changes.removed),
            unchanged=len(changes.unchanged),
        )
    ]
    kinds = {id(p): "plan_added" for p in changes.added}
    kinds.update({id(p): "plan_replaced" for p in changes.replaced})
    for plan in changes.plans:
        key = kinds.get(id(plan), "plan_unchanged")
        lines.append(
            say(
                key,
                id=plan.id,
                title=plan.title,
                slot_minutes=plan.slot_minutes,
                priority=plan.priority,
            )
        )
    for record in changes.removed:
        lines.append(say("plan_removed", id=record.get("id"), title=record.get("title", "")))
    lines.extend(say("plan_note", note=note) for note in changes.notes)
    if not slots:
        lines.append(say("plan_no_slots"))
        return lines
    lines.append(say("plan_first_slots" if upcoming else "plan_first_slots_past"))
    lines.extend("  " + slot_line(slot, zone) for slot in slots)
    return lines
