"""Calendars as Outlook and Google Calendar export them: moved, re-timed and cancelled
sessions (RECURRENCE-ID, RANGE=THISANDFUTURE, STATUS:CANCELLED), Windows time-zone names,
UTC times, several VEVENTs per UID, and re-importing an updated export."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path

import pytest

from tests.conftest import run_village
from village.errors import PlanError
from village.ics import parse_calendar, plans_from_ics
from village.plan import Policy, build_schedule

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NO_RULES = Policy(quiet_hours="", holidays=())
OUTLOOK_UID = (
    "040000008200E00074C5B7101A82E00800000000D0F3A1B2C3D4D7010000000000000000100000"
    "00A1B2C3D4E5F60718293A4B5C6D7E8F90"
)


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


def fold(line: str) -> str:
    """RFC 5545 folding at 75 octets, as both applications write long lines."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " "
        current += char
    return "\n".join([*out, current])


# Outlook 2016, File > Save Calendar: Monday, Wednesday, Friday at 06:30 in March 2021;
# 15 March deleted (EXDATE), Wednesday 10 March moved to Thursday 11 at 07:30.
OUTLOOK_MASTER = f"""BEGIN:VEVENT
CLASS:PUBLIC
CREATED:20210222T013000Z
DESCRIPTION:Buổi tuyên truyền cải cách hành chính\\n
DTEND;TZID="SE Asia Standard Time":20210301T064500
DTSTAMP:20210305T020000Z
DTSTART;TZID="SE Asia Standard Time":20210301T063000
EXDATE;TZID="SE Asia Standard Time":20210315T063000
LAST-MODIFIED:20210305T020000Z
LOCATION:Đài truyền thanh xã
PRIORITY:5
RRULE:FREQ=WEEKLY;UNTIL=20210331T233000Z;INTERVAL=1;BYDAY=MO,WE,FR;WKST=SU
SEQUENCE:0
SUMMARY;LANGUAGE=vi:Tuyên truyền CCHC
TRANSP:OPAQUE
{fold("UID:" + OUTLOOK_UID)}
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-DISALLOW-COUNTER:FALSE
X-MS-OLK-AUTOFILLLOCATION:FALSE
X-MS-OLK-CONFTYPE:0
BEGIN:VALARM
TRIGGER:-PT15M
ACTION:DISPLAY
DESCRIPTION:Reminder
END:VALARM
END:VEVENT
"""
OUTLOOK_MOVED = f"""BEGIN:VEVENT
CLASS:PUBLIC
CREATED:20210305T020000Z
DTEND;TZID="SE Asia Standard Time":20210311T074500
DTSTAMP:20210305T020000Z
DTSTART;TZID="SE Asia Standard Time":20210311T073000
LAST-MODIFIED:20210305T020000Z
PRIORITY:5
RECURRENCE-ID;TZID="SE Asia Standard Time":20210310T063000
SEQUENCE:0
SUMMARY;LANGUAGE=vi:Tuyên truyền CCHC
TRANSP:OPAQUE
{fold("UID:" + OUTLOOK_UID)}
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-IMPORTANCE:1
END:VEVENT
"""


def outlook(*events: str, name: str = "Đài truyền thanh xã") -> bytes:
    return crlf(
        "BEGIN:VCALENDAR\n"
        "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\n"
        "VERSION:2.0\n"
        "METHOD:PUBLISH\n"
        "X-CALSTART:20210301T063000Z\n"
        "X-WR-RELCALID:{0000002E-1A2B-3C4D-5E6F-0A1B2C3D4E5F}\n"
        f"X-WR-CALNAME:{name}\n"
        "X-MICROSOFT-CALSCALE:Gregorian\n"
        "BEGIN:VTIMEZONE\n"
        "TZID:SE Asia Standard Time\n"
        "BEGIN:STANDARD\n"
        "DTSTART:16010101T000000\n"
        "TZOFFSETFROM:+0700\n"
        "TZOFFSETTO:+0700\n"
        "END:STANDARD\n"
        "END:VTIMEZONE\n" + "".join(events) + "END:VCALENDAR\n"
    )


