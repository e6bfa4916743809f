"""Commands from the hub on a real controller: an emergency cuts an ordinary broadcast and
plays in quiet hours; ordinary and priority broadcasts keep to the plan rules."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from commune.push import push_segment, queue_command
from tests.conftest import ControllerRun
from tests.sync_helpers import Broker, HubRun, device_mqtt, make_config, needs_mosquitto, wait_until

pytestmark = needs_mosquitto
ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def broker(tmp_path: Path):
    running = Broker(tmp_path / "broker", devices=("pi-01",)).start()
    yield running
    running.stop()


@pytest.fixture
def hub(tmp_path: Path, broker: Broker):
    running = HubRun(tmp_path / "hub", broker, devices=("pi-01",)).start()
    yield running
    running.stop()


def quiet_hours_around_now() -> str:
    now = dt.datetime.now(ZONE)
    begin, end = now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)
    return f"{begin:%H:%M}-{end:%H:%M}"


def reply_for(hub: HubRun, command_id: str):
    return wait_until(
        lambda: next(iter(hub.hub.repository.replies(command_id)), None), 20, "a reply"
    )


def relay_switched_on(factory, pin: int = 17) -> int:
    return sum(1 for state in factory.pin(pin).states[1:] if state.state is False)


def start_device(tmp_path, broker, hub, mock_pins, **schedule) -> ControllerRun:
    config = make_config(
        tmp_path / "pi-01",
        device_mqtt(broker, hub, "pi-01"),
        device={"id": "pi-01"},
        schedule=schedule,
    )
    run = ControllerRun(config, mock_pins).start()
    wait_until(lambda: hub.status("pi-01").get("online"), 15, "pi-01 online")
    return run


def wait_version(device: ControllerRun, version: int) -> None:
    wait_until(
        lambda: device.controller.snapshot.meta.get("content_version") == version,
        20,
        f"content version {version} on the controller",
    )


def test_emergency_interrupts_an_ordinary_broadcast(
    tmp_path: Path, broker: Broker, hub: HubRun, mock_pins, disk_audio, make_tone
) -> None:
    push_segment(hub.hub, make_tone("long.wav", seconds=6.0), "Tin thường", segment_id="thuong")
    pushed = push_segment(
        hub.hub, make_tone("alarm.wav", freq=880, seconds=1.0), "Báo bão", segment_id="bao"
    )
    device = start_device(tmp_path, broker, hub, mock_pins)
    try:
        wait_version(device, pushed.version.version)
        (ordinary,) = queue_command(hub.hub, "play-now", segments=["thuong"])
        assert reply_for(hub, ordinary.id).ok
        device.wait_for("segment-start", timeout=15, segment="thuong")
        (emergency,) = queue_command(
            hub.hub,
            "play-now",
            segments=["bao"],
            priority="emergency",
            title="Bão\u200b số 3\n",  # pasted: a zero-width space and a line break
        )
        assert reply_for(hub, emergency.id).ok
        device.wait_for("segment-end", timeout=20, segment="bao")
        wait_until(lambda: len(device.records()) == 2, 10, "two log records")
    finally:
        device.stop()
    first, second = device.records()
    assert first["priority"] == "ordinary" and first["outcome"] == "partial"
    assert "interrupted by emergency" in first["reason"]
    assert second["priority"] == "emergency" and second["outcome"] == "aired"
    # the log (and the report) hold the title staff see, not the characters they cannot
    assert second["title"] == "Bão số 3" and second["trigger"] == "hub"
    # the interrupted broadcast was still playing when the emergency came: cut short
    started = dt.datetime.fromisoformat(first["segments"][0]["start"])
    ended = dt.datetime.fromisoformat(first["relay_off"])
    assert (ended - started).total_seconds() < 5.0
    assert relay_switched_on(mock_pins) == 2


def test_quiet_hours_hold_ordinary_and_priority_but_not_emergency(
    tmp_path: Path, broker: Broker, hub: HubRun, mock_pins, disk_audio, make_tone
) -> None:
    pushed = push_segment(hub.hub, make_tone("b.wav", seconds=1.0), "Tin", segment_id="tin")
    device = start_device(tmp_path, broker, hub, mock_pins, quiet_hours=quiet_hours_around_now())
    try:
        wait_version(device, pushed.version.version)
        for level in ("ordinary", "priority"):
            (command,) = queue_command(hub.hub, "play-now", segments=["tin"], priority=level)
            reply = reply_for(hub, command.id)
            assert not reply.ok and reply.code == "quiet-hours", reply
        assert relay_switched_on(mock_pins) == 0
        (command,) = queue_command(hub.hub, "play-now", segments=["tin"], priority="emergency")
        assert reply_for(hub, command.id).ok
        device.wait_for("logged", timeout=20)
        # a stop with nothing on air is answered, and says so
        (stop,) = queue_command(hub.hub, "stop")
        reply = reply_for(hub, stop.id)
        assert reply.ok and reply.code == "idle"
    finally:
        device.stop()
    (record,) = device.records()
    assert record["priority"] == "emergency" and record["outcome"] == "aired"
    assert relay_switched_on(mock_pins) == 1
