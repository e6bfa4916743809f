"""The Schedule page against a real hub, Mosquitto and device agent, in Chromium: a plan
made in the form with its next slots previewed as it is typed, published, then on the
calendar and in ``village plan`` on the device; the calendar's marks from the play logs,
quiet hours, holidays, make-up sessions and a quarantined plan; a calendar file previewed
then pushed; the phone calendar's secret feed."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path

import icalendar
import pytest

from commune.console.content.publishing import publish
from commune.push import push_segment
from tests.browser import *  # noqa: F403 - the fixtures
from tests.browser import ConsoleHub, ManualClock, needs_browser_stack, screenshot, signed_in
from tests.conftest import run_village
from tests.sync_helpers import AgentRun, Broker, device_mqtt, make_config, wait_until
from village.plan import Plan, Slot
from village.store import ContentStore

pytestmark = needs_browser_stack
ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def next_monday(days_ahead: int = 2) -> dt.date:
    day = dt.datetime.now(ZONE).date() + dt.timedelta(days=days_ahead)
    day += dt.timedelta(days=(7 - day.weekday()) % 7)
    while day.strftime("%m-%d") in ("01-01", "04-30", "05-01", "09-02"):  # a device's holidays
        day += dt.timedelta(days=7)
    return day


@pytest.fixture
def agent(tmp_path: Path, broker, console_hub: ConsoleHub):
    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, console_hub, "pi-01"), device={"id": "pi-01"}
    )
    running = AgentRun(config).start()
    wait_until(lambda: console_hub.status("pi-01").get("online"), 15, "pi-01 online")
    yield running
    running.stop()


def test_a_plan_made_in_the_form_is_on_the_calendar_and_on_the_device(
    console_hub: ConsoleHub, agent: AgentRun, page, make_tone
) -> None:
    push_segment(
        console_hub.hub, make_tone("tin.wav", seconds=2), "Tin sáng", segment_id="tin-sang"
    )
    first = next_monday()
    last = first + dt.timedelta(days=20)
    signed_in(page, console_hub, "radio")
    page.goto(console_hub.url("/lich/ke-hoach"))
    form = "#plan-form"
    page.fill(f"{form} input[name=title]", "Bản tin sáng")
    for day in ("MO", "WE", "FR"):
        page.check(f"{form} input[name=thu][value={day}]")
    page.fill(f"{form} input[name=first_day]", first.isoformat())
    page.fill(f"{form} input[name=last_day]", last.isoformat())
    page.fill(f"{form} input[name=minutes]", "10")
    page.check(f"{form} input[name=segment][value=tin-sang]")
    page.check(f"{form} input[name=device][value=pi-01]")
    page.fill(f"{form} input[name=time]", "06:30")
    starts = page.locator("#slots-preview li[data-start]")
    expected = [
        f"{first + dt.timedelta(days=d)}T06:30:00+07:00" for d in (0, 2, 4, 7, 9, 11, 14, 16)
    ]
    wait_until(lambda: starts.count() and starts.first.get_attribute("data-start") == expected[0])
    assert [s.get_attribute("data-start") for s in starts.all()] == expected
    page.fill(f"{form} input[name=time]", "07:15")  # the preview follows what is typed
    wait_until(
        lambda: starts.first.get_attribute("data-start") == expected[0].replace("06:30", "07:15")
    )
    screenshot(page, "schedule-plan")
    page.fill(f"{form} input[name=time]", "06:30")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("tr[data-device='pi-01'][data-state='applied']")
    (entry,) = console_hub.audit("publish")
    assert entry.target.startswith("plan lich-ban-tin-sang v")
    # on the calendar: those days, only for the device it went to
    page.goto(console_hub.url(f"/lich?xem=thang&thang={first:%Y-%m}"))
    days = page.locator("li.slot[data-plan='lich-ban-tin-sang']")
    shown = [d.evaluate("e => e.closest('li.day').dataset.date") for d in days.all()]
    assert [s for s in shown if s.startswith(f"{first:%Y-%m}")] == [
        e[:10] for e in expected + [f"{first + dt.timedelta(days=18)}"] if e[:7] == f"{first:%Y-%m}"
    ]
    assert "06:30–06:40" in days.first.inner_text() and "1/2 thiết bị" in days.first.inner_text()
    page.goto(console_hub.url(f"/lich?xem=tuan&ngay={first}&thiet-bi=pi-02"))
    assert page.locator("li.slot").count() == 0
    # and on the device itself, as `village plan` lists it
    done = run_village(
        "--data",
        str(agent.config.data_dir),
        "plan",
        "--from",
        str(first),
        "--to",
        str(last),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    slots = json.loads(done.stdout)
    assert [s["start"] for s in slots] == expected + [
        f"{first + dt.timedelta(days=18)}T06:30:00+07:00"
    ]
    assert {s["plan"] for s in slots} == {"lich-ban-tin-sang"}
    assert slots[0]["segments"] == ["tin-sang"] and slots[0]["end"].endswith("06:40:00+07:00")
    # changed in the form later: the form shows the plan as it is, the change reaches the device
    page.goto(console_hub.url("/lich"))
    page.click("#plans tr[data-plan='lich-ban-tin-sang'] a")
    assert page.is_checked(f"{form} input[name=thu][value=WE]")
    assert page.input_value(f"{form} input[name=time]") == "06:30"
    assert page.is_disabled(f"{form} input[name=id]")
    page.fill(f"{form} input[name=minutes]", "20")
    page.wait_for_selector("#slots-preview li[data-start]")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("tr[data-device='pi-01'][data-state='applied']")
    held = ContentStore(agent.config.data_dir).snapshot().plans["lich-ban-tin-sang"]
    assert held["slot_minutes"] == 20 and held["rrule"] == "FREQ=WEEKLY;BYDAY=MO,WE,FR"


def test_a_bad_plan_form_says_why_and_publishes_nothing(console_hub: ConsoleHub, page) -> None:
    signed_in(page, console_hub, "radio")
    page.goto(console_hub.url("/lich/ke-hoach"))
    page.fill("#plan-form input[name=title]", "Lịch lỗi")
    page.fill("#plan-form input[name=minutes]", "600")
    page.wait_for_selector("#slots-preview [data-preview=problems]:has-text('240 phút')")
    problems = page.inner_text("#slots-preview")
    assert "Hãy chọn ít nhất một ngày" in problems and "không quá 240 phút" in problems
    page.evaluate(
        "document.querySelectorAll('#plan-form [required], #plan-form [max]')"
        ".forEach(e => { e.removeAttribute('required'); e.removeAttribute('max'); })"
    )
    page.click("#plan-form button[type=submit]")
    assert "Chưa đăng được lịch này" in page.inner_text("[role=alert]")
    assert console_hub.hub.repository.latest_version() == 0


def a_plan(plan_id: str, title: str, start: str, **fields) -> dict:
    return Plan(id=plan_id, title=title, dtstart=start, segments=["tin"], **fields).to_dict()


def key(plan_id: str, local: dt.datetime) -> str:
    return Slot(plan_id, "", local.replace(tzinfo=ZONE), local, 0, (), 0).key  # type: ignore[arg-type]


def a_log(plan_id: str, local: dt.datetime, outcome: str) -> dict:
    start = local.replace(tzinfo=ZONE)
    return {
        "id": f"{plan_id}-{local:%m%d%H%M}",
        "slot": key(plan_id, local),
        "plan": plan_id,
        "title": plan_id,
        "planned_start": start.isoformat(),
        "relay_on": start.isoformat(),
        "relay_off": (start + dt.timedelta(minutes=10)).isoformat(),
        "outcome": outcome,
        "priority": "ordinary",
        "trigger": "schedule",
        "segments": [],
    }


@pytest.fixture
def commune_hub(tmp_path: Path, broker: Broker, clock: ManualClock):
    monday = next_monday(-16)  # two weeks ago: every slot is over and may have a log
    hub = ConsoleHub(tmp_path / "hub", broker, clock)
    hub.config = hub.config.replace(
        "schedule", quiet_hours="21:30-05:30", holidays=[str(monday + dt.timedelta(days=7))]
    )
    hub.start()
    yield hub, monday
    hub.stop()


def test_the_calendar_marks_logs_quiet_hours_holidays_overlaps_and_quarantine(
    commune_hub, page, make_tone
) -> None:
    hub, monday = commune_hub
    push_segment(hub.hub, make_tone("tin.wav", seconds=2), "Tin", segment_id="tin")
    two_weeks = {"window_start": str(monday), "window_end": str(monday + dt.timedelta(days=13))}
    morning = a_plan(
        "sang",
        "Bản tin sáng",
        f"{monday}T06:00:00",
        rrule="FREQ=WEEKLY;BYDAY=MO,WE",
        makeup="next-free-day",
        **two_weeks,
    )
    evening = a_plan("toi", "Tin tối", f"{monday}T22:00:00", rrule="FREQ=DAILY", **two_weeks)
    storm = a_plan(
        "bao",
        "Phòng chống bão",
        f"{monday + dt.timedelta(days=2)}T06:05:00",
        priority="priority",
        slot_minutes=10,
    )
    dense = {**a_plan("day-dac", "Lịch dày đặc", f"{monday}T06:00:00"), "rrule": "FREQ=MINUTELY"}
    publish(
        hub.hub, [("plans", p["id"], p) for p in (morning, evening, storm, dense)], ["pi-01"], "t"
    )
    publish(hub.hub, [("plans", "sang", morning)], ["pi-02"], "t")
    six = dt.datetime.combine(monday, dt.time(6))
    wednesday = six + dt.timedelta(days=2)
    hub.hub.repository.store_records(
        "pi-01",
        "playlog",
        [a_log("sang", six, "aired"), a_log("bao", wednesday.replace(minute=5), "missed")],
    )
    hub.hub.repository.store_records("pi-02", "playlog", [a_log("sang", six, "partial")])
    signed_in(page, hub, "viewer")
    page.goto(hub.url(f"/lich?xem=tuan&ngay={monday}"))
    first = page.locator(f"li.slot[data-slot='{key('sang', six)}']")
    assert first.locator("[data-outcome=aired]").inner_text() == "✓ 1"
    assert first.locator("[data-outcome=partial]").inner_text() == "½ 1"
    assert "thiết bị)" not in first.inner_text()  # on both devices
    lost = page.locator(f"li.slot[data-slot='{key('sang', wednesday)}'][data-state=suppressed]")
    assert "trùng buổi của lịch bao lúc 06:05 (mức ưu tiên)" in lost.inner_text()
    assert "1/2 thiết bị" in lost.inner_text()
    aired_elsewhere = page.locator(
        f"li.slot[data-slot='{key('sang', wednesday)}'][data-state=planned]"
    )
    assert aired_elsewhere.locator("[data-outcome=none]").inner_text() == "? 1"  # pi-02: no log
    storm_slot = page.locator("li.slot.priority[data-plan=bao]")
    assert storm_slot.locator("[data-outcome=missed]").inner_text() == "✗ 1"
    night = page.locator("li.slot[data-plan=toi]").first
    assert (
        night.get_attribute("data-state") == "suppressed" and "giờ yên lặng" in night.inner_text()
    )
    warning = page.inner_text("[data-quarantined=day-dac]")
    assert "Lịch dày đặc" in warning and "1 thiết bị" in warning
    assert "Giờ yên lặng 21:30–05:30" in page.inner_text(".legend")
    screenshot(page, "schedule-week")
    # the holiday week: the Monday session is made up on Tuesday, on both devices
    page.goto(hub.url(f"/lich?xem=tuan&ngay={monday + dt.timedelta(days=7)}"))
    holiday = page.locator(f"li.day[data-date='{monday + dt.timedelta(days=7)}']")
    assert "holiday" in holiday.get_attribute("class")
    assert holiday.locator("li.slot[data-plan=sang]").count() == 0
    moved = page.locator(
        f"li.day[data-date='{monday + dt.timedelta(days=8)}'] li.slot[data-plan=sang]"
    )
    assert moved.get_attribute("data-state") == "moved"
    assert (
        f"dời từ {monday + dt.timedelta(days=7):%d/%m} 06:00 (trùng ngày lễ)" in moved.inner_text()
    )
    page.goto(hub.url(f"/lich?thang={monday:%Y-%m}"))
    screenshot(page, "schedule")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(hub.url(f"/lich?xem=tuan&ngay={monday}&thiet-bi=pi-01"))
    assert (
        page.locator(f"li.slot[data-slot='{key('sang', six)}'] [data-outcome=partial]").count() == 0
    )
    screenshot(page, "schedule-phone")


def calendar_file(path: Path, first: dt.date, events: list[tuple[str, str, str]]) -> Path:
    """An .ics file as a calendar application exports it: (uid, summary, HHMM) on Tu and Th."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Ung dung lich//VI",
        "X-WR-CALNAME:Lịch phát thanh xã",
    ]
    for uid, summary, hhmm in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;TZID=Asia/Ho_Chi_Minh:{first:%Y%m%d}T{hhmm}00",
            f"DTEND;TZID=Asia/Ho_Chi_Minh:{first:%Y%m%d}T{hhmm[:2]}{int(hhmm[2:]) + 15:02d}00",
            f"RRULE:FREQ=WEEKLY;BYDAY=TU,TH;UNTIL={first + dt.timedelta(days=30):%Y%m%d}T235959Z",
            f"SUMMARY:{summary}",
            "DESCRIPTION:segments: tin",
            "END:VEVENT",
        ]
    path.write_text("\r\n".join([*lines, "END:VCALENDAR", ""]), encoding="utf-8")
    return path