# Google Calendar, Settings > Import & export > Export: Monday and Thursday at 17:00,
# Monday 8 March moved to Tuesday 9, Thursday 18 March cancelled, Thursday 25 March
# re-timed to 17:30 for 30 minutes, with a new title.
GOOGLE_UID = "3n6k5ch4154782p6998nimkh0o@google.com"


def google_event(body: str, uid: str = GOOGLE_UID, sequence: int = 1) -> str:
    return (
        "BEGIN:VEVENT\n" + body + f"DTSTAMP:20210310T020000Z\nUID:{uid}\nCREATED:20210222T013000Z\n"
        "DESCRIPTION:\nLAST-MODIFIED:20210309T080000Z\nLOCATION:\n"
        f"SEQUENCE:{sequence}\nTRANSP:OPAQUE\nEND:VEVENT\n"
    )


GOOGLE_MASTER = google_event(
    "DTSTART;TZID=Asia/Ho_Chi_Minh:20210301T170000\n"
    "DTEND;TZID=Asia/Ho_Chi_Minh:20210301T171500\n"
    "RRULE:FREQ=WEEKLY;WKST=MO;UNTIL=20210331T165959Z;BYDAY=MO,TH\n"
    "STATUS:CONFIRMED\nSUMMARY:Bản tin chiều\n"
)
GOOGLE_CHANGES = [
    google_event(
        "DTSTART;TZID=Asia/Ho_Chi_Minh:20210309T170000\n"
        "DTEND;TZID=Asia/Ho_Chi_Minh:20210309T171500\n"
        "RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20210308T170000\n"
        "STATUS:CONFIRMED\nSUMMARY:Bản tin chiều\n",
        sequence=2,
    ),
    google_event(
        "DTSTART;TZID=Asia/Ho_Chi_Minh:20210318T170000\n"
        "DTEND;TZID=Asia/Ho_Chi_Minh:20210318T171500\n"
        "RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20210318T170000\n"
        "STATUS:CANCELLED\nSUMMARY:Bản tin chiều\n",
        sequence=2,
    ),
    google_event(
        "DTSTART:20210325T103000Z\nDTEND:20210325T110000Z\n"
        "RECURRENCE-ID:20210325T100000Z\n"
        "STATUS:CONFIRMED\nSUMMARY:Bản tin chiều (đặc biệt)\n",
        sequence=3,
    ),
]


def google(*events: str, name: str = "Phát thanh xã") -> bytes:
    return crlf(
        "BEGIN:VCALENDAR\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\nVERSION:2.0\n"
        f"CALSCALE:GREGORIAN\nMETHOD:PUBLISH\nX-WR-CALNAME:{name}\n"
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh\n"
        "BEGIN:VTIMEZONE\nTZID:Asia/Ho_Chi_Minh\nX-LIC-LOCATION:Asia/Ho_Chi_Minh\n"
        "BEGIN:STANDARD\nTZOFFSETFROM:+0700\nTZOFFSETTO:+0700\nTZNAME:GMT+7\n"
        "DTSTART:19700101T000000\nEND:STANDARD\nEND:VTIMEZONE\n"
        + "".join(events)
        + "END:VCALENDAR\n"
    )


def schedule_of(data: bytes, first="2021-03-01", last="2021-04-01", policy=NO_RULES):
    plans = plans_from_ics(data)
    begin = dt.datetime.fromisoformat(first).replace(tzinfo=HCM)
    end = dt.datetime.fromisoformat(last).replace(tzinfo=HCM)
    return build_schedule(plans, begin, end, {}, policy)


def local(slots) -> list[str]:
    return [s.start.astimezone(HCM).strftime("%m-%d %H:%M") for s in slots]


