"""The control channel's commands: what ``village status``, ``play-now``, ``stop`` and
``relay off`` ask the running controller (any thread; one JSON object in, one out)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from controller.airing.keeper import ScheduleKeeper
from controller.airing.scheduler import Scheduler
from controller.airing.station import Station
from controller.gpio.relay import Relay
from village.clock import Clock
from village.plan import Priority

Answer = dict[str, Any]
Request = dict[str, Any]


class ControlCommands:
    def __init__(
        self,
        *,
        device: str,
        clock: Clock,
        scheduler: Scheduler,
        keeper: ScheduleKeeper,
        station: Station,
        relay: Relay,
        wake: threading.Event,
        state: Callable[[], str],
        sync_summary: Callable[[], dict[str, Any] | None],
    ) -> None:
        self.device = device
        self.clock = clock
        self.scheduler = scheduler
        self.keeper = keeper
        self.station = station
        self.relay = relay
        self.wake = wake
        self.state = state
        self.sync_summary = sync_summary
        self._handlers: dict[str, Callable[[Request], Answer]] = {
            "status": lambda request: self.status(),
            "play-now": self._play_now,
            "stop": self._stop,
            "relay-off": self._relay_off,
            "reload": self._reload,
        }

    def handle(self, request: Request) -> Answer:
        cmd = request["cmd"]
        handler = self._handlers.get(cmd)
        if handler is None:
            return {"ok": False, "error": f"lệnh không hợp lệ: {cmd!r}"}
        return handler(request)

    def _play_now(self, request: Request) -> Answer:
        segments = request.get("segments") or []
        if not isinstance(segments, list) or not all(isinstance(s, str) for s in segments):
            return {"ok": False, "error": "danh sách bài phải là các mã bài"}
        unknown = self.keeper.unknown_segments(segments)
        if unknown:  # a segment just imported is known: the main loop reloads before it plays
            return {"ok": False, "error": f"không có bài: {', '.join(unknown)}"}
        priority = Priority.parse(request.get("priority", "ordinary"))
        return self.station.play_now(segments, priority=priority)

    def _stop(self, request: Request) -> Answer:
        return {"ok": True, "stopped": self.station.stop("stopped by operator")}

    def _relay_off(self, request: Request) -> Answer:
        self.station.stop("relay switched off by operator")
        self.relay.off()
        return {"ok": True, "confirmed": self.relay.off_confirmed}

    def _reload(self, request: Request) -> Answer:
        self.wake.set()
        return {"ok": True}

    def status(self) -> Answer:
        now = self.clock.now()
        keeper = self.keeper
        upcoming = self.scheduler.next_slot(now, self.station.handled)
        current = self.station.current
        return {
            "ok": True,
            "device": self.device,
            "state": self.state(),
            "relay": self.relay.is_on,
            "relay_guard": self._relay_guard(),
            "on_air": current.title if current else None,
            "clock_synchronized": self.clock.is_synchronized(),
            "now": now.isoformat(),
            "content_revision": keeper.snapshot.revision,
            "segments": len(keeper.snapshot.segments),
            "plans": len(keeper.plans),
            "schedule": {
                "state": keeper.state,
                "slots": len(self.scheduler.schedule.slots),
                "expansions_running": keeper.planner.running,
            },
            "quarantined": [q.to_json() for q in keeper.quarantined],
            "next_slot": upcoming.to_json() if upcoming else None,
            "last_broadcast": self.station.last_record,
            "sync": self.sync_summary(),
        }

    def _relay_guard(self) -> dict[str, Any]:
        trip = self.relay.last_trip
        return {
            "mode": self.relay.mode,
            "connected": self.relay.link.connected,
            "last_trip": trip.to_json() if trip else None,
        }
