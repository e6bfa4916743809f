"""The amplifier relay as the controller sees it, and who really drives the pin.

The pin and its maximum on-time belong to a ``RelayGuard`` (controller/gpio/relay_guard.py).
On a Pi the guard is a process of its own and the controller reaches it through
``GuardClient``: the controller asks for the relay on (with its deadline) and off, and is
told when the guard switched it off by itself (a *trip*). Without a guard process (a
laptop, the tests, the demo) a ``LocalLink`` runs the same guard in this process, its
deadline watched by a thread of its own: the maximum on-time then holds unless the whole
controller process is frozen.

Time is the injected clock's (``village.clock``): the relay's on and off times and the
guard's deadline, so that a test with a settable clock sees the maximum on-time trip at
the clock's deadline without waiting for it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import queue
import socket
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from gpiozero import OutputDevice

from controller.errors import RelayError
from controller.gpio.relay_guard import (
    GUARD_LOST,
    MAX_LINE,
    OPERATOR,
    Grant,
    RelayGuard,
    Switched,
    Trip,
    utc_now,
)
from village.clock import Clock, SystemClock

log = logging.getLogger(__name__)

TripHandler = Callable[[Trip], None]
GUARD_TIMEOUT_S = 3.0


class RelayLink(Protocol):
    """Where ``Relay`` sends its requests: the guard in this process or in its own."""

    mode: str  # "in-process" or "process"
    on_trip: TripHandler

    @property
    def connected(self) -> bool: ...

    def on(self, token: str, max_on_s: float) -> Grant: ...

    def off(self, token: str) -> Switched: ...

    def close(self) -> None: ...


class LocalLink:
    """The guard in the controller's own process. Its deadline is the guard's, on the
    guard's clock; a watcher thread sleeps until then and calls ``check``."""

    mode = "in-process"

    def __init__(self, guard: RelayGuard) -> None:
        self.guard = guard
        self.on_trip: TripHandler = lambda trip: None
        self._cancel: threading.Event | None = None
        self._lock = threading.Lock()

    @property
    def connected(self) -> bool:
        return True

    def on(self, token: str, max_on_s: float) -> Grant:
        grant = self.guard.switch_on(token, max_on_s)
        with self._lock:
            self._stop_watching()
            cancel = threading.Event()
            self._cancel = cancel
            threading.Thread(
                target=self._watch, args=(cancel,), name="relay-deadline", daemon=True
            ).start()
        return grant

    def off(self, token: str) -> Switched:
        with self._lock:
            self._stop_watching()
        return self.guard.switch_off("", token)

    def check(self) -> Trip | None:
        """Switch the relay off if its deadline has passed; the trip, if this call made one."""
        trip = self.guard.expire()
        if trip is not None:
            self.on_trip(trip)
        return trip

    def _watch(self, cancel: threading.Event) -> None:
        """Sleep until the deadline as the guard's clock has it, then check (again, if the
        clock has not got there yet)."""
        while not cancel.is_set():
            left = self.guard.seconds_left()
            if left is None:
                return
            if left <= 0:
                self.check()
                return
            cancel.wait(left)

    def _stop_watching(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None

    def close(self) -> None:
        with self._lock:
            self._stop_watching()
        self.guard.close(cause="")


class GuardClient:
    """The controller's connection to the guard process (one, kept open: the guard switches
    the relay off if it closes with the relay on). Reconnects on the next request."""

    mode = "process"

    def __init__(
        self,
        path: Path,
        timeout: float = GUARD_TIMEOUT_S,
        now: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._now = now
        self.on_trip: TripHandler = lambda trip: None
        self._sock: socket.socket | None = None
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._lock = threading.Lock()  # one request at a time
        self._on_since: tuple[str, dt.datetime, float] | None = None  # token, since, max

    @property
    def connected(self) -> bool:
        return self._sock is not None

    def connect(self) -> None:
        if self._sock is not None:
            return
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(str(self.path))
        except OSError as exc:
            sock.close()
            raise RelayError(
                f"không liên lạc được với tiến trình bảo vệ rơ-le tại {self.path}: {exc}"
            ) from exc
        sock.settimeout(None)
        self._sock = sock
        self._replies = queue.Queue()
        threading.Thread(
            target=self._read, args=(sock, self._replies), name="relay-guard", daemon=True
        ).start()

    def request(self, cmd: str, **args: Any) -> dict[str, Any]:
        with self._lock:
            self.connect()
            assert self._sock is not None
            replies = self._replies
            try:
                self._sock.sendall(json.dumps({"cmd": cmd, **args}).encode() + b"\n")
            except OSError as exc:
                self._lost()
                raise RelayError(f"mất liên lạc với tiến trình bảo vệ rơ-le: {exc}") from exc
            try:
                answer = replies.get(timeout=self.timeout)
            except queue.Empty:
                answer = None
            if answer is None:
                raise RelayError("tiến trình bảo vệ rơ-le không trả lời")
        if not answer.get("ok"):
            raise RelayError(str(answer.get("error", "tiến trình bảo vệ rơ-le từ chối")))
        return answer

    def on(self, token: str, max_on_s: float) -> Grant:
        answer = self.request("on", token=token, max_on_s=max_on_s)
        grant = Grant(
            dt.datetime.fromisoformat(answer["at"]),
            dt.datetime.fromisoformat(answer["deadline"]),
            float(answer["max_on_s"]),
        )
        self._on_since = (token, grant.at, grant.max_on_s)
        return grant

    def off(self, token: str, cause: str = "") -> Switched:
        answer = self.request("off", token=token, cause=cause)
        self._on_since = None
        return Switched(
            dt.datetime.fromisoformat(answer["at"]),
            bool(answer.get("was_on")),
            Trip.from_json(answer.get("trip")),
        )

    def _read(self, sock: socket.socket, replies: queue.Queue[dict[str, Any] | None]) -> None:
        buffer = b""
        while True:
            try:
                data = sock.recv(MAX_LINE)
            except OSError:
                data = b""
            if not data:
                break
            buffer += data
            while b"\n" in buffer:
                line, _, buffer = buffer.partition(b"\n")
                self._dispatch(line, replies)
            if len(buffer) > MAX_LINE:
                break
        replies.put(None)
        if self._sock is sock:
            self._lost()

    def _dispatch(self, line: bytes, replies: queue.Queue[dict[str, Any] | None]) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        if message.get("event") == "trip":
            trip = Trip.from_json(message.get("trip"))
            if trip is not None:
                self._on_since = None
                self._deliver(trip)
        else:
            replies.put(message)

    def _lost(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()
        on = self._on_since
        self._on_since = None
        if on is not None:  # the guard went away with the relay on: it is off (see the unit)
            token, since, max_on_s = on
            now = self._now()
            log.error("relay guard connection lost with the relay on")
            self._deliver(
                Trip(
                    id=uuid.uuid4().hex,
                    cause=GUARD_LOST,
                    token=token,
                    relay_on=since.isoformat(),
                    relay_off=now.isoformat(),
                    on_s=round((now - since).total_seconds(), 3),
                    max_on_s=max_on_s,
                )
            )

    def _deliver(self, trip: Trip) -> None:
        """On a thread of its own: the handler may switch the relay, which needs this
        connection's reader free to read the reply."""
        threading.Thread(target=self.on_trip, args=(trip,), name="relay-trip", daemon=True).start()

    def close(self) -> None:
        sock, self._sock = self._sock, None
        self._on_since = None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class Relay:
    """Switches the amplifier's mains through a relay module, via its guard."""

    def __init__(
        self,
        pin: int,
        *,
        active_high: bool = False,
        max_on_s: float = 1800.0,
        pin_factory: object | None = None,
        on_change: Callable[[bool, dt.datetime], None] | None = None,
        on_guard_trip: TripHandler | None = None,
        link: RelayLink | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.pin = pin
        self.max_on_s = max_on_s
        self.on_change = on_change
        self.on_guard_trip = on_guard_trip
        self.clock: Clock = clock or SystemClock()
        if link is None:
            guard = RelayGuard(
                pin,
                active_high=active_high,
                max_on_s=max_on_s,
                pin_factory=pin_factory,
                now=self.clock.now,
                monotonic=self.clock.monotonic,
            )
            link = LocalLink(guard)
        self.link = link
        link.on_trip = self._tripped
        self._lock = threading.Lock()  # the fields below; never held while talking to the guard
        self._switching = threading.Lock()  # one on or off at a time
        self._on = False
        self._token = ""
        self._closed = False
        self.guard_tripped = False
        self.last_trip: Trip | None = None
        self.off_confirmed = True  # the last off() was acknowledged by the guard

    @property
    def mode(self) -> str:
        return self.link.mode

    @property
    def is_on(self) -> bool:
        with self._lock:
            return self._on

    def on(self, token: str = "") -> dt.datetime:
        """Relay on; ``token`` names the broadcast (its play-log record id)."""
        with self._switching:
            with self._lock:
                self._token = token or uuid.uuid4().hex
                self.guard_tripped = False
                self.last_trip = None
            grant = self.link.on(self._token, self.max_on_s)
            with self._lock:
                self._on = True
        log.info("relay on (GPIO%d)", self.pin)
        if self.on_change:
            self.on_change(True, grant.at)
        return grant.at

    def off(self) -> dt.datetime:
        """Relay off; never raises. Returns when it really went off (a trip's own time)."""
        with self._switching:
            with self._lock:
                was_on, self._on = self._on, False
                token = self._token
            switched = self._switch_off(token, was_on)
            trip = switched.trip if switched.trip and switched.trip.token == token else None
            with self._lock:
                noticed = trip is not None and not self.guard_tripped
                if noticed:  # the guard switched it off before we heard of it
                    self.guard_tripped = True
                    self.last_trip = trip
        when = trip.off_at if trip is not None else switched.at
        if was_on:
            log.info("relay off (GPIO%d)", self.pin)
            if self.on_change:
                self.on_change(False, when)
        if noticed and trip is not None and self.on_guard_trip:
            self.on_guard_trip(trip)
        return when

    def _switch_off(self, token: str, was_on: bool) -> Switched:
        if not was_on and not self.link.connected:
            self.off_confirmed = False  # nothing of ours is on; nobody to confirm it
            return Switched(self.clock.now(), False)
        try:
            switched = self.link.off(token)
        except RelayError as exc:
            log.error("relay off not confirmed by its guard: %s", exc)
            self.off_confirmed = False
            return Switched(self.clock.now(), was_on)
        self.off_confirmed = True
        return switched

    def _tripped(self, trip: Trip) -> None:
        """The guard switched the relay off by itself (any thread)."""
        with self._lock:
            if trip.token != self._token or self.guard_tripped:
                return
            was_on = self._on
            self._on = False
            self.guard_tripped = True
            self.last_trip = trip
        log.error("relay switched off by its guard: %s", trip.reason())
        if was_on and self.on_change:
            self.on_change(False, trip.off_at)
        if self.on_guard_trip:
            self.on_guard_trip(trip)

    def close(self) -> None:
        """Turn off and let go of the guard; safe to call more than once."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self.off()
        self.link.close()

    def __enter__(self) -> Relay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def force_off(pin: int, active_high: bool, pin_factory: object | None = None) -> None:
    """Drive the relay pin to off once (``village relay off`` when no guard answers).

    Only works while no other process holds the pin: with lgpio a line has one owner at a
    time, and another one's claim fails ('GPIO busy').
    """
    try:
        device = OutputDevice(
            pin, active_high=active_high, initial_value=False, pin_factory=pin_factory
        )
    except Exception as exc:  # gpiozero, lgpio ('GPIO busy') and OS errors
        raise RelayError(f"không điều khiển được rơ-le ở GPIO{pin}: {exc}") from exc
    try:
        device.off()
    finally:
        device.close()


def guard_off(path: Path, timeout: float = GUARD_TIMEOUT_S) -> Switched:
    """Ask the guard process to switch the relay off, as an operator does."""
    client = GuardClient(path, timeout)
    try:
        return client.off("", cause=OPERATOR)
    finally:
        client.close()