def test_outlook_moved_session_keeps_the_series() -> None:
    (plan,) = plans_from_ics(outlook(OUTLOOK_MASTER, OUTLOOK_MOVED))
    assert plan.timezone == "Asia/Ho_Chi_Minh" and plan.title == "Tuyên truyền CCHC"
    assert len(plan.overrides) == 1
    schedule = schedule_of(outlook(OUTLOOK_MASTER, OUTLOOK_MOVED))
    assert local(schedule.slots) == [
        "03-01 06:30",
        "03-03 06:30",
        "03-05 06:30",
        "03-08 06:30",
        "03-11 07:30",  # moved from Wednesday 10 March
        "03-12 06:30",
        "03-17 06:30",  # 15 March was deleted in Outlook
        "03-19 06:30",
        "03-22 06:30",
        "03-24 06:30",
        "03-26 06:30",
        "03-29 06:30",
        "03-31 06:30",
    ]
    moved = schedule.slots[4]
    assert moved.moved_from == dt.datetime(2021, 3, 9, 23, 30, tzinfo=dt.UTC)
    assert moved.moved_reason == "rescheduled"
    assert moved.occurrence == 4  # its place in the rotation: the fifth session
    assert schedule.slots[5].occurrence == 5


def test_google_moved_cancelled_and_retimed_sessions() -> None:
    schedule = schedule_of(google(GOOGLE_MASTER, *GOOGLE_CHANGES))
    assert local(schedule.slots) == [
        "03-01 17:00",
        "03-04 17:00",
        "03-09 17:00",  # moved from Monday 8 March
        "03-11 17:00",
        "03-15 17:00",
        "03-22 17:00",
        "03-25 17:30",  # re-timed (written in UTC by Google)
        "03-29 17:00",
    ]
    retimed = schedule.slots[6]
    assert retimed.title == "Bản tin chiều (đặc biệt)"
    assert retimed.end - retimed.start == dt.timedelta(minutes=30)
    assert [(local([s.slot]), s.reason) for s in schedule.suppressed] == [
        (["03-18 17:00"], "cancelled")
    ]


def test_this_and_future_moves_every_later_session() -> None:
    later = google_event(
        "DTSTART;TZID=Asia/Ho_Chi_Minh:20210315T180000\n"
        "DTEND;TZID=Asia/Ho_Chi_Minh:20210315T182000\n"
        "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Asia/Ho_Chi_Minh:20210315T170000\n"
        "STATUS:CONFIRMED\nSUMMARY:Bản tin tối\n",
        sequence=2,
    )
    schedule = schedule_of(google(GOOGLE_MASTER, later))
    assert local(schedule.slots) == [
        "03-01 17:00",
        "03-04 17:00",
        "03-08 17:00",
        "03-11 17:00",
        "03-15 18:00",
        "03-18 18:00",
        "03-22 18:00",
        "03-25 18:00",
        "03-29 18:00",
    ]
    assert {s.title for s in schedule.slots[4:]} == {"Bản tin tối"}
    assert {s.end - s.start for s in schedule.slots[4:]} == {dt.timedelta(minutes=20)}
    ended = google_event(
        "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Asia/Ho_Chi_Minh:20210322T170000\n"
        "STATUS:CANCELLED\nSUMMARY:Bản tin chiều\n",
        sequence=3,
    )
    assert local(schedule_of(google(GOOGLE_MASTER, ended)).slots)[-1] == "03-18 17:00"


def test_a_moved_session_whose_series_is_not_in_the_file_still_airs() -> None:
    calendar = parse_calendar(google(GOOGLE_CHANGES[0]))
    (plan,) = calendar.plans
    assert plan.uid == GOOGLE_UID and not plan.rrule
    assert local(schedule_of(google(GOOGLE_CHANGES[0])).slots) == ["03-09 17:00"]
    assert "không có chuỗi gốc" in calendar.notes[0]


def test_several_versions_of_a_series_the_newest_wins() -> None:
    older = GOOGLE_MASTER.replace("BYDAY=MO,TH", "BYDAY=MO").replace("SEQUENCE:1", "SEQUENCE:0")
    calendar = parse_calendar(google(older, GOOGLE_MASTER))
    (plan,) = calendar.plans
    assert "BYDAY=MO,TH" in plan.rrule and "SEQUENCE 1" in calendar.notes[0]
    same_sequence = GOOGLE_MASTER.replace("BYDAY=MO,TH", "BYDAY=MO")
    with pytest.raises(PlanError, match="cùng UID"):
        plans_from_ics(google(same_sequence, GOOGLE_MASTER))
    (once,) = plans_from_ics(google(GOOGLE_MASTER, GOOGLE_MASTER))  # a plain duplicate
    assert once.rrule == plan.rrule


