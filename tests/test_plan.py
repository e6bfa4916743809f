"""Broadcast plans: RFC 5545 recurrence, the default plan, .ics import, quiet hours, priorities."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path

import pytest

from tests.conftest import MEDIA, run_village
from village.errors import PlanError
from village.ics import plans_from_ics
from village.plan import Override, Plan, Policy, Priority, build_schedule, plan_slots

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NY = zoneinfo.ZoneInfo("America/New_York")
NO_RULES = Policy(quiet_hours="", holidays=())


def local_starts(plan: Plan, begin: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    return [s.start.astimezone(plan.zone) for s in plan_slots(plan, begin, end, {})]


# --- RFC 5545 section 3.8.5.3 examples -------------------------------------------------------


def test_rfc5545_daily_for_ten_occurrences() -> None:
    plan = Plan(
        id="daily",
        title="t",
        dtstart="1997-09-02T09:00:00",
        rrule="FREQ=DAILY;COUNT=10",
        timezone="America/New_York",
    )
    starts = local_starts(
        plan, dt.datetime(1997, 1, 1, tzinfo=NY), dt.datetime(1998, 1, 1, tzinfo=NY)
    )
    assert [s.day for s in starts] == list(range(2, 12))
    assert all(s.hour == 9 and s.month == 9 for s in starts)


def test_rfc5545_every_other_week_mo_we_fr_until() -> None:
    plan = Plan(
        id="biweekly",
        title="t",
        dtstart="1997-09-01T09:00:00",
        rrule="FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
        timezone="America/New_York",
    )
    starts = local_starts(
        plan, dt.datetime(1997, 1, 1, tzinfo=NY), dt.datetime(1998, 1, 1, tzinfo=NY)
    )
    expected = {
        9: [1, 3, 5, 15, 17, 19, 29],
        10: [1, 3, 13, 15, 17, 27, 29, 31],
        11: [10, 12, 14, 24, 26, 28],
        12: [8, 10, 12, 22],
    }
    assert [(s.month, s.day) for s in starts] == [
        (m, d) for m, days in expected.items() for d in days
    ]
    # 09:00 local on both sides of the end of daylight saving time (26 October 1997)
    assert {s.hour for s in starts} == {9}
    assert {s.utcoffset() for s in starts} == {dt.timedelta(hours=-4), dt.timedelta(hours=-5)}


def test_rfc5545_monthly_first_friday_with_exdate_and_rdate() -> None:
    plan = Plan(
        id="first-friday",
        title="t",
        dtstart="1997-09-05T09:00:00",
        rrule="FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
        timezone="America/New_York",
        exdates=["1997-10-03T09:00:00"],
        rdates=["1997-10-04T09:00:00"],
    )
    starts = local_starts(
        plan, dt.datetime(1997, 1, 1, tzinfo=NY), dt.datetime(1999, 1, 1, tzinfo=NY)
    )
    dates = [s.date().isoformat() for s in starts]
    assert dates[:4] == ["1997-09-05", "1997-10-04", "1997-11-07", "1997-12-05"]
    assert "1997-10-03" not in dates
    assert dates[-1] == "1998-06-05" and len(dates) == 10


# --- the shipped default plan ---------------------------------------------------------------


@pytest.fixture(scope="module")
def default_plan() -> Plan:
    (plan,) = plans_from_ics((MEDIA / "plans" / "ke-hoach-2021.ics").read_bytes())
    return plan


@pytest.fixture(scope="module")
def sample_durations() -> dict[str, float]:
    import subprocess

    catalogue = json.loads((MEDIA / "segments" / "segments.json").read_text(encoding="utf-8"))
    durations = {}
    for entry in catalogue:
        out = subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "csv=p=0",
                str(MEDIA / "segments" / entry["file"]),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        durations[entry["id"]] = float(out)
    return durations


def test_default_plan_is_three_fifteen_minute_sessions_a_week(default_plan, sample_durations):
    schedule = build_schedule(
        [default_plan],
        dt.datetime(2021, 1, 1, tzinfo=HCM),
        dt.datetime(2022, 1, 1, tzinfo=HCM),
        sample_durations,
        NO_RULES,
    )
    slots = schedule.slots
    assert len(slots) == 53
    local = [s.start.astimezone(HCM) for s in slots]
    assert local[0].date() == dt.date(2021, 3, 1) and local[-1].date() == dt.date(2021, 6, 30)
    assert {s.strftime("%a %H:%M")[:3] for s in local} == {"Mon", "Wed", "Fri"}
    assert {s.strftime("%H:%M") for s in local} == {"06:30"}
    assert {(s.end - s.start) for s in slots} == {dt.timedelta(minutes=15)}
    weeks: dict[tuple[int, int], int] = {}
    for s in local:
        weeks[s.isocalendar()[:2]] = weeks.get(s.isocalendar()[:2], 0) + 1
    assert set(list(weeks.values())[:-1]) == {3}  # every full week has 3 sessions


def test_default_plan_rotates_the_segments(default_plan, sample_durations):
    slots = build_schedule(
        [default_plan],
        dt.datetime(2021, 3, 1, tzinfo=HCM),
        dt.datetime(2021, 4, 1, tzinfo=HCM),
        sample_durations,
        NO_RULES,
    ).slots
    framing = set(default_plan.intro) | set(default_plan.outro)
    bodies = [tuple(s for s in slot.segments if s not in framing) for slot in slots]
    for slot in slots:  # each session opens and closes with the station's framing
        assert list(slot.segments[: len(default_plan.intro)]) == default_plan.intro
        assert list(slot.segments[-len(default_plan.outro) :]) == default_plan.outro
        total = sum(sample_durations[s] for s in slot.segments)
        assert total <= 15 * 60 - 5  # fits the slot with warm-up and tail
    for before, after in zip(bodies, bodies[1:], strict=False):
        assert before != after  # listeners never hear the same session twice in a row
        # the pool (26 min) is shorter than two sessions: at most one segment comes back
        assert len(set(before) & set(after)) <= 1
    pool = {s for s in sample_durations if s not in framing}
    assert set().union(*bodies[:2]) == pool  # the whole pool airs within two sessions
    assert len(set(bodies[:6])) == 6


DEFAULT_POLICY = Policy(quiet_hours="21:30-05:30", holidays=("01-01", "04-30", "05-01", "09-02"))


def test_default_holidays_move_the_shipped_plans_session_to_the_next_free_day(
    default_plan, sample_durations
):
    # Friday 30 April and Saturday 1 May are holidays: the session airs on Sunday 2 May at
    # 06:30, in the same ISO week, so every full week keeps its 3 sessions
    assert default_plan.makeup == "next-free-day"
    schedule = build_schedule(
        [default_plan],
        dt.datetime(2021, 3, 1, tzinfo=HCM),
        dt.datetime(2021, 7, 1, tzinfo=HCM),
        sample_durations,
        DEFAULT_POLICY,
    )
    assert len(schedule.slots) == 53 and schedule.suppressed == []
    (moved,) = [s for s in schedule.slots if s.moved_from is not None]
    assert moved.moved_from is not None
    assert moved.moved_from.astimezone(HCM) == dt.datetime(2021, 4, 30, 6, 30, tzinfo=HCM)
    assert moved.start.astimezone(HCM) == dt.datetime(2021, 5, 2, 6, 30, tzinfo=HCM)
    assert moved.moved_reason == "holiday"
    assert moved.key.endswith("@20210501T233000Z")  # the controller airs it at the new time
    weeks: dict[tuple[int, int], int] = {}
    for slot in schedule.slots:
        week = slot.start.astimezone(HCM).isocalendar()[:2]
        weeks[week] = weeks.get(week, 0) + 1
    assert weeks[(2021, 17)] == 3 and set(list(weeks.values())[:-1]) == {3}
    # the rotation goes on as planned: the moved session plays what Friday's would have
    unmoved = build_schedule(
        [default_plan],
        dt.datetime(2021, 4, 30, tzinfo=HCM),
        dt.datetime(2021, 5, 1, tzinfo=HCM),
        sample_durations,
        NO_RULES,
    ).slots
    assert moved.segments == unmoved[0].segments and moved.occurrence == unmoved[0].occurrence


def test_a_plan_that_skips_holidays_loses_the_session(default_plan, sample_durations):
    import dataclasses

    skipping = dataclasses.replace(default_plan, makeup="skip")
    schedule = build_schedule(
        [skipping],
        dt.datetime(2021, 3, 1, tzinfo=HCM),
        dt.datetime(2021, 7, 1, tzinfo=HCM),
        sample_durations,
        DEFAULT_POLICY,
    )
    assert len(schedule.slots) == 52
    (dropped,) = schedule.suppressed
    assert dropped.reason == "holiday"
    assert dropped.slot.start.astimezone(HCM).date() == dt.date(2021, 4, 30)


# --- .ics files from calendar applications --------------------------------------------------

OUTLOOK_ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
BEGIN:VTIMEZONE\r
TZID:SE Asia Standard Time\r
BEGIN:STANDARD\r
DTSTART:16010101T000000\r
TZOFFSETFROM:+0700\r
TZOFFSETTO:+0700\r
END:STANDARD\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:040000008200E00074C5B7101A82E008@outlook\r
SUMMARY:Phát thanh buổi chiều\r
DTSTART;TZID=SE Asia Standard Time:20210302T171500\r
DTEND;TZID=SE Asia Standard Time:20210302T173000\r
RRULE:FREQ=WEEKLY;UNTIL=20210330T101500Z;BYDAY=TU\r
EXDATE;TZID=SE Asia Standard Time:20210316T171500\r
DESCRIPTION:segments: b1, b2\\npriority: ưu tiên\r
END:VEVENT\r
END:VCALENDAR\r
""".encode()


