"""What the sync agent needs from the device it runs in (the controller implements it in
``controller.daemon.host``; agent-only tests use a small host of their own).

The agent never touches the relay, the player or the scheduler itself: it asks the host.
Every method is safe to call from the agent's threads and returns at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from village.plan import Policy, Priority
from village.store import ContentStore


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
