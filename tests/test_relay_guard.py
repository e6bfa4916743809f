"""The relay guard: the pin's one owner and its maximum on-time, in this process with
gpiozero's MockFactory (the logic and the socket protocol), then as real processes beside a
controller that is frozen (SIGSTOP) or killed on air.

Across processes a mock pin cannot be shared, so the guard process's pin is followed
through a small import hook that logs each change with CLOCK_MONOTONIC (the same clock in
every process).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from controller.errors import RelayError
from controller.gpio.relay import GuardClient, Relay
from controller.gpio.relay_guard import (
    GUARD_RESTART,
    MAX_LINE,
    MAX_ON_TIME,
    OPERATOR,
    OWNER_LOST,
    GuardServer,
    RelayGuard,
    Trip,
    recent_trips,
)
from tests.conftest import REPO, VILLAGE, add_segments, run_village, write_config
from tests.sync_helpers import wait_until
from village.jsonlog import AppendLog


class FakeMonotonic:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


def pin_levels(factory, pin: int = 17) -> list[bool]:
    return [s.state for s in factory.pin(pin).states]


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[AppendLog]:
    log = AppendLog(tmp_path / "state", "relay-guard")
    yield log
    log.close()


# --- the logic, in this process ---------------------------------------------------------------


def test_the_deadline_trips_with_the_true_on_time(mock_pins, journal, tmp_path) -> None:
    clock = FakeMonotonic()
    state = tmp_path / "run" / "relay-guard.json"
    guard = RelayGuard(
        17, max_on_s=30, pin_factory=mock_pins, journal=journal, state_file=state, monotonic=clock
    )
    grant = guard.switch_on("b1", max_on_s=600)  # asks for more than the guard allows
    assert grant.max_on_s == 30 and guard.is_on
    assert mock_pins.pin(17).state is False  # active-low: low closes the relay
    assert json.loads(state.read_text())["relay"] is True
    clock.value += 29.9
    assert guard.expire() is None and guard.is_on
    guard.switch_on("b2")  # already on: the deadline is not pushed back
    clock.value += 12.5  # the guard's loop was late: the trip says how long it really was
    trip = guard.expire()
    assert trip is not None and trip.cause == MAX_ON_TIME and trip.token == "b2"
    assert trip.on_s == pytest.approx(42.4)
    assert mock_pins.pin(17).state is True and not guard.is_on
    assert "maximum on-time reached" in trip.reason() and "42.4 s" in trip.reason()
    assert [t.id for t in recent_trips(journal)] == [trip.id]
    assert json.loads(state.read_text())["relay"] is False
    # the broadcast's own off comes after: it learns of the trip, nothing is switched twice
    switched = guard.switch_off("", "b2")
    assert not switched.was_on and switched.trip == trip
    guard.close()


def test_an_ordinary_off_is_no_trip_and_close_is_idempotent(mock_pins, journal) -> None:
    guard = RelayGuard(17, max_on_s=30, pin_factory=mock_pins, journal=journal)
    guard.switch_on("b1")
    switched = guard.switch_off("", "b1")
    assert switched.was_on and switched.trip is None
    guard.close()
    guard.close()
    assert recent_trips(journal) == []
    assert pin_levels(mock_pins)[-1] is True


def test_a_restarted_guard_starts_off_and_journals_what_it_found(
    mock_pins, journal, tmp_path
) -> None:
    state = tmp_path / "relay-guard.json"
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=20)
    state.write_text(json.dumps({"relay": True, "since": since.isoformat(), "token": "b9"}))
    guard = RelayGuard(17, pin_factory=mock_pins, journal=journal, state_file=state)
    assert not guard.is_on and mock_pins.pin(17).state is True
    (trip,) = recent_trips(journal)
    assert trip.cause == GUARD_RESTART and trip.token == "b9"
    assert trip.on_s == pytest.approx(20, abs=2)
    assert json.loads(state.read_text())["relay"] is False
    guard.close()


def test_a_pin_that_cannot_be_claimed_is_a_clear_error(mock_pins) -> None:
    first = RelayGuard(17, pin_factory=mock_pins)
    with pytest.raises(RelayError, match="GPIO17"):
        RelayGuard(17, pin_factory=mock_pins)
    first.close()


# --- the socket, in this process --------------------------------------------------------------


@contextlib.contextmanager
def served(guard: RelayGuard, path: Path) -> Iterator[GuardServer]:
    server = GuardServer(guard, path)
    server.listen()
    thread = threading.Thread(target=server.serve, kwargs={"beat_s": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop()
        thread.join(5)
        server.close()
        guard.close()


def test_the_owner_hears_of_a_trip_and_a_lost_owner_switches_off(
    mock_pins, journal, tmp_path
) -> None:
    guard = RelayGuard(17, max_on_s=0.3, pin_factory=mock_pins, journal=journal)
    path = tmp_path / "guard.sock"
    with served(guard, path):
        trips: list[Trip] = []
        relay = Relay(17, max_on_s=60, on_guard_trip=trips.append, link=GuardClient(path))
        relay.on("b1")
        assert relay.is_on and guard.is_on
        wait_until(lambda: trips, 5, "the trip")
        assert trips[0].cause == MAX_ON_TIME and trips[0].on_s == pytest.approx(0.3, abs=0.2)
        assert not relay.is_on and relay.guard_tripped
        assert relay.off() == trips[0].off_at  # when the relay really went off
        # a controller that dies with the relay on: its connection closes, the relay goes off
        guard.max_on_s = 60
        relay.on("b2")
        assert guard.is_on
        relay.link.close()
        wait_until(lambda: not guard.is_on, 5, "the relay to go off")
        # journaled just after the pin went off (switching off never waits for the disk)
        wait_until(lambda: len(recent_trips(journal)) == 2, 5, "the journal")
        assert [t.cause for t in recent_trips(journal)] == [MAX_ON_TIME, OWNER_LOST]
        assert recent_trips(journal)[-1].token == "b2"
    assert pin_levels(mock_pins)[-1] is True


def test_an_operator_off_from_another_connection_reaches_the_owner(
    mock_pins, journal, tmp_path
) -> None:
    guard = RelayGuard(17, max_on_s=60, pin_factory=mock_pins, journal=journal)
    path = tmp_path / "guard.sock"
    with served(guard, path):
        trips: list[Trip] = []
        states: list[bool] = []
        relay = Relay(
            17,
            on_guard_trip=trips.append,
            on_change=lambda on, when: states.append(on),
            link=GuardClient(path),
        )
        relay.on("b1")
        operator = GuardClient(path)
        switched = operator.off("", cause=OPERATOR)
        operator.close()
        assert switched.was_on and switched.trip and switched.trip.cause == OPERATOR
        wait_until(lambda: trips, 5, "the owner to hear of it")
        assert not relay.is_on and states == [True, False]  # status and state.json follow
        assert trips[0].reason().startswith("relay switched off by operator")
        relay.close()


def test_hostile_clients_are_bounded(mock_pins, tmp_path) -> None:
    guard = RelayGuard(17, max_on_s=60, pin_factory=mock_pins)
    path = tmp_path / "guard.sock"
    with served(guard, path) as server:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(str(path))
            with contextlib.suppress(ConnectionError):  # closed: read no further than the cap
                sock.sendall(b"x" * (MAX_LINE * 4))  # no newline, ever
                assert sock.recv(100) == b""
        # nonsense and impossible values are answered, not obeyed
        client = GuardClient(path)
        for bad in ({"cmd": "on", "max_on_s": -1}, {"cmd": "launch"}):
            with pytest.raises(RelayError):
                client.request(**bad)
        assert not guard.is_on
        with pytest.raises(RelayError):
            client.request("on", max_on_s=float("nan"))
        client.close()
        owner = Relay(17, link=GuardClient(path))
        owner.on("b1")  # on air
        held = []
        for _ in range(12):  # more connections than the guard takes, all idle
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(str(path))
            held.append(sock)
        wait_until(lambda: len(server.clients) == 8, 5, "the connection cap")
        assert guard.is_on and server.owner is not None  # the owner's is never the one closed
        for sock in held:
            sock.close()
        owner.close()
        wait_until(lambda: not server.clients, 5, "the connections to close")
        ok = GuardClient(path)
        assert ok.request("status")["relay"] is False
        ok.close()


# --- real processes: the guard, and a controller frozen or killed on air ----------------------

PIN_HOOK = """
import os, time
_log = os.environ.get("TEST_PIN_LOG")
if _log:
    from gpiozero.pins.mock import MockPin
    _change = MockPin._change_state

    def _change_state(self, value):
        changed = _change(self, value)
        if changed and self._function == "output":
            with open(_log, "a") as handle:
                at = time.monotonic()
                handle.write(f"{os.getpid()} {at:.4f} {self.info.name} {int(value)}\\n")
        return changed

    MockPin._change_state = _change_state