def test_ics_with_vtimezone_and_exdate() -> None:
    (plan,) = plans_from_ics(OUTLOOK_ICS)
    assert plan.title == "Phát thanh buổi chiều"
    assert plan.slot_minutes == 15
    assert plan.level == Priority.PRIORITY
    assert plan.segments == ["b1", "b2"] and not plan.rotate
    slots = plan_slots(
        plan,
        dt.datetime(2021, 3, 1, tzinfo=dt.UTC),
        dt.datetime(2021, 5, 1, tzinfo=dt.UTC),
        {"b1": 60, "b2": 60},
    )
    starts = [s.start.astimezone(HCM) for s in slots]
    assert [s.day for s in starts] == [2, 9, 23, 30]  # 16 March excepted
    assert all(s.hour == 17 and s.minute == 15 for s in starts)
    assert slots[0].start == dt.datetime(2021, 3, 2, 10, 15, tzinfo=dt.UTC)


def test_ics_floating_and_utc_times_and_google_style() -> None:
    ics = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
BEGIN:VEVENT\r
DTSTART:20210305T233000Z\r
DTEND:20210305T234500Z\r
RRULE:FREQ=DAILY;COUNT=3\r
UID:abc123@google.com\r
SUMMARY:Bản tin sáng\r
CATEGORIES:khẩn cấp\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART:20210401T063000\r
DURATION:PT20M\r
UID:floating@example\r
SUMMARY:Một buổi\r
END:VEVENT\r
END:VCALENDAR\r
""".encode()
    utc_plan, single = plans_from_ics(ics)
    assert utc_plan.level == Priority.EMERGENCY and utc_plan.rotate
    slots = plan_slots(
        utc_plan, dt.datetime(2021, 1, 1, tzinfo=dt.UTC), dt.datetime(2022, 1, 1, tzinfo=dt.UTC), {}
    )
    assert [s.start.astimezone(HCM).strftime("%m-%d %H:%M") for s in slots] == [
        "03-06 06:30",
        "03-07 06:30",
        "03-08 06:30",
    ]
    (one,) = plan_slots(
        single, dt.datetime(2021, 1, 1, tzinfo=dt.UTC), dt.datetime(2022, 1, 1, tzinfo=dt.UTC), {}
    )
    assert one.start.astimezone(HCM) == dt.datetime(2021, 4, 1, 6, 30, tzinfo=HCM)
    assert one.end - one.start == dt.timedelta(minutes=20)


@pytest.mark.parametrize(
    "body,message",
    [
        (b"not a calendar", "iCalendar"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "không có sự kiện"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;VALUE=DATE:20210301\r\n"
            b"RRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "cả ngày",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20210301T063000\r\n"
            b"RRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "độ dài buổi phát",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20210301T063000\r\n"
            b"DURATION:PT15M\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "RRULE",
        ),
    ],
)
def test_bad_calendars_are_refused_with_a_reason(body: bytes, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        plans_from_ics(body)


def test_bad_calendar_import_changes_nothing(data_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.ics"
    good.write_bytes(OUTLOOK_ICS)
    run_village("--data", str(data_dir), "import", "plan", str(good), check=True)
    store_file = data_dir / "content.json"
    before = store_file.read_bytes()
    bad = tmp_path / "bad.ics"
    bad.write_bytes(
        OUTLOOK_ICS.replace(b"DTEND;TZID=SE Asia Standard Time:20210302T173000\r\n", b"")
    )
    proc = run_village("--data", str(data_dir), "import", "plan", str(bad))
    assert proc.returncode == 2 and "độ dài buổi phát" in proc.stderr
    assert store_file.read_bytes() == before


# --- station rules and overlaps ---------------------------------------------------------------


def test_quiet_hours_hold_ordinary_and_priority_but_not_emergency() -> None:
    def at(hour: int, minute: int, priority: str) -> Plan:
        return Plan(
            id=f"p{hour}{minute}{priority}",
            title=priority,
            dtstart=f"2021-03-01T{hour:02d}:{minute:02d}:00",
            slot_minutes=15,
            priority=priority,
        )

    plans = [
        at(22, 0, "ordinary"),
        at(22, 30, "priority"),
        at(23, 0, "emergency"),
        at(5, 20, "ordinary"),
        at(6, 0, "ordinary"),
        at(21, 20, "ordinary"),
    ]
    policy = Policy(quiet_hours="21:30-05:30")
    schedule = build_schedule(
        plans, dt.datetime(2021, 3, 1, tzinfo=HCM), dt.datetime(2021, 3, 2, tzinfo=HCM), {}, policy
    )
    kept = {s.start.astimezone(HCM).strftime("%H:%M") for s in schedule.slots}
    assert kept == {"23:00", "06:00"}
    reasons = {
        s.slot.start.astimezone(HCM).strftime("%H:%M"): s.reason for s in schedule.suppressed
    }
    # 05:20-05:35 and 21:20-21:35 reach into quiet hours
    assert reasons == {
        "22:00": "quiet hours",
        "22:30": "quiet hours",
        "05:20": "quiet hours",
        "21:20": "quiet hours",
    }


def test_overlapping_plans_resolved_by_priority_and_reported(
    data_dir: Path, tmp_path: Path
) -> None:
    ics = """BEGIN:VCALENDAR\r
