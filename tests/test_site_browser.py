"""The public site in Chromium: every page type renders, axe-core finds no serious or
critical problem, it works without JavaScript, a 360 px phone never scrolls sideways, markup
in a procedure stays text, and the folder works from file:// and from a web server's
sub-folder. Screenshots for the README and docs/site.md.

Uses the shared browser fixtures of tests/browser.py (one Chromium per session).
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM_ARGS, SCREENSHOTS, browser, needs_chromium  # noqa: F401
from tests.site_helpers import HOSTILE_CODE, HOSTILE_FIELD, HOSTILE_NAME, KHAI_SINH, build, fill
from village.site_links import procedure_path

pytestmark = needs_chromium

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
PAGE_TYPES = {
    "home": "index.html",
    "field": "linh-vuc/ho-tich.html",
    "procedure": procedure_path(KHAI_SINH),
    "gone": procedure_path("1.003003"),
    "reform": "cai-cach-hanh-chinh.html",
    "schedule": "lich-phat-thanh.html",
    "search": "tim-kiem.html",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site built from the fixture procedures, the hostile one, the 2021 plan, a talk and a
    clip, inside a sub-folder (as a portal would hold it)."""
    from village.library import import_segment
    from village.procedures import import_procedures

    folder = tmp_path_factory.mktemp("site")
    store = fill(folder, plan=True, clip=True)
    gone = folder / "gone.json"
    gone.write_text(
        '[{"code": "1.003003", "name": "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất '
        'lần đầu", "field": "Đất đai", "status": "replaced", "effective_date": "2021-02-01"}]',
        encoding="utf-8",
    )
    import_procedures(store, gone)
    talk = folder / "talk.wav"
    subprocess.run(
        ["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(talk), "synth", "3", "sine", "440"],
        check=True,
        capture_output=True,
    )
    import_segment(store, talk, "Đăng ký khai sinh đúng hạn", topic="civil-status")
    out = folder / "www" / "portal" / "thu-tuc-hanh-chinh"
    result = build(store, out, folder / "cache")
    assert not result.warnings, result.warnings
    return out


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="vi-VN")
    tab = context.new_page()
    yield tab
    context.close()


def url(site: Path, path: str) -> str:
    return (site / path).as_uri()


def serious_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_every_page_type_renders_and_axe_finds_nothing_serious(site: Path, browser: Any) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def failed(request: Any) -> None:  # axe's own fetches of the stylesheets fail on file://
        if request.resource_type not in ("xhr", "fetch"):  # not the site's requests
            errors.append(f"{request.url} {request.failure}")

    page.on("requestfailed", failed)
    for kind, path in PAGE_TYPES.items():
        page.goto(url(site, path))
        assert page.locator("html").get_attribute("lang") == "vi"
        heading = page.locator("main h1")
        assert heading.count() == 1 and heading.inner_text().strip(), kind
        assert "UBND xã Thử Nghiệm" in page.title(), page.title()
        assert page.locator("form[role=search] input[name=q]").count() == 1, kind
        problems = serious_violations(page)
        assert not problems, f"{kind}: {problems}"
    assert not errors, errors
    context.close()


def test_a_citizen_finds_a_procedure_without_javascript(site: Path, browser: Any) -> None:  # noqa: F811
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(url(site, "index.html"))
    page.get_by_role("link", name="Hộ tịch").first.click()
    assert page.url.endswith("linh-vuc/ho-tich.html")
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    assert page.url.endswith(procedure_path(KHAI_SINH))
    box = page.get_by_label("Giấy chứng sinh")
    box.check()
    assert box.is_checked()  # the checklist needs no script
    assert page.get_by_role("link", name="Nộp hồ sơ thủ tục này trên Cổng Dịch vụ công").count()
    assert page.locator("svg.qr").is_visible()
    # the search form without script: a page that still leads to every procedure
    page.fill("input[name=q]", "ket hon")
    page.get_by_role("button", name="Tìm").click()
    assert "tim-kiem.html?q=ket+hon" in page.url
    page.get_by_role("link", name="Hộ tịch").last.click()
    page.get_by_role("link", name="Đăng ký kết hôn").click()
    assert page.locator("main h1").inner_text() == "Đăng ký kết hôn"
    # the reform section: schedule and audio work without script too
    page.get_by_role("link", name="Cải cách hành chính", exact=True).first.click()
    assert page.locator("audio source").count() == 2 and page.locator("video").count() == 1
    context.close()


def test_no_page_scrolls_sideways_on_a_360_px_phone(site: Path, phone: Any) -> None:
    for kind, path in PAGE_TYPES.items():
        phone.goto(url(site, path))
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{kind} is {width} px wide"
        if kind in ("home", "procedure", "field", "reform"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            phone.screenshot(
                path=str(SCREENSHOTS / f"site-{kind}.png"), full_page=kind != "procedure"
            )


def test_markup_in_a_procedure_is_shown_as_text(site: Path, browser: Any) -> None:  # noqa: F811
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    dialogs: list[str] = []

    def answer(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.goto(url(site, procedure_path(HOSTILE_CODE)))
    assert page.locator("main h1").inner_text() == HOSTILE_NAME
    assert HOSTILE_NAME in page.title()
    body = page.locator("main").inner_text()
    for text in ('"><script>alert("ho-so")</script>', "</title><script>alert('han')</script>"):
        assert text in body
    assert page.locator("main img, main iframe, main b, main style").count() == 0
    page.goto(url(site, "index.html"))
    assert page.get_by_role("link", name=HOSTILE_FIELD).count() == 1  # the field, as text
    assert page.get_by_role("link", name=HOSTILE_NAME).count() == 1  # new: on the home page
    page.get_by_role("link", name=HOSTILE_FIELD).click()
    assert HOSTILE_FIELD in page.locator("main h1").inner_text()
    assert not dialogs, dialogs
    context.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the base's name
        pass


def test_the_folder_works_from_a_web_servers_sub_folder(site: Path, browser: Any) -> None:  # noqa: F811
    root = site.parent.parent  # www/, holding portal/thu-tuc-hanh-chinh/
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    try:
        base = f"http://127.0.0.1:{server.server_port}/portal/thu-tuc-hanh-chinh/"
        page.goto(base + "index.html")
        styled = page.evaluate("getComputedStyle(document.querySelector('.top')).backgroundColor")
        assert styled == "rgb(125, 20, 20)"  # the stylesheet was found
        page.get_by_role("link", name="Chứng thực").first.click()
        page.get_by_role("link", name="Chứng thực chữ ký").click()
        page.get_by_role("link", name="Trang chủ").first.click()
        page.get_by_role("link", name="Cải cách hành chính", exact=True).first.click()
        page.get_by_role("link", name="Lịch phát thanh").first.click()
        assert "Tháng 3/2021" in page.locator("main").inner_text()
        assert page.url.startswith(base)
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert not missing, missing


def test_a_printed_page_leaves_out_the_navigation(site: Path, browser: Any) -> None:  # noqa: F811
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(url(site, procedure_path(KHAI_SINH)))
    page.emulate_media(media="print")
    assert not page.locator("header nav").is_visible()
    assert not page.locator("form[role=search]").is_visible()
    assert page.locator("main h1").is_visible() and page.locator(".checklist").is_visible()
    context.close()
