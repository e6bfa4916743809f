"""The content the controller holds and the schedule in force.

The keeper re-reads the content store when it changes, has the plans expanded off the main
loop (``Planner``) and installs each finished schedule in the scheduler. A store that cannot
be read keeps the last good content on air; a plan that cannot be read is quarantined and
the others air.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from controller.airing.planner import Expanded, Planner, quarantine_summary
from controller.airing.scheduler import Scheduler, Window, expansion_window
from controller.audio.player import PlayItem, gain_for
from village.clock import Clock
from village.plan import DEFAULT_BUDGET, ExpansionBudget, Plan, Quarantined, Schedule
from village.store import ContentStore, Snapshot

log = logging.getLogger(__name__)

EXPANSION_RETRY_S = 60.0  # after an expansion that failed outright


class ScheduleKeeper:
    def __init__(
        self,
        store: ContentStore,
        scheduler: Scheduler,
        clock: Clock,
        *,
        target_lufs: float,
        max_gain_db: float,
        on_ready: Callable[[], None],
        budget: ExpansionBudget = DEFAULT_BUDGET,
    ) -> None:
        self.store = store
        self.scheduler = scheduler
        self.clock = clock
        self.target_lufs = target_lufs
        self.max_gain_db = max_gain_db
        self.budget = budget
        self.planner = Planner(on_done=on_ready)
        self.snapshot = Snapshot()
        self.plans: list[Plan] = []
        self.invalid_plans: list[Quarantined] = []  # refused by Plan.validate on reading
        self.quarantined: list[Quarantined] = []  # left out of the schedule in force
        self.state = "computing"  # of the schedule: computing, ready or failed
        self._retry_at: dt.datetime | None = None
        self._store_stamp: tuple[int, int] | None = None

    # -- reading and expanding -----------------------------------------------------------

    def reload(self, force: bool = False) -> bool:
        """Read the store if it changed and have it expanded; install a finished schedule.

        True if a schedule was installed by this call."""
        changed = self._store_changed()
        now = self.clock.now()
        if changed or force:
            if self._read_content():
                self._expand(now)
        elif self._rebuild_due(now):
            self._expand(now)
        return self.install_ready()

    def _store_changed(self) -> bool:
        try:
            stat = self.store.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_ino)
        except FileNotFoundError:
            stamp = (0, 0)
        if stamp == self._store_stamp:
            return False
        self._store_stamp = stamp
        return True

    def _rebuild_due(self, now: dt.datetime) -> bool:
        if not self.scheduler.needs_rebuild(now) or self.planner.busy:
            return False
        return self._retry_at is None or now >= self._retry_at

    def _read_content(self) -> bool:
        try:
            self.snapshot = self.store.snapshot()
        except Exception as exc:  # keep the last good content on air
            log.error("cannot read the content store, keeping the last good one: %s", exc)
            return False
        plans: list[Plan] = []
        invalid: list[Quarantined] = []
        for record in self.snapshot.plans.values():
            try:
                plans.append(Plan.from_dict(record))
            except Exception as exc:  # one bad plan never stops the others
                plan_id, title = str(record.get("id", "?")), str(record.get("title", ""))
                log.error("plan %s («%s») quarantined: %s", plan_id, title, exc)
                invalid.append(Quarantined(plan_id, title, str(exc)))
        self.plans, self.invalid_plans = plans, invalid
        return True

    def _expand(self, now: dt.datetime) -> None:
        """Expand the plans on the planner's thread; the main loop goes on meanwhile."""
        scheduler, budget = self.scheduler, self.budget
        plans, invalid = list(self.plans), list(self.invalid_plans)
        durations = {sid: s.duration_s for sid, s in self.snapshot.segments.items()}
        window = expansion_window(now)

        def expand() -> Schedule:
            schedule = scheduler.expand(plans, durations, window, budget)
            schedule.quarantined = invalid + schedule.quarantined
            return schedule

        self.state = "computing"
        self.planner.request(expand, self.snapshot.revision, window)

    def install_ready(self) -> bool:
        """Install the newest expansion if one has finished; True if one was."""
        done = self.planner.take()
        if done is None:
            return False
        if done.schedule is None:
            self.state = "failed"
            self._retry_at = self.clock.now() + dt.timedelta(seconds=EXPANSION_RETRY_S)
            return False
        self._install(done, done.schedule)
        return True

    def _install(self, done: Expanded, schedule: Schedule) -> None:
        window: Window = done.window
        self._retry_at = None
        self.scheduler.install(schedule, window)
        self.quarantined = schedule.quarantined
        self.state = "ready"
        log.info(
            "schedule: %d slot(s) in the next 2 days and past week, %d suppressed, "
            "%d plan(s) quarantined (content revision %d, %.2f s)",
            len(schedule.slots),
            len(schedule.suppressed),
            len(self.quarantined),
            done.revision,
            done.took_s,
        )
        if self.quarantined:
            log.error(
                "plan(s) left out of the schedule, the others air: %s",
                quarantine_summary(self.quarantined),
            )

    # -- what to play --------------------------------------------------------------------

    def items_for(self, segment_ids: Sequence[str]) -> tuple[PlayItem, ...]:
        """The segments to play, each with the gain that brings it to the common loudness;
        a segment the store lacks is skipped."""
        items = []
        for sid in segment_ids:
            segment = self.snapshot.segments.get(sid)
            if segment is None:
                log.warning("segment %s is not in the store; skipped", sid)
                continue
            gain = gain_for(segment.loudness_lufs, self.target_lufs, self.max_gain_db)
            items.append(
                PlayItem(
                    segment_id=sid,
                    title=segment.title,
                    path=self.store.media_path(segment.sha256),
                    gain_db=gain,
                    duration_s=segment.duration_s,
                )
            )
        return tuple(items)

    def unknown_segments(self, segment_ids: Sequence[str]) -> list[str]:
        """Of ``segment_ids``, those neither the content held nor the store has (a segment
        just imported is in the store before the next reload)."""
        unknown = [s for s in segment_ids if s not in self.snapshot.segments]
        if unknown:
            unknown = [s for s in unknown if s not in self.store.snapshot().segments]
        return unknown

    def status_line(self, state: str) -> str:
        """systemd's STATUS= line."""
        if self.state != "ready":
            return f"STATUS={state}; schedule {self.state}"
        line = f"STATUS={state}; {len(self.scheduler.schedule.slots)} slot(s) planned"
        if self.quarantined:
            line += f"; {len(self.quarantined)} plan(s) quarantined"
        return line
