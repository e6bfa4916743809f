"""Start-up in order, shutdown in the exact reverse, each step of it guarded.

Each start-up step that leaves something to undo registers its undo as it succeeds; if a
later step fails, what was started is undone. Shutdown runs the undos last first, and one
that fails (an LED whose close raises) is logged and the next still runs: no failure on
the way out keeps the relay on.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

Undo = Callable[[], object]


class Lifecycle:
    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self.started: list[str] = []  # steps with an undo, in start-up order
        self.stopped: list[str] = []  # undos run, in the order they ran
        self.failed: list[str] = []  # undos that raised (logged, then passed over)

    def started_step(self, name: str, undo: Undo) -> None:
        """``name`` has started; ``undo`` runs at shutdown, before the undos of earlier steps."""
        self.started.append(name)
        self._stack.callback(self._undo, name, undo)

    def _undo(self, name: str, undo: Undo) -> None:
        try:
            undo()
        except Exception:  # the next undo must run whatever this one did
            log.exception("shutdown: %s failed", name)
            self.failed.append(name)
        finally:
            self.stopped.append(name)
            log.debug("shutdown: %s done", name)

    def close(self) -> None:
        """Undo every started step, last first; safe to call more than once."""
        self._stack.close()
