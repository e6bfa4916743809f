"""The station: airs scheduled slots and immediate requests one broadcast at a time, and logs
each broadcast (aired, partial or missed) in the play log.

Slots are aired by the main loop's thread; an immediate broadcast (``village play-now``, the
button, the hub) is queued from any thread and aired by the main loop at its next turn.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from controller.airing.broadcast import Broadcaster, Job, missed_record
from controller.airing.keeper import ScheduleKeeper
from controller.airing.scheduler import Scheduler
from controller.gpio.indicators import StatusLed
from village.clock import Clock
from village.plan import Priority, Slot
from village.playlog import PlayLog
from village.systemd import Watchdog, notify

log = logging.getLogger(__name__)

Step = Callable[[str, dict[str, Any]], None]
Answer = dict[str, Any]
MANUAL_DEFAULT_MINUTES = 15.0
MANUAL_TITLE = "Phát thanh trực tiếp"
REPLY_WAIT_S = 30.0


@dataclass
class ManualRequest:
    segments: list[str]
    priority: Priority
    trigger: str
    title: str
    reply: queue.Queue[Answer] = field(default_factory=queue.Queue)


class Station:
    def __init__(
        self,
        broadcaster: Broadcaster,
        scheduler: Scheduler,
        keeper: ScheduleKeeper,
        playlog: PlayLog,
        clock: Clock,
        *,
        device: str,
        max_on_s: float,
        led: StatusLed,
        watchdog: Watchdog,
        wake: threading.Event,
        on_step: Step,
    ) -> None:
        self.broadcaster = broadcaster
        self.scheduler = scheduler
        self.keeper = keeper
        self.playlog = playlog
        self.clock = clock
        self.device = device
        self.max_on_s = max_on_s
        self.led = led
        self.watchdog = watchdog
        self.wake = wake
        self.on_step = on_step
        self.requests: queue.Queue[ManualRequest] = queue.Queue()
        self.handled: set[str] = set()  # slot keys aired or logged missed
        self.last_record: dict[str, Any] | None = None
        self.state = "idle"  # idle, on air, waiting for clock

    def load_history(self, records: list[dict[str, Any]]) -> None:
        """What the play log says was handled already (a restart airs no slot twice)."""
        self.handled = {r["slot"] for r in records if r.get("slot")}
        self.last_record = records[-1] if records else None

    @property
    def current(self) -> Job | None:
        """The broadcast on air, if any."""
        return self.broadcaster.current

    def stop(self, reason: str) -> bool:
        """End the broadcast on air (it fades out); False if none is on air."""
        return self.broadcaster.stop(reason)

    # -- immediate broadcasts (any thread) --------------------------------------------------

    def play_now(
        self,
        segments: list[str],
        *,
        priority: Priority = Priority.ORDINARY,
        trigger: str = "manual",
        title: str = MANUAL_TITLE,
        wait: bool = True,
    ) -> Answer:
        current = self.current
        if current is not None:
            if priority <= current.priority:
                return {"ok": False, "error": f"đang bận: đang phát «{current.title}»"}
            self.stop(f"interrupted by {priority.label} broadcast")
        request = ManualRequest(list(segments), priority, trigger, title)
        self.requests.put(request)
        self.wake.set()
        if not wait:
            return {"ok": True}
        try:
            return request.reply.get(timeout=REPLY_WAIT_S)
        except queue.Empty:
            return {"ok": False, "error": "bộ điều khiển không kịp bắt đầu buổi phát"}

    def button_pressed(self) -> None:
        if self.current is not None:
            self.stop("stopped with the button")
        else:
            self.play_now([], trigger="button", wait=False)

    # -- the main loop's side ---------------------------------------------------------------

    def serve_requests(self, shutdown: threading.Event) -> None:
        """Air the queued immediate broadcasts, one after the other."""
        while not shutdown.is_set():
            try:
                request = self.requests.get_nowait()
            except queue.Empty:
                return
            self.air_manual(request)

    def air_slot(self, slot: Slot) -> None:
        job = Job(
            title=slot.title,
            items=self.keeper.items_for(slot.segments),
            priority=slot.priority,
            trigger="schedule",
            slot=slot.key,
            plan_id=slot.plan_id,
            planned_start=slot.start,
            planned_end=slot.end,
            content_revision=self.keeper.snapshot.revision,
        )
        self._air(job)

    def air_manual(self, request: ManualRequest) -> None:
        ids = request.segments or self._default_manual_segments()
        items = self.keeper.items_for(ids)
        if not items:
            request.reply.put({"ok": False, "error": "không có bài này trong kho nội dung"})
            return
        now = self.clock.now()
        job = Job(
            title=request.title,
            items=items,
            priority=request.priority,
            trigger=request.trigger,
            planned_start=now,
            planned_end=now + self._manual_limit(),
            content_revision=self.keeper.snapshot.revision,
        )
        request.reply.put({"ok": True, "segments": [i.segment_id for i in items]})
        self._air(job)

    def _manual_limit(self) -> dt.timedelta:
        """An immediate broadcast ends by itself (fade, tail, relay off) before the relay
        guard's hard limit."""
        max_on_s = self.max_on_s
        margin = min(2.0, 0.1 * max_on_s)
        return dt.timedelta(seconds=min(MANUAL_DEFAULT_MINUTES * 4 * 60, max_on_s - margin))

    def _default_manual_segments(self) -> list[str]:
        upcoming = self.scheduler.next_slot(self.clock.now(), self.handled)
        if upcoming and upcoming.segments:
            return list(upcoming.segments)
        return list(self.keeper.snapshot.segments)

    def _air(self, job: Job) -> None:
        self.state = "on air"
        self.led.on_air()
        notify(f"STATUS=on air: {job.title}")
        started = self.clock.now()
        self.watchdog.busy.set()  # the relay's own guard bounds a broadcast
        try:
            record = self.broadcaster.run(job)
        finally:
            self.watchdog.busy.clear()
            self.watchdog.beat()
        self.scheduler.note_busy(started, self.clock.now(), job.title)
        self.log_record(record)
        self.broadcaster.clear_marker()
        self.state = "idle"
        self.led.idle()
        notify(f"STATUS=idle; last broadcast {record['outcome']}")

    def log_missed(self, slot: Slot, reason: str) -> None:
        job = Job(
            title=slot.title,
            items=(),
            priority=slot.priority,
            slot=slot.key,
            plan_id=slot.plan_id,
            planned_start=slot.start,
            planned_end=slot.end,
            content_revision=self.keeper.snapshot.revision,
        )
        record = missed_record(job, reason, self.device)
        log.warning("slot %s missed: %s", slot.key, reason)
        self.on_step("missed", {"at": self.clock.now(), "slot": slot, "reason": reason})
        self.log_record(record)

    def log_record(self, record: dict[str, Any]) -> None:
        try:
            self.playlog.append(record)
        except Exception as exc:  # a full disk must not stop the broadcasts
            log.error("play log not written (%s): %s", exc, json.dumps(record)[:400])
        if record.get("slot"):
            self.handled.add(record["slot"])
        self.last_record = record
        self.on_step("logged", {"at": self.clock.now(), "record": record})
