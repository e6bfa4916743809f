"""The planned slots of every plan on every device, for the Schedule page.

Each device's plans and segments are its desired state (``commune.desired``); devices
holding the same plans and segments share one expansion (``village.plan.build_schedule``:
quiet hours, holidays, overlaps, make-up sessions and quarantined plans included), so 200
devices of one commune cost one or a few expansions. Each slot is then marked with what the
devices' play logs say of it (aired, partial, missed, or no record yet).

Expansions are cached by the hub's content version and the window; the marks for a window
are read once, then rebuilt in the background when older than ``MARKS_TTL_S`` seconds,
so no request but the first for a window waits for the logs.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commune.console.content.cache import RefreshingCache, SharedCache
from commune.desired import desired_state
from commune.repository import HubRepository
from village.plan import Policy, Quarantined, Schedule, Slot, build_schedule, read_plans

MARKS_TTL_S = 30.0
OUTCOMES = ("aired", "partial", "missed")


@dataclass(frozen=True)
class Holding:
    """What one device should hold for planning: its plans and its segments' lengths."""

    plans: tuple[dict[str, Any], ...]
    durations: tuple[tuple[str, float], ...]

    @property
    def fingerprint(self) -> str:
        text = json.dumps([self.plans, self.durations], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def holdings(repository: HubRepository) -> dict[str, Holding]:
    """Each registered device's plans and segment lengths, from the desired state."""
    entries = repository.entries()
    found = {}
    for device in repository.device_ids():
        items = desired_state(entries, device).items
        plans = tuple(items["plans"][key] for key in sorted(items["plans"]))
        durations = tuple(
            sorted((sid, float(r.get("duration_s") or 0)) for sid, r in items["segments"].items())
        )
        found[device] = Holding(plans, durations)
    return found


@dataclass(frozen=True)
class PlannedSlot:
    """One slot (or one slot not aired, with why) and the devices it concerns."""

    slot: Slot
    devices: tuple[str, ...]
    reason: str = ""  # why it is not aired ("" when it is planned to air)

    @property
    def key(self) -> str:
        return self.slot.key

    @property
    def suppressed(self) -> bool:
        return bool(self.reason)


@dataclass
class DeviceSchedules:
    """Every slot in a window, over the devices asked for."""

    begin: dt.datetime
    end: dt.datetime
    devices: list[str]
    slots: list[PlannedSlot] = field(default_factory=list)
    quarantined: list[tuple[Quarantined, tuple[str, ...]]] = field(default_factory=list)


def _expand(holding: Holding, begin: dt.datetime, end: dt.datetime, policy: Policy) -> Schedule:
    plans, refused = read_plans(holding.plans)
    schedule = build_schedule(plans, begin, end, dict(holding.durations), policy)
    schedule.quarantined = refused + schedule.quarantined
    return schedule


class _Merged:
    """Slots of several device groups, each slot (and each reason it is not aired) once,
    with every device it concerns."""

    def __init__(self) -> None:
        self._slots: dict[tuple[str, str], tuple[Slot, str]] = {}
        self._devices: dict[tuple[str, str], list[str]] = {}

    def _one(self, slot: Slot, reason: str, members: list[str]) -> None:
        key = (slot.key, reason)
        self._slots.setdefault(key, (slot, reason))
        self._devices.setdefault(key, []).extend(members)

    def add(self, schedule: Schedule, members: list[str]) -> None:
        for slot in schedule.slots:
            self._one(slot, "", members)
        for gone in schedule.suppressed:
            self._one(gone.slot, gone.reason, members)

    def slots(self) -> list[PlannedSlot]:
        found = [
            PlannedSlot(slot, tuple(sorted(self._devices[key])), reason)
            for key, (slot, reason) in self._slots.items()
        ]
        return sorted(found, key=lambda p: (p.slot.start, p.slot.plan_id, p.reason))


class ScheduleSource:
    """Expansions and marks of one hub, cached (one instance per hub folder)."""

    def __init__(self, repository: HubRepository, now: Callable[[], float] = time.time) -> None:
        self.repository = repository
        self._holdings: SharedCache[dict[str, Holding]] = SharedCache(4)
        self._schedules: SharedCache[Schedule] = SharedCache(64)
        self._marks: RefreshingCache[dict[str, dict[str, str]]] = RefreshingCache(MARKS_TTL_S, now)
        self._views: SharedCache[DeviceSchedules] = SharedCache(32)

    def _content_key(self) -> tuple[int, tuple[str, ...]]:
        """Changes whenever what a device should hold may have changed."""
        return self.repository.latest_version(), tuple(self.repository.device_ids())

    def holdings(self) -> dict[str, Holding]:
        return self._holdings.get(self._content_key(), lambda: holdings(self.repository))

    def schedules(
        self, begin: dt.datetime, end: dt.datetime, policy: Policy, devices: list[str]
    ) -> DeviceSchedules:
        """Every slot of the window over ``devices`` (built once per content and window)."""
        key = (self._content_key(), begin, end, policy, tuple(devices))
        return self._views.get(key, lambda: self._merge(begin, end, policy, devices))

    def _merge(
        self, begin: dt.datetime, end: dt.datetime, policy: Policy, devices: list[str]
    ) -> DeviceSchedules:
        held = self.holdings()
        chosen = [d for d in devices if d in held]
        groups: dict[str, list[str]] = {}
        for device in chosen:
            groups.setdefault(held[device].fingerprint, []).append(device)
        merged = _Merged()
        view = DeviceSchedules(begin, end, chosen)
        for fingerprint, members in groups.items():
            build = functools.partial(_expand, held[members[0]], begin, end, policy)
            schedule = self._schedules.get((fingerprint, begin, end, policy), build)
            merged.add(schedule, members)
            view.quarantined.extend((plan, tuple(members)) for plan in schedule.quarantined)
        view.slots = merged.slots()
        return view

    def marks(self, begin: dt.datetime, end: dt.datetime) -> dict[str, dict[str, str]]:
        """{slot key: {device: outcome}} from the play logs of the window (at most
        ``MARKS_TTL_S`` old: an older value is rebuilt in the background)."""

        def read() -> dict[str, dict[str, str]]:
            found: dict[str, dict[str, str]] = {}
            since = begin.astimezone(dt.UTC).isoformat()
            until = end.astimezone(dt.UTC).isoformat()
            for device, slot, outcome in self.repository.slot_outcomes(since, until):
                if outcome in OUTCOMES:
                    found.setdefault(slot, {})[device] = outcome
            return found

        return self._marks.get((begin, end), read)


def tally(marks: Mapping[str, str], devices: Iterable[str]) -> Counter[str]:
    """How many of ``devices`` logged each outcome for a slot."""
    return Counter(marks[d] for d in devices if d in marks)


_SOURCES: dict[Path, ScheduleSource] = {}


def source_for(
    root: Path, repository: HubRepository, now: Callable[[], float] = time.time
) -> ScheduleSource:
    """The cached source of the hub in ``root`` (one hub per process; tests open several)."""
    found = _SOURCES.get(root)
    if found is None or found.repository is not repository:
        found = ScheduleSource(repository, now)
        _SOURCES.clear()
        _SOURCES[root] = found
    return found
