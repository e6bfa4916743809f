"""A plan the controller cannot expand never stops the broadcasts.

The bad plans go straight into the content store, as a pushed manifest's records would
land, past every import check. The controller as a process runs under CPU and memory
limits, so a regression (a loop at 100 % CPU, a schedule in the hundreds of MB) kills it
and fails the test instead of swamping the machine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import signal
import subprocess
import threading
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest

from commune.push import push_segment
from controller.airing.scheduler import Scheduler
from controller.control import send_command
from tests.conftest import (
    REPO,
    VILLAGE,
    ControllerRun,
    add_segments,
    add_slot,
    run_village,
    write_config,
)
from tests.sync_helpers import (
    AgentRun,
    Broker,
    HubRun,
    device_mqtt,
    make_config,
    needs_mosquitto,
    wait_until,
)
from village.plan import ExpansionBudget, Schedule
from village.store import ContentStore

ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CPU_LIMIT_S = 20  # a controller stuck at 100 % CPU is killed by the kernel within this
MEMORY_LIMIT = 2 << 30


def local(moment: dt.datetime) -> str:
    return moment.astimezone(ZONE).replace(tzinfo=None).isoformat(timespec="seconds")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def bad_plans() -> list[dict]:
    """INTERVAL=0 (looped forever) and FREQ=SECONDLY (took 50 s and 418 MB to start)."""
    return [
        {"id": "lap-vo-han", "title": "Lặp vô hạn", "rrule": "FREQ=DAILY;INTERVAL=0"},
        {"id": "tung-giay", "title": "Từng giây", "rrule": "FREQ=SECONDLY"},
    ]


def store_raw(data_dir: Path, *plans: dict) -> None:
    """Straight into the store, as a pushed manifest would land (no import checks)."""
    with ContentStore(data_dir).transaction() as tables:
        for plan in plans:
            since = local(now() - dt.timedelta(days=8))
            tables.upsert("plans", {"segments": ["s"], "dtstart": since, **plan})


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.fixture
def env(tmp_path: Path, data_dir: Path) -> dict[str, str]:
    cfg = write_config(
        tmp_path / "village.toml",
        {
            "paths": {"data": str(data_dir)},
            "relay": {"warmup_s": 0.2, "tail_s": 0.2},
            "schedule": {"clock_sync": "assume", "quiet_hours": ""},
        },
    )
    return {
        **os.environ,
        "VILLAGE_CONFIG": str(cfg),
        "GPIOZERO_PIN_FACTORY": "mock",
        "SDL_AUDIODRIVER": "dummy",
    }


class Daemon:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.proc = subprocess.Popen(
            [*VILLAGE, "controller"],
            env=env,
            cwd=REPO,
            text=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=limited,
        )
        self.err = ""
        wait_until(lambda: self.alive() and self.answers(), 30, "the controller to answer")

    def alive(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"controller died ({self.proc.returncode}): {self.stop()}")
        return True

    def answers(self) -> bool:
        return run_village("status", "--json", env=self.env).returncode == 0

    def status(self) -> dict:
        return json.loads(run_village("status", "--json", env=self.env, check=True).stdout)

    def records(self) -> list[dict]:
        return json.loads(run_village("log", "--json", env=self.env, check=True).stdout)

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            _, self.err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, self.err = self.proc.communicate()
            raise AssertionError("the controller ignored SIGTERM") from None
        return self.err


def test_bad_plans_at_start_are_quarantined_and_the_good_one_airs(env, data_dir, make_tone) -> None:
    add_segments(data_dir, (make_tone("s.wav", seconds=1), "s"))
    add_slot(data_dir, ["s"], now() + dt.timedelta(seconds=8), seconds=20, plan_id="tot")
    store_raw(data_dir, *bad_plans())
    daemon = Daemon(env)
    try:
        status = daemon.status()
        assert status["state"] == "idle" and status["schedule"]["state"] == "ready"
        reasons = {q["plan"]: q["reason"] for q in status["quarantined"]}
        assert set(reasons) == {"lap-vo-han", "tung-giay"}
        assert "INTERVAL=0" in reasons["lap-vo-han"] and "SECONDLY" in reasons["tung-giay"]
        assert status["schedule"]["slots"] == 1  # the good plan's
        human = run_village("status", env=env, check=True).stdout
        assert "Lịch bị tạm loại" in human and "«Lặp vô hạn»" in human
        played = run_village("play-now", "s", env=env)  # the loop answers at once
        assert played.returncode == 0, played.stderr
        records = wait_until(lambda: len(daemon.records()) == 2 and daemon.records(), 20, "slot")
        assert sorted((r["plan"], r["outcome"]) for r in records) == [
            ("", "aired"),  # the manual one
            ("tot", "aired"),
        ]
    finally:
        err = daemon.stop()
    assert daemon.proc.returncode == 0, err
    assert "lap-vo-han" in err and "quarantined" in err  # named in the journal


def test_a_bad_plan_arriving_while_running_changes_nothing_else(env, data_dir, make_tone) -> None:
    add_segments(data_dir, (make_tone("s.wav", seconds=1), "s"))
    add_slot(data_dir, ["s"], now() + dt.timedelta(seconds=8), seconds=20, plan_id="tot")
    daemon = Daemon(env)
    try:
        store_raw(data_dir, *bad_plans())
        send_command(data_dir / "run" / "control.sock", "reload")  # as the agent does
        wait_until(lambda: len(daemon.status()["quarantined"]) == 2, 10, "the quarantine")
        assert daemon.status()["schedule"]["slots"] == 1
        (record,) = wait_until(daemon.records, 20, "the good plan's slot")
        assert record["outcome"] == "aired" and record["plan"] == "tot"
    finally:
        daemon.stop()
    assert daemon.proc.returncode == 0


# --- in this process: the budget, and expansions that take their time ---------------------


def test_a_plan_over_its_budget_is_quarantined_and_the_others_air(
    config, mock_pins, disk_audio, make_tone, data_dir
) -> None:
    add_segments(data_dir, (make_tone("s.wav", seconds=0.5), "s"))
    add_slot(data_dir, ["s"], now() + dt.timedelta(seconds=2), seconds=4, plan_id="tot")
    # valid (24 sessions a day), but more than this device's budget allows in its window
    hourly = {"id": "moi-gio", "title": "Mỗi giờ", "rrule": "FREQ=HOURLY"}
    store_raw(data_dir, {**hourly, "dtstart": local(now() - dt.timedelta(days=8))})
    run = ControllerRun(
        config,
        mock_pins,
        stop_when=lambda k, d: k == "logged",
        budget=ExpansionBudget(max_slots=50, max_seconds=5),
    ).start()
    run.thread.join(30)
    status = run.controller.status()
    run.stop()
    (record,) = run.records()
    assert record["plan"] == "tot" and record["outcome"] == "aired"
    (quarantined,) = status["quarantined"]
    assert quarantined["plan"] == "moi-gio" and "50" in quarantined["reason"]


class SlowFirstExpansion:
    """The first expansion takes as long as the test says (a plan that uses its whole
    budget); it would give a slot that must never air, since newer content replaced it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.calls = 0
        real = Scheduler.expand

        def expand(scheduler, plans, durations, window, budget=None) -> Schedule:
            self.calls += 1
            if self.calls == 1:
                self.started.set()
                self.release.wait(30)
            return real(scheduler, plans, durations, window, budget)

        monkeypatch.setattr(Scheduler, "expand", expand)


