"""The Procedures page against a real hub, a real Mosquitto and a real device agent, in
Chromium: an XLSX's preview (every change, every problem by row and column as the importer
gives them), its publication to a chosen device until applied, the procedure found in the
device's store; search with the kiosk's engine; one procedure edited in a form and one
marked abolished, each published and audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from commune.push import push_procedures
from tests.browser import *  # noqa: F403 - the fixtures
from tests.browser import ConsoleHub, needs_browser_stack, screenshot, signed_in
from tests.conftest import MEDIA
from tests.sync_helpers import AgentRun, device_mqtt, make_config, wait_until
from village.procedures import load_procedures, parse_file
from village.store import ContentStore

pytestmark = needs_browser_stack

SAMPLE = MEDIA / "procedures" / "thu-tuc-cap-xa.json"
HEADERS = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Trạng thái", "Ngày hiệu lực"]


def workbook(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def agent(tmp_path: Path, broker, console_hub: ConsoleHub):
    pushed, _ = push_procedures(console_hub.hub, SAMPLE)
    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, console_hub, "pi-01"), device={"id": "pi-01"}
    )
    running = AgentRun(config).start()
    running.wait_version(pushed.version.version)
    yield running
    running.stop()


def test_an_xlsx_is_previewed_then_published_to_a_chosen_device_until_applied(
    tmp_path: Path, console_hub: ConsoleHub, agent: AgentRun, page
) -> None:
    xlsx = workbook(
        tmp_path / "thu-tuc-moi.xlsx",
        [
            ["2.000001", "Thủ tục cấp giấy xác nhận tình trạng hôn nhân mới", "Hộ tịch", "", ""],
            ["1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", "Bãi bỏ", "01/07/2026"],
            ["mã sai!", "Thủ tục lỗi", "Hộ tịch", "", "32/13/2026"],
        ],
    )
    expected = [(p.row, p.column, p.kind) for p in parse_file(xlsx).problems]
    assert expected  # the file's problems, as the importer itself reports them
    before = console_hub.hub.repository.latest_version()
    signed_in(page, console_hub, "publisher")
    page.goto(console_hub.url("/thu-tuc"))
    page.set_input_files("#procedure-upload input[type=file]", str(xlsx))
    page.click("#procedure-upload button[type=submit]")
    assert "Xem trước thay đổi" in page.inner_text("h1")
    shown = [
        (
            int(r.get_attribute("data-row")),
            r.locator("td").nth(1).inner_text(),
            r.get_attribute("data-problem"),
        )
        for r in page.locator("#problems tbody tr").all()
    ]
    assert shown == expected
    assert "Ngày hiệu lực" in page.inner_text("#problems") and "32/13/2026" in page.inner_text(
        "#problems"
    )
    assert page.get_attribute("tr[data-code='2.000001']", "data-kind") == "new"
    assert page.get_attribute("tr[data-code='1.001193']", "data-kind") == "abolished"
    assert page.inner_text("li[data-kind='unchanged'] strong") == "0"
    screenshot(page, "procedures-preview")
    assert console_hub.hub.repository.latest_version() == before  # nothing published yet
    page.check("#publish-form input[value='pi-01']")
    page.check("#publish-form input[name=skip]")
    page.click("#publish-form button[type=submit]")
    page.wait_for_selector(
        "#progress[data-done='yes'] tr[data-device='pi-01'][data-state='applied']"
    )
    assert page.locator("tr[data-device='pi-02']").count() == 0  # not chosen
    screenshot(page, "procedures-progress")
    held = load_procedures(ContentStore(agent.config.data_dir))
    assert held["2.000001"].name == "Thủ tục cấp giấy xác nhận tình trạng hôn nhân mới"
    assert held["1.001193"].status == "abolished"
    assert held["1.001193"].effective_date == "2026-07-01"
    (entry,) = console_hub.audit("publish")
    assert entry.actor == "publisher" and "thu-tuc-moi.xlsx" in entry.detail
    assert "1 mới" in entry.detail and "bỏ qua 2 lỗi" in entry.detail


def test_a_rejected_file_shows_every_problem_and_cannot_be_published(
    tmp_path: Path, console_hub: ConsoleHub, page
) -> None:
    book = openpyxl.Workbook()
    book.worksheets[0].append(["Mã thủ tục", "Tên thủ tục"])  # no "Lĩnh vực" column
    book.worksheets[0].append(["2.000002", "Thủ tục thiếu lĩnh vực"])
    book.save(tmp_path / "thieu-cot.xlsx")
    signed_in(page, console_hub, "publisher")
    page.goto(console_hub.url("/thu-tuc"))
    page.set_input_files("#procedure-upload input[type=file]", str(tmp_path / "thieu-cot.xlsx"))
    page.click("#procedure-upload button[type=submit]")
    assert "bị từ chối" in page.inner_text("main")
    (row,) = page.locator("#problems tbody tr").all()
    assert row.get_attribute("data-problem") == "missing_column"
    assert "thiếu cột bắt buộc «Lĩnh vực»" in row.inner_text()
    assert page.locator("#publish-form").count() == 0
    # the preview's own link cannot be published by anyone else, nor forged
    staged = page.url.rsplit("/", 1)[1]
    csrf = page.get_attribute("meta[name=csrf-token]", "content")
    response = page.request.post(page.url, form={"csrf": csrf})
    assert response.status == 400 and "bị từ chối" in response.text()
    other = page.context.browser.new_context().new_page()
    signed_in(other, console_hub, "publisher", name="nguoi-khac")
    assert other.goto(console_hub.url(f"/thu-tuc/xem-truoc/{staged}")).status == 404
    other.context.close()
    assert console_hub.hub.repository.latest_version() == 0
    assert console_hub.audit("publish") == []


def test_search_edit_and_abolish_one_procedure(
    console_hub: ConsoleHub, agent: AgentRun, page
) -> None:
    signed_in(page, console_hub, "publisher")
    page.goto(console_hub.url("/thu-tuc"))
    page.fill("input[name=q]", "khai sinh")  # the kiosk's engine: no accents needed
    wait_until(lambda: page.locator("#procedures tbody tr").count() < 50, 10, "search results")
    assert page.locator("#procedures tbody tr").first.get_attribute("data-code") == "1.001193"
    screenshot(page, "procedures")
    page.click("#procedures tr[data-code='1.001193'] a")
    page.click("text=Sửa thủ tục này")
    page.fill("#procedure-form input[name=name]", "Đăng ký khai sinh <script>alert(1)</script>")
    page.fill("#procedure-form input[name=online_url]", "dichvucong.gov.vn")  # no scheme
    page.evaluate("document.querySelector('#procedure-form input[name=online_url]').type = 'text'")
    page.click("#procedure-form button[type=submit]")
    assert "địa chỉ web không hợp lệ «dichvucong.gov.vn»" in page.inner_text(
        "label.invalid:has(input[name=online_url])"
    )
    version = console_hub.hub.repository.latest_version()
    page.fill("#procedure-form input[name=online_url]", "https://dichvucong.gov.vn/p/1")
    page.check("#procedure-form input[value='pi-01']")
    page.click("#procedure-form button[type=submit]")
    page.wait_for_selector("tr[data-device='pi-01'][data-state='applied']")
    edited = console_hub.hub.repository.latest_version()
    assert edited > version
    held = load_procedures(ContentStore(agent.config.data_dir))["1.001193"]
    assert held.name == "Đăng ký khai sinh <script>alert(1)</script>"
    assert held.status == "amended" and held.online_url == "https://dichvucong.gov.vn/p/1"
    assert len(held.steps) == 4  # the rest of the record kept
    page.goto(console_hub.url("/thu-tuc/xem?ma=1.001193"))
    assert "<script>alert(1)</script>" in page.inner_text("h1")  # shown as text
    page.once("dialog", lambda dialog: dialog.accept())
    page.fill("#end-form input[name=effective_date]", "2026-08-01")
    page.click("#end-form button[type=submit]")
    page.wait_for_selector("tr[data-device='pi-01'][data-state='applied']")
    held = load_procedures(ContentStore(agent.config.data_dir))["1.001193"]
    assert (held.status, held.effective_date, len(held.steps)) == ("abolished", "2026-08-01", 4)
    page.goto(console_hub.url("/thu-tuc?q=dang ky khai sinh"))
    assert page.get_attribute("tr[data-code='1.001193']", "class") == "ended"
    ended = console_hub.hub.repository.latest_version()
    targets = [e.target for e in console_hub.audit("publish")]
    assert targets == [f"procedure 1.001193 v{ended}", f"procedure 1.001193 v{edited}"]


def test_every_problem_the_importer_reports_has_its_vietnamese_text() -> None:
    from commune.console.content.procedure_preview import problem_text
    from village.messages import MESSAGES  # the core's catalogue: kiosk, hub and console share it
    from village.procedures import PROBLEM_TEXTS, Problem

    assert [k for k in PROBLEM_TEXTS if f"problem_{k}" not in MESSAGES] == []
    for kind in PROBLEM_TEXTS:  # every placeholder the texts use is given
        assert problem_text(Problem(3, "Mã thủ tục", kind, "x", 2, 10), "dòng")
