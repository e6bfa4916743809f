"""The operations pages against a real hub and device agent, in Chromium: Devices (live,
with alerts), Broadcasts (filters, CSV), Report (a conference, then the document), Users
and Audit; and the screenshots the README shows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

from commune.push import push_segment
from tests.browser import *  # noqa: F403 - the fixtures
from tests.browser import PASSWORD, ConsoleHub, login, needs_browser_stack, screenshot, signed_in
from tests.sync_helpers import AgentRun, device_mqtt, make_config, wait_until

pytestmark = needs_browser_stack


def a_broadcast(day: dt.datetime, rid: str, outcome: str, title: str, reason: str = "") -> dict:
    return {
        "id": rid,
        "planned_start": day.isoformat(),
        "relay_on": day.isoformat(),
        "relay_off": (day + dt.timedelta(minutes=5)).isoformat(),
        "outcome": outcome,
        "title": title,
        "priority": "ordinary",
        "trigger": "schedule",
        "reason": reason,
        "segments": [{"id": "s", "title": "Bài một", "complete": outcome == "aired"}],
    }


def test_devices_page_is_live_and_shows_what_needs_attention(
    tmp_path: Path, broker, console_hub: ConsoleHub, page, clock, make_tone
) -> None:
    repository = console_hub.hub.repository
    now = dt.datetime.now(dt.UTC)
    repository.save_status("pi-02", {"online": False, "reason": "lost"})
    repository.store_records(
        "pi-02",
        "playlog",
        [a_broadcast(now - dt.timedelta(hours=3), "m1", "missed", "Buổi sáng", "thiết bị tắt")],
    )
    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, console_hub, "pi-01"), device={"id": "pi-01"}
    )
    agent = AgentRun(config).start()
    try:
        pushed = push_segment(
            console_hub.hub, make_tone("a.wav", seconds=0.5), "Tin", segment_id="tin"
        )
        agent.wait_version(pushed.version.version)
        wait_until(  # the device's status saying so has reached the hub
            lambda: console_hub.status("pi-01").get("content_version") == pushed.version.version,
            20,
            "pi-01's status with the new version at the hub",
        )
        clock.advance(45 * 60)  # pi-02 has now been offline for 45 minutes
        signed_in(page, console_hub, "viewer")
        page.goto(console_hub.url("/thiet-bi"))
        row1 = page.locator("tr[data-device='pi-01']")
        row2 = page.locator("tr[data-device='pi-02']")
        assert "Trực tuyến" in row1.inner_text()
        assert str(pushed.version.version) in row1.inner_text()
        assert row1.locator("[data-alert]").count() == 0, row1.locator(
            "[data-alert]"
        ).all_inner_texts()
        alerts = row2.locator("[data-alert]").all_inner_texts()
        assert any("Ngoại tuyến từ" in a and "45 phút" in a for a in alerts), alerts
        assert any("Chưa nhận phiên bản" in a and "ngoại tuyến" in a for a in alerts), alerts
        assert any("Bỏ lỡ buổi phát «Buổi sáng»" in a and "thiết bị tắt" in a for a in alerts)
        screenshot(page, "devices")
        agent.stop()  # the page follows without a reload
        page.wait_for_function(
            "() => document.querySelector(\"tr[data-device='pi-01'] .state\")"
            ".textContent.includes('Ngoại tuyến')",
            timeout=20_000,
        )
        page.set_viewport_size({"width": 360, "height": 780})
        screenshot(page, "devices-phone")
    finally:
        agent.stop()


def test_broadcasts_filter_and_download(console_hub: ConsoleHub, page) -> None:
    repository = console_hub.hub.repository
    day = dt.datetime.now(dt.UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    repository.store_records(
        "pi-01",
        "playlog",
        [
            a_broadcast(day - dt.timedelta(days=1), "a1", "aired", "Cải cách hành chính"),
            a_broadcast(day - dt.timedelta(days=2), "a2", "partial", "=HYPERLINK(1)", "hết giờ"),
            a_broadcast(day - dt.timedelta(days=30), "a3", "aired", "Tháng trước"),
        ],
    )
    repository.store_records(
        "pi-02",
        "playlog",
        [a_broadcast(day - dt.timedelta(days=1), "b1", "missed", "<script>x</script>")],
    )
    signed_in(page, console_hub, "viewer")
    page.goto(console_hub.url("/phat-thanh"))
    table = page.inner_text("#as-run")
    assert "Cải cách hành chính" in table and "<script>x</script>" in table
    assert "Tháng trước" not in table  # the default period is the last week
    page.select_option("select[name=thiet-bi]", "pi-01")
    page.select_option("select[name=ket-qua]", "partial")
    page.click("form[action='/phat-thanh'] button[type=submit]")
    rows = page.locator("#as-run tbody tr")
    assert rows.count() == 1 and "hết giờ" in rows.first.inner_text()
    page.select_option("select[name=ket-qua]", "")
    page.fill("input[name=tu]", (day - dt.timedelta(days=40)).date().isoformat())
    page.click("form[action='/phat-thanh'] button[type=submit]")
    assert page.locator("#as-run tbody tr").count() == 3
    screenshot(page, "broadcasts")
    with page.expect_download() as download:
        page.click("a[download]")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    table_rows = list(csv.reader(io.StringIO(text)))
    assert table_rows[0][0] == "Thiết bị" and len(table_rows) == 4
    assert {r[0] for r in table_rows[1:]} == {"pi-01"}
    assert "'=HYPERLINK(1)" in [r[2] for r in table_rows]  # no formula reaches a spreadsheet


def test_a_conference_then_the_report_to_download(console_hub: ConsoleHub, page) -> None:
    signed_in(page, console_hub, "viewer")
    page.goto(console_hub.url("/bao-cao"))
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    page.fill("#conference-form input[name=day]", yesterday)
    page.fill("#conference-form input[name=attendees]", "45")
    page.fill("#conference-form input[name=topic]", "Tuyên truyền thủ tục đất đai")
    page.fill("#conference-form input[name=place]", "Nhà văn hoá thôn 2")
    page.click("#conference-form button[type=submit]")
    assert "Đã ghi hội nghị" in page.inner_text("main")
    assert "Tuyên truyền thủ tục đất đai" in page.inner_text("#conferences")
    page.fill("#report-form input[name=from]", yesterday)
    page.fill("#report-form input[name=to]", yesterday)
    page.select_option("#report-form select[name=format]", "csv")
    screenshot(page, "report")
    with page.expect_download(timeout=120_000) as download:
        page.click("#report-form button[type=submit]")
    assert download.value.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.value.path()) as archive:
        text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    assert "Tuyên truyền thủ tục đất đai" in text
    assert [e.action for e in console_hub.audit() if e.action in ("report", "conference")] == [
        "report",
        "conference",
    ]
    assert list((console_hub.hub.root / "run").glob("report-*")) == []  # cleaned up


def test_a_report_refusal_is_shown_in_words(console_hub: ConsoleHub, page) -> None:
    signed_in(page, console_hub, "viewer")
    page.goto(console_hub.url("/bao-cao"))
    day = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    page.fill("#report-form input[name=from]", day)
    page.fill("#report-form input[name=to]", day)
    page.select_option("#report-form select[name=format]", "html")
    page.click("#report-form button[type=submit]")
    assert "Không có dữ liệu nào" in page.inner_text(".error")


def test_an_admin_manages_accounts_and_reads_the_audit_log(
    console_hub: ConsoleHub, browser, page
) -> None:
    admin = signed_in(page, console_hub, "admin", name="quan-tri")
    page.goto(console_hub.url("/nguoi-dung"))
    page.fill("#add-user input[name=name]", "van-thu")
    page.fill("#add-user input[name=display]", "Lê Thị Văn Thư")
    page.check("#add-user input[value=publisher]")
    page.check("#add-user input[value=viewer]")
    page.fill("#add-user input[name=password]", "mat-khau-tam-thoi")
    page.click("#add-user button[type=submit]")
    assert "Đã thêm tài khoản «van-thu»" in page.inner_text("main")
    screenshot(page, "users")
    clerk = browser.new_context().new_page()
    login(clerk, console_hub, "van-thu", "mat-khau-tam-thoi")
    assert "/tai-khoan/mat-khau" in clerk.url  # first: a password of her own
    clerk.goto(console_hub.url("/thiet-bi"))
    assert "/tai-khoan/mat-khau" in clerk.url
    clerk.fill("input[name=current]", "mat-khau-tam-thoi")
    clerk.fill("input[name=new]", PASSWORD)
    clerk.fill("input[name=again]", PASSWORD)
    clerk.click("form[action='/tai-khoan/mat-khau'] button")
    assert "Đã đổi mật khẩu" in clerk.inner_text("main")
    clerk.goto(console_hub.url("/thiet-bi"))
    assert "/thiet-bi" in clerk.url
    # the admin locks the account: the clerk's session ends at once
    page.click("tr[data-user='van-thu'] form[action$='/khoa'] button")
    assert "Đã khoá «van-thu»" in page.inner_text("main")
    clerk.goto(console_hub.url("/thiet-bi"))
    assert "/dang-nhap" in clerk.url
    login(clerk, console_hub, "van-thu")
    assert "Sai tên đăng nhập hoặc mật khẩu" in clerk.inner_text("main")
    clerk.context.close()
    # the last admin cannot lock herself out
    page.click(f"tr[data-user='{admin}'] form[action$='/khoa'] button")
    assert "quản trị viên cuối cùng" in page.inner_text(".error")
    page.goto(console_hub.url("/nhat-ky"))
    actions = page.locator("#audit tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.action)"
    )
    for expected in ("user-add", "login", "password", "user-disable", "login-failed"):
        assert expected in actions, (expected, actions)
    assert "Thêm người dùng" in page.inner_text("#audit")
    screenshot(page, "audit")
