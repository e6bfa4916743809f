"""The controller's main loop: content re-read, immediate broadcasts served, leftovers swept,
then the scheduler's decision carried out (air a slot, log it missed, or wait).

Waits go through the injected clock and end early when ``wake`` is set (a command, a new
content version, a finished expansion, a stop request).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

from controller.airing.keeper import ScheduleKeeper
from controller.airing.scheduler import Decision, Miss, Scheduler, Start, Wait, WaitForClock
from controller.airing.station import Station
from controller.daemon.cleanup import Sweeper
from controller.gpio.indicators import StatusLed
from village.clock import Clock
from village.systemd import Watchdog

log = logging.getLogger(__name__)

Step = Callable[[str, dict[str, Any]], None]
IDLE_RECHECK_S = 30.0
CLOCK_RECHECK_S = 5.0
WAITING_FOR_CLOCK = "waiting for clock"


class MainLoop:
    def __init__(
        self,
        *,
        clock: Clock,
        scheduler: Scheduler,
        keeper: ScheduleKeeper,
        station: Station,
        sweeper: Sweeper,
        led: StatusLed,
        watchdog: Watchdog,
        shutdown: threading.Event,
        wake: threading.Event,
        on_step: Step,
        on_schedule: Callable[[], None],
    ) -> None:
        self.clock = clock
        self.scheduler = scheduler
        self.keeper = keeper
        self.station = station
        self.sweeper = sweeper
        self.led = led
        self.watchdog = watchdog
        self.shutdown = shutdown
        self.wake = wake
        self.on_step = on_step
        self.on_schedule = on_schedule  # a new schedule was installed
        self._start_mono = clock.monotonic()
        self._start_time_known = False
        self._clock_wait_logged = False

    def run(self) -> None:
        """Until ``shutdown`` is set."""
        while not self.shutdown.is_set():
            self.turn()

    def turn(self) -> None:
        self.watchdog.beat()
        if self.keeper.reload():
            self.on_schedule()
        self.station.serve_requests(self.shutdown)
        self.sweeper.sweep_if_due()  # between broadcasts only
        if self.shutdown.is_set():
            return
        now = self.clock.now()
        synced = self.clock.is_synchronized()
        self._note_clock(synced, now)
        decision = self.scheduler.decide(now, synced, self.station.handled)
        self._carry_out(decision, now)

    def _note_clock(self, synced: bool, now: dt.datetime) -> None:
        self.scheduler.note_clock(synced, now, self.clock.monotonic())
        if synced and not self._start_time_known:
            # the start time read at launch may predate clock sync: work it out again
            elapsed = self.clock.monotonic() - self._start_mono
            self.scheduler.started_at = now - dt.timedelta(seconds=elapsed)
            self._start_time_known = True

    def _carry_out(self, decision: Decision, now: dt.datetime) -> None:
        if isinstance(decision, Start):
            self._clock_wait_logged = False
            self.station.air_slot(decision.slot)
        elif isinstance(decision, Miss):
            self.station.log_missed(decision.slot, decision.reason)
        elif isinstance(decision, WaitForClock):
            self._wait_for_clock(decision, now)
        else:
            self._wait(decision, now)

    def _wait_for_clock(self, decision: WaitForClock, now: dt.datetime) -> None:
        if not self._clock_wait_logged:
            log.warning("clock not synchronised: holding slot %s until it is", decision.slot.key)
            self.on_step("clock-wait", {"at": now, "slot": decision.slot})
            self._clock_wait_logged = True
        self.station.state = WAITING_FOR_CLOCK
        self.led.attention()
        self.clock.wait(CLOCK_RECHECK_S, self.wake)
        self.wake.clear()

    def _wait(self, decision: Wait, now: dt.datetime) -> None:
        if self.station.state == WAITING_FOR_CLOCK:
            log.info("clock synchronised")
        self.station.state = "idle"
        self.led.idle()
        until = min(decision.until, now + dt.timedelta(seconds=IDLE_RECHECK_S))
        self.clock.wait_until(until, self.wake)
        self.wake.clear()
