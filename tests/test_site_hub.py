"""The hub keeps its public site current and serves it at /cong-khai/ without login: a real
hub (Mosquitto, the daemon, the console as its service), staff publishing with the real
push, the rebuild in its own process, Chromium reading the pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from commune.push import push_procedures
from commune.site.hub import SiteRebuilder, site_folder
from commune.site.serve import site_routes
from tests.browser import ConsoleHub, broker, browser, clock, needs_browser_stack  # noqa: F401
from tests.site_helpers import KHAI_SINH, fixture_file
from tests.sync_helpers import wait_until
from village.site_links import procedure_path

pytestmark = needs_browser_stack


def test_the_hub_rebuilds_and_serves_its_public_site(
    tmp_path: Path,
    broker: Any,  # noqa: F811
    clock: Any,  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    root = tmp_path / "hub"
    hub_run = ConsoleHub(root, broker, clock, extra_routes=tuple(site_routes(root))).start()
    config = hub_run.config.replace("report", commune_name="Thử Nghiệm")
    rebuilder = SiteRebuilder(hub_run.hub, config, poll_s=0.2)  # a child process builds
    rebuilder.start()
    page = browser.new_page()
    console: list[str] = []
    page.on(
        "console", lambda m: console.append(f"{m.text} {m.location}") if m.type == "error" else None
    )
    index = site_folder(root) / "index.html"
    try:
        push_procedures(hub_run.hub, fixture_file(tmp_path))  # as staff publish
        wait_until(index.is_file, 60, "the first build of the site")
        response = page.goto(hub_run.url("/cong-khai/"))
        assert response.status == 200, "served without signing in"
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
        assert "UBND xã Thử Nghiệm" in page.title()
        page.get_by_role("link", name="Hộ tịch").first.click()
        page.get_by_role("link", name="Đăng ký khai sinh").click()
        assert page.url.endswith("/cong-khai/" + procedure_path(KHAI_SINH))
        assert "Miễn lệ phí" in page.locator("main").inner_text()

        # an amended fee, published: the page changes without anyone building by hand
        amended = tmp_path / "amended.json"
        amended.write_text(
            json.dumps(
                [{"code": KHAI_SINH, "name": "Đăng ký khai sinh", "field": "Hộ tịch",
                  "fees": "Lệ phí 8.000 đồng (đăng ký quá hạn)"}],
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )  # fmt: skip
        push_procedures(hub_run.hub, amended)
        target = site_folder(root) / procedure_path(KHAI_SINH)
        wait_until(lambda: "8.000 đồng" in target.read_text("utf-8"), 60, "the rebuild")
        page.reload()
        assert "Lệ phí 8.000 đồng" in page.locator("main").inner_text()

        # the search, under the console's security headers, from the index built with it
        box = page.locator("input[name=q]")
        box.click()
        box.press_sequentially("giay khai sinh")
        page.locator("#goi-y a").first.wait_for()
        assert page.locator("#goi-y a").first.inner_text() == "Đăng ký khai sinh"
        script = page.request.get(hub_run.url("/cong-khai/assets/search-index.js"))
        assert script.ok and script.headers["cache-control"] == "no-cache"

        # a conference staff recorded reaches the outreach page
        year = clock().year
        hub_run.hub.repository.add_conference(
            {"id": "c1", "day": f"{year}-01-02", "topic": "Hội nghị Luật Cư trú", "attendees": 40}
        )
        reform = site_folder(root) / "cai-cach-hanh-chinh.html"
        wait_until(lambda: "Hội nghị Luật Cư trú" in reform.read_text("utf-8"), 60, "conference")

        errors = list(console)  # before the refused requests below, which the browser logs
        assert page.goto(hub_run.url("/cong-khai/.village-site.json")).status == 404
        assert page.goto(hub_run.url("/cong-khai/../hub.sqlite")).status == 404
        assert rebuilder.alive() and rebuilder.last is not None and not rebuilder.last.warnings
    finally:
        page.close()
        rebuilder.stop()
        hub_run.stop()
    assert not errors, errors  # no CSP violation, no script error, nothing missing


def test_an_edited_synonyms_file_rebuilds_the_site(tmp_path: Path) -> None:
    # the search's index holds the kiosk's synonyms: staff editing them is a change to show
    from commune.hubdata import HubData
    from village.config import parse_config

    rules = tmp_path / "synonyms.txt"
    rules.write_text("lấy vợ = đăng ký kết hôn\n", encoding="utf-8")
    config = parse_config({"kiosk": {"synonyms_file": str(rules)}})
    rebuilder = SiteRebuilder(HubData.init(tmp_path / "hub", "xa-thu", ["pi-01"]), config)
    before = rebuilder.fingerprint()
    assert rebuilder.fingerprint() == before  # nothing changed: no build
    rules.write_text("lấy vợ | cưới vợ = đăng ký kết hôn\n", encoding="utf-8")
    assert rebuilder.fingerprint() != before