"""


class Rig:
    """The guard and the controller as processes on one data folder."""

    def __init__(self, tmp_path: Path, data_dir: Path, max_on_minutes: float) -> None:
        hook = tmp_path / "hook"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(PIN_HOOK)
        self.pin_log = tmp_path / "pins.log"
        self.data = data_dir
        cfg = write_config(
            tmp_path / "village.toml",
            {
                "paths": {"data": str(data_dir)},
                "relay": {"warmup_s": 0.2, "tail_s": 0.2, "max_on_minutes": max_on_minutes},
                "schedule": {"clock_sync": "assume", "quiet_hours": ""},
            },
        )
        self.env = {
            **os.environ,
            "VILLAGE_CONFIG": str(cfg),
            "GPIOZERO_PIN_FACTORY": "mock",
            "SDL_AUDIODRIVER": "dummy",
            "PYTHONPATH": str(hook),
            "TEST_PIN_LOG": str(self.pin_log),
        }
        self.procs: list[subprocess.Popen] = []

    def start(self, *args: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            [*VILLAGE, *args],
            env=self.env,
            cwd=REPO,
            text=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.procs.append(proc)
        return proc

    def guard(self) -> subprocess.Popen:
        proc = self.start("relay", "guard")
        wait_until(lambda: (self.data / "run" / "relay-guard.sock").exists(), 20, "the guard")
        return proc

    def controller(self) -> subprocess.Popen:
        proc = self.start("controller", "--relay-guard", "process")
        wait_until(
            lambda: proc.poll() is not None or self.village("status").returncode == 0,
            30,
            "the controller",
        )
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        return proc

    def village(self, *args: str) -> subprocess.CompletedProcess:
        return run_village(*args, env=self.env)

    def changes(self, pid: int) -> list[tuple[float, int]]:
        if not self.pin_log.exists():
            return []
        found = []
        for line in self.pin_log.read_text().splitlines():
            who, at, name, level = line.split()
            if int(who) == pid and name == "GPIO17":
                found.append((float(at), int(level)))
        return found

    def on_at(self, pid: int) -> float:
        """When the relay (active low) last closed."""
        return [at for at, level in self.changes(pid) if level == 0][-1]

    def off_after(self, pid: int, since: float) -> float | None:
        return next((at for at, level in self.changes(pid) if level == 1 and at > since), None)

    def records(self) -> list[dict]:
        return json.loads(self.village("log", "--json").stdout or "[]")

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGCONT)
                proc.terminate()
                try:
                    proc.communicate(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.communicate()


@pytest.fixture
def rig(tmp_path: Path, data_dir: Path, make_tone) -> Iterator[Rig]:
    add_segments(data_dir, (make_tone("long.wav", seconds=40), "long"))
    made = Rig(tmp_path, data_dir, max_on_minutes=0.05)  # 3 s
    try:
        yield made
    finally:
        made.stop()


def on_air(rig: Rig, guard: subprocess.Popen) -> float:
    played = rig.village("play-now", "long")
    assert played.returncode == 0, played.stderr
    wait_until(lambda: any(level == 0 for _, level in rig.changes(guard.pid)), 10, "relay on")
    return rig.on_at(guard.pid)


def test_a_frozen_controller_cannot_keep_the_relay_on(rig: Rig) -> None:
    guard = rig.guard()
    controller = rig.controller()
    relay_on = on_air(rig, guard)
    os.kill(controller.pid, signal.SIGSTOP)
    try:
        off = wait_until(lambda: rig.off_after(guard.pid, relay_on), 15, "the guard's trip")
        assert off - relay_on < 3.0 + 1.0  # at the deadline, with the controller still frozen
        time.sleep(max(0.0, relay_on + 6.0 - time.monotonic()))  # frozen twice the maximum
    finally:
        os.kill(controller.pid, signal.SIGCONT)
    (record,) = wait_until(rig.records, 15, "the broadcast's record")
    assert record["outcome"] == "partial"
    assert record["reason"].startswith("maximum on-time reached: the relay guard")
    on = dt.datetime.fromisoformat(record["relay_on"])
    logged = (dt.datetime.fromisoformat(record["relay_off"]) - on).total_seconds()
    assert logged == pytest.approx(off - relay_on, abs=0.3)  # the true on-time, not 6 s
    status = json.loads(rig.village("status", "--json").stdout)
    assert status["relay"] is False and status["relay_guard"]["mode"] == "process"
    assert status["relay_guard"]["last_trip"]["cause"] == MAX_ON_TIME


def test_relay_off_with_the_controller_frozen_and_a_killed_controller(rig: Rig) -> None:
    guard = rig.guard()
    controller = rig.controller()
    relay_on = on_air(rig, guard)
    os.kill(controller.pid, signal.SIGSTOP)
    try:  # the technician's command: the controller does not answer, the guard does
        done = rig.village("relay", "off")
        assert done.returncode == 0, done.stderr
        assert "bảo vệ rơ-le" in done.stdout
        assert rig.off_after(guard.pid, relay_on) is not None
    finally:
        os.kill(controller.pid, signal.SIGCONT)
    (record,) = wait_until(rig.records, 15, "the broadcast's record")
    assert record["reason"].startswith("relay switched off by operator")
    status = json.loads(rig.village("status", "--json").stdout)
    assert status["relay"] is False and status["state"] == "idle"

    # SIGKILL on air: the guard switches off at once, the next start logs the true off time
    relay_on = on_air(rig, guard)
    controller.kill()
    controller.communicate(timeout=10)
    off = wait_until(lambda: rig.off_after(guard.pid, relay_on), 5, "the relay to go off")
    assert off - relay_on < 2.5  # well before the 3 s deadline
    rig.controller()
    records = wait_until(lambda: len(rig.records()) == 2 and rig.records(), 15, "the record")
    assert records[-1]["outcome"] == "partial"
    assert records[-1]["reason"].startswith("interrupted: the controller stopped")
    assert "when the controller went" in records[-1]["reason"]
    assert records[-1]["relay_off"] is not None
    assert guard.poll() is None  # the guard lived through all of it
