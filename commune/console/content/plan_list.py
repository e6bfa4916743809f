"""The plans the devices hold (their desired state), each with how many devices hold it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from commune.console.content.plan_form import describe
from commune.console.content.schedule_data import Holding
from village.plan import read_plans


@dataclass(frozen=True)
class PlanRow:
    id: str
    title: str
    when: str
    priority: str
    window_start: str
    window_end: str
    calendar: str  # the calendar file it came from ("" if made in the console)
    devices: int
    enabled: bool


def held_plans(
    held: dict[str, Holding], devices: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Every plan record the devices (all, or those named) hold, by id."""
    found: dict[str, dict[str, Any]] = {}
    for device, holding in held.items():
        if devices is None or device in devices:
            found.update({str(r.get("id")): r for r in holding.plans})
    return found


def plan_rows(held: dict[str, Holding]) -> list[PlanRow]:
    counts: dict[str, int] = {}
    for holding in held.values():
        for record in holding.plans:
            counts[str(record.get("id"))] = counts.get(str(record.get("id")), 0) + 1
    plans, _ = read_plans(held_plans(held).values())
    rows = [
        PlanRow(
            p.id,
            p.title,
            describe(p),
            p.priority,
            p.window_start,
            p.window_end,
            p.calendar,
            counts.get(p.id, 0),
            p.enabled,
        )
        for p in plans
    ]
    return sorted(rows, key=lambda r: (r.title.lower(), r.id))