def test_new_content_replaces_the_schedule_while_an_expansion_still_runs(
    config, mock_pins, disk_audio, make_tone, data_dir, monkeypatch
) -> None:
    add_segments(data_dir, (make_tone("s.wav", seconds=0.5), "s"))
    add_slot(data_dir, ["s"], now() + dt.timedelta(seconds=3), seconds=4, plan_id="cu")
    slow = SlowFirstExpansion(monkeypatch)
    run = ControllerRun(config, mock_pins).start()
    try:
        run.wait_for("ready")  # ready while the first expansion is still running
        assert slow.started.is_set() and not slow.release.is_set()
        status = run.controller.status()
        assert status["state"] == "idle" and status["schedule"]["state"] == "computing"
        answer = run.controller.play_now(["s"])  # the main loop is not held up
        assert answer["ok"], answer
        run.wait_for("logged")
        # a new version: the old plan gone, a new one due in 2 s
        with ContentStore(data_dir).transaction() as tables:
            tables.remove("plans", "cu")
        add_slot(data_dir, ["s"], now() + dt.timedelta(seconds=2), seconds=4, plan_id="moi")
        run.controller.wake.set()
        wait_until(lambda: slow.calls == 2, 5, "the second expansion")
        wait_until(lambda: any(r["plan"] == "moi" for r in run.records()), 20, "the new slot")
        assert run.controller.planner.running == 1  # the old one still expanding
        slow.release.set()
        wait_until(lambda: run.controller.planner.running == 0, 5, "the old one to end")
        assert run.controller.status()["next_slot"] is None  # its result was dropped
    finally:
        slow.release.set()
        run.stop()
    assert [r["plan"] for r in run.records()] == ["", "moi"]  # never the replaced "cu"


class StuckPlayer:
    """A player whose audio does not stop when asked (a decoder that hangs)."""

    def __init__(self) -> None:
        self.playing = threading.Event()
        self.release = threading.Event()

    def open(self) -> None:
        pass

    def play(self, items, start_at, deadline, stop, on_event):
        from controller.audio.player import PlayResult

        self.playing.set()
        self.release.wait(30)
        return PlayResult()

    def close(self) -> None:
        pass


def test_sigterm_switches_the_relay_off_even_if_the_audio_does_not_stop(
    config, mock_pins, make_tone, data_dir
) -> None:
    add_segments(data_dir, (make_tone("s.wav", seconds=0.5), "s"))
    player = StuckPlayer()
    run = ControllerRun(config, mock_pins, player=player).start()
    try:
        run.wait_for("ready")
        run.controller.play_now(["s"], wait=False)
        wait_until(player.playing.is_set, 10, "the broadcast")
        relay = mock_pins.pin(17)
        assert relay.state is False  # active-low: on
        run.controller.request_shutdown("controller stopping (SIGTERM)")
        wait_until(lambda: relay.state is True, 5, "the relay to go off")
        assert not player.release.is_set()  # the audio is still stuck
    finally:
        player.release.set()
        run.stop()
    (record,) = run.records()
    assert "SIGTERM" in record["reason"]


