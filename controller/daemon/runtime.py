"""``run/state.json``: the relay's state and what is on air, for the kiosk (it mutes its
clips while the loudspeakers are on) and for ``village status`` when the controller is gone.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from village.atomic import atomic_write_bytes
from village.clock import Clock

log = logging.getLogger(__name__)

STATE_NAME = "state.json"


class RuntimeState:
    def __init__(self, folder: Path, clock: Clock, on_air: Callable[[], str]) -> None:
        self.path = folder / STATE_NAME
        self.clock = clock
        self.on_air = on_air  # the title of the broadcast on air, or ""

    def write(self, relay: bool, since: dt.datetime | None = None) -> None:
        """Never raises: the runtime state is a courtesy, the relay does not wait for it."""
        state = {
            "relay": relay,
            "since": (since or self.clock.now()).isoformat(),
            "on_air": self.on_air() if relay else "",
            "pid": os.getpid(),
        }
        try:
            atomic_write_bytes(
                self.path,
                json.dumps(state, ensure_ascii=False).encode(),
                durable=False,  # runtime state: /run on the Pi
            )
        except Exception as exc:
            log.warning("runtime state not written: %s", exc)
