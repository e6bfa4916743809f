"""Talking to systemd without a library: readiness, status and watchdog over NOTIFY_SOCKET.

Every call is a no-op when the process was not started by systemd (no ``NOTIFY_SOCKET``).
The watchdog is fed only while the caller proves it is alive (``Watchdog.beat``), so a hung
main loop gets the service restarted.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

log = logging.getLogger(__name__)


def notify(*lines: str) -> bool:
    """Send ``READY=1``, ``STATUS=…``, ``WATCHDOG=1``, ``STOPPING=1`` … to systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall("\n".join(lines).encode())
        return True
    except OSError as exc:
        log.warning("cannot notify systemd: %s", exc)
        return False


def watchdog_interval() -> float | None:
    """Seconds between the pings systemd expects (half of ``WatchdogSec``), if any."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return int(usec) / 1e6 / 2
    except ValueError:
        return None


class Watchdog:
    """Pings systemd's watchdog while ``beat()`` keeps being called, or ``busy`` is set.

    ``max_silence_s`` is how long the caller may go between beats (its longest wait).
    """

    def __init__(self, max_silence_s: float) -> None:
        self.max_silence_s = max_silence_s
        self.interval = watchdog_interval()
        self.busy = threading.Event()  # set during long, separately guarded work
        self._last_beat = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        self._last_beat = time.monotonic()

    def start(self) -> None:
        if self.interval is None:
            return
        self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self.interval is not None
        while not self._stop.wait(self.interval):
            silent = time.monotonic() - self._last_beat
            if self.busy.is_set() or silent <= self.max_silence_s:
                notify("WATCHDOG=1")
            else:
                log.error("main loop silent for %.0f s: letting the watchdog restart us", silent)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