def test_a_cancelled_series_is_kept_but_not_aired() -> None:
    cancelled = GOOGLE_MASTER.replace("STATUS:CONFIRMED", "STATUS:CANCELLED")
    calendar = parse_calendar(google(cancelled))
    assert [p.enabled for p in calendar.plans] == [False]
    assert "STATUS:CANCELLED" in calendar.notes[0]
    assert schedule_of(google(cancelled)).slots == []


def test_utc_dtstart_recurs_in_utc() -> None:
    # 23:30 UTC on Sundays is 06:30 on Mondays in Hà Nội
    event = google_event(
        "DTSTART:20210228T233000Z\nDTEND:20210228T234500Z\n"
        "RRULE:FREQ=WEEKLY;BYDAY=SU;COUNT=3\nSUMMARY:Sáng thứ Hai\n",
        uid="utc@google.com",
    )
    (plan,) = plans_from_ics(google(event))
    assert plan.timezone == "UTC"
    slots = schedule_of(google(event)).slots
    assert [s.start.astimezone(HCM).strftime("%a %m-%d %H:%M") for s in slots] == [
        "Mon 03-01 06:30",
        "Mon 03-08 06:30",
        "Mon 03-15 06:30",
    ]


@pytest.mark.parametrize(
    ("tzid", "utc_hour"),
    [
        ("SE Asia Standard Time", 23),  # Hà Nội, Bangkok, Jakarta: +07
        ("China Standard Time", 22),
        ("Tokyo Standard Time", 21),
        ("Korea Standard Time", 21),
        ("Singapore Standard Time", 22),
        ("Taipei Standard Time", 22),
        ("India Standard Time", 1),  # +05:30
        ("Nepal Standard Time", 0),  # +05:45
        ("Myanmar Standard Time", 0),  # +06:30
        ("Bangladesh Standard Time", 0),
        ("Pakistan Standard Time", 1),
        ("Arabian Standard Time", 2),
        ("/mozilla.org/20070129_1/Asia/Ho_Chi_Minh", 23),
        ("Asia/Saigon", 23),
    ],
)
def test_time_zone_names_as_applications_write_them(tzid: str, utc_hour: int) -> None:
    event = (
        f'BEGIN:VEVENT\nUID:z@x\nSUMMARY:Thử\nDTSTART;TZID="{tzid}":20210302T063000\n'
        "DURATION:PT15M\nEND:VEVENT\n"
    )
    (plan,) = plans_from_ics(crlf(f"BEGIN:VCALENDAR\nVERSION:2.0\n{event}END:VCALENDAR\n"))
    (slot,) = schedule_of(crlf(f"BEGIN:VCALENDAR\nVERSION:2.0\n{event}END:VCALENDAR\n")).slots
    assert slot.start.astimezone(dt.UTC).hour == utc_hour


