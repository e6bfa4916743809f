"""Expanding plans into a schedule off the controller's main loop.

Each request runs on a thread of its own, and the newest request wins: when a new content
version arrives while an older one is still being expanded, the new expansion starts at
once and the older one's result is thrown away when it ends (each plan's expansion is
bounded by its ``ExpansionBudget``, so a stale thread ends too). The main loop never waits
for an expansion: it takes the result when one is ready and is woken when it is.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from village.plan import Quarantined, Schedule

log = logging.getLogger(__name__)

Expand = Callable[[], Schedule]


@dataclass(frozen=True)
class Expanded:
    """A finished expansion: the schedule (None if it failed), for which request."""

    generation: int
    revision: int
    window: Any  # what the request was for (the scheduler's window)
    schedule: Schedule | None
    took_s: float
    error: str = ""


class Planner:
    def __init__(self, on_done: Callable[[], None]) -> None:
        self.on_done = on_done
        self._lock = threading.Lock()
        self._generation = 0
        self._running: set[int] = set()
        self._ready: Expanded | None = None

    def request(self, expand: Expand, revision: int, window: Any = None) -> int:
        """Start expanding (``expand`` runs on a new thread); returns the request's number."""
        with self._lock:
            self._generation += 1
            generation = self._generation
            self._running.add(generation)
            self._ready = None
            stale = len(self._running) - 1
        if stale:
            log.warning(
                "content revision %d: expanding now, %d older expansion(s) still running "
                "(their results will be dropped)",
                revision,
                stale,
            )
        threading.Thread(
            target=self._run,
            args=(expand, generation, revision, window),
            name=f"planner-{generation}",
            daemon=True,
        ).start()
        return generation

    @property
    def busy(self) -> bool:
        """The newest request is still being expanded."""
        with self._lock:
            return self._generation in self._running

    @property
    def running(self) -> int:
        """Expansions still running, stale ones included."""
        with self._lock:
            return len(self._running)

    def take(self) -> Expanded | None:
        """The newest request's result, once, when it is ready."""
        with self._lock:
            ready, self._ready = self._ready, None
            return ready

    def _run(self, expand: Expand, generation: int, revision: int, window: Any) -> None:
        started = time.monotonic()
        schedule: Schedule | None = None
        error = ""
        try:
            schedule = expand()
        except Exception as exc:  # the last good schedule stays in force
            log.exception("expanding the plans of content revision %d failed", revision)
            error = f"{type(exc).__name__}: {exc}"
        took = time.monotonic() - started
        with self._lock:
            self._running.discard(generation)
            current = generation == self._generation
            if current:
                self._ready = Expanded(generation, revision, window, schedule, took, error)
        if current:
            self.on_done()
        else:
            log.info(
                "expansion of content revision %d dropped after %.1f s: superseded", revision, took
            )


def quarantine_summary(quarantined: list[Quarantined]) -> str:
    return ", ".join(f"{q.plan_id} («{q.title}»): {q.reason}" for q in quarantined)
