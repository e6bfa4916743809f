"""Late, missed and clock-doubt policies, decided with an injected clock (no waiting)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from controller.airing.scheduler import Miss, Scheduler, Start, Wait, WaitForClock
from tests.conftest import ControllerRun, add_segments, add_slot
from village.clock import ManualClock
from village.plan import Plan, Policy
from village.playlog import PlayLog

T0 = dt.datetime(2021, 3, 1, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
GRACE = dt.timedelta(minutes=10)


def plan(minutes: float = 15, priority: str = "ordinary", start: dt.datetime = T0) -> Plan:
    local = start.astimezone(dt.timezone(dt.timedelta(hours=7))).replace(tzinfo=None)
    return Plan(
        id=f"p-{priority}",
        title="t",
        dtstart=local.isoformat(),
        slot_minutes=minutes,
        priority=priority,
        segments=["s"],
    )


def scheduler(*plans: Plan, started_at: dt.datetime = T0 - dt.timedelta(hours=1)) -> Scheduler:
    sched = Scheduler(Policy(quiet_hours="", holidays=()), GRACE, started_at)
    sched.rebuild(list(plans), {"s": 60.0}, T0)
    return sched


def test_waits_for_the_slot_then_starts_on_time() -> None:
    sched = scheduler(plan())
    assert sched.decide(T0 - dt.timedelta(minutes=5), True, set()) == Wait(T0)
    decision = sched.decide(T0, True, set())
    assert isinstance(decision, Start) and decision.late_s == 0


def test_late_start_within_grace_is_shortened_to_the_slot_end() -> None:
    sched = scheduler(plan())
    decision = sched.decide(T0 + dt.timedelta(minutes=4), True, set())
    assert isinstance(decision, Start)
    assert decision.late_s == 240
    assert decision.slot.end == T0 + dt.timedelta(minutes=15)  # the deadline does not move


def test_beyond_grace_the_slot_is_missed_with_the_reason() -> None:
    sched = scheduler(plan())
    decision = sched.decide(T0 + dt.timedelta(minutes=11), True, set())
    assert isinstance(decision, Miss)
    assert "too late" in decision.reason


def test_too_little_left_of_a_short_slot_is_missed() -> None:
    sched = scheduler(plan(minutes=2))
    decision = sched.decide(T0 + dt.timedelta(seconds=115), True, set())
    assert isinstance(decision, Miss)


def test_device_off_at_slot_time() -> None:
    sched = scheduler(plan(), started_at=T0 + dt.timedelta(hours=2))
    sched.backfill_from = T0 - dt.timedelta(days=1)  # the last logged slot was yesterday
    decision = sched.decide(T0 + dt.timedelta(hours=2), True, set())
    assert isinstance(decision, Miss)
    assert "not running" in decision.reason


def test_first_ever_start_does_not_write_off_history() -> None:
    sched = scheduler(plan(), started_at=T0 + dt.timedelta(hours=2))
    assert isinstance(sched.decide(T0 + dt.timedelta(hours=2), True, set()), Wait)


def test_busy_with_another_broadcast() -> None:
    sched = scheduler(plan())
    sched.note_busy(T0 - dt.timedelta(minutes=5), T0 + dt.timedelta(minutes=12), "khẩn cấp")
    decision = sched.decide(T0 + dt.timedelta(minutes=12), True, set())
    assert isinstance(decision, Miss) and decision.reason.startswith("busy")


def test_unsynchronised_clock_holds_ordinary_slots_but_not_emergencies() -> None:
    sched = scheduler(plan())
    # the clock says it is slot time, but it cannot be trusted: neither air nor write off
    assert isinstance(sched.decide(T0, False, set()), WaitForClock)
    assert isinstance(sched.decide(T0 + dt.timedelta(hours=5), False, set()), WaitForClock)
    emergency = scheduler(plan(priority="emergency"))
    assert isinstance(emergency.decide(T0, False, set()), Start)


def test_clock_synchronised_late_misses_with_clock_reason() -> None:
    sched = scheduler(plan())
    sched.note_clock(False, T0 - dt.timedelta(days=300), monotonic=0.0)  # wrong wall clock
    assert isinstance(sched.decide(T0 - dt.timedelta(days=300), False, set()), Wait)
    # 20 minutes of real time later NTP sets the clock: the slot is 12 minutes gone
    synced_now = T0 + dt.timedelta(minutes=12)
    sched.note_clock(True, synced_now, monotonic=20 * 60.0)
    decision = sched.decide(synced_now, True, set())
    assert isinstance(decision, Miss)
    assert decision.reason == "clock not synchronised at slot time"


def test_clock_synchronised_within_grace_still_airs() -> None:
    sched = scheduler(plan())
    sched.note_clock(False, T0, monotonic=0.0)
    assert isinstance(sched.decide(T0, False, set()), WaitForClock)
    sched.note_clock(True, T0 + dt.timedelta(minutes=3), monotonic=180.0)
    decision = sched.decide(T0 + dt.timedelta(minutes=3), True, set())
    assert isinstance(decision, Start) and decision.late_s == 180


def test_handled_slots_are_never_aired_twice() -> None:
    sched = scheduler(plan())
    slot = sched.schedule.slots[0]
    assert isinstance(sched.decide(T0 + dt.timedelta(minutes=1), True, {slot.key}), Wait)


# --- the whole controller with an injected clock ---------------------------------------------


def test_controller_waits_for_clock_sync_and_logs_it(
    config, mock_pins, disk_audio, make_tone, data_dir: Path
) -> None:
    """An unsynchronised Pi holds its slot; when NTP comes in too late the slot is missed."""
    add_segments(data_dir, (make_tone("s.wav"), "s"))
    start = dt.datetime(2021, 3, 1, 6, 30, tzinfo=dt.UTC)
    add_slot(data_dir, ["s"], start, seconds=900)
    clock = ManualClock(start - dt.timedelta(seconds=30), synchronized=False)
    waits = threading.Semaphore(0)

    def on_step(kind: str, data: dict) -> bool:
        if kind == "clock-wait":
            waits.release()
        return kind == "logged"

    run = ControllerRun(config, mock_pins, clock=clock, stop_when=on_step).start()
    assert waits.acquire(timeout=20)  # the controller noticed and held the slot
    clock.advance(3600)  # an hour passes (in the injected clock) before NTP syncs
    clock.synchronized = True
    run.controller.wake.set()
    run.thread.join(30)
    run.stop()
    (record,) = run.records()
    assert record["outcome"] == "missed"
    assert record["reason"] == "clock not synchronised at slot time"
    assert record["relay_on"] is None
    assert not any(disk_audio.samples().ravel()) if disk_audio.path.exists() else True
    last = PlayLog(data_dir).last()
    assert last is not None and last["id"] == record["id"]


def test_controller_started_late_airs_the_rest_of_the_slot(
    config, mock_pins, disk_audio, make_tone, data_dir: Path
) -> None:
    add_segments(data_dir, (make_tone("s.wav", seconds=1.0), "s"))
    start = dt.datetime(2021, 3, 1, 6, 30, tzinfo=dt.UTC)
    add_slot(data_dir, ["s"], start, seconds=900)
    clock = ManualClock(start + dt.timedelta(minutes=5))  # booted five minutes late
    run = ControllerRun(
        config, mock_pins, clock=clock, stop_when=lambda k, d: k == "logged"
    ).start()
    run.thread.join(30)
    run.stop()
    (record,) = run.records()
    assert record["outcome"] == "aired"
    assert record["late_s"] == pytest.approx(300, abs=1)
    assert record["segments"][0]["complete"]