def test_an_outlook_display_name_zone_uses_its_vtimezone() -> None:
    tzid = "(UTC+07:00) Bangkok, Hanoi, Jakarta"
    data = crlf(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:Microsoft Exchange Server 2010\n"
        f"BEGIN:VTIMEZONE\nTZID:{tzid}\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
        "TZOFFSETFROM:+0700\nTZOFFSETTO:+0700\nEND:STANDARD\nEND:VTIMEZONE\n"
        f'BEGIN:VEVENT\nUID:d@x\nSUMMARY:Thử\nDTSTART;TZID="{tzid}":20210302T063000\n'
        "DURATION:PT15M\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    (plan,) = plans_from_ics(data)
    assert plan.timezone == "Etc/GMT-7"
    (slot,) = schedule_of(data).slots
    assert slot.start == dt.datetime(2021, 3, 1, 23, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("tzid", "words"),
    [
        ("Mars Standard Time", "không nhận ra múi giờ «Mars Standard Time»"),
        ("../../../etc/passwd", "«../../../etc/passwd» không phải tên múi giờ"),
        ("/etc/localtime", "không phải tên múi giờ"),
    ],
)
def test_an_unknown_or_path_like_zone_is_refused_never_taken_as_local(tzid, words) -> None:
    data = crlf(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:u@x\nSUMMARY:Buổi sáng\n"
        f"DTSTART;TZID={tzid}:20210302T063000\nDURATION:PT15M\n"
        "RRULE:FREQ=DAILY;COUNT=2\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    with pytest.raises(PlanError) as caught:
        plans_from_ics(data)
    assert words in str(caught.value) and "«Buổi sáng» (UID u@x)" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            "DTSTART:20210301T063000\nDURATION:PT15M\nRRULE:FREQ=DAILY;COUNT=3\n"
            "RRULE:FREQ=WEEKLY;COUNT=3\n",
            "2 quy tắc lặp (RRULE)",
        ),
        ("DTSTART:20210301T063000\nDURATION:15 phút\n", "DURATION «15 phút» không hợp lệ"),
        ("DTSTART:20210301T063000\nDURATION:P\n", "độ dài buổi phát là 0"),
        ("DTSTART:20210301T063000\nDURATION:PT15M\nRRULE:FREQ=DAILY;INTERVAL=0\n", "INTERVAL=0"),
        ("DTSTART:20210301T063000\nDURATION:PT15M\nRRULE:FREQ=SECONDLY\n", "từng giây"),
        (
            "DTSTART:20210301T063000\nDURATION:PT15M\nRRULE:FREQ=HOURLY;BYMINUTE=0,5,10\n",
            "buổi một ngày",
        ),
        ("DTSTART:20210301T063000\nDURATION:PT15M\nEXRULE:FREQ=WEEKLY\n", "EXRULE"),
        (
            "DTSTART:20210301T063000\nDURATION:PT15M\nX-MICROSOFT-RRULE:FREQ=YEARLY\n",
            "X-MICROSOFT-RRULE",
        ),
    ],
)
def test_broken_events_are_refused_with_the_event_named(body: str, words: str) -> None:
    data = crlf(
        f"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:b@x\nSUMMARY:Buổi lỗi\n{body}"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    with pytest.raises(PlanError) as caught:
        plans_from_ics(data)
    assert words in str(caught.value) and "«Buổi lỗi» (UID b@x)" in str(caught.value)


def test_broken_events_end_in_a_message_not_a_traceback(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "hai-quy-tac.ics"
    path.write_bytes(
        crlf(
            "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:b@x\nSUMMARY:Hai quy tắc\n"
            "DTSTART:20210301T063000\nDURATION:PT15M\nRRULE:FREQ=DAILY;COUNT=3\n"
            "RRULE:FREQ=WEEKLY;COUNT=3\nEND:VEVENT\nBEGIN:VEVENT\nUID:c@x\nSUMMARY:Sai độ dài\n"
            "DTSTART:20210301T063000\nDURATION:nửa giờ\nEND:VEVENT\nEND:VCALENDAR\n"
        )
    )
    proc = run_village("--data", str(data_dir), "import", "plan", str(path))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Lỗi:")
    assert "«Hai quy tắc» (UID b@x)" in proc.stderr and "«Sai độ dài» (UID c@x)" in proc.stderr


# --- re-importing an updated export ------------------------------------------------------------


def plan_ids(data_dir: Path) -> dict[str, dict]:
    store = json.loads((data_dir / "content.json").read_text(encoding="utf-8"))
    return {r["id"]: r for r in store.get("plans", {}).values()}


def test_reimporting_an_updated_export_replaces_what_that_calendar_gave(
    data_dir: Path, tmp_path: Path
) -> None:
    second_uid = "second@google.com"
    second = GOOGLE_MASTER.replace(GOOGLE_UID, second_uid).replace("T17", "T19")
    first_export = tmp_path / "phat-thanh-xa.ics"
    first_export.write_bytes(google(GOOGLE_MASTER, second))
    other = tmp_path / "outlook.ics"
    other.write_bytes(outlook(OUTLOOK_MASTER))
    for path in (first_export, other):
        run_village("--data", str(data_dir), "import", "plan", str(path), check=True)
    before = plan_ids(data_dir)
    assert len(before) == 3

    # staff split the series from 15 March ("this and following" in Google: a new UID and
    # the old series ending), delete the second event, and export again under another name
    split_uid = "3n6k5ch4154782p6998nimkh0o_R20210315T100000@google.com"
    truncated = GOOGLE_MASTER.replace("UNTIL=20210331T165959Z", "UNTIL=20210314T165959Z")
    following = GOOGLE_MASTER.replace(GOOGLE_UID, split_uid).replace("20210301T17", "20210315T18")
    update = tmp_path / "phat-thanh-xa (1).ics"
    update.write_bytes(google(truncated, following))
    store_file = data_dir / "content.json"
    untouched = store_file.read_bytes()

    dry = run_village("--data", str(data_dir), "import", "plan", str(update), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "thêm 1, thay 1, bỏ 1, giữ nguyên 0" in dry.stdout
    assert "chưa thay đổi gì" in dry.stdout
    assert store_file.read_bytes() == untouched  # nothing changed on a dry run

    run_village("--data", str(data_dir), "import", "plan", str(update), check=True)
    after = plan_ids(data_dir)
    from village.ics import plan_id_for

    assert plan_id_for(second_uid) not in after  # gone from the calendar, gone here
    assert plan_id_for(split_uid) in after
    assert "UNTIL=20210314" in after[plan_id_for(GOOGLE_UID)]["rrule"]
    outlook_id = plan_id_for(OUTLOOK_UID)
    assert after[outlook_id] == before[outlook_id]  # another calendar is left alone
    proc = run_village(
        "--data",
        str(data_dir),
        "plan",
        "--from",
        "2021-03-08",
        "--to",
        "2021-03-19",
        "--json",
        check=True,
    )
    starts = [s["start"][5:16] for s in json.loads(proc.stdout) if s["plan"] != outlook_id]
    assert starts == ["03-08T17:00", "03-11T17:00", "03-15T18:00", "03-18T18:00"]

    again = run_village("--data", str(data_dir), "import", "plan", str(update), "--dry-run")
    assert "thêm 0, thay 0, bỏ 0, giữ nguyên 2" in again.stdout


def test_dry_run_lists_the_first_slots_and_moved_sessions(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "outlook.ics"
    path.write_bytes(outlook(OUTLOOK_MASTER, OUTLOOK_MOVED))
    proc = run_village("--data", str(data_dir), "import", "plan", str(path), "--dry-run")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == (
        "Lịch «Đài truyền thanh xã» (outlook.ics): thêm 1, thay 0, bỏ 0, giữ nguyên 0 "
        "lịch phát thanh."
    )
    assert any("2021-03-01 Mon 06:30–06:45" in line for line in lines)
    assert any(
        "2021-03-11 Thu 07:30" in line and "dời từ 2021-03-10 Wed 06:30: lịch đã dời" in line
        for line in lines
    )
    assert not (data_dir / "content.json").exists()


def test_a_calendar_without_a_name_is_known_by_its_file_or_its_uids() -> None:
    from village.plan_import import apply, compare

    nameless = GOOGLE_MASTER + GOOGLE_MASTER.replace(GOOGLE_UID, "b@google.com")
    data = google(nameless).replace("X-WR-CALNAME:Phát thanh xã\r\n".encode(), b"")
    first = parse_calendar(data, file_name="lịch xã.ics")
    again = parse_calendar(data, file_name="lịch xã (2).ics")
    assert first.source.by == "file" and first.source == again.source
    assert first.source.name == "lịch xã"
    table = apply([], compare(first, {}))
    # renamed before the next export, one event deleted: the calendar is found by its UIDs
    renamed = parse_calendar(
        google(GOOGLE_MASTER).replace(b"X-WR-CALNAME:Ph\xc3\xa1t thanh x\xc3\xa3\r\n", b""),
        file_name="moi.ics",
    )
    changes = compare(renamed, {r["id"]: r for r in table})
    assert changes.source.id == first.source.id
    assert [r["id"] for r in changes.removed] == [table[1]["id"]]
    assert [p.id for p in changes.unchanged] == [table[0]["id"]]