def upload_calendar(page, hub: ConsoleHub, path: Path) -> None:
    page.goto(hub.url("/lich/nhap"))
    page.set_input_files("#calendar-upload input[type=file]", str(path))
    page.click("#calendar-upload button[type=submit]")


def test_a_calendar_file_is_previewed_then_pushed(
    tmp_path: Path, console_hub: ConsoleHub, agent: AgentRun, page, make_tone
) -> None:
    push_segment(console_hub.hub, make_tone("tin.wav", seconds=2), "Tin", segment_id="tin")
    tuesday = next_monday() + dt.timedelta(days=1)
    signed_in(page, console_hub, "radio")
    upload_calendar(
        page,
        console_hub,
        calendar_file(tmp_path / "Lịch xã.ics", tuesday, [("chieu@xa", "Tin chiều", "1700")]),
    )
    assert page.inner_text("li[data-kind=added] strong") == "1"
    first = page.locator(".slots-preview li").first.inner_text()
    assert first.startswith(f"{tuesday:%d/%m/%Y} 17:00–17:15") and "Tin chiều" in first
    version = console_hub.hub.repository.latest_version()
    screenshot(page, "schedule-ics-preview")
    page.click("#calendar-publish button[type=submit]")
    page.wait_for_selector("tr[data-device='pi-01'][data-state='applied']")
    (plan,) = ContentStore(agent.config.data_dir).snapshot().plans.values()
    assert plan["title"] == "Tin chiều" and plan["segments"] == ["tin"]
    # the calendar edited and exported again: the preview says what changes, then nothing has
    upload_calendar(
        page,
        console_hub,
        calendar_file(
            tmp_path / "Lịch xã.ics",
            tuesday,
            [("chieu@xa", "Tin buổi chiều", "1700"), ("sang@xa", "Tin sáng", "0700")],
        ),
    )
    assert page.inner_text("li[data-kind=replaced] strong") == "1"
    assert page.inner_text("li[data-kind=added] strong") == "1"
    assert console_hub.hub.repository.latest_version() > version
    after = console_hub.hub.repository.latest_version()
    page.goto(console_hub.url("/lich"))
    assert console_hub.hub.repository.latest_version() == after  # a preview publishes nothing
    broken = tmp_path / "hong.ics"
    broken.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:khong-phai-ngay\r\n")
    upload_calendar(page, console_hub, broken)
    assert "tệp lịch" in page.inner_text("#calendar-error")
    assert page.locator("#calendar-publish").count() == 0


