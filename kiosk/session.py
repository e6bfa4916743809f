"""What the kiosk decides without a window: idle return, attract loop, screen power outside
opening hours, when a search counts as done, the staff PIN, and whether clips must be muted.
Every decision takes time from an injected clock so tests need not wait.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOME = "home"
ATTRACT = "attract"


class IdleTimer:
    """Counts time since the last touch (a playing clip counts as being used)."""

    def __init__(
        self, monotonic: Callable[[], float], idle_return_s: float, attract_after_s: float
    ) -> None:
        self.monotonic = monotonic
        self.idle_return_s = idle_return_s
        self.attract_after_s = max(attract_after_s, idle_return_s)
        self.last_touch = monotonic()
        self.busy = False

    def touched(self) -> None:
        self.last_touch = self.monotonic()

    def set_busy(self, busy: bool) -> None:
        """While busy (a clip plays) the kiosk is in use; idle time restarts when it ends."""
        if self.busy and not busy:
            self.touched()
        self.busy = busy

    def idle_s(self) -> float:
        return 0.0 if self.busy else self.monotonic() - self.last_touch

    def due(self, screen: str) -> str | None:
        """HOME or ATTRACT when it is time to go there from ``screen``; else None."""
        idle = self.idle_s()
        if screen == ATTRACT:
            return None
        if idle >= self.attract_after_s:
            return ATTRACT
        if screen != HOME and idle >= self.idle_return_s:
            return HOME
        return None


class ScreenPower:
    """'on', 'dim' or 'blank': outside opening hours the screen rests until touched."""

    def __init__(self, mode: str, idle: IdleTimer) -> None:
        self.mode = mode  # dim | blank | on (from the config's outside_hours)
        self.idle = idle
        self.woken = False

    def touched(self, is_open: bool) -> None:
        self.woken = not is_open

    def state(self, is_open: bool) -> str:
        if is_open or self.mode == "on":
            self.woken = False
            return "on"
        if self.woken and self.idle.idle_s() < self.idle.idle_return_s:
            return "on"
        self.woken = False
        return self.mode


@dataclass
class PendingSearch:
    query: str = ""
    results: int = 0


class SearchTracker:
    """A search counts once the citizen is done with it: a result opened, or the search
    screen left with words typed. Each keystroke is not a search."""

    def __init__(self, record: Callable[[str, int], None]) -> None:
        self.record = record
        self.pending = PendingSearch()

    def typed(self, query: str, results: int) -> None:
        self.pending = PendingSearch(query, results)

    def done(self) -> None:
        if self.pending.query.strip():
            self.record(self.pending.query, self.pending.results)
        self.pending = PendingSearch()


class PinGate:
    """Checks the staff PIN; too many wrong tries lock it for a while."""

    def __init__(
        self,
        pin: str,
        monotonic: Callable[[], float],
        max_attempts: int = 5,
        lockout_s: float = 60.0,
    ) -> None:
        self.pin = pin
        self.monotonic = monotonic
        self.max_attempts = max_attempts
        self.lockout_s = lockout_s
        self.failures = 0
        self.locked_until = 0.0

    @property
    def enabled(self) -> bool:
        return bool(self.pin)

    def locked(self) -> bool:
        return self.monotonic() < self.locked_until

    def check(self, attempt: str) -> bool:
        if not self.enabled or self.locked():
            return False
        if attempt == self.pin:
            self.failures = 0
            return True
        self.failures += 1
        if self.failures >= self.max_attempts:
            self.failures = 0
            self.locked_until = self.monotonic() + self.lockout_s
        return False


def read_broadcast_state(path: Path) -> dict[str, Any]:
    """The controller's runtime state (``state.json``); relay off when absent or stale."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"relay": False}
    if not isinstance(state, dict):
        return {"relay": False}
    pid = state.get("pid")
    if state.get("relay") and isinstance(pid, int) and pid > 0:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            # the controller is gone, and it switches the relay off on every way out
            return {**state, "relay": False}
        except PermissionError:
            pass
    return state


def clips_muted(shares_broadcast_output: bool, state: dict[str, Any]) -> bool:
    """Mute when the kiosk's speakers share the broadcast output and the relay is on."""
    return bool(shares_broadcast_output and state.get("relay"))
