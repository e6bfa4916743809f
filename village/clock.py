"""Time, injected: the system clock in production, a settable clock in tests.

``wait_until`` sleeps on an ``Event`` so a stop request wakes it at once; the last few
milliseconds are slept in short steps so a broadcast starts within a millisecond or two of
its planned time.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import threading
import time
from pathlib import Path
from typing import Protocol

from village.libc import libc

TIME_ERROR = 5  # adjtimex(2): clock not synchronised
TIMESYNCD_FLAG = Path("/run/systemd/timesync/synchronized")


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, aware, in UTC."""

    def monotonic(self) -> float: ...

    def is_synchronized(self) -> bool: ...

    def wait_until(self, when: dt.datetime, stop: threading.Event) -> bool:
        """Sleep until ``when``; False if ``stop`` was set first."""

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        """Sleep ``seconds``; False if ``stop`` was set first."""


def kernel_clock_synchronized() -> bool:
    """True when NTP (systemd-timesyncd, chrony, ntpd) has told the kernel the time is right."""
    if TIMESYNCD_FLAG.exists():
        return True
    try:
        buffer = ctypes.create_string_buffer(512)  # larger than struct timex
        state = libc().adjtimex(buffer)
    except (OSError, AttributeError):
        return False
    return state not in (-1, TIME_ERROR)


class SystemClock:
    def __init__(self, sync_check: str = "kernel") -> None:
        self.sync_check = sync_check

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def is_synchronized(self) -> bool:
        return self.sync_check == "assume" or kernel_clock_synchronized()

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        return not stop.wait(max(0.0, seconds))

    def wait_until(self, when: dt.datetime, stop: threading.Event) -> bool:
        while True:
            remaining = (when - self.now()).total_seconds()
            if remaining <= 0:
                return not stop.is_set()
            # coarse sleep, then short steps for the last 20 ms
            step = remaining - 0.02 if remaining > 0.05 else min(remaining, 0.002)
            if stop.wait(min(step, 1.0)):
                return False


class ManualClock:
    """A clock tests set and advance by hand; waiting advances it instantly."""

    def __init__(self, start: dt.datetime, synchronized: bool = True) -> None:
        self._now = start.astimezone(dt.UTC)
        self._mono = 0.0
        self.synchronized = synchronized
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def is_synchronized(self) -> bool:
        return self.synchronized

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)
            self._mono += seconds

    def set(self, when: dt.datetime) -> None:
        with self._lock:
            self._now = when.astimezone(dt.UTC)

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        if stop.is_set():
            return False
        self.advance(max(0.0, seconds))
        return True

    def wait_until(self, when: dt.datetime, stop: threading.Event) -> bool:
        if stop.is_set():
            return False
        remaining = (when - self.now()).total_seconds()
        if remaining > 0:
            self.advance(remaining)
        return True