# --- through the commune hub: refused as a version, and a fix that reaches a busy controller


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    running = Broker(tmp_path / "broker").start()
    yield running
    running.stop()


@pytest.fixture
def hub(tmp_path: Path, broker: Broker) -> Iterator[HubRun]:
    running = HubRun(tmp_path / "hub", broker).start()
    yield running
    running.stop()


def push_raw_plan(hub: HubRun, record: dict) -> int:
    """A plan record as an older or hand-edited hub would push it (no checks on the hub)."""
    version = hub.hub.repository.add_version([("plans", record["id"], record)], ["*"], "plan")
    return version.version


def refused(hub: HubRun, version: int) -> dict:
    sync = hub.status("pi-01").get("sync") or {}
    return sync if sync.get("state") == "refused" and sync.get("version") == version else {}


@needs_mosquitto
def test_the_device_refuses_plans_it_cannot_expand_and_staff_see_it_refused(
    tmp_path: Path, broker: Broker, hub: HubRun
) -> None:
    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, hub, "pi-01"), device={"id": "pi-01"}
    )
    device = AgentRun(config)
    device.agent.applier.budget = ExpansionBudget(max_slots=50, max_seconds=5)
    device.start()
    store = device.host.store
    try:
        wait_until(lambda: hub.status("pi-01").get("online"), 15, "pi-01 online")
        since = local(now() - dt.timedelta(days=8))
        # refused by Plan.validate as the manifest is read
        looping = {"id": "lap", "title": "Lặp vô hạn", "dtstart": since}
        first = push_raw_plan(hub, {**looping, "rrule": "FREQ=DAILY;INTERVAL=0"})
        sync = wait_until(lambda: refused(hub, first), 20, "the refusal to reach the hub")
        assert sync["code"] == "bad-plan" and "INTERVAL=0" in sync["detail"]
        # valid, but over what this device may spend on one plan: refused by the trial run
        hourly = {"id": "lap", "title": "Mỗi giờ", "dtstart": since, "rrule": "FREQ=HOURLY"}
        second = push_raw_plan(hub, hourly)
        sync = wait_until(lambda: refused(hub, second), 20, "the second refusal")
        assert sync["code"] == "bad-plan" and "«Mỗi giờ» (lap)" in sync["detail"]
        assert store.snapshot().plans == {}  # nothing of either was switched to
        assert progress_of(hub, second).state == "refused"
        staff = write_config(tmp_path / "hub.toml", {"hub": {"data": str(hub.hub.root)}})
        shown = run_village("devices", env={"VILLAGE_CONFIG": str(staff)})
        line = next(x for x in shown.stdout.splitlines() if x.startswith("pi-01"))
        assert f"từ chối bản {second}" in line and "không tính được buổi phát" in line
        # a good plan after them is taken
        fixed = push_raw_plan(hub, {**hourly, "rrule": "FREQ=DAILY;BYHOUR=6"})
        device.wait_version(fixed)
        assert list(store.snapshot().plans) == ["lap"]
    finally:
        device.stop()


def progress_of(hub: HubRun, version: int):  # commune.progress.DeviceProgress
    from commune.progress import push_progress

    row = hub.device_row("pi-01")
    return push_progress(row.status, row.online, "pi-01", version)


@needs_mosquitto
def test_a_fix_from_the_hub_reaches_a_controller_busy_expanding(
    tmp_path: Path, broker: Broker, hub: HubRun, mock_pins, disk_audio, make_tone, monkeypatch
) -> None:
    """The first expansion takes its whole budget: the sync agent already runs, the hub's
    next version is applied and aired meanwhile."""
    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, hub, "pi-01"), device={"id": "pi-01"}
    )
    slow = SlowFirstExpansion(monkeypatch)
    device = ControllerRun(config, mock_pins).start()
    try:
        wait_until(slow.started.is_set, 15, "the first expansion")
        wait_until(lambda: hub.status("pi-01").get("online"), 15, "pi-01 online")
        pushed = push_segment(hub.hub, make_tone("tin.wav", seconds=0.5), "Tin", segment_id="tin")
        start = now() + dt.timedelta(seconds=4)
        plan = {"id": "sua", "title": "Buổi sửa", "dtstart": local(start), "segments": ["tin"]}
        version = push_raw_plan(hub, {**plan, "slot_minutes": 0.1})
        wait_until(lambda: version > pushed.version.version and device.records(), 30, "the slot")
        (record,) = device.records()
        assert record["plan"] == "sua" and record["outcome"] == "aired"
        assert not slow.release.is_set()  # all of it while the first expansion still ran
    finally:
        slow.release.set()
        device.stop()