def test_the_phone_calendar_feed_needs_its_token_and_can_be_revoked(
    console_hub: ConsoleHub, browser, page, make_tone
) -> None:
    import httpx

    push_segment(console_hub.hub, make_tone("tin.wav", seconds=2), "Tin", segment_id="tin")
    today = dt.datetime.now(ZONE).date()
    plan = a_plan(
        "sang",
        "Bản tin sáng",
        f"{today}T06:30:00",
        rrule="FREQ=WEEKLY;BYDAY=MO,TH",
        window_start=str(today),
        window_end=str(today + dt.timedelta(days=27)),
    )
    publish(console_hub.hub, [("plans", "sang", plan)], [], "t")
    radio = browser.new_context().new_page()
    signed_in(radio, console_hub, "radio")
    assert radio.goto(console_hub.url("/lich/dien-thoai")).status == 403
    radio.context.close()
    signed_in(page, console_hub, "admin")
    page.goto(console_hub.url("/lich"))
    page.click("text=Lịch phát thanh trên điện thoại")
    page.fill("#feed-form input[name=label]", "Điện thoại anh Nam")
    page.click("#feed-form button[type=submit]")
    url = page.inner_text("#feed-url")
    assert url.startswith(console_hub.url("/lich/rieng/")) and url.endswith(".ics")
    assert page.locator("#new-feed .qr svg").count() == 1
    screenshot(page, "schedule-feed")
    answer = httpx.get(url)  # a phone's calendar application: no session, no cookie
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    feed = icalendar.Calendar.from_ical(answer.content)
    events = [c for c in feed.walk("VEVENT")]
    starts = sorted(e.decoded("dtstart").astimezone(ZONE) for e in events)
    expected = [
        dt.datetime.combine(today + dt.timedelta(days=d), dt.time(6, 30), tzinfo=ZONE)
        for d in range(28)
        if (today + dt.timedelta(days=d)).weekday() in (0, 3)
    ]
    assert starts == expected
    assert {str(e["summary"]) for e in events} == {"Bản tin sáng"}
    assert str(feed["x-wr-calname"]) == "Lịch phát thanh xã xa-mau"
    assert httpx.get(url[:-10] + "0123456789.ics").status_code == 404  # not its token
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("tr[data-feed] button:has-text('Thu hồi')")
    assert "Đã thu hồi" in page.inner_text("tr[data-feed]")
    assert httpx.get(url).status_code == 404
    assert [e.action for e in console_hub.audit() if e.action.startswith("feed")] == [
        "feed-revoke",
        "feed-create",
    ]
