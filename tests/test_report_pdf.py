"""The PDF report: the DOCX rendered once by LibreOffice, checked as pictures and as text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_village
from tests.report_helpers import FIRST, LAST, audio_s, build_hub

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice or poppler-utils missing (scripts/ensure-system-packages.sh installs them)",
)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("report-pdf")
    fx = build_hub(folder)
    common = ("--config", str(fx.config))
    run_village(
        *common,
        "record",
        "conference",
        "--data",
        str(fx.folder),
        "--date",
        "2021-03-05",
        "--attendees",
        "120",
        "--topic",
        "Tuyên truyền dịch vụ công trực tuyến",
        check=True,
    )
    out = folder / "bao-cao.pdf"
    done = run_village(
        *common,
        "report",
        "--data",
        str(fx.folder),
        "--from",
        FIRST,
        "--to",
        LAST,
        "--format",
        "pdf",
        "--out",
        str(out),
        check=True,
    )
    assert "(PDF)" in done.stdout
    return fx, out


def test_pdf_pages_render_and_are_not_blank(pdf, tmp_path: Path) -> None:
    from PIL import Image, ImageStat

    _, out = pdf
    assert out.read_bytes().startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    assert found, info.stdout
    pages = int(found.group(1))
    assert 1 <= pages <= 12
    assert re.search(r"Page size:\s+595(\.\d+)? x 841(\.\d+)? pts \(A4\)", info.stdout)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    for image in images:
        with Image.open(image) as picture:
            grey = picture.convert("L")
            dark = sum(grey.histogram()[:128])
            assert dark > 0.002 * grey.width * grey.height, f"{image.name} looks blank"
            assert ImageStat.Stat(grey).stddev[0] > 5


def test_pdf_text_has_the_figures_and_the_diacritics(pdf) -> None:
    fx, out = pdf
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    minutes = f"{audio_s(fx.in_period()) / 60:.1f}".replace(".", ",")
    for words in (
        "ỦY BAN NHÂN DÂN",
        "XÃ TÂN LẬP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Kết quả tuyên truyền cải cách hành chính",
        "phát đầy đủ 8/15 buổi theo kế hoạch (53,3%)",
        f"Tổng thời lượng phát: {minutes} phút",
        "bị ngắt để phát tin khẩn cấp",
        "Tổ chức 1 hội nghị với tổng số 120 lượt người tham dự",
        "22 lượt xem 4 thủ tục",
        "«ly hon»",
        "3 ngày 6 giờ",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "Nguyễn Văn An",
    ):
        assert words in flat, words


def test_pdf_uses_a_times_compatible_font_with_vietnamese(pdf) -> None:
    fonts = subprocess.run(
        ["pdffonts", str(pdf[1])], capture_output=True, text=True, check=True
    ).stdout
    assert "LiberationSerif" in fonts
    assert "LiberationSerif-Bold" in fonts


def test_pdf_without_libreoffice_says_what_to_install(
    pdf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from commune.report import pdf_writer
    from village.cli import main

    fx, _ = pdf
    monkeypatch.setattr(pdf_writer, "find_soffice", lambda: None)
    code = main(
        [
            "--config",
            str(fx.config),
            "report",
            "--data",
            str(fx.folder),
            "--from",
            FIRST,
            "--to",
            LAST,
            "--out",
            str(tmp_path / "x.pdf"),
        ]
    )
    assert code == 1
    assert "libreoffice-writer-nogui" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
