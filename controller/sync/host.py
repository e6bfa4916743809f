"""What the sync agent needs from the device it runs in, and the controller's side of it.

The agent never touches the relay, the player or the scheduler itself: it asks the host.
Every method is safe to call from the agent's threads and returns at once.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

from village.plan import Policy, Priority
from village.store import ContentStore

if TYPE_CHECKING:
    from controller.daemon import Controller

LAST_BROADCAST_FIELDS = (
    "id",
    "title",
    "outcome",
    "reason",
    "priority",
    "trigger",
    "planned_start",
    "relay_on",
    "relay_off",
)


class DeviceHost(Protocol):
    store: ContentStore

    def device_status(self) -> dict[str, Any]:
        """``relay``, ``on_air``, ``state``, ``clock_synchronized``, ``last_broadcast``."""

    def play_now(self, segments: list[str], priority: Priority, title: str) -> dict[str, Any]:
        """Queue an immediate broadcast; ``{"ok": False, "error": …}`` if it cannot."""

    def stop_broadcast(self, reason: str) -> bool:
        """Stop what is on air; False if nothing is."""

    def content_switched(self) -> None:
        """The store holds a new content version: reload it."""

    def media_in_use(self) -> set[str]:
        """SHA-256 of the media the broadcast on air is playing (never deleted under it)."""

    def policy(self) -> Policy:
        """Quiet hours and holidays, for immediate broadcasts of ordinary and priority level."""

    def now(self) -> dt.datetime:
        """The device's clock (injected in tests)."""


class ControllerHost:
    """The controller as the agent's host."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller
        self.store = controller.store

    def device_status(self) -> dict[str, Any]:
        c = self.controller
        current = c.broadcaster.current if c.broadcaster else None
        last = c.last_record or None
        return {
            "state": c.state,
            "relay": bool(c.relay and c.relay.is_on),
            "on_air": current.title if current else None,
            "clock_synchronized": c.clock.is_synchronized(),
            "content_revision": c.snapshot.revision,
            "last_broadcast": {k: last.get(k) for k in LAST_BROADCAST_FIELDS} if last else None,
        }

    def play_now(self, segments: list[str], priority: Priority, title: str) -> dict[str, Any]:
        return self.controller.play_now(
            segments, priority=priority, trigger="hub", title=title, wait=False
        )

    def stop_broadcast(self, reason: str) -> bool:
        broadcaster = self.controller.broadcaster
        return bool(broadcaster and broadcaster.stop(reason))

    def content_switched(self) -> None:
        self.controller.wake.set()

    def media_in_use(self) -> set[str]:
        broadcaster = self.controller.broadcaster
        job = broadcaster.current if broadcaster else None
        return {item.path.name for item in job.items} if job else set()

    def policy(self) -> Policy:
        schedule = self.controller.config.schedule
        return Policy(
            timezone=schedule.timezone,
            quiet_hours=schedule.quiet_hours,
            holidays=tuple(schedule.holidays),
        )

    def now(self) -> dt.datetime:
        return self.controller.clock.now()
