"""Content pushed through the commune hub reaches a running controller over a real Mosquitto,
is applied in one switch, and is what the kiosk then shows."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from commune.desired import desired_state
from commune.push import push_clip, push_plans, push_procedures, push_segment
from tests.conftest import ControllerRun, run_village, write_config
from tests.sync_helpers import (
    AgentRun,
    Broker,
    HubRun,
    device_mqtt,
    make_config,
    needs_mosquitto,
    wait_until,
)
from village.store import ContentStore

pytestmark = needs_mosquitto

PROCEDURES_CSV = """Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn giải quyết,"Phí, lệ phí"
1.001193,Đăng ký khai sinh,Hộ tịch,Ngay trong ngày,Miễn phí
1.004873,Chứng thực bản sao từ bản chính,Chứng thực,Trong ngày,2.000 đồng/trang
"""

PLAN_ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:tin-sang
SUMMARY:Bản tin buổi sáng
DTSTART;TZID=Asia/Ho_Chi_Minh:20300107T063000
DTEND;TZID=Asia/Ho_Chi_Minh:20300107T064500
RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20301231
X-VILLAGE-SEGMENTS:chao-buoi-sang
X-VILLAGE-PRIORITY:priority
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def broker(tmp_path: Path):
    running = Broker(tmp_path / "broker").start()
    yield running
    running.stop()


@pytest.fixture
def hub(tmp_path: Path, broker: Broker):
    running = HubRun(tmp_path / "hub", broker).start()
    yield running
    running.stop()


def make_clip(folder: Path) -> Path:
    target = folder / "huong-dan.mp4"
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
            "-f", "lavfi", "-i", "sine=frequency=440",
            "-t", "1", "-c:v", "mpeg4", "-c:a", "aac", "-shortest", str(target),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return target


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_each_kind_of_content_reaches_the_controller_and_the_kiosk_sees_it(
    tmp_path: Path, broker: Broker, hub: HubRun, mock_pins, make_tone
) -> None:
    from kiosk.content import KioskContent

    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, hub, "pi-01"), device={"id": "pi-01"}
    )
    device = ControllerRun(config, mock_pins).start()
    store = ContentStore(config.data_dir)
    try:
        wait_until(lambda: hub.status("pi-01").get("online"), 15, "pi-01 to report online")

        tone = make_tone("chao.ogg", seconds=1.0)
        pushed = push_segment(hub.hub, tone, "Chào buổi sáng", segment_id="chao-buoi-sang")
        assert pushed.devices == ["pi-01", "pi-02"]
        wait_until(lambda: store.snapshot().meta.get("content_version") == pushed.version.version)
        segment = store.snapshot().segments["chao-buoi-sang"]
        assert segment.title == "Chào buổi sáng"
        assert sha256_of(store.media_path(segment.sha256)) == sha256_of(tone)

        clip_file = make_clip(tmp_path)
        pushed = push_clip(hub.hub, clip_file, "Hướng dẫn nộp hồ sơ", clip_id="huong-dan")
        wait_until(lambda: "huong-dan" in store.snapshot().clips, what="the clip")
        clip = store.snapshot().clips["huong-dan"]
        assert sha256_of(store.media_path(clip.sha256)) == sha256_of(clip_file)

        csv = tmp_path / "thu-tuc.csv"
        csv.write_text(PROCEDURES_CSV, encoding="utf-8")
        pushed, report = push_procedures(hub.hub, csv)
        assert sorted(report.added) == ["1.001193", "1.004873"]
        wait_until(lambda: len(store.snapshot().procedures) == 2, what="the procedures")

        ics = tmp_path / "ke-hoach.ics"
        ics.write_text(PLAN_ICS, encoding="utf-8")
        pushed = push_plans(hub.hub, ics, "Asia/Ho_Chi_Minh")
        assert not pushed.warnings  # the plan's segment is on every device
        (plan_id,) = wait_until(lambda: list(store.snapshot().plans), what="the plan")
        assert plan_id.startswith("tin-sang")
        # the controller reloaded at once: the plan is on its schedule
        wait_until(lambda: [p.id for p in device.controller.plans] == [plan_id], what="reload")
        assert device.controller.plans[0].level.label == "priority"

        # the kiosk reads the store: every kind is there, all from the last version
        snapshot = store.snapshot()
        assert snapshot.meta["content_version"] == pushed.version.version
        kiosk = KioskContent.from_snapshot(snapshot)
        procedure = kiosk.procedure("1.001193")
        assert procedure is not None and procedure.name == "Đăng ký khai sinh"
        assert [c.id for c in kiosk.clips] == ["huong-dan"]
        assert set(snapshot.segments) == {"chao-buoi-sang"}
        # nothing but the current media is kept, and no download litter is left
        media = {p.name for p in store.media_dir.iterdir()}
        assert media == {segment.sha256, clip.sha256}
        assert not list((config.data_dir / "sync" / "partial").glob("*"))

        # the hub knows the device applied it: status says so
        wait_until(
            lambda: hub.status("pi-01").get("content_version") == pushed.version.version,
            what="the status to report the version",
        )
        assert hub.status("pi-01")["sync"]["state"] == "applied"
    finally:
        device.stop()
    # a clean stop leaves the retained status saying offline
    wait_until(lambda: hub.device_row("pi-01").online is False, 10, "pi-01 offline")


def test_staff_commands_follow_each_device_and_read_back_what_it_aired(
    tmp_path: Path, broker: Broker, hub: HubRun, mock_pins, disk_audio, make_tone
) -> None:
    """``village push`` prints progress until the device applied the version; ``send``
    starts a broadcast; ``devices`` and ``logs`` show what the hub heard back."""
    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, hub, "pi-01"), device={"id": "pi-01"}
    )
    device = ControllerRun(config, mock_pins).start()
    staff = write_config(
        tmp_path / "hub.toml",
        {"hub": {"data": str(hub.hub.root)}, "schedule": {"timezone": "Asia/Ho_Chi_Minh"}},
    )
    env = {"VILLAGE_CONFIG": str(staff)}
    try:
        wait_until(lambda: hub.status("pi-01").get("online"), 15, "pi-01 to report online")
        tone = make_tone("tin.wav", seconds=1.0)
        pushed = run_village(
            "push", "segment", str(tone), "--title", "Tin ngắn", "--id", "tin-ngan",
            "--device", "pi-01", "--timeout", "30", env=env,
        )  # fmt: skip
        assert pushed.returncode == 0, pushed.stdout + pushed.stderr
        assert "Gửi tới: pi-01." in pushed.stdout
        assert "pi-01: ✓ đã áp dụng phiên bản" in pushed.stdout
        # only pi-01 was chosen: pi-02's desired state does not have it
        entries = hub.hub.repository.entries()
        assert "tin-ngan" not in desired_state(entries, "pi-02").items["segments"]

        sent = run_village("send", "play-now", "tin-ngan", "--device", "pi-01", env=env)
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert "pi-01: ✓ đã bắt đầu phát" in sent.stdout
        device.wait_for("logged", timeout=20)
        (record,) = device.records()
        assert record["trigger"] == "hub" and record["outcome"] == "aired"
        wait_until(lambda: hub.hub.repository.count_records("playlog") == 1, what="the log")

        logs = run_village("logs", "--json", env=env)
        (stored,) = json.loads(logs.stdout)
        assert stored["id"] == record["id"] and stored["device"] == "pi-01"
        table = run_village("logs", env=env)
        assert "đã phát" in table.stdout and "pi-01" in table.stdout

        wait_until(lambda: hub.status("pi-01").get("last_broadcast"), what="status update")
        devices = run_village("devices", env=env)
        line = next(x for x in devices.stdout.splitlines() if x.startswith("pi-01"))
        assert "trực tuyến" in line and str(pushed_version(hub)) in line
        assert "đã phát" in line  # the last broadcast
        offline = next(x for x in devices.stdout.splitlines() if x.startswith("pi-02"))
        assert "ngoại tuyến" in offline
    finally:
        device.stop()


def pushed_version(hub: HubRun) -> int:
    return hub.hub.repository.latest_version()


def test_a_version_that_does_not_fit_the_disk_is_refused_and_staff_see_why(
    tmp_path: Path, broker: Broker, hub: HubRun, make_tone
) -> None:
    config = make_config(
        tmp_path / "pi-01",
        device_mqtt(broker, hub, "pi-01", disk_reserve_mb=10**9),  # a reserve no disk has
        device={"id": "pi-01"},
    )
    device = AgentRun(config).start()
    try:
        pushed = push_segment(hub.hub, make_tone("to.wav", seconds=1.0), "Tin", segment_id="to")
        wait_until(
            lambda: hub.status("pi-01").get("sync", {}).get("state") == "refused",
            20,
            "the refusal to reach the hub",
        )
        sync = hub.status("pi-01")["sync"]
        assert sync["code"] == "disk-full" and sync["version"] == pushed.version.version
        store = device.host.store
        assert store.snapshot().segments == {} and not store.media_dir.exists()
        assert not (config.data_dir / "sync" / "partial").exists() or not list(
            (config.data_dir / "sync" / "partial").iterdir()
        )
        staff = write_config(tmp_path / "hub.toml", {"hub": {"data": str(hub.hub.root)}})
        shown = run_village("devices", env={"VILLAGE_CONFIG": str(staff)})
        line = next(x for x in shown.stdout.splitlines() if x.startswith("pi-01"))
        assert "từ chối bản" in line and "không đủ dung lượng đĩa" in line
    finally:
        device.stop()
