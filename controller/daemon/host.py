"""The controller as the sync agent's host: the daemon's side of ``controller.sync.host``.

The agent reaches the relay, the broadcasts and the schedule only through these methods;
each is safe to call from the agent's threads and returns at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from controller.airing.keeper import ScheduleKeeper
from controller.airing.station import Station
from controller.gpio.relay import Relay
from village.clock import Clock
from village.plan import Policy, Priority
from village.store import ContentStore
from village.wire.status import LAST_BROADCAST_FIELDS


class ControllerHost:
    def __init__(
        self,
        store: ContentStore,
        station: Station,
        keeper: ScheduleKeeper,
        relay: Relay,
        clock: Clock,
        policy: Policy,
        *,
        state: Callable[[], str],
        wake: threading.Event,
    ) -> None:
        self.store = store
        self.station = station
        self.keeper = keeper
        self.relay = relay
        self.clock = clock
        self._policy = policy
        self._state = state
        self._wake = wake

    def device_status(self) -> dict[str, Any]:
        current = self.station.current
        last = self.station.last_record
        return {
            "state": self._state(),
            "relay": self.relay.is_on,
            "on_air": current.title if current else None,
            "clock_synchronized": self.clock.is_synchronized(),
            "content_revision": self.keeper.snapshot.revision,
            "last_broadcast": {k: last.get(k) for k in LAST_BROADCAST_FIELDS} if last else None,
        }

    def play_now(self, segments: list[str], priority: Priority, title: str) -> dict[str, Any]:
        return self.station.play_now(
            segments, priority=priority, trigger="hub", title=title, wait=False
        )

    def stop_broadcast(self, reason: str) -> bool:
        return self.station.stop(reason)

    def content_switched(self) -> None:
        self._wake.set()

    def media_in_use(self) -> set[str]:
        job = self.station.current
        return {item.path.name for item in job.items} if job else set()

    def policy(self) -> Policy:
        return self._policy

    def now(self) -> dt.datetime:
        return self.clock.now()
