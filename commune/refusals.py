"""Counting what the hub refuses each device, for staff and for the log.

A misbehaving device can send thousands of bad messages a second: each is counted, but the
log gets at most one line per device every ``LOG_EVERY_S`` (the first at once), naming
how many of each kind and the last reason. The daemon moves the counts into the repository,
where ``village devices`` shows them.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("commune.refusals")

LOG_EVERY_S = 30.0

# kinds, as stored and shown to staff
FETCH_REFUSED = "fetch-refused"  # a block request its manifest does not allow
FETCH_OVER_LIMIT = "fetch-over-limit"  # block requests over its request rate
BLOCKS_OVER_LIMIT = "blocks-over-limit"  # blocks asked again beyond its allowance
LOG_OVER_QUOTA = "log-over-quota"  # records over a day's quota, kept on the device
LOG_DEFERRED = "log-deferred"  # records over the pace, offered again later
LOG_FLAGGED = "log-flagged"  # records stored but implausible (left out of reports)
MESSAGE_REFUSED = "message-refused"  # a status, log batch or reply that is not the protocol
KINDS = (
    FETCH_REFUSED,
    FETCH_OVER_LIMIT,
    BLOCKS_OVER_LIMIT,
    LOG_OVER_QUOTA,
    LOG_DEFERRED,
    LOG_FLAGGED,
    MESSAGE_REFUSED,
)


class RefusalCounter:
    """Per-device counts of what was refused, with a rate-limited log; thread-safe."""

    def __init__(self, what: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.what = what  # how the log line begins, e.g. "media requests"
        self.clock = clock
        self._counts: dict[str, collections.Counter[str]] = {}
        self._unlogged: dict[str, collections.Counter[str]] = {}
        self._detail: dict[str, str] = {}
        self._logged_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def note(self, device: str, kind: str, detail: str, count: int = 1) -> None:
        with self._lock:
            self._counts.setdefault(device, collections.Counter())[kind] += count
            self._unlogged.setdefault(device, collections.Counter())[kind] += count
            self._detail[device] = detail
            if self.clock() - self._logged_at.get(device, -LOG_EVERY_S) >= LOG_EVERY_S:
                self._log(device)

    def _log(self, device: str) -> None:
        unlogged = self._unlogged.pop(device, collections.Counter())
        what = ", ".join(f"{n} {kind}" for kind, n in sorted(unlogged.items()))
        log.warning(
            "%s of %s refused: %s (last: %s)", self.what, device, what, self._detail[device]
        )
        self._logged_at[device] = self.clock()

    def take(self) -> dict[str, tuple[dict[str, int], str]]:
        """The counts since the last call per device, with the last reason; logs what was
        not logged yet once its device's quiet time is over."""
        out: dict[str, tuple[dict[str, int], str]] = {}
        with self._lock:
            for device in list(self._unlogged):
                if self.clock() - self._logged_at.get(device, -LOG_EVERY_S) >= LOG_EVERY_S:
                    self._log(device)
            for device, counts in self._counts.items():
                if counts:
                    out[device] = (dict(counts), self._detail.get(device, ""))
            self._counts.clear()
        return out
