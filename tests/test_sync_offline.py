"""A week with no broker: the schedule airs every day, the logs stay on the device, and when
the broker is back every record reaches the hub exactly once."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from commune.push import push_plans, push_segment
from tests.conftest import ControllerRun
from tests.sync_helpers import (
    Broker,
    HubRun,
    device_mqtt,
    make_config,
    needs_mosquitto,
    wait_until,
)
from village.clock import ManualClock
from village.jsonlog import AppendLog
from village.playlog import PlayLog
from village.wire import codec
from village.wire.uplink import LogBatch

pytestmark = needs_mosquitto

DAILY_PLAN = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:tin-hang-ngay
SUMMARY:Tin hằng ngày
DTSTART;TZID=Asia/Ho_Chi_Minh:20300304T080000
DTEND;TZID=Asia/Ho_Chi_Minh:20300304T080500
RRULE:FREQ=DAILY;COUNT=7
X-VILLAGE-SEGMENTS:tin
END:VEVENT
END:VCALENDAR
"""


class GatedClock(ManualClock):
    """Simulated time that moves only while the test holds the gate open."""

    def __init__(self, start: dt.datetime) -> None:
        super().__init__(start)
        self.gate = threading.Event()

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        if not self.gate.is_set():
            return not stop.wait(min(seconds, 0.05))
        return super().wait(seconds, stop)

    def wait_until(self, when: dt.datetime, stop: threading.Event) -> bool:
        if not self.gate.is_set():
            return not stop.wait(0.05)
        return super().wait_until(when, stop)


def relay_cycles(factory, pin: int = 17) -> int:
    return sum(1 for state in factory.pin(pin).states[1:] if state.state is False)


def test_a_week_without_broker(tmp_path: Path, mock_pins, disk_audio, make_tone) -> None:
    broker = Broker(tmp_path / "broker", devices=("pi-01",)).start()
    hub = HubRun(tmp_path / "hub", broker, devices=("pi-01",)).start()
    clock = GatedClock(dt.datetime(2030, 3, 4, 0, 30, tzinfo=dt.UTC))  # 07:30 in Hà Nội, Monday
    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, hub, "pi-01"), device={"id": "pi-01"}
    )
    repository = hub.hub.repository
    device: Any = None  # the ControllerRun once started
    try:
        push_segment(hub.hub, make_tone("tin.wav", seconds=0.5), "Tin", segment_id="tin")
        ics = tmp_path / "hang-ngay.ics"
        ics.write_text(DAILY_PLAN, encoding="utf-8")
        pushed = push_plans(hub.hub, ics, "Asia/Ho_Chi_Minh")
        device = ControllerRun(config, mock_pins, clock=clock).start()
        wait_until(lambda: len(device.controller.plans) == 1, 20, "the plan on the controller")
        assert device.controller.snapshot.meta["content_version"] == pushed.version.version

        broker.stop()  # the commune's network is down for a week
        agent = device.controller.agent
        wait_until(lambda: not agent.session.connected, 10, "the device to notice")
        journal = AppendLog(config.data_dir / "journal", "kiosk")
        feedback = [
            {"id": uuid.uuid4().hex, "kind": "feedback", "rating": 5, "at": "2030-03-05T02:00Z"}
            for _ in range(3)
        ]
        journal.append_many(feedback)
        journal.close()

        clock.gate.set()
        wait_until(lambda: len(device.records()) == 7, 60, "seven daily broadcasts")
        clock.gate.clear()
        assert clock.now() - dt.datetime(2030, 3, 4, 0, 30, tzinfo=dt.UTC) > dt.timedelta(days=6)

        # broadcasts went on: every day aired, relay cycled seven times; all logged locally
        records = device.records()
        assert [r["outcome"] for r in records] == ["aired"] * 7
        days = {dt.datetime.fromisoformat(r["planned_start"]).date() for r in records}
        assert len(days) == 7
        assert relay_cycles(mock_pins) == 7
        assert [r["id"] for r in PlayLog(config.data_dir).records()] == [r["id"] for r in records]
        wait_until(lambda: agent.uplink.pending == 10, 10, "ten records waiting on the device")
        assert repository.count_records() == 0

        broker.start()  # back: everything arrives
        wait_until(lambda: repository.count_records("playlog") == 7, 30, "the play log")
        wait_until(lambda: repository.count_records("journal") == 3, 30, "the journal")
        stored = repository.records(stream="playlog", device="pi-01")
        assert sorted(r["id"] for r in stored) == sorted(r["id"] for r in records)
        assert {r["id"] for r in repository.records(stream="journal")} == {
            f["id"] for f in feedback
        }
        wait_until(lambda: agent.uplink.pending == 0 and not agent.uplink.in_flight, 10, "acks")

        # once: the same batch delivered twice (an ack lost on the way) is stored once
        again = LogBatch("playlog", "resent", tuple(records[:3]))
        hub.daemon._ingest_log("pi-01", codec.encode(again.to_message()))
        assert repository.count_records("playlog") == 7
    finally:
        if device is not None:
            device.stop()

    # and after a restart the device sends nothing again: the acks were kept
    device = ControllerRun(config, mock_pins, clock=clock).start()
    try:
        agent = wait_until(lambda: device.controller.agent, 10, "the agent")
        wait_until(lambda: agent.hub_online, 15, "the hub seen again")
        time.sleep(0.5)  # a few rounds of the agent's loop with the hub online
        assert agent.uplink.pending == 0 and not agent.uplink.in_flight
        assert agent.uplink.sent_records == 0
        assert repository.count_records() == 10
    finally:
        device.stop()
        hub.stop()
        broker.stop()
