"""``village report`` as staff run it: the DOCX read back, the CSV and HTML, refusals.

One hub fixture for the module (tests/report_helpers.py); conferences are entered with
``village record conference``; every document is made once through the command line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zoneinfo
from pathlib import Path

import pytest

from tests.conftest import run_village
from tests.report_helpers import FIRST, LAST, audio_s, build_hub

ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def village(fx, *args: str, check: bool = True):
    return run_village("--config", str(fx.config), *args, "--data", str(fx.folder), check=check)


def today_line() -> set[str]:
    """The date line for now (and a minute on, in case the day turns during the test)."""
    lines = set()
    for moment in (dt.datetime.now(ZONE), dt.datetime.now(ZONE) + dt.timedelta(minutes=1)):
        day = moment.date()
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        lines.add(f"Tân Lập, ngày {day.day:02d} tháng {month} năm {day.year}")
    return lines


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("report-docs")
    fx = build_hub(folder)
    for day, people, topic, place in (
        ("2021-03-05", "120", "Tuyên truyền dịch vụ công trực tuyến", "Hội trường UBND xã"),
        ("2021-03-18", "85", "Phổ biến thủ tục đăng ký hộ tịch", ""),
        ("2021-04-20", "50", "Hội nghị ngoài kỳ báo cáo", ""),
    ):
        done = village(
            fx,
            "record",
            "conference",
            "--date",
            day,
            "--attendees",
            people,
            "--topic",
            topic,
            "--place",
            place,
        )
        assert "Đã ghi hội nghị" in done.stdout
    out = {}
    for name in ("bao-cao.docx", "bao-cao.html", "bang.zip"):
        done = village(
            fx,
            "report",
            "--from",
            FIRST,
            "--to",
            LAST,
            "--out",
            str(folder / name),
            "--number",
            "15",
        )
        assert "Đã tạo báo cáo từ ngày 01/3/2021 đến ngày 04/4/2021" in done.stdout
        out[name] = folder / name
    return fx, out


# --- DOCX -----------------------------------------------------------------------------------


def docx_of(made):  # a python-docx Document
    import docx

    return docx.Document(str(made[1]["bao-cao.docx"]))


def table_starting(doc, *header: str):
    for table in doc.tables:
        cells = [c.text for c in table.rows[0].cells]
        if cells[: len(header)] == list(header):
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table with header {header}")


def test_docx_has_the_administrative_header_title_and_page(made) -> None:
    doc = docx_of(made)
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.cm, 2) for m in margins] == [2.0, 2.0, 3.0, 1.5]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    masthead = doc.tables[0]
    assert [p.text for p in masthead.cell(0, 0).paragraphs if p.text] == [
        "ỦY BAN NHÂN DÂN",
        "XÃ TÂN LẬP",
    ]
    motto = masthead.cell(0, 1).paragraphs
    assert motto[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert motto[1].text == "Độc lập - Tự do - Hạnh phúc"
    assert all(run.underline and run.bold for run in motto[1].runs)
    assert masthead.cell(1, 0).text == "Số: 15/BC-UBND"
    assert masthead.cell(1, 1).text in today_line()
    assert all(run.italic for run in masthead.cell(1, 1).paragraphs[0].runs)
    texts = [p.text for p in doc.paragraphs]
    title = texts.index("BÁO CÁO")
    assert texts[title + 1 : title + 3] == [
        "Kết quả tuyên truyền cải cách hành chính",
        "từ ngày 01/3/2021 đến ngày 04/4/2021",
    ]
    assert doc.paragraphs[title].runs[0].bold
    headings = [t for t in texts if re.match(r"^(I|II|III|IV|V)\. ", t)]
    assert headings == [
        "I. KẾT QUẢ TUYÊN TRUYỀN TRÊN HỆ THỐNG TRUYỀN THANH",
        "II. TUYÊN TRUYỀN QUA HỘI NGHỊ",
        "III. KẾT QUẢ SỬ DỤNG KI-ỐT TRA CỨU THỦ TỤC HÀNH CHÍNH",
        "IV. TÌNH TRẠNG KẾT NỐI CỦA THIẾT BỊ",
    ]
    subsections = [t for t in texts if re.match(r"^\d\. ", t)]
    assert subsections[:4] == [
        "1. Số buổi phát so với kế hoạch",
        "2. Các buổi phát một phần hoặc bị bỏ lỡ",
        "3. Phát thanh khẩn cấp và ưu tiên",
        "4. Các bài đã phát",
    ]
    assert any(t.endswith("từ ngày 01/3/2021 đến ngày 04/4/2021./.") for t in texts)
    assert len(doc.inline_shapes) == 2  # sessions per week, views by field


def test_docx_ends_with_recipients_and_signature(made) -> None:
    doc = docx_of(made)
    closing = doc.tables[-1]
    recipients = [p.text for p in closing.cell(0, 0).paragraphs]
    assert recipients == [
        "Nơi nhận:",
        "- UBND huyện Đồng Hỷ (để báo cáo);",
        "- Lưu: VT, VHTT.",
    ]
    signer = [p.text for p in closing.cell(0, 1).paragraphs if p.text]
    assert signer == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"]


def test_docx_figures_equal_the_fixture(made) -> None:
    fx = made[0]
    doc = docx_of(made)
    text = "\n".join(p.text for p in doc.paragraphs)
    minutes = f"{audio_s(fx.in_period()) / 60:.1f}".replace(".", ",")
    assert "Kế hoạch: 15 buổi phát trong kỳ (tổng 225 phút); chỉ tiêu 3 buổi mỗi tuần, " in text
    assert (
        "Thực hiện: phát đầy đủ 8/15 buổi theo kế hoạch (53,3%), phát một phần 1 buổi, bỏ lỡ 2 "
        f"buổi, chưa có dữ liệu 4 buổi; ngoài kế hoạch phát thêm 2 buổi. Tổng thời lượng phát: "
        f"{minutes} phút." in text
    )
    assert "Đánh giá: không đạt chỉ tiêu kế hoạch (1 tuần không đạt)." in text
    weeks = table_starting(doc, "Tuần", "Kế hoạch", "Phát đủ")
    rows = {row[0].split("\n")[0]: row[1:] for row in weeks[1:]}
    assert rows["Tuần 9"][:6] == ["3", "3", "0", "0", "0", "0"]
    assert rows["Tuần 10"][:6] == ["3", "0", "1", "2", "0", "1"]  # nothing aired in full: 0
    assert rows["Tuần 10"][-1] == "Không đạt"
    assert rows["Tuần 12"][-1] == "Chưa đủ dữ liệu"
    assert rows["Tuần 13"] == ["3", "—", "—", "—", "3", "—", "—", "Không có dữ liệu"]  # no data
    assert rows["Cộng"][:6] == ["15", "8", "1", "2", "4", "2"]
    assert rows["Cộng"][6] == minutes
    problems = table_starting(doc, "Thời gian", "Thiết bị", "Buổi phát")
    assert [(r[0], r[3], r[4]) for r in problems[1:]] == [
        ("08/3/2021 06:30", "Phát một phần", "bị ngắt để phát tin khẩn cấp"),
        ("10/3/2021 06:30", "Bỏ lỡ", "thiết bị tắt hoặc đang khởi động lại vào giờ phát"),
        ("12/3/2021 06:30", "Bỏ lỡ", "quá muộn để bắt đầu (900 giây sau giờ dự kiến)"),
    ]
    special = table_starting(doc, "Thời gian", "Thiết bị", "Nội dung", "Mức độ")
    assert [(r[2], r[3], r[6]) for r in special[1:]] == [
        ("Thông báo khẩn: bão số 2", "Khẩn cấp", "3,0"),
        ("Lịch tiếp công dân tháng 3", "Ưu tiên", "4,0"),
    ]
    segments = table_starting(doc, "STT", "Bài phát thanh")
    plays: dict[str, int] = {}
    for record in fx.in_period():
        for segment in record["segments"]:
            plays[segment["title"]] = plays.get(segment["title"], 0) + 1
    assert {r[1]: int(r[2]) for r in segments[1:-1]} == plays
    assert segments[-1][2] == str(sum(plays.values()))
    conferences = table_starting(doc, "STT", "Ngày", "Nội dung hội nghị")
    assert [r[1:] for r in conferences[1:]] == [
        ["05/3/2021", "Tuyên truyền dịch vụ công trực tuyến", "Hội trường UBND xã", "120"],
        ["18/3/2021", "Phổ biến thủ tục đăng ký hộ tịch", "—", "85"],
        ["Cộng", "", "", "205"],
    ]


def test_docx_kiosk_and_devices(made) -> None:
    doc = docx_of(made)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "Trong 3 ngày có người sử dụng, ki-ốt ghi nhận 22 lượt xem 4 thủ tục, 2 lượt xem video "
        "và 19 lượt tìm kiếm, trong đó 4 lượt không tìm thấy kết quả." in text
    )
    fields = table_starting(doc, "STT", "Lĩnh vực", "Lượt xem")
    assert [r[1:3] for r in fields[1:]] == [
        ["Cư trú", "10"],
        ["Hộ tịch", "7"],
        ["Chứng thực", "4"],
        ["Không rõ lĩnh vực", "1"],
        ["Cộng", "22"],
    ]
    top = table_starting(doc, "STT", "Mã thủ tục")
    assert [r[4] for r in top[1:]] == ["10", "7", "4", "1"]
    assert top[1][2] and top[-1][2] == "(thủ tục không còn trong danh mục)"
    not_found = table_starting(doc, "STT", "Nội dung tìm kiếm")
    assert [r[1:] for r in not_found[1:]] == [["«ly hon»", "3"], ["«cấp sổ đỏ cho đất rừng»", "1"]]
    ratings = table_starting(doc, "Mức độ hài lòng", "Số lượt")
    assert [r[:2] for r in ratings[1:]] == [
        ["Rất hài lòng", "2"],
        ["Hài lòng", "1"],
        ["Bình thường", "0"],
        ["Không hài lòng", "1"],
        ["Rất không hài lòng", "0"],
        ["Cộng", "4"],
    ]
    assert "điểm trung bình 4,00/5; 3 lượt hài lòng hoặc rất hài lòng (75,0%)" in text
    offline = table_starting(doc, "Thiết bị", "Số lần mất kết nối")
    assert [r[:3] for r in offline[1:]] == [["pi-01", "1", "9 giờ"], ["pi-02", "2", "3 ngày 6 giờ"]]
    assert "mất kết nối từ trước kỳ báo cáo" in offline[1][3]
    assert "10/3/2021 08:00 – 12/3/2021 10:00 (2 ngày 2 giờ)" in offline[2][3]


# --- CSV and HTML ---------------------------------------------------------------------------


def csv_tables(path: Path) -> dict[str, list[dict[str, str]]]:
    out = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8-sig")
            out[name] = list(csv.DictReader(io.StringIO(text)))
    return out


def test_csv_tables_equal_the_fixture(made) -> None:
    fx, out = made
    tables = csv_tables(out["bang.zip"])
    summary = {row["key"]: row["value"] for row in tables["summary.csv"]}
    assert {k: summary[k] for k in ("planned", "aired", "partial", "missed", "no_record")} == {
        "planned": "15",
        "aired": "8",
        "partial": "1",
        "missed": "2",
        "no_record": "4",
    }
    assert summary["unplanned"] == "2" and summary["status"] == "not-met"
    assert float(summary["audio_s"]) == pytest.approx(audio_s(fx.in_period()))
    assert summary["records"] == str(len(fx.in_period()))
    assert (summary["target_sessions_per_week"], summary["target_minutes_per_session"]) == (
        "3",
        "15",
    )
    assert (summary["conferences"], summary["attendees"]) == ("2", "205")
    assert (summary["views"], summary["searches"], summary["not_found"]) == ("22", "19", "4")
    weeks = {row["week"]: row for row in tables["weeks.csv"]}
    assert weeks["2021-W10"]["aired"] == "0" and weeks["2021-W10"]["status"] == "not-met"
    assert weeks["2021-W13"]["aired"] == "" and weeks["2021-W13"]["status"] == "no-data"
    sessions = tables["sessions.csv"]
    recorded = {row["record_id"] for row in sessions if row["record_id"]}
    assert recorded == {r["id"] for r in fx.in_period()}
    assert sum(1 for row in sessions if row["outcome"] == "no-record") == 4
    assert {row["field"]: row["views"] for row in tables["kiosk_fields.csv"]} == {
        "Cư trú": "10",
        "Hộ tịch": "7",
        "Chứng thực": "4",
        "": "1",
    }
    assert [(r["device"], r["minutes"]) for r in tables["offline.csv"]] == [
        ("pi-01", "540"),
        ("pi-02", "3000"),
        ("pi-02", "1680"),
    ]
    assert [r["attendees"] for r in tables["conferences.csv"]] == ["120", "85"]


def test_csv_to_a_folder(made, tmp_path: Path) -> None:
    fx = made[0]
    village(
        fx, "report", "--from", "2021-03-08", "--to", "2021-03-14", "--out", str(tmp_path / "t")
    )
    with open(tmp_path / "t" / "summary.csv", encoding="utf-8-sig", newline="") as handle:
        summary = {row["key"]: row["value"] for row in csv.DictReader(handle)}
    # a week where the device reported but nothing aired in full: 0, not "no data"
    assert (summary["planned"], summary["aired"], summary["status"]) == ("3", "0", "not-met")


def test_html_is_one_self_contained_page(made) -> None:
    page = made[1]["bao-cao.html"].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page
    assert page.count("data:image/png;base64,") == 2
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/BC-UBND",
        "phát đầy đủ 8/15 buổi theo kế hoạch",
        "Nơi nhận:",
        "Nguyễn Văn An",
    ):
        assert words in page


# --- refusals and empty periods -------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        ("2021-02-30", "2021-03-31", "Ngày «2021-02-30» ở --from không hợp lệ"),
        ("1/3/2021", "2021-03-31", "Ngày «1/3/2021» ở --from không hợp lệ"),
        ("2021-03-31", "2021-03-01", "ở trước ngày bắt đầu"),
        ("2021-03-01", "2999-01-01", "Ngày 01/01/2999 ở --to chưa đến"),
    ],
)
def test_bad_dates_get_a_clear_message(
    made, tmp_path: Path, first: str, last: str, words: str
) -> None:
    out = tmp_path / "x.docx"
    done = village(made[0], "report", "--from", first, "--to", last, "--out", str(out), check=False)
    assert done.returncode == 2
    assert words in done.stderr
    assert not out.exists()


def test_bad_conference_entries_are_refused(made) -> None:
    fx = made[0]
    for args, words in (
        (("--date", "2021-03-05", "--attendees", "nhiều"), "Số người dự phải từ 1"),
        (("--date", "2999-03-05", "--attendees", "10"), "chưa đến"),
        (("--date", "05/03/2021", "--attendees", "10"), "Ngày «05/03/2021» ở --date không hợp lệ"),
    ):
        done = village(fx, "record", "conference", *args, "--topic", "x", check=False)
        assert done.returncode == 2 and words in done.stderr


def test_an_empty_period_is_refused_unless_asked(made, tmp_path: Path) -> None:
    import docx

    fx = made[0]
    out = tmp_path / "trong.docx"
    args = ("report", "--from", "2021-06-07", "--to", "2021-06-13", "--out", str(out))
    done = village(fx, *args, check=False)
    assert done.returncode == 1
    assert "Không có dữ liệu nào từ ngày 07/6/2021 đến ngày 13/6/2021" in done.stderr
    assert "3 buổi phát theo kế hoạch chưa có bản ghi" in done.stderr
    assert not out.exists()

    village(fx, *args, "--allow-empty")
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert (
        "Thực hiện: Không có dữ liệu: không thiết bị nào gửi nhật ký phát thanh trong kỳ, nên "
        "chưa biết 3 buổi theo kế hoạch đã được phát hay chưa." in text
    )
    assert "không ki-ốt nào gửi nhật ký sử dụng trong kỳ" in text
    assert "Không có hội nghị tuyên truyền nào được ghi nhận trong kỳ." in text
    assert "Đánh giá: chưa đánh giá được vì không có dữ liệu phát thanh trong kỳ." in text
