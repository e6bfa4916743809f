"""The relay guard: the one owner of the amplifier relay's pin and of its maximum on-time.

On a Pi it runs as a process of its own (``village relay guard``, unit
village-relay-guard.service), so a frozen or dead controller cannot keep the amplifier on:
the controller asks it to switch the relay on (with a deadline) and off over a Unix socket,
and the guard switches the pin off at the deadline whatever the controller is doing. If the
connection that switched the relay on closes (the controller died), the relay goes off at
once.

``RelayGuard`` is the logic (pin, deadline, trip journal) with no thread and no socket, so
tests drive it with gpiozero's MockFactory in one process; ``GuardServer`` puts it behind
the socket, one thread, one ``select`` loop that also feeds systemd's watchdog.

Every forced switch-off (deadline, lost controller, operator, restart) is a *trip*, appended
to the guard's own journal ``DATA/state/relay-guard-YYYY-MM.jsonl`` with the true on-time.
The guard is the only writer of that journal and the controller the only writer of the play
log: the controller reads a trip (sent to it live, or from the journal after a restart) and
writes it into the broadcast's play-log record, so the two files never share a writer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import selectors
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gpiozero import Device, OutputDevice
from gpiozero.exc import GPIOZeroError

from controller.errors import RelayError
from village.atomic import atomic_write_bytes
from village.config import Config
from village.jsonlog import AppendLog
from village.systemd import notify, watchdog_interval

log = logging.getLogger(__name__)

SOCKET_NAME = "relay-guard.sock"
STATE_NAME = "relay-guard.json"
JOURNAL_PREFIX = "relay-guard"
MAX_LINE = 4096  # a request is a few dozen bytes; anything longer ends the connection
MAX_CLIENTS = 8
RECENT_TRIPS = 200  # how far back the controller looks for a broadcast's trip

# why the guard switched the relay off itself
MAX_ON_TIME = "max-on-time"
OWNER_LOST = "owner-lost"
OPERATOR = "operator"
GUARD_RESTART = "guard-restart"
GUARD_STOPPING = "guard-stopping"
GUARD_LOST = "guard-lost"  # seen by the controller: the guard process went away


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def guard_socket(config: Config) -> Path:
    return config.control_socket.parent / SOCKET_NAME


def guard_state_file(config: Config) -> Path:
    return config.control_socket.parent / STATE_NAME


def trip_journal(config: Config) -> AppendLog:
    return AppendLog(config.data_dir / "state", JOURNAL_PREFIX)


@dataclass(frozen=True)
class Trip:
    """The relay switched off by the guard rather than by the broadcast that had it on."""

    id: str
    cause: str
    token: str  # the play-log record id of the broadcast that had the relay on
    relay_on: str
    relay_off: str
    on_s: float
    max_on_s: float

    def to_json(self) -> dict[str, Any]:
        return {"kind": "relay-trip", **dataclasses.asdict(self)}

    @classmethod
    def from_json(cls, data: Any) -> Trip | None:
        """A trip from the journal or the socket; None if it is not one."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                id=str(data["id"]),
                cause=str(data["cause"]),
                token=str(data.get("token", "")),
                relay_on=str(data["relay_on"]),
                relay_off=str(data["relay_off"]),
                on_s=float(data["on_s"]),
                max_on_s=float(data.get("max_on_s", 0.0)),
            )
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def off_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.relay_off)

    def reason(self) -> str:
        """How the play log words it (the report matches the start of these)."""
        after = f"after {self.on_s:.1f} s"
        if self.cause == MAX_ON_TIME:
            return f"maximum on-time reached: the relay guard switched the relay off {after}"
        if self.cause == OPERATOR:
            return f"relay switched off by operator {after}"
        if self.cause == GUARD_LOST:
            return f"relay guard lost: the relay went off {after}"
        if self.cause == OWNER_LOST:
            return f"the relay guard switched the relay off when the controller went, {after}"
        if self.cause == GUARD_RESTART:
            return f"the relay guard restarted with the relay on and switched it off, {after}"
        return f"the relay guard switched the relay off ({self.cause}) {after}"


