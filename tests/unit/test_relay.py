"""The relay on gpiozero's MockFactory with the injected clock: on before the audio, off
after it, and the maximum on-time tripping at the clock's deadline (no waiting for it)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from controller.airing.broadcast import Broadcaster, Job
from controller.gpio.relay import LocalLink, Relay
from controller.gpio.relay_guard import MAX_ON_TIME, Trip
from tests.unit.doubles import RecordingPlayer, play_item
from village.clock import ManualClock

T0 = dt.datetime(2030, 3, 4, 0, 30, tzinfo=dt.UTC)
PIN = 17  # active-low, as most relay boards: low closes the relay


@pytest.fixture
def pins() -> Iterator[MockFactory]:
    factory = MockFactory()
    yield factory
    factory.reset()
    factory.close()


def levels(pins: MockFactory) -> list[bool]:
    """The pin's levels since the relay claimed it (the mock pin starts low, as an input)."""
    return [s.state for s in pins.pin(PIN).states[1:]]


def relay_on(pins: MockFactory) -> bool:
    return pins.pin(PIN).state is False


class Changes:
    def __init__(self) -> None:
        self.seen: list[tuple[bool, dt.datetime]] = []
        self.trips: list[Trip] = []
        self.tripped = threading.Event()

    def change(self, on: bool, when: dt.datetime) -> None:
        self.seen.append((on, when))

    def trip(self, trip: Trip) -> None:
        self.trips.append(trip)
        self.tripped.set()


def make_relay(pins: MockFactory, clock: ManualClock, max_on_s: float, changes: Changes) -> Relay:
    return Relay(
        PIN,
        max_on_s=max_on_s,
        pin_factory=pins,
        clock=clock,
        on_change=changes.change,
        on_guard_trip=changes.trip,
    )


def test_the_relay_is_on_before_the_audio_and_off_after_it(pins, tmp_path: Path) -> None:
    clock = ManualClock(T0)
    changes = Changes()
    relay = make_relay(pins, clock, 1800, changes)
    player = RecordingPlayer(clock, observe=lambda: (relay.is_on, relay_on(pins), clock.now()))
    broadcaster = Broadcaster(
        relay, player, clock, warmup_s=3.0, tail_s=2.0, device="pi-01", state_dir=tmp_path
    )
    job = Job("Tin sáng", (play_item("a", 10.0), play_item("b", 5.0)), planned_start=T0)

    record = broadcaster.run(job)
    relay.close()

    (played,) = player.plays
    assert played.seen == (True, True, T0)  # on, pin driven, before any audio
    assert played.start_at == T0 + dt.timedelta(seconds=3)  # the warm-up first
    assert [i.segment_id for i in played.items] == ["a", "b"]
    assert not relay_on(pins) and levels(pins) == [True, False, True]  # off, on once, off
    assert changes.seen == [(True, T0), (False, T0 + dt.timedelta(seconds=20))]
    assert record["outcome"] == "aired" and record["reason"] == ""
    assert record["relay_on"] == T0.isoformat()
    assert record["relay_off"] == (T0 + dt.timedelta(seconds=20)).isoformat()  # 3 + 15 + 2 s
    assert [s["id"] for s in record["segments"]] == ["a", "b"]
    assert player.opened == 1 and player.closed == 1
    assert not changes.trips


def test_the_maximum_on_time_trips_at_the_clocks_deadline(pins) -> None:
    clock = ManualClock(T0)
    changes = Changes()
    relay = make_relay(pins, clock, 60, changes)
    assert isinstance(relay.link, LocalLink)

    assert relay.on("b1") == T0 and relay_on(pins)
    clock.advance(59.999)
    assert relay.link.check() is None  # one millisecond early: still on
    assert relay.is_on and relay_on(pins)
    clock.advance(0.001)
    trip = relay.link.check()

    assert trip is not None and trip.cause == MAX_ON_TIME and trip.token == "b1"
    assert trip.on_s == 60.0 and trip.off_at == T0 + dt.timedelta(seconds=60)
    assert not relay_on(pins) and not relay.is_on and relay.guard_tripped
    assert changes.trips == [trip]
    assert changes.seen[-1] == (False, T0 + dt.timedelta(seconds=60))
    clock.advance(5)  # the broadcast's own off comes later: it gets the guard's time
    assert relay.off() == T0 + dt.timedelta(seconds=60)
    assert levels(pins) == [True, False, True]  # switched once each way
    relay.close()


def test_the_deadline_is_the_injected_clocks_not_the_wall_clocks(pins) -> None:
    clock = ManualClock(T0)
    changes = Changes()
    relay = make_relay(pins, clock, 0.05, changes)
    relay.on("b2")
    time.sleep(0.15)  # three times the maximum on the wall clock; none on the relay's clock
    assert relay.is_on and relay_on(pins) and not changes.trips
    clock.advance(0.05)
    assert changes.tripped.wait(5), "the deadline watcher did not switch the relay off"
    (trip,) = changes.trips
    assert trip.on_s == 0.05 and not relay_on(pins)
    relay.close()


def test_an_off_before_the_deadline_is_no_trip_and_close_is_idempotent(pins) -> None:
    clock = ManualClock(T0)
    changes = Changes()
    relay = make_relay(pins, clock, 60, changes)
    relay.on("b3")
    clock.advance(30)
    assert relay.off() == T0 + dt.timedelta(seconds=30)
    clock.advance(60)
    assert isinstance(relay.link, LocalLink) and relay.link.check() is None
    relay.close()
    relay.close()
    assert not changes.trips and not relay.guard_tripped and relay.off_confirmed
    assert levels(pins) == [True, False, True]
