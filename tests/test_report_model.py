"""The report's figures, computed from a real hub repository (no document library involved)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from commune.report.broadcasts import INCOMPLETE, MET, NO_DATA, NO_PLAN, NOT_MET, Tally
from commune.report.errors import BadInput
from commune.report.period import Period, parse_period, vn_date
from commune.repository import Presence, SqliteHubRepository
from tests.report_helpers import FIRST, LAST, audio_s, build_hub, local

TZ = "Asia/Ho_Chi_Minh"
NOW = dt.datetime(2026, 1, 15, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory):
    return build_hub(tmp_path_factory.mktemp("report-model"))


def report_for(fx, first: str = FIRST, last: str = LAST, now: dt.datetime = NOW):
    from commune.hubdata import HubData
    from commune.report.model import build_report
    from village.config import load_config

    config = load_config(fx.config)
    period = parse_period(first, last, TZ, now.date())
    return build_report(HubData.open(fx.folder), config, period, now)


# --- periods and wording --------------------------------------------------------------------


def test_period_is_cut_into_iso_weeks() -> None:
    period = parse_period("2021-03-03", "2021-03-16", TZ, dt.date(2021, 4, 1))
    weeks = [(w.key, w.first.isoformat(), w.last.isoformat(), w.days) for w in period.weeks()]
    assert weeks == [
        ("2021-W09", "2021-03-03", "2021-03-07", 5),
        ("2021-W10", "2021-03-08", "2021-03-14", 7),
        ("2021-W11", "2021-03-15", "2021-03-16", 2),
    ]
    assert period.begin == dt.datetime(2021, 3, 3, tzinfo=period.zone)
    assert period.end.isoformat() == "2021-03-17T00:00:00+07:00"


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        ("2021-02-30", "2021-03-01", "Ngày «2021-02-30» ở --from không hợp lệ"),
        ("01/03/2021", "2021-03-01", "Ngày «01/03/2021» ở --from không hợp lệ"),
        ("2021-03-01", "tháng 3", "Ngày «tháng 3» ở --to không hợp lệ"),
        ("2021-03-10", "2021-03-01", "Ngày kết thúc (01/3/2021) ở trước ngày bắt đầu (10/3/2021)"),
        ("2021-03-01", "2026-01-16", "Ngày 16/01/2026 ở --to chưa đến (hôm nay là 15/01/2026)"),
    ],
)
def test_bad_periods_are_refused_in_vietnamese(first: str, last: str, words: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_period(first, last, TZ, dt.date(2026, 1, 15))
    assert words in str(caught.value)
    assert caught.value.exit_code == 2


def test_dates_and_periods_are_worded_as_documents_write_them() -> None:
    from commune.report.document import date_line, period_phrase

    assert vn_date(dt.date(2025, 3, 5)) == "05/3/2025"
    assert vn_date(dt.date(2025, 1, 15)) == "15/01/2025"
    assert date_line("Tân Lập", dt.date(2025, 2, 3)) == "Tân Lập, ngày 03 tháng 02 năm 2025"
    assert date_line("Tân Lập", dt.date(2025, 11, 29)) == "Tân Lập, ngày 29 tháng 11 năm 2025"

    def phrase(first: str, last: str) -> str:
        return period_phrase(Period(dt.date.fromisoformat(first), dt.date.fromisoformat(last), TZ))

    assert phrase("2021-03-01", "2021-03-31") == "tháng 3 năm 2021"
    assert phrase("2021-04-01", "2021-06-30") == "quý II năm 2021"
    assert phrase("2021-01-01", "2021-06-30") == "6 tháng đầu năm 2021"
    assert phrase("2021-01-01", "2021-12-31") == "năm 2021"
    assert phrase("2021-03-01", "2021-04-04") == "từ ngày 01/3/2021 đến ngày 04/4/2021"


def test_logged_reasons_read_in_vietnamese() -> None:
    from commune.report.reasons import reason_text

    assert reason_text("interrupted by emergency broadcast") == "bị ngắt để phát tin khẩn cấp"
    assert reason_text("too late to start (900 s after the planned start)") == (
        "quá muộn để bắt đầu (900 giây sau giờ dự kiến)"
    )
    assert reason_text("stopped by operator before the audio began") == (
        "cán bộ dừng buổi phát trước khi bắt đầu phát"
    )
    assert reason_text("busy: another broadcast was on air (Bão số 2)") == (
        "đang phát buổi khác («Bão số 2»)"
    )
    assert reason_text("something new") == "something new"


def test_verdicts_tell_no_data_from_nothing_aired() -> None:
    assert Tally(planned=3, aired=3, records=3).status == MET
    assert Tally(planned=3, aired=0, missed=3, records=3).status == NOT_MET
    assert Tally(planned=3, aired=2, no_record=1, records=2).status == INCOMPLETE
    assert Tally(planned=3, aired=1, no_record=1, missed=1, records=2).status == NOT_MET
    assert Tally(planned=3, no_record=3).status == NO_DATA
    assert Tally(planned=0, unplanned=2, records=2).status == NO_PLAN


# --- broadcasts -----------------------------------------------------------------------------


def test_sessions_planned_against_aired_per_week_and_in_total(fixture) -> None:
    report = report_for(fixture)
    b = report.broadcasts
    weeks = {
        w.week.key: (
            w.tally.planned,
            w.tally.aired,
            w.tally.partial,
            w.tally.missed,
            w.tally.no_record,
            w.tally.unplanned,
            w.tally.records,
            w.tally.status,
        )
        for w in b.weeks
    }
    assert weeks == {
        "2021-W09": (3, 3, 0, 0, 0, 0, 3, MET),
        "2021-W10": (3, 0, 1, 2, 0, 1, 4, NOT_MET),
        "2021-W11": (3, 3, 0, 0, 0, 1, 4, MET),
        "2021-W12": (3, 2, 0, 0, 1, 0, 2, INCOMPLETE),
        "2021-W13": (3, 0, 0, 0, 3, 0, 0, NO_DATA),
    }
    t = b.total
    assert (t.planned, t.aired, t.partial, t.missed, t.no_record, t.unplanned) == (
        15,
        8,
        1,
        2,
        4,
        2,
    )
    assert t.status == NOT_MET
    in_period = fixture.in_period()
    assert t.records == len(in_period) == 13
    assert t.audio_s == pytest.approx(audio_s(in_period))
    assert b.planned_minutes == 15 * 15
    assert b.target is not None
    assert (b.target.sessions_per_week, b.target.minutes_per_session) == (3, 15)
    assert b.devices == ["pi-01"]


def test_problems_special_broadcasts_and_segments(fixture) -> None:
    b = report_for(fixture).broadcasts
    assert [(s.start.strftime("%m-%d %H:%M"), s.outcome) for s in b.problems] == [
        ("03-08 06:30", "partial"),
        ("03-10 06:30", "missed"),
        ("03-12 06:30", "missed"),
    ]
    assert [(s.priority, s.trigger, s.title) for s in b.special] == [
        ("emergency", "hub", "Thông báo khẩn: bão số 2"),
        ("priority", "manual", "Lịch tiếp công dân tháng 3"),
    ]
    expected: dict[str, list[int]] = {}
    for record in fixture.in_period():
        for segment in record["segments"]:
            counts = expected.setdefault(segment["id"], [0, 0])
            counts[0] += 1
            counts[1] += segment["complete"]
    assert {c.id: [c.plays, c.complete] for c in b.segments} == expected
    assert b.segments[0].plays == max(plays for plays, _ in expected.values())


def test_a_second_record_of_a_session_counts_once(tmp_path: Path) -> None:
    fx = build_hub(tmp_path)
    from tests.report_helpers import FULL, broadcast

    again = broadcast("2021-03-08 06:30", "aired", plan_id=fx.plan_id, parts=FULL)
    repository = SqliteHubRepository(fx.folder / "hub.sqlite")
    repository.store_records("pi-01", "playlog", [again])
    b = report_for(fx).broadcasts
    week = next(w.tally for w in b.weeks if w.week.key == "2021-W10")
    assert (week.aired, week.partial, week.unplanned, week.records) == (1, 0, 1, 5)
    assert sum(1 for s in b.sessions if s.duplicate) == 1


def test_sessions_not_yet_due_are_not_planned(fixture) -> None:
    # "now" is Wednesday 3 March 2021 at 07:00: Wednesday's 06:30 session is due, Friday's not
    now = local("2021-03-03 07:00").astimezone(dt.UTC)
    b = report_for(fixture, "2021-03-01", "2021-03-03", now=now).broadcasts
    assert (b.total.planned, b.total.aired) == (2, 2)


# --- kiosk, conferences, presence -----------------------------------------------------------


def test_kiosk_use_counts_the_days_of_the_period(fixture) -> None:
    k = report_for(fixture).kiosk
    c = fixture.codes
    assert k.views == 5 + 3 + 2 + 4 + 7 + 1
    assert dict(k.by_field) == {"Hộ tịch": 7, "Cư trú": 10, "Chứng thực": 4, "": 1}
    assert k.by_field[0] == ("Cư trú", 10)
    assert [(p.code, p.views) for p in k.procedures[:2]] == [(c["Cư trú"], 10), (c["Hộ tịch"], 7)]
    assert k.procedures[-1].code == "9.999999" and k.procedures[-1].name == ""
    assert (k.searches, k.found, k.not_found_searches) == (19, 15, 4)
    assert k.not_found == [("ly hon", 3), ("cấp sổ đỏ cho đất rừng", 1)]
    assert k.ratings == {5: 2, 4: 1, 3: 0, 2: 1, 1: 0}
    assert k.average_rating == pytest.approx(16 / 4)
    assert dict(k.reasons) == {"long_wait": 1, "text_too_small": 1}
    assert (k.usage_days, k.clip_plays, k.records) == (3, 2, 7)
    assert k.devices == ["pi-01", "pi-02"]


def test_offline_spells_are_clipped_to_the_period(fixture) -> None:
    report = report_for(fixture)
    spells = {
        d.device: [
            (s.start.isoformat(), s.end.isoformat(), s.from_before, s.still_offline)
            for s in d.spells
        ]
        for d in report.presence
    }
    assert spells == {
        "pi-01": [("2021-03-01T00:00:00+07:00", "2021-03-01T09:00:00+07:00", True, False)],
        "pi-02": [
            ("2021-03-10T08:00:00+07:00", "2021-03-12T10:00:00+07:00", False, False),
            ("2021-04-03T20:00:00+07:00", "2021-04-05T00:00:00+07:00", False, True),
        ],
    }
    offline = {d.device: d.offline_s / 3600 for d in report.presence}
    assert offline == {"pi-01": 9, "pi-02": 50 + 28}


def test_an_offline_spell_still_running_ends_now() -> None:
    from commune.report.presence import device_presence

    period = Period(dt.date(2021, 4, 1), dt.date(2021, 4, 3), TZ)
    history = [Presence("pi-02", local("2021-04-03 20:00").astimezone(dt.UTC).isoformat(), False)]
    now = local("2021-04-03 21:30").astimezone(dt.UTC)
    (spell,) = device_presence("pi-02", history, period, now).spells
    assert spell.seconds == 90 * 60 and spell.still_offline
    assert not device_presence("pi-09", [], period, now).known


def test_conferences_of_the_period(tmp_path: Path) -> None:
    from commune.report.conference import conferences, new_conference, record_conference

    repository = SqliteHubRepository(tmp_path / "hub.sqlite")
    today = dt.date(2021, 5, 1)
    for day, people in (("2021-03-05", 120), ("2021-03-18", 85), ("2021-04-20", 50)):
        record_conference(repository, new_conference(day, people, "  Hội  nghị ", "", today))
    period = Period(dt.date(2021, 3, 1), dt.date(2021, 3, 31), TZ)
    found = conferences(repository, period)
    assert [(c.day.isoformat(), c.attendees, c.topic) for c in found] == [
        ("2021-03-05", 120, "Hội nghị"),
        ("2021-03-18", 85, "Hội nghị"),
    ]
    with pytest.raises(BadInput, match="Số người dự phải từ 1"):
        new_conference("2021-03-05", 0, "x", "", today)
    with pytest.raises(BadInput, match="chưa đến"):
        new_conference("2021-06-05", 10, "x", "", today)
    with pytest.raises(BadInput, match="Cần ghi nội dung"):
        new_conference("2021-03-05", 10, "   ", "", today)


def test_a_period_with_nothing_reported_is_empty(fixture) -> None:
    report = report_for(fixture, "2021-06-07", "2021-06-13")
    assert report.empty
    assert report.broadcasts.total.planned == 3
    assert report.broadcasts.total.status == NO_DATA
    assert not report.kiosk.records


# --- presence history on the hub ------------------------------------------------------------


def test_the_hub_keeps_a_presence_record_when_the_online_state_changes(tmp_path: Path) -> None:
    """Through the daemon's real ingest path, the last will included (no broker needed)."""
    from commune.daemon import HubDaemon
    from commune.hubdata import HubData
    from tests.sync_helpers import make_config
    from village.wire import codec

    hub = HubData.init(tmp_path / "hub", "xa-mau", ["pi-01"])
    config = make_config(tmp_path / "unused", {"host": "127.0.0.1", "port": 1})
    daemon = HubDaemon(config, hub)

    def status(online: bool, **extra: object) -> bytes:
        return codec.encode({"type": "status", "device": "pi-01", "online": online, **extra})

    daemon._ingest_status("pi-01", status(True, at="2026-01-01T00:00:00+00:00"))
    daemon._ingest_status("pi-01", status(True, state="idle"))  # no change: nothing kept
    daemon._ingest_status("pi-01", status(False, reason="connection lost"))  # the last will
    daemon._ingest_status("pi-01", status(False, reason="connection lost"))  # retained again
    daemon._ingest_status("pi-01", status(True))
    history = hub.repository.presence("pi-01")
    assert [(p.online, p.reason) for p in history] == [
        (True, ""),
        (False, "connection lost"),
        (True, ""),
    ]
    assert [p.at for p in history] == sorted(p.at for p in history)
    assert hub.repository.count_records() == 0  # the history is not a log stream
    row = hub.repository.device("pi-01")
    assert row is not None and row.online is True