@dataclass(frozen=True)
class Grant:
    """The relay is on: when, and until when at the latest."""

    at: dt.datetime
    deadline: dt.datetime
    max_on_s: float


@dataclass(frozen=True)
class Switched:
    """The relay is off: when, whether this call switched it, and the trip that had, if any."""

    at: dt.datetime
    was_on: bool
    trip: Trip | None = None


class RelayGuard:
    """Drives the relay pin and switches it off at its deadline (call ``expire``)."""

    def __init__(
        self,
        pin: int,
        *,
        active_high: bool = False,
        max_on_s: float = 1800.0,
        pin_factory: object | None = None,
        journal: AppendLog | None = None,
        state_file: Path | None = None,
        now: Callable[[], dt.datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pin = pin
        self.max_on_s = max_on_s
        self.journal = journal
        self.state_file = state_file
        self._now = now
        self._monotonic = monotonic
        self._lock = threading.RLock()
        self._since: dt.datetime | None = None
        self._since_mono = 0.0
        self._deadline_mono = 0.0
        self._granted_s = 0.0
        self._token = ""
        self.last_trip: Trip | None = None
        try:  # initial_value=False: a guard that (re)starts always starts with the relay off
            self._device = OutputDevice(
                pin, active_high=active_high, initial_value=False, pin_factory=pin_factory
            )
        except Exception as exc:  # gpiozero, lgpio ('GPIO busy') and OS errors
            raise RelayError(f"không điều khiển được rơ-le ở GPIO{pin}: {exc}") from exc
        self._recover()

    @property
    def is_on(self) -> bool:
        with self._lock:
            return self._since is not None

    def seconds_left(self) -> float | None:
        """Until the deadline (monotonic), or None when the relay is off."""
        with self._lock:
            if self._since is None:
                return None
            return max(0.0, self._deadline_mono - self._monotonic())

    def switch_on(self, token: str, max_on_s: float | None = None) -> Grant:
        """Relay on, off at the latest after ``max_on_s`` (never more than the guard's own
        maximum). Already on: the deadline stays where it was (it is never extended)."""
        with self._lock:
            if self._since is None:
                self._device.on()
                self._since = self._now()
                self._since_mono = self._monotonic()
                wanted = self.max_on_s if max_on_s is None else max_on_s
                self._granted_s = max(0.0, min(wanted, self.max_on_s))
                self._deadline_mono = self._since_mono + self._granted_s
            self._token = token
            grant = Grant(
                self._since, self._since + dt.timedelta(seconds=self._granted_s), self._granted_s
            )
        log.info("relay on (GPIO%d), off at the latest in %.0f s", self.pin, grant.max_on_s)
        self._write_state()
        return grant

    def switch_off(self, cause: str = "", token: str = "") -> Switched:
        """Relay off. ``cause`` empty: the broadcast that had it on is done with it; any other
        cause is a trip, journaled. Already off: the trip that ended ``token``'s time, if any."""
        with self._lock:
            if self._since is None:
                trip = self.last_trip if self.last_trip and self.last_trip.token == token else None
                return Switched(self._now(), False, trip)
            self._device.off()
            off = self._now()
            on_s = self._monotonic() - self._since_mono
            since, self._since = self._since, None
            trip = None
            if cause:
                trip = Trip(
                    id=uuid.uuid4().hex,
                    cause=cause,
                    token=self._token,
                    relay_on=since.isoformat(),
                    relay_off=off.isoformat(),
                    on_s=round(on_s, 3),
                    max_on_s=self._granted_s,
                )
                self.last_trip = trip
        if trip is None:
            log.info("relay off (GPIO%d) after %.1f s", self.pin, on_s)
        else:
            log.error("relay forced off (GPIO%d, %s) after %.1f s on", self.pin, cause, trip.on_s)
            self._journal(trip)
        self._write_state()
        return Switched(off, True, trip)

    def expire(self) -> Trip | None:
        """Switch off if the deadline has passed; the trip, if this call made one."""
        with self._lock:
            if self._since is None or self._monotonic() < self._deadline_mono:
                return None
        return self.switch_off(MAX_ON_TIME, self._token).trip

    def status(self) -> dict[str, Any]:
        with self._lock:
            on = self._since is not None
            return {
                "relay": on,
                "since": self._since.isoformat() if self._since else None,
                "seconds_left": self.seconds_left(),
                "token": self._token if on else "",
                "last_trip": self.last_trip.to_json() if self.last_trip else None,
            }

    def close(self, cause: str = GUARD_STOPPING) -> None:
        """Relay off and the pin released; safe to call more than once."""
        with self._lock:
            if self._device.closed:
                return
            self.switch_off(cause, self._token)
            self._device.close()

    # -- state that outlives the process (runtime file, journal) ---------------------------

    def _recover(self) -> None:
        """A guard that died with the relay on left it in the state file: journal that."""
        if self.state_file is None:
            return
        try:
            saved = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        if isinstance(saved, dict) and saved.get("relay") and saved.get("since"):
            try:
                since = dt.datetime.fromisoformat(str(saved["since"]))
            except ValueError:
                since = None
            if since is not None:
                now = self._now()
                trip = Trip(
                    id=uuid.uuid4().hex,
                    cause=GUARD_RESTART,
                    token=str(saved.get("token", "")),
                    relay_on=since.isoformat(),
                    relay_off=now.isoformat(),  # at the latest: the pin is off from now
                    on_s=round(max(0.0, (now - since).total_seconds()), 3),
                    max_on_s=float(saved.get("max_on_s") or 0.0),
                )
                self.last_trip = trip
                log.error("the relay guard restarted with the relay on: it is off now")
                self._journal(trip)
        self._write_state()

    def _write_state(self) -> None:
        if self.state_file is None:
            return
        with self._lock:
            on = self._since is not None
            state = {
                "relay": on,
                "since": self._since.isoformat() if self._since else None,
                "deadline": (
                    (self._since + dt.timedelta(seconds=self._granted_s)).isoformat()
                    if self._since
                    else None
                ),
                "max_on_s": self._granted_s if on else None,
                "token": self._token if on else "",
                "pid": os.getpid(),
            }
        try:
            atomic_write_bytes(self.state_file, json.dumps(state).encode(), durable=False)
        except Exception as exc:  # never in the way of switching
            log.warning("relay guard state not written: %s", exc)

    def _journal(self, trip: Trip) -> None:
        if self.journal is None:
            return
        try:
            self.journal.append(trip.to_json())
        except Exception as exc:  # the relay is off; a full disk changes nothing
            log.error("relay trip not journaled (%s): %s", exc, json.dumps(trip.to_json()))


def recent_trips(journal: AppendLog, limit: int = RECENT_TRIPS) -> list[Trip]:
    """The last trips in the journal, oldest first."""
    found: list[Trip] = []
    for record in journal.read():
        trip = Trip.from_json(record)
        if trip is not None:
            found.append(trip)
            if len(found) > limit:
                del found[0]
    return found


def trip_for(journal: AppendLog, token: str) -> Trip | None:
    """The trip that ended broadcast ``token``'s time on air, if the guard made one."""
    if not token:
        return None
    return next((t for t in reversed(recent_trips(journal)) if t.token == token), None)


def ensure_pin_factory() -> object:
    """The pin factory gpiozero would use (honours ``GPIOZERO_PIN_FACTORY``)."""
    try:
        return Device.ensure_pin_factory()
    except GPIOZeroError as exc:
        raise RelayError(
            f"không có GPIO ({exc}); trên máy tính thường hãy đặt GPIOZERO_PIN_FACTORY=mock"
        ) from exc


# --- the guard as a process -----------------------------------------------------------------


class _Client:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""
        self.last = time.monotonic()  # when it last sent something


class GuardServer:
    """``RelayGuard`` behind a Unix socket: JSON lines in, JSON lines out, one thread.

    Requests: ``{"cmd": "on", "token": …, "max_on_s": …}``, ``{"cmd": "off", "token": …,
    "cause": ""|"operator"}``, ``{"cmd": "status"}``. The connection that switched the relay
    on is its owner: it is told of a trip (``{"event": "trip", "trip": …}``), and if it
    closes while the relay is on, the relay goes off (the controller died).
    """

    def __init__(self, guard: RelayGuard, path: Path) -> None:
        self.guard = guard
        self.path = Path(path)
        self.selector = selectors.DefaultSelector()
        self.clients: dict[int, _Client] = {}
        self.owner: _Client | None = None
        self.stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)

    def listen(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            if _answers(self.path):
                raise RelayError(f"đã có một tiến trình bảo vệ rơ-le khác đang chạy ({self.path})")
            self.path.unlink()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.path))
        os.chmod(self.path, 0o660)
        listener.listen(MAX_CLIENTS)
        listener.setblocking(False)
        self._listener = listener
        self.selector.register(listener, selectors.EVENT_READ, "listen")
        self.selector.register(self._wake_r, selectors.EVENT_READ, "wake")

    def stop(self) -> None:
        """From any thread or a signal handler."""
        self.stopping.set()
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")

    def serve(self, on_beat: Callable[[], object] = lambda: None, beat_s: float = 1.0) -> None:
        """Until ``stop``; ``on_beat`` runs at least every ``beat_s`` (the watchdog)."""
        next_beat = 0.0
        while not self.stopping.is_set():
            left = self.guard.seconds_left()
            timeout = min(beat_s, left) if left is not None else beat_s
            for key, _ in self.selector.select(max(0.0, timeout)):
                self._ready(key)
            trip = self.guard.expire()
            if trip is not None:
                self._tell_owner(trip)
            now = time.monotonic()
            if now >= next_beat:
                on_beat()
                next_beat = now + beat_s

    def close(self) -> None:
        for client in list(self.clients.values()):
            self._drop(client, lost=False)
        if self._listener is not None:
            self.selector.unregister(self._listener)
            self._listener.close()
            self._listener = None
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        self.selector.close()
        self._wake_r.close()
        self._wake_w.close()

    # -- connections -------------------------------------------------------------------------

    def _ready(self, key: selectors.SelectorKey) -> None:
        if key.data == "listen":
            self._accept()
        elif key.data == "wake":
            with contextlib.suppress(OSError):
                self._wake_r.recv(64)
        else:
            self._read(key.data)

    def _accept(self) -> None:
        assert self._listener is not None
        try:
            sock, _ = self._listener.accept()
        except OSError:
            return
        if len(self.clients) >= MAX_CLIENTS and not self._make_room():
            log.warning("relay guard: too many connections, one refused")
            sock.close()
            return
        sock.setblocking(False)
        client = _Client(sock)
        self.clients[sock.fileno()] = client
        self.selector.register(sock, selectors.EVENT_READ, client)

    def _make_room(self) -> bool:
        """Close the connection idle the longest, never the owner's (it reconnects if it
        was the controller's)."""
        others = [c for c in self.clients.values() if c is not self.owner]
        if not others:
            return False
        self._drop(min(others, key=lambda c: c.last), lost=False)
        return True

    def _read(self, client: _Client) -> None:
        try:
            data = client.sock.recv(MAX_LINE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._drop(client, lost=True)
            return
        client.last = time.monotonic()
        client.buffer += data
        while b"\n" in client.buffer:
            line, _, client.buffer = client.buffer.partition(b"\n")
            self._send(client, self._answer(client, line))
        if len(client.buffer) > MAX_LINE:
            log.warning("relay guard: request over %d bytes, connection closed", MAX_LINE)
            self._drop(client, lost=True)

    def _drop(self, client: _Client, lost: bool) -> None:
        fileno = client.sock.fileno()
        if fileno in self.clients:
            del self.clients[fileno]
            self.selector.unregister(client.sock)
        client.sock.close()
        if client is self.owner:
            self.owner = None
            if lost and self.guard.is_on:
                log.error("relay guard: the controller's connection closed with the relay on")
                self.guard.switch_off(OWNER_LOST, self.guard.status()["token"])

    def _send(self, client: _Client, message: dict[str, Any]) -> None:
        data = json.dumps(message, ensure_ascii=False).encode() + b"\n"
        try:
            client.sock.send(data)  # a few hundred bytes: fits the socket buffer
        except OSError:
            self._drop(client, lost=True)

    def _tell_owner(self, trip: Trip) -> None:
        if self.owner is not None:
            self._send(self.owner, {"event": "trip", "trip": trip.to_json()})

    # -- requests ----------------------------------------------------------------------------

    def _answer(self, client: _Client, line: bytes) -> dict[str, Any]:
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("not an object")
            cmd = request.get("cmd")
            if cmd == "on":
                return self._on(client, request)
            if cmd == "off":
                return self._off(client, request)
            if cmd == "status":
                return {"ok": True, "pid": os.getpid(), **self.guard.status()}
            return {"ok": False, "error": f"unknown command {cmd!r}"}
        except (ValueError, TypeError) as exc:
            return {"ok": False, "error": f"bad request: {exc}"}
        except RelayError as exc:
            return {"ok": False, "error": str(exc)}

    def _on(self, client: _Client, request: dict[str, Any]) -> dict[str, Any]:
        token = str(request.get("token", ""))[:100]
        wanted = request.get("max_on_s")
        max_on_s = float(wanted) if isinstance(wanted, int | float) else None
        if max_on_s is not None and not max_on_s >= 0:  # NaN or negative
            raise ValueError("max_on_s must be a number of seconds")
        grant = self.guard.switch_on(token, max_on_s)
        self.owner = client
        return {
            "ok": True,
            "at": grant.at.isoformat(),
            "deadline": grant.deadline.isoformat(),
            "max_on_s": grant.max_on_s,
        }

    def _off(self, client: _Client, request: dict[str, Any]) -> dict[str, Any]:
        token = str(request.get("token", ""))[:100]
        operator = request.get("cause") == OPERATOR
        owner = self.owner
        if client is not owner and not operator:
            operator = True  # only the owner ends its own time on air quietly
        switched = self.guard.switch_off(OPERATOR if operator else "", token)
        if switched.trip is not None and owner is not None and owner is not client:
            self._tell_owner(switched.trip)
        return {
            "ok": True,
            "at": switched.at.isoformat(),
            "was_on": switched.was_on,
            "trip": switched.trip.to_json() if switched.trip else None,
        }


def _answers(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(path))
        return True
    except OSError:
        return False


@contextlib.contextmanager
def _signals_stop(server: GuardServer) -> Iterator[None]:
    def handle(signum: int, _frame: object) -> None:
        log.info("%s received: relay guard stopping", signal.Signals(signum).name)
        server.stop()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_guard(config: Config, pin_factory: object | None = None) -> int:
    """Entry point of ``village relay guard``: until SIGTERM; the relay is off on the way out."""
    guard = RelayGuard(
        config.relay.pin,
        active_high=config.relay.active_high,
        max_on_s=config.relay.max_on_minutes * 60,
        pin_factory=pin_factory or ensure_pin_factory(),
        journal=trip_journal(config),
        state_file=guard_state_file(config),
    )
    server = GuardServer(guard, guard_socket(config))
    try:
        server.listen()
        interval = watchdog_interval()
        log.info(
            "relay guard ready: GPIO%d, maximum on-time %.0f s, socket %s",
            config.relay.pin,
            guard.max_on_s,
            server.path,
        )
        notify("READY=1", "STATUS=relay off")
        with _signals_stop(server):
            server.serve(lambda: notify("WATCHDOG=1"), beat_s=min(interval or 1.0, 1.0))
    finally:
        notify("STOPPING=1")
        server.close()
        guard.close()
        if guard.journal is not None:
            guard.journal.close()
        log.info("relay guard stopped; relay off")
    return 0