VERSION:2.0\r
BEGIN:VEVENT\r
UID:daily@xa\r
SUMMARY:Thường ngày\r
DTSTART;TZID=Asia/Ho_Chi_Minh:20210301T063000\r
DTEND;TZID=Asia/Ho_Chi_Minh:20210301T064500\r
RRULE:FREQ=DAILY;COUNT=3\r
X-VILLAGE-SEGMENTS:s1\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:dich@xa\r
SUMMARY:Phòng chống dịch\r
DTSTART;TZID=Asia/Ho_Chi_Minh:20210302T064000\r
DTEND;TZID=Asia/Ho_Chi_Minh:20210302T065000\r
X-VILLAGE-PRIORITY:priority\r
X-VILLAGE-SEGMENTS:s2\r
END:VEVENT\r
END:VCALENDAR\r
""".encode()
    path = tmp_path / "two.ics"
    path.write_bytes(ics)
    run_village("--data", str(data_dir), "import", "plan", str(path), check=True)
    proc = run_village(
        "--data",
        str(data_dir),
        "--config",
        "/dev/null",
        "plan",
        "--from",
        "2021-03-01",
        "--to",
        "2021-03-03",
        "--json",
        check=True,
    )
    slots = json.loads(proc.stdout)
    assert [(s["start"], s["end"], s["priority"]) for s in slots] == [
        ("2021-03-01T06:30:00+07:00", "2021-03-01T06:45:00+07:00", "ordinary"),
        ("2021-03-02T06:40:00+07:00", "2021-03-02T06:50:00+07:00", "priority"),
        ("2021-03-03T06:30:00+07:00", "2021-03-03T06:45:00+07:00", "ordinary"),
    ]
    assert all("segments" in s for s in slots)
    assert "2021-03-02T06:30:00+07:00" in proc.stderr and "overlaps" in proc.stderr


def test_plan_command_on_the_default_plan(data_dir: Path) -> None:
    run_village(
        "--data",
        str(data_dir),
        "import",
        "plan",
        str(MEDIA / "plans" / "ke-hoach-2021.ics"),
        check=True,
    )
    proc = run_village(
        "--data",
        str(data_dir),
        "plan",
        "--from",
        "2021-03-01",
        "--to",
        "2021-03-07",
        "--json",
        check=True,
    )
    slots = json.loads(proc.stdout)
    assert [s["start"] for s in slots] == [
        "2021-03-01T06:30:00+07:00",
        "2021-03-03T06:30:00+07:00",
        "2021-03-05T06:30:00+07:00",
    ]
    assert {s["priority"] for s in slots} == {"ordinary"}
    bad = run_village("--data", str(data_dir), "plan", "--from", "2021-13-01", "--to", "2021-03-07")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


# --- a plan never stops the broadcasts ----------------------------------------------------------


def plan_with(rule: str = "", **fields) -> Plan:
    values = {"id": "thu", "title": "Buổi thử", "dtstart": "2021-03-01T06:30:00", "rrule": rule}
    return Plan(**{**values, **fields})


@pytest.mark.parametrize(
    ("rule", "fields", "words"),
    [
        ("FREQ=DAILY;INTERVAL=0", {}, "INTERVAL=0"),
        ("FREQ=SECONDLY", {}, "từng giây"),
        ("FREQ=MINUTELY;INTERVAL=30", {}, "từng phút"),
        ("FREQ=HOURLY;BYMINUTE=0,30", {"slot_minutes": 15}, "48 buổi một ngày"),
        ("FREQ=DAILY;BYHOUR=6,7;BYMINUTE=0,10", {"slot_minutes": 15}, "cách nhau 10 phút"),
        ("FREQ=HOURLY;INTERVAL=1", {"slot_minutes": 90}, "cách nhau 1 giờ"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", {}, "không bao giờ"),
        ("FREQ=DAILY;BYSETPOS=2", {}, "không bao giờ"),
        ("FREQ=WEEKLY;BYDAY=MO", {"timezone": "../../etc/passwd"}, "múi giờ không tồn tại"),
        ("FREQ=WEEKLY;BYDAY=MO", {"timezone": "Mars/Olympus"}, "múi giờ không tồn tại"),
        ("FREQ=WEEKLY;BYDAY=MO", {"dtstart": "1601-01-01T00:00:00"}, "1601"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20210401", {}, "cả COUNT và UNTIL"),
        ("FREQ=YEARLY;BYEASTER=0", {}, "BYEASTER"),
        ("FREQ=WEEKLY;BYDAY=XX", {}, "XX"),
        (
            "FREQ=DAILY",
            {
                "overrides": [
                    Override("2021-03-05T06:30:00", "2021-06-05T06:30:00", this_and_future=True)
                ]
            },
            "cả chuỗi bị dời quá 31 ngày",
        ),
        ("FREQ=DAILY", {"makeup": "sometimes"}, "cách bù buổi"),
    ],
)
def test_validate_refuses_rules_that_would_swamp_the_scheduler(rule, fields, words) -> None:
    plan = plan_with(rule, **fields)
    with pytest.raises(PlanError) as caught:
        plan.validate()
    message = str(caught.value)
    assert words in message
    assert "«Buổi thử» (thu)" in message  # the plan is named


def test_listed_dates_closer_than_a_slot_are_refused() -> None:
    plan = plan_with(rdates=["2021-03-01T06:40:00"], slot_minutes=15)
    with pytest.raises(PlanError, match="ngắn hơn một buổi phát"):
        plan.validate()


def test_a_bad_plan_is_quarantined_and_the_others_keep_their_slots() -> None:
    good = plan_with("FREQ=DAILY;COUNT=3", id="tot")
    dense = plan_with("FREQ=SECONDLY", id="day", title="Mỗi giây")
    never = plan_with("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31", id="khong", title="Ngày 31/2")
    schedule = build_schedule(
        [dense, good, never],
        dt.datetime(2021, 3, 1, tzinfo=HCM),
        dt.datetime(2021, 3, 10, tzinfo=HCM),
        {},
        NO_RULES,
    )
    assert [s.start.astimezone(HCM).day for s in schedule.slots] == [1, 2, 3]
    assert [(q.plan_id, q.title) for q in schedule.quarantined] == [
        ("day", "Mỗi giây"),
        ("khong", "Ngày 31/2"),
    ]
    assert "từng giây" in schedule.quarantined[0].reason


def test_an_expansion_past_its_budget_is_stopped() -> None:
    from village.plan import ExpansionBudget, PlanBudgetExceeded

    hourly = plan_with("FREQ=HOURLY", slot_minutes=30)
    begin, end = dt.datetime(2021, 3, 1, tzinfo=HCM), dt.datetime(2021, 4, 1, tzinfo=HCM)
    with pytest.raises(PlanBudgetExceeded) as caught:
        plan_slots(hourly, begin, end, {}, budget=ExpansionBudget(max_slots=100))
    assert caught.value.plan_id == "thu" and "100 buổi" in caught.value.reason
    schedule = build_schedule(
        [hourly], begin, end, {}, NO_RULES, budget=ExpansionBudget(max_slots=100)
    )
    assert schedule.slots == [] and schedule.quarantined[0].plan_id == "thu"
    # within the default budget: every hour from 06:30 on 1 March to the end of the month
    assert len(build_schedule([hourly], begin, end, {}, NO_RULES).slots) == 31 * 24 - 6


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;WKST=SU",
        "FREQ=DAILY;INTERVAL=3;BYHOUR=6,17",
        "FREQ=HOURLY;INTERVAL=5;BYDAY=SA,SU",
        "FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=500",
        "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=2",
        "FREQ=MONTHLY;BYDAY=-1FR",  # no fixed period: walked from DTSTART
        "FREQ=WEEKLY;BYDAY=TU;COUNT=1500",
    ],
)
def test_a_window_years_after_dtstart_gives_the_same_starts_and_indices(rule: str) -> None:
    from dateutil import rrule as du

    plan = plan_with(rule, dtstart="1991-06-03T06:30:00", slot_minutes=10)
    plan.validate()
    begin, end = dt.datetime(2020, 2, 20, tzinfo=HCM), dt.datetime(2020, 4, 20, tzinfo=HCM)
    expected = []
    for index, start in enumerate(
        du.rrulestr(rule, dtstart=dt.datetime(1991, 6, 3, 6, 30, tzinfo=HCM))
    ):
        if start >= end:
            break
        if start >= begin:
            expected.append((index, start))
    slots = plan_slots(plan, begin, end, {})
    assert [(s.occurrence, s.start) for s in slots] == expected


# --- make-up sessions in the report --------------------------------------------------------------


def _hub_with_the_2021_plan(folder: Path, holidays: list[str]):
    from commune.hubdata import HubData
    from commune.push import push_plans
    from tests.conftest import write_config

    hub = HubData.init(folder / "hub", "xa-mau", ["pi-01"])
    push_plans(hub, MEDIA / "plans" / "ke-hoach-2021.ics", "Asia/Ho_Chi_Minh", devices=["pi-01"])
    (plan_id,) = hub.library.snapshot().plans
    config = write_config(folder / "village.toml", {"schedule": {"holidays": holidays}})
    return hub, config, plan_id


def _aired(plan_id: str, local: dt.datetime) -> dict:
    start = local.astimezone(dt.UTC)
    return {
        "id": f"r-{start:%Y%m%d%H%M}",
        "kind": "broadcast",
        "device": "pi-01",
        "slot": f"{plan_id}@{start:%Y%m%dT%H%M%SZ}",
        "plan": plan_id,
        "title": "Tuyên truyền cải cách hành chính",
        "priority": "ordinary",
        "trigger": "schedule",
        "planned_start": local.isoformat(),
        "planned_end": (local + dt.timedelta(minutes=15)).isoformat(),
        "relay_on": local.isoformat(),
        "relay_off": (local + dt.timedelta(minutes=14)).isoformat(),
        "segments": [],
        "outcome": "aired",
        "reason": "",
        "logged_at": (local + dt.timedelta(minutes=15)).isoformat(),
    }


def _weeks(hub, config_path: Path, first: str, last: str) -> dict[str, tuple[int, int, str]]:
    from commune.report.model import build_report
    from commune.report.period import parse_period
    from village.config import load_config

    now = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    period = parse_period(first, last, "Asia/Ho_Chi_Minh", now.date())
    report = build_report(hub, load_config(config_path), period, now)
    return {
        w.week.key: (w.tally.planned, w.tally.aired, w.tally.status)
        for w in report.broadcasts.weeks
    }


def test_the_made_up_session_meets_the_week_of_30_april(tmp_path: Path) -> None:
    hub, config, plan_id = _hub_with_the_2021_plan(tmp_path, ["01-01", "04-30", "05-01", "09-02"])
    sessions = [dt.datetime(2021, 4, day, 6, 30, tzinfo=HCM) for day in (26, 28)]
    sessions.append(dt.datetime(2021, 5, 2, 6, 30, tzinfo=HCM))  # Sunday, made up
    hub.repository.store_records("pi-01", "playlog", [_aired(plan_id, s) for s in sessions])
    weeks = _weeks(hub, config, "2021-04-26", "2021-05-02")
    assert weeks == {"2021-W17": (3, 3, "met")}


def test_a_session_made_up_in_the_next_week_counts_for_its_own_week(tmp_path: Path) -> None:
    # with 2 May a holiday too, Friday's session moves to Tuesday 4 May (Monday 3 May has
    # its own session at 06:30): it still counts for the week of 30 April
    hub, config, plan_id = _hub_with_the_2021_plan(tmp_path, ["04-30", "05-01", "05-02"])
    days = [(4, 26), (4, 28), (5, 3), (5, 4), (5, 5), (5, 7)]
    records = [_aired(plan_id, dt.datetime(2021, m, d, 6, 30, tzinfo=HCM)) for m, d in days]
    hub.repository.store_records("pi-01", "playlog", records)
    weeks = _weeks(hub, config, "2021-04-26", "2021-05-09")
    assert weeks == {"2021-W17": (3, 3, "met"), "2021-W18": (3, 3, "met")}


def test_village_plan_shows_moved_sessions(data_dir: Path, tmp_path: Path) -> None:
    from tests.conftest import write_config

    config = write_config(tmp_path / "village.toml", {"schedule": {"holidays": ["04-30", "05-01"]}})
    run_village(
        "--data",
        str(data_dir),
        "import",
        "plan",
        str(MEDIA / "plans" / "ke-hoach-2021.ics"),
        check=True,
    )
    args = (
        "--config",
        str(config),
        "--data",
        str(data_dir),
        "plan",
        "--from",
        "2021-04-26",
        "--to",
        "2021-05-02",
    )
    text = run_village(*args, check=True).stdout.splitlines()
    assert [line[:22] for line in text] == [
        "2021-04-26 Mon 06:30–0",
        "2021-04-28 Wed 06:30–0",
        "2021-05-02 Sun 06:30–0",
    ]
    assert text[2].endswith("(dời từ 2021-04-30 Fri 06:30: trùng ngày lễ)")
    slots = json.loads(run_village(*args, "--json", check=True).stdout)
    assert slots[2]["moved_from"] == "2021-04-30T06:30:00+07:00"
    assert slots[2]["moved_reason"] == "holiday"
    assert slots[0]["moved_from"] is None


def test_make_up_keeps_clear_of_other_slots_quiet_hours_and_the_plans_last_day() -> None:
    # a daily 06:30 plan to 5 May: the holiday session on 30 April cannot move to 1 May
    # (holiday), 2 May (its own session) or 3 May (an emergency drill at 06:35): it goes to
    # ... no day, since each later day has the plan's own session; a weekly plan moves
    daily = plan_with("FREQ=DAILY;UNTIL=20210505", id="moi-ngay", makeup="next-free-day")
    weekly = plan_with(
        "FREQ=WEEKLY;BYDAY=FR;UNTIL=20210507",
        id="thu-sau",
        dtstart="2021-04-23T07:00:00",
        makeup="next-free-day",
    )
    drill = plan_with("", id="dien-tap", dtstart="2021-05-02T06:55:00", priority="emergency")
    policy = Policy(quiet_hours="", holidays=("04-30", "05-01"))
    schedule = build_schedule(
        [daily, weekly, drill],
        dt.datetime(2021, 4, 26, tzinfo=HCM),
        dt.datetime(2021, 5, 8, tzinfo=HCM),
        {},
        policy,
    )
    moved = {s.plan_id: s.start.astimezone(HCM) for s in schedule.slots if s.moved_from}
    # the weekly session at 07:00 cannot go to 2 May (the drill runs 06:55-07:10)
    assert moved == {"thu-sau": dt.datetime(2021, 5, 3, 7, 0, tzinfo=HCM)}
    dropped = {
        (s.slot.plan_id, s.slot.start.astimezone(HCM).day): s.reason for s in schedule.suppressed
    }
    assert dropped[("moi-ngay", 30)].startswith("holiday (no free day")
    assert dropped[("moi-ngay", 1)].startswith("holiday (no free day")
    # a session is never made up after the plan's last day
    last = plan_with("FREQ=DAILY;UNTIL=20210430", id="cuoi", makeup="next-free-day")
    end = build_schedule(
        [last],
        dt.datetime(2021, 4, 29, tzinfo=HCM),
        dt.datetime(2021, 5, 9, tzinfo=HCM),
        {},
        policy,
    )
    assert [s.start.astimezone(HCM).day for s in end.slots] == [29]
    # quiet hours: a 21:00 session of 45 minutes runs into 21:30 whatever the day: dropped
    # by quiet hours, never "made up" into them
    late = plan_with(
        "FREQ=WEEKLY;BYDAY=FR",
        id="toi",
        dtstart="2021-04-23T21:00:00",
        slot_minutes=45,
        makeup="next-free-day",
    )
    quiet = build_schedule(
        [late],
        dt.datetime(2021, 4, 26, tzinfo=HCM),
        dt.datetime(2021, 5, 3, tzinfo=HCM),
        {},
        Policy(holidays=("04-30",)),
    )
    assert quiet.slots == [] and [s.reason for s in quiet.suppressed] == ["quiet hours"]


def test_the_same_make_up_whatever_window_is_asked(default_plan, sample_durations) -> None:
    def moved(first: dt.datetime, last: dt.datetime) -> list[str]:
        slots = build_schedule([default_plan], first, last, sample_durations, DEFAULT_POLICY).slots
        return [s.key for s in slots if s.moved_from is not None]

    # the controller asks for the past week and the next two days
    for day in range(1, 4):
        now = dt.datetime(2021, 5, day, 12, tzinfo=HCM)
        assert moved(now - dt.timedelta(days=7), now + dt.timedelta(days=2)) == [
            f"{default_plan.id}@20210501T233000Z"
        ]


def test_the_controller_airs_the_made_up_session_at_its_new_time(default_plan, sample_durations):
    from controller.airing.scheduler import Scheduler, Start, Wait

    sunday = dt.datetime(2021, 5, 2, 6, 30, tzinfo=HCM)
    scheduler = Scheduler(DEFAULT_POLICY, dt.timedelta(minutes=10), sunday - dt.timedelta(days=3))
    scheduler.rebuild([default_plan], sample_durations, sunday - dt.timedelta(hours=1))
    handled = {s.key for s in scheduler.schedule.slots if s.start < sunday}
    assert scheduler.decide(sunday - dt.timedelta(hours=1), True, handled) == Wait(sunday)
    decision = scheduler.decide(sunday, True, handled)
    assert isinstance(decision, Start) and decision.late_s == 0
    assert decision.slot.moved_from is not None
    assert decision.slot.moved_from.astimezone(HCM).date() == dt.date(2021, 4, 30)
