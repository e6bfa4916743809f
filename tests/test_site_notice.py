"""The notice board's A4 sheets: one per chosen procedure, with its documents, fees, time
limit and QR codes, legible (nothing under 14 pt), dated, named, and never blank."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser import SCREENSHOTS, browser, needs_chromium  # noqa: F401
from tests.site_helpers import HOSTILE_CODE, HOSTILE_NAME, KHAI_SINH, OFFICE, REPO, fill

pytestmark = needs_chromium

VILLAGE = [sys.executable, "-m", "village.cli"]
CHOSEN = (KHAI_SINH, HOSTILE_CODE)  # amended, with documents and an online service; hostile


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("notice")
    store = fill(folder)
    config = folder / "village.toml"
    config.write_text(
        f'[site]\noffice = "{OFFICE}"\nbase_url = "https://thunghiem.gov.vn/thu-tuc/"\n',
        encoding="utf-8",
    )
    outputs: dict[str, Any] = {}
    for name, extra in (
        ("sheets", ["--no-list", *(f"--code={c}" for c in CHOSEN)]),
        ("both", [f"--code={c}" for c in CHOSEN]),
    ):
        pdf = folder / f"{name}.pdf"
        done = subprocess.run(
            [*VILLAGE, "--config", str(config), "site", "print", "--store", str(store.data_dir),
             "--out", str(pdf), "--cache", str(folder / "cache"), *extra],
            capture_output=True, text=True, cwd=REPO, timeout=240,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs[name] = pdf
        outputs[f"{name}-said"] = done.stdout
    outputs["folder"] = folder
    outputs["store"] = store
    return outputs


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(
        next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )


def page_text(pdf: Path, number: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def flat(text: str) -> str:
    return " ".join(text.split())


def test_one_sheet_per_chosen_procedure_with_what_to_bring(printed: dict[str, Any]) -> None:
    sheets = printed["sheets"]
    assert pages(sheets) == len(CHOSEN)
    assert "2 tờ thủ tục" in printed["sheets-said"]
    khai_sinh = flat(page_text(sheets, 1))
    for expected in (
        "Đăng ký khai sinh",
        "Mã thủ tục 1.001193",
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "Miễn lệ phí",
        "Ngay trong ngày làm việc",
        "Bộ phận Một cửa, Ủy ban nhân dân xã",
        "Đã sửa đổi, bổ sung",  # marked as on the kiosk
        "Cập nhật ngày",
        OFFICE.upper(),
        "Quét để xem thủ tục này trên điện thoại",
        "Quét để nộp hồ sơ trực tuyến",
    ):
        assert expected in khai_sinh, expected
    hostile = flat(page_text(sheets, 2))
    assert (
        flat(HOSTILE_NAME) in hostile and "<style>body{display:none}</style>50.000 đồng" in hostile
    )
    assert "Mới ban hành" in hostile


def test_the_list_holds_every_procedure_by_field(printed: dict[str, Any]) -> None:
    both = printed["both"]
    listed = pages(both) - len(CHOSEN)  # the list, then the chosen sheets
    assert listed >= 1
    text = flat(" ".join(page_text(both, n) for n in range(1, listed + 1)))
    assert "DANH MỤC THỦ TỤC HÀNH CHÍNH" in text and "Tổng số: 11 thủ tục" in text
    for expected in ("Lĩnh vực Hộ tịch (3 thủ tục)", "1.001193", "2.000815", "2.000 đồng/trang"):
        assert expected in text, expected
    assert "Đăng ký khai sinh Sửa đổi" in text and "Đăng ký tạm trú Mới" in text
    assert "Hồ sơ cần mang theo" not in text  # no sheet among the list's pages
    assert flat(page_text(both, listed + 1)).startswith(OFFICE.upper())  # a sheet starts


def test_no_page_is_blank(printed: dict[str, Any]) -> None:
    from PIL import Image

    folder: Path = printed["folder"]
    subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", "-png", str(printed["both"]), str(folder / "page")],
        check=True,
    )
    images = sorted(folder.glob("page-*.png"))
    assert len(images) == pages(printed["both"])
    for image in images:
        with Image.open(image) as picture:
            histogram = picture.convert("L").histogram()
        dark = sum(histogram[:128]) / sum(histogram)
        assert dark > 0.01, f"{image.name} is nearly blank ({dark:.2%} dark)"
    # the README and docs/site.md show the list and a sheet, at a legible size
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-singlefile", "-f", "1", "-l", "1",
         str(printed["both"]), str(SCREENSHOTS / "site-notice-list")],
        check=True,
    )  # fmt: skip
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-singlefile", "-f", "1", "-l", "1",
         str(printed["sheets"]), str(SCREENSHOTS / "site-notice-sheet")],
        check=True,
    )  # fmt: skip


def test_nothing_on_a_sheet_is_smaller_than_14_pt(printed: dict[str, Any], browser: Any) -> None:  # noqa: F811
    from commune.site.notice import NoticeRequest, notice_html
    from tests.site_helpers import content, options

    html = notice_html(content(printed["store"]), options(None), NoticeRequest(codes=CHOSEN))
    path = printed["folder"] / "bang-tin.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    smallest = page.evaluate(
        """() => {
            let smallest = 1000;
            for (const el of document.querySelectorAll("body *")) {
                const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                if (own) smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
            }
            return smallest * 72 / 96;  // CSS px to pt
        }"""
    )
    page.close()
    assert smallest >= 14, f"smallest text {smallest:.1f} pt"


def test_an_unknown_code_is_refused_and_nothing_written(printed: dict[str, Any]) -> None:
    folder: Path = printed["folder"]
    target = folder / "refused.pdf"
    done = subprocess.run(
        [*VILLAGE, "site", "print", "--store", str(printed["store"].data_dir), "--out",
         str(target), "--code", "1.001193", "--code", "0.000000"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and done.stderr.startswith("Lỗi:") and "0.000000" in done.stderr
    assert not target.exists()
