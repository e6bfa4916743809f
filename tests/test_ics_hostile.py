"""Calendars made to hurt: looping and dense rules, ten thousand events, huge files, and
hostile plans already in the store. Every attack runs ``village`` in a subprocess under a
CPU and address-space limit, so a regression fails instead of swamping the machine."""

from __future__ import annotations

import json
import os
import resource
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, VILLAGE
from village.ics import MAX_EVENTS
from village.store import ContentStore

MEMORY_MB = 768  # the 10,000-event import needs about 300 MB of address space
CPU_S = 60


def run_limited(
    *args: str, cpu_s: int = CPU_S, memory_mb: int = MEMORY_MB
) -> subprocess.CompletedProcess:
    """``village ARGS`` with RLIMIT_CPU and RLIMIT_AS set in the child."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    env = {**os.environ, "VILLAGE_CONFIG": os.devnull}
    return subprocess.run(
        [*VILLAGE, *args],
        capture_output=True,
        text=True,
        timeout=cpu_s * 3,
        env=env,
        cwd=REPO,
        preexec_fn=limit,
    )


def calendar(*events: str) -> bytes:
    body = "".join(events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".encode()
    )


def event(uid: str, summary: str, rule: str = "", extra: str = "") -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"SUMMARY:{summary}",
        "DTSTART;TZID=Asia/Ho_Chi_Minh:20210301T063000",
        "DTEND;TZID=Asia/Ho_Chi_Minh:20210301T064500",
    ]
    if rule:
        lines.append(f"RRULE:{rule}")
    if extra:
        lines.append(extra)
    lines.append("END:VEVENT")
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0"),
        ("FREQ=SECONDLY", "FREQ=SECONDLY"),
        ("FREQ=MINUTELY;INTERVAL=15", "FREQ=MINUTELY"),
        ("FREQ=HOURLY;BYMINUTE=" + ",".join(str(m) for m in range(60)), "1440 buổi một ngày"),
        ("FREQ=DAILY;BYHOUR=6;BYMINUTE=30,35", "cách nhau 5 phút"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "không bao giờ"),
    ],
)
def test_looping_and_dense_rules_are_refused_at_import(
    rule: str, words: str, data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "doc.ics"
    path.write_bytes(calendar(event("hostile@x", "Lịch độc", rule)))
    proc = run_limited("--data", str(data_dir), "import", "plan", str(path), cpu_s=20)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("Lỗi:") and "Traceback" not in proc.stderr
    assert words in proc.stderr and "«Lịch độc» (UID hostile@x)" in proc.stderr
    assert not (data_dir / "content.json").exists()


HOSTILE_RECORDS = {
    "interval-0": {"rrule": "FREQ=DAILY;INTERVAL=0"},
    "secondly": {"rrule": "FREQ=SECONDLY"},
    "every-minute": {"rrule": "FREQ=HOURLY;BYMINUTE=" + ",".join(str(m) for m in range(60))},
    "never": {"rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"},
    "zone-path": {"rrule": "FREQ=DAILY", "timezone": "../../../etc/passwd"},
    "year-1601": {"rrule": "FREQ=HOURLY", "dtstart": "1601-01-01T00:00:00"},
    "bad-fields": {"rrule": "FREQ=DAILY", "slot_minutes": "mười lăm"},
}


def test_hostile_plans_in_the_store_never_stop_the_schedule(data_dir: Path) -> None:
    # plans that reached the store some other way (an older version, a hand edit) are set
    # aside with the reason; the good plan keeps its sessions
    records = [
        {"id": key, "title": f"Độc {key}", "dtstart": "2021-03-01T06:30:00", **fields}
        for key, fields in HOSTILE_RECORDS.items()
    ]
    good = {
        "id": "tot",
        "title": "Bản tin",
        "dtstart": "2021-03-01T17:00:00",
        "rrule": "FREQ=DAILY",
    }
    with ContentStore(data_dir).transaction() as tables:
        for record in [*records, good]:
            tables.upsert("plans", record)
    proc = run_limited(
        "--data",
        str(data_dir),
        "plan",
        "--from",
        "2021-03-01",
        "--to",
        "2021-03-07",
        "--json",
        cpu_s=30,
    )
    assert proc.returncode == 0, proc.stderr
    slots = json.loads(proc.stdout)
    assert [s["start"][:16] for s in slots] == [f"2021-03-0{d}T17:00" for d in range(1, 8)]
    assert f"{len(HOSTILE_RECORDS)} lịch bị bỏ qua" in proc.stderr
    for key in HOSTILE_RECORDS:
        assert f"  - {key} «Độc {key}»:" in proc.stderr


def ten_thousand(count: int) -> bytes:
    events = []
    for i in range(count):
        day, hour = divmod(i, 8)
        events.append(
            "BEGIN:VEVENT\r\n"
            f"UID:{i}@lich\r\nSUMMARY:Buổi {i}\r\n"
            f"DTSTART;TZID=Asia/Ho_Chi_Minh:2021{(day // 28) % 12 + 1:02d}{day % 28 + 1:02d}"
            f"T{6 + hour * 2:02d}0000\r\nDURATION:PT15M\r\nEND:VEVENT\r\n"
        )
    return calendar(*events)


def test_ten_thousand_events_import_within_limits(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "lich-lon.ics"
    path.write_bytes(ten_thousand(MAX_EVENTS))
    proc = run_limited("--data", str(data_dir), "import", "plan", str(path))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(ContentStore(data_dir).snapshot().plans) == MAX_EVENTS
    week = run_limited(
        "--data", str(data_dir), "plan", "--from", "2021-03-01", "--to", "2021-03-07", "--json"
    )
    assert week.returncode == 0, week.stderr[-2000:]
    assert len(json.loads(week.stdout)) == 7 * 8


def test_more_events_than_the_cap_are_refused_before_parsing(
    data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "qua-lon.ics"
    path.write_bytes(ten_thousand(MAX_EVENTS + 1))
    proc = run_limited(
        "--data", str(data_dir), "import", "plan", str(path), cpu_s=20, memory_mb=400
    )
    assert proc.returncode == 2, proc.stderr
    assert f"{MAX_EVENTS + 1} sự kiện, quá giới hạn {MAX_EVENTS}" in proc.stderr


def test_a_huge_file_is_refused_before_it_is_read(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "khong-lo.ics"
    with open(path, "wb") as handle:
        handle.write(calendar(event("a@x", "Buổi")))
        handle.truncate(2 << 30)  # 2 GB, sparse: reading it would break the memory limit
    proc = run_limited(
        "--data", str(data_dir), "import", "plan", str(path), cpu_s=10, memory_mb=300
    )
    assert proc.returncode == 2, proc.stderr
    assert "2048.0 MB, quá giới hạn 8 MB" in proc.stderr


def test_too_many_dates_in_one_event_are_refused(data_dir: Path, tmp_path: Path) -> None:
    exdates = ",".join(f"2021{m:02d}{d:02d}T063000" for m in range(1, 13) for d in range(1, 29))
    many = "\r\n".join([f"EXDATE;TZID=Asia/Ho_Chi_Minh:{exdates}"] * 8)
    path = tmp_path / "nhieu-ngay.ics"
    path.write_bytes(calendar(event("many@x", "Nhiều ngày nghỉ", "FREQ=DAILY", many)))
    proc = run_limited("--data", str(data_dir), "import", "plan", str(path), cpu_s=20)
    assert proc.returncode == 2, proc.stderr
    assert "quá 2000 ngày RDATE, EXDATE" in proc.stderr


def test_a_uid_with_an_invisible_character_is_refused_by_name(
    data_dir: Path, tmp_path: Path
) -> None:
    """``loa@xa`` and ``loa@xa`` with a zero-width space look the same to staff but would be
    two series, so two plans airing twice: the file is refused, the character named."""
    path = tmp_path / "an.ics"
    path.write_bytes(
        calendar(
            event("loa@xa", "Phát thanh", "FREQ=WEEKLY;COUNT=3"),
            event("loa@\u200bxa", "Phát thanh", "FREQ=WEEKLY;COUNT=3"),
        )
    )
    proc = run_limited("--data", str(data_dir), "import", "plan", str(path), cpu_s=20)
    assert proc.returncode == 2, proc.stderr
    assert "(UID loa@<U+200B>xa)" in proc.stderr, proc.stderr
    assert "U+200B ZERO WIDTH SPACE" in proc.stderr and "Traceback" not in proc.stderr
    assert not (data_dir / "content.json").exists()
