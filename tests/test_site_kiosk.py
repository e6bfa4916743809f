"""With ``[site] base_url`` set, the kiosk's QR code takes the procedure home: it opens the
procedure's page on the commune's site, for every procedure (with or without an online
service). The real Kivy app under SDL's offscreen driver, as in tests/test_kiosk_app.py."""

from __future__ import annotations

from pathlib import Path

from tests.kiosk_helpers import fill_store, run_app_scenario, write_fixture, write_toml

BASE = "https://thunghiem.gov.vn/cong-khai/"
KHAI_SINH = "1.001193"  # has an online service
KHAI_TU = "1.000656"  # has none


def scenario_qr_opens_the_site(ui):
    for code in (KHAI_SINH, KHAI_TU):
        ui.app.show("procedure", code)
        yield ui.on("procedure")
        yield 0.3
        expected = f"{BASE}thu-tuc/{code}.html"
        assert ui.widget("qr").url == expected, ui.widget("qr").url
        assert ui.widget("qr_box").opacity == 1
        assert ui.widget("url").text == expected
        assert ui.widget("qr_caption").text == "Xem thủ tục này trên điện thoại: quét mã này"
        yield ui.until(lambda: ui.widget("qr").ready, 5, "the QR code drawn")


def test_the_kiosk_qr_code_opens_the_procedures_page(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill_store(data, write_fixture(tmp_path / "procedures.json"))
    config = write_toml(
        tmp_path / "village.toml",
        {
            "paths": {"data": str(data)},
            "schedule": {"holidays": []},
            "kiosk": {"fullscreen": False, "opening_hours": "", "content_poll_s": 0.5},
            "site": {"base_url": BASE},
        },
    )
    run_app_scenario(tmp_path, "tests.test_site_kiosk:scenario_qr_opens_the_site", config)
