"""``village import procedures``: CSV, XLSX and JSON as staff have them; a bad file is
rejected whole with every problem by row and column; a re-import marks what changed."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.kiosk_helpers import REPO, SAMPLE_PROCEDURES, base_env, kiosk_config
from village.procedures import (
    ProcedureImportError,
    import_procedures,
    load_procedures,
    parse_file,
    split_items,
)
from village.store import ContentStore

HEADERS_VI = [
    "STT",
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Trình tự thực hiện",
    "Cách thức thực hiện",
    "Thành phần hồ sơ",
    "Thời hạn giải quyết",
    "Phí, lệ phí",
    "Căn cứ pháp lý",
    "Cơ quan thực hiện",
    "Kết quả thực hiện",
    "Yêu cầu, điều kiện",
    "Đối tượng thực hiện",
    "Trạng thái",
    "Ngày hiệu lực",
]
KHAI_SINH_ROW = [
    "1",
    "1.001193",
    "Thủ tục đăng ký khai sinh",
    "Hộ tịch",
    "Cấp xã",
    "Bước 1: Nộp hồ sơ. Bước 2: Công chức kiểm tra. Bước 3: Trả Giấy khai sinh.",
    "Trực tiếp; Trực tuyến; Qua bưu chính",
    "- Tờ khai đăng ký khai sinh\n- Giấy chứng sinh (bản chính)",
    "Ngay trong ngày",
    "Miễn lệ phí",
    "Luật Hộ tịch số 60/2014/QH13\nNghị định số 123/2015/NĐ-CP",
    "Ủy ban nhân dân cấp xã",
    "Giấy khai sinh",
    "Không",
    "Cha, mẹ của trẻ",
    "Sửa đổi, bổ sung",
    "01/07/2024",
]
KET_HON_ROW = [
    "2",
    "1.000894",
    "Thủ tục đăng ký kết hôn",
    "Hộ tịch",
    "Cấp xã",
    "Nộp tờ khai\nNhận Giấy chứng nhận kết hôn",
    "Trực tiếp",
    "Tờ khai đăng ký kết hôn",
    "Ngay trong ngày",
    "Miễn lệ phí",
    "Luật Hộ tịch số 60/2014/QH13",
    "Ủy ban nhân dân cấp xã",
    "Giấy chứng nhận kết hôn",
    "",
    "Nam, nữ kết hôn",
    "",
    "",
]


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ";", bom: bool = True) -> Path:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], title_rows: int = 0) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Thủ tục"
    for index in range(title_rows):
        sheet.append([f"DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP XÃ ({index + 1})"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


@pytest.fixture
def store(tmp_path: Path) -> ContentStore:
    return ContentStore(tmp_path / "data")


def snapshot_bytes(store: ContentStore) -> bytes:
    return store.path.read_bytes() if store.path.exists() else b""


# --- reading the three formats ----------------------------------------------------------------


def test_csv_with_bom_semicolons_and_vietnamese_headers(
    tmp_path: Path, store: ContentStore
) -> None:
    path = write_csv(tmp_path / "ds.csv", [HEADERS_VI, KHAI_SINH_ROW, KET_HON_ROW])
    report = import_procedures(store, path, today=dt.date(2025, 3, 3))
    assert report.added == ["1.001193", "1.000894"]
    assert report.ignored_columns == ["STT"]
    p = load_procedures(store)["1.001193"]
    assert p.name == "Thủ tục đăng ký khai sinh" and p.field == "Hộ tịch"
    assert p.steps == ("Nộp hồ sơ.", "Công chức kiểm tra.", "Trả Giấy khai sinh.")
    assert p.documents == ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh (bản chính)")
    assert p.channels == ("Trực tiếp", "Trực tuyến", "Qua bưu chính")
    assert p.legal_basis == ("Luật Hộ tịch số 60/2014/QH13", "Nghị định số 123/2015/NĐ-CP")
    assert (p.status, p.effective_date) == ("amended", "2024-07-01")
    other = load_procedures(store)["1.000894"]
    assert other.steps == ("Nộp tờ khai", "Nhận Giấy chứng nhận kết hôn")
    assert (other.status, other.effective_date) == ("current", "")


def test_csv_with_commas_no_bom_and_english_keys(tmp_path: Path, store: ContentStore) -> None:
    rows = [
        ["code", "name", "field", "documents", "fees", "online_url", "status", "effective_date"],
        [
            "1.004222",
            "Đăng ký thường trú",
            "Cư trú",
            "Tờ khai thay đổi thông tin cư trú; Giấy tờ chứng minh chỗ ở hợp pháp",
            "Phí, lệ phí: 20.000 đồng",  # a comma inside a quoted cell
            "https://dichvucong.gov.vn/p/home/x?ma=1.004222",
            "new",
            "2021-07-01",
        ],
    ]
    path = write_csv(tmp_path / "ds.csv", rows, delimiter=",", bom=False)
    import_procedures(store, path)
    p = load_procedures(store)["1.004222"]
    assert p.documents == ("Tờ khai thay đổi thông tin cư trú", "Giấy tờ chứng minh chỗ ở hợp pháp")
    assert p.fees == "Phí, lệ phí: 20.000 đồng"
    assert p.online_url.startswith("https://") and p.status == "new"


def test_xlsx_with_title_rows_numeric_codes_and_date_cells(
    tmp_path: Path, store: ContentStore
) -> None:
    row: list[Any] = list(KHAI_SINH_ROW)
    row[1] = 1.001193  # Excel turned the code into a number
    row[-1] = dt.datetime(2024, 7, 1)  # and the date into a date
    other: list[Any] = list(KET_HON_ROW)
    other[1] = 1.0009  # 1.000900 shown as 1.0009 in Excel
    path = write_xlsx(tmp_path / "ds.xlsx", [HEADERS_VI, row, other], title_rows=2)
    report = import_procedures(store, path)
    assert report.added == ["1.001193", "1.000900"]
    p = load_procedures(store)["1.001193"]
    assert p.effective_date == "2024-07-01" and p.documents[1] == "Giấy chứng sinh (bản chính)"


def test_xlsx_problems_are_reported_with_excel_row_numbers(tmp_path: Path) -> None:
    bad = list(KET_HON_ROW)
    bad[2] = ""
    path = write_xlsx(tmp_path / "ds.xlsx", [HEADERS_VI, KHAI_SINH_ROW, bad], title_rows=3)
    problems = parse_file(path).problems
    assert [(p.row, p.column, p.kind) for p in problems] == [(6, "Tên thủ tục", "empty")]


def test_the_shipped_sample_imports(store: ContentStore) -> None:
    report = import_procedures(store, SAMPLE_PROCEDURES)
    assert len(report.added) >= 40
    procedures = load_procedures(store)
    assert {p.status for p in procedures.values()} <= {
        "new",
        "amended",
        "replaced",
        "abolished",
        "current",
    }
    fields = {p.field for p in procedures.values()}
    for focus in ("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Cư trú", "Hộ kinh doanh"):
        assert focus in fields


def test_multi_item_cells_split_sensibly() -> None:
    assert split_items("Bước 1: Nộp. Bước 2: Nhận.") == ("Nộp.", "Nhận.")
    assert split_items("1. Một\n2. Hai\n\n3) Ba") == ("Một", "Hai", "Ba")
    assert split_items("• Tờ khai;\n+ Bản sao") == ("Tờ khai", "Bản sao")
    assert split_items("a) Giấy A; b) Giấy B") == ("Giấy A", "Giấy B")
    assert split_items("Nghị định số 123/2015/NĐ-CP") == ("Nghị định số 123/2015/NĐ-CP",)
    assert split_items(["  x ", "", None, "y"]) == ("x", "y")


# --- rejection ----------------------------------------------------------------------------------


def test_every_bad_row_is_listed_and_nothing_changes(tmp_path: Path, store: ContentStore) -> None:
    import_procedures(store, write_csv(tmp_path / "first.csv", [HEADERS_VI, KET_HON_ROW]))
    before = snapshot_bytes(store)
    rows = [HEADERS_VI, KHAI_SINH_ROW]

    def row(**changes: str) -> list[str]:
        values = dict(zip(HEADERS_VI, KHAI_SINH_ROW, strict=True))
        values.update(changes)
        return [values[h] for h in HEADERS_VI]

    rows += [
        row(**{"Mã thủ tục": "1.100001", "Tên thủ tục": ""}),  # row 3: empty required cell
        row(**{"Mã thủ tục": "1.100002", "Ngày hiệu lực": "31/02/2024"}),  # row 4: bad date
        row(**{"Mã thủ tục": "1.100003", "Trạng thái": "tạm dừng"}),  # row 5: unknown status
        row(**{"Mã thủ tục": "mã số 7"}),  # row 6: not a code
        row(**{"Mã thủ tục": "1.100004", "Lĩnh vực": "  "}),  # row 7: blank required cell
        row(**{"Mã thủ tục": "1.001193"}),  # row 8: same code as row 2
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(ProcedureImportError) as caught:
        import_procedures(store, path)
    found = {(p.row, p.column, p.kind) for p in caught.value.problems}
    assert found == {
        (3, "Tên thủ tục", "empty"),
        (4, "Ngày hiệu lực", "bad_date"),
        (5, "Trạng thái", "bad_status"),
        (6, "Mã thủ tục", "bad_code"),
        (7, "Lĩnh vực", "empty"),
        (2, "Mã thủ tục", "duplicate_code"),
        (8, "Mã thủ tục", "duplicate_code"),
    }
    assert snapshot_bytes(store) == before  # rejected whole: the store is untouched

    # every row is bad (row 2 shares its code with row 8): even --skip-bad-rows has nothing
    with pytest.raises(ProcedureImportError):
        import_procedures(store, path, skip_bad_rows=True)
    assert snapshot_bytes(store) == before


def test_skip_bad_rows_imports_the_good_ones(tmp_path: Path, store: ContentStore) -> None:
    bad = list(KET_HON_ROW)
    bad[-1] = "hôm qua"
    path = write_csv(tmp_path / "mixed.csv", [HEADERS_VI, KHAI_SINH_ROW, bad])
    with pytest.raises(ProcedureImportError):
        import_procedures(store, path)
    assert not store.path.exists()
    report = import_procedures(store, path, skip_bad_rows=True)
    assert report.added == ["1.001193"]
    assert [(p.row, p.column) for p in report.skipped] == [(3, "Ngày hiệu lực")]
    assert set(load_procedures(store)) == {"1.001193"}


def test_json_rows_with_wrong_values(tmp_path: Path, store: ContentStore) -> None:
    records = [
        {"code": "1.001193", "name": "Đăng ký khai sinh", "field": "Hộ tịch"},
        {"code": "1.000894", "name": {"vi": "Kết hôn"}, "field": "Hộ tịch"},
        "not an object",
        {"code": "1.000656", "name": "Khai tử", "field": "Hộ tịch", "online_url": "dvc.gov"},
    ]
    path = tmp_path / "ds.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ProcedureImportError) as caught:
        import_procedures(store, path)
    assert [(p.row, p.column, p.kind) for p in caught.value.problems] == [
        (2, "name", "bad_value"),
        (3, "", "not_object"),
        (4, "online_url", "bad_url"),
    ]
    assert "record 2" in str(caught.value)
    assert not store.path.exists()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("ds.pdf", b"%PDF-1.4", "file_type"),
        ("ds.xls", b"\xd0\xcf\x11\xe0", "xls"),
        ("ds.xlsx", b"PK\x03\x04 this is not really a workbook", "xlsx_corrupt"),
        ("ds.xlsx", b"plain text", "xlsx_corrupt"),
        ("ds.csv", "Mã thủ tục;Tên;Lĩnh vực\n".encode("latin-1", "replace"), "encoding"),
        ("ds.csv", "Mã thủ tục;Tên thủ tục\n".encode("utf-16"), "utf16"),
        ("ds.csv", b"PK\x03\x04xlsx named csv", "zip_as_csv"),
        ("ds.csv", b"a;b;c\n1;2;3\n", "no_header"),
        ("ds.csv", "Mã thủ tục;Tên thủ tục;Lĩnh vực\n".encode(), "no_rows"),
        ("ds.json", b'[{"code": "1.1",]', "json_syntax"),
        ("ds.json", b'{"code": "1.1"}', "json_shape"),
    ],
)
def test_unreadable_files_are_refused_clearly(
    tmp_path: Path, store: ContentStore, name: str, content: bytes, kind: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ProcedureImportError) as caught:
        import_procedures(store, path)
    assert [p.kind for p in caught.value.problems] == [kind]
    assert not store.path.exists()


def test_missing_required_columns_are_all_named(tmp_path: Path, store: ContentStore) -> None:
    path = write_csv(tmp_path / "ds.csv", [["Tên thủ tục", "Cấp thực hiện"], ["Khai sinh", "Xã"]])
    with pytest.raises(ProcedureImportError) as caught:
        import_procedures(store, path)
    missing = [(p.kind, p.column) for p in caught.value.problems]
    assert missing == [("missing_column", "Mã thủ tục"), ("missing_column", "Lĩnh vực")]


# --- re-import ----------------------------------------------------------------------------------


def test_reimport_marks_changed_procedures_amended(tmp_path: Path, store: ContentStore) -> None:
    first = write_csv(tmp_path / "v1.csv", [HEADERS_VI, KHAI_SINH_ROW, KET_HON_ROW])
    import_procedures(store, first, today=dt.date(2025, 1, 2))
    revision = store.revision()

    # the same file again: nothing changes, not even the store's revision
    again = import_procedures(store, first, today=dt.date(2025, 2, 3))
    assert again.unchanged == ["1.001193", "1.000894"] and again.changed == 0
    assert store.revision() == revision

    # the fee of 'kết hôn' changed; nothing else did
    changed = list(KET_HON_ROW)
    changed[9] = "Theo Nghị quyết của HĐND tỉnh"
    second = write_csv(tmp_path / "v2.csv", [HEADERS_VI, KHAI_SINH_ROW, changed])
    report = import_procedures(store, second, today=dt.date(2025, 3, 3))
    assert report.amended == ["1.000894"] and report.unchanged == ["1.001193"]
    procedures = load_procedures(store)
    ket_hon = procedures["1.000894"]
    assert (ket_hon.status, ket_hon.effective_date) == ("amended", "2025-03-03")
    assert ket_hon.fees == "Theo Nghị quyết của HĐND tỉnh"
    assert procedures["1.001193"].effective_date == "2024-07-01"  # untouched

    # the file may give the status and date itself; a status alone is a change too
    abolished = list(KET_HON_ROW)
    abolished[9] = changed[9]
    abolished[-2], abolished[-1] = "Bãi bỏ", "2025-04-01"
    third = write_csv(tmp_path / "v3.csv", [HEADERS_VI, abolished])
    report = import_procedures(store, third, today=dt.date(2025, 3, 10))
    assert report.status_changed == ["1.000894"]
    ket_hon = load_procedures(store)["1.000894"]
    assert (ket_hon.status, ket_hon.effective_date) == ("abolished", "2025-04-01")
    assert not ket_hon.in_force


# --- the command --------------------------------------------------------------------------------


def village(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = base_env(tmp_path)
    env["VILLAGE_CONFIG"] = str(kiosk_config(tmp_path, tmp_path / "data"))
    return subprocess.run(
        [sys.executable, "-m", "village.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_command_lists_problems_in_vietnamese(tmp_path: Path) -> None:
    bad = list(KET_HON_ROW)
    bad[-1] = "31/02/2024"
    path = write_csv(tmp_path / "ds.csv", [HEADERS_VI, KHAI_SINH_ROW, bad])
    proc = village(tmp_path, "import", "procedures", str(path))
    assert proc.returncode == 2
    assert "bị từ chối" in proc.stderr and "không thay đổi" in proc.stderr
    assert "dòng 3, cột «Ngày hiệu lực»: ngày không hợp lệ «31/02/2024»" in proc.stderr
    assert not (tmp_path / "data" / "content.json").exists()

    proc = village(tmp_path, "import", "procedures", str(path), "--skip-bad-rows")
    assert proc.returncode == 0, proc.stderr
    assert "1 thủ tục mới" in proc.stdout and "Đã bỏ qua 1 dòng" in proc.stderr
    assert "Các cột không dùng đến: STT" in proc.stdout


# --- caps on what a row may hold ----------------------------------------------------------------


def test_lengths_and_words_are_capped_by_row_and_column(
    tmp_path: Path, store: ContentStore
) -> None:
    def row(code: str, **changes: str) -> list[str]:
        values = dict(zip(HEADERS_VI, KHAI_SINH_ROW, strict=True))
        values.update({"Mã thủ tục": code, **changes})
        return [values[h] for h in HEADERS_VI]

    rows = [
        HEADERS_VI,
        row("1.100001", **{"Tên thủ tục": "Đăng ký " * 130}),  # 1,040 characters
        row("1.100002", **{"Trình tự thực hiện": "Bước 1: Nộp " + "x" * 65}),
        row("1.100003", **{"Thành phần hồ sơ": "\n".join(f"Giấy {i}" for i in range(201))}),
        row(
            "1.100004", **{h: "Nội dung dài. " * 2000 for h in [*HEADERS_VI[12:15], "Phí, lệ phí"]}
        ),
        row("1.100005", **{"Căn cứ pháp lý": "Luật\nNghị định " + "số " * 3000}),
        row("1.100006"),
    ]
    path = write_csv(tmp_path / "ds.csv", rows)
    with pytest.raises(ProcedureImportError) as caught:
        import_procedures(store, path)
    found = [(p.row, p.column, p.kind, p.limit) for p in caught.value.problems]
    assert found == [
        (2, "Tên thủ tục", "text_too_long", 1000),
        (3, "Trình tự thực hiện", "long_word", 64),
        (4, "Thành phần hồ sơ", "too_many_items", 200),
        (5, "", "record_too_long", 100_000),
        (6, "Căn cứ pháp lý", "item_too_long", 8000),
    ]
    assert caught.value.problems[1].value == "x" * 20
    assert caught.value.problems[4].other == 2  # the second item
    assert not store.path.exists()

    proc = village(tmp_path, "import", "procedures", str(path))
    assert proc.returncode == 2
    assert (
        "dòng 3, cột «Trình tự thực hiện»: có một «từ» dài hơn 64 chữ cái (xxxxxxxxxxxxxxxxxxxx…)"
        in proc.stderr
    )
    assert "dòng 2, cột «Tên thủ tục»: nội dung dài 1039 ký tự, quá 1.000 ký tự" in proc.stderr


def test_the_shipped_sample_is_well_within_the_caps() -> None:
    from village.procedures import COLUMN_BY_KEY, DEFAULT_LIMITS
    from village.text import longest_word

    records = json.loads(SAMPLE_PROCEDURES.read_text(encoding="utf-8"))
    for record in records:
        assert len(json.dumps(record, ensure_ascii=False)) * 10 < DEFAULT_LIMITS.record_chars
        for key, value in record.items():
            for item in value if isinstance(value, list) else [value]:
                assert len(item) * 3 < COLUMN_BY_KEY[key].max_chars, (record["code"], key)
                assert len(longest_word(item)) * 4 < DEFAULT_LIMITS.word_chars


def test_a_write_in_between_is_not_lost(tmp_path: Path) -> None:
    """The changes are worked out on a snapshot without the lock; if another writer changed
    the store before the lock was taken, they are worked out again on what it wrote."""
    store = ContentStore(tmp_path / "data")
    import_procedures(store, write_csv(tmp_path / "v1.csv", [HEADERS_VI, KHAI_SINH_ROW]))
    changed = list(KHAI_SINH_ROW)
    changed[9], changed[-2], changed[-1] = "Lệ phí mới", "", ""
    path = write_csv(tmp_path / "v2.csv", [HEADERS_VI, changed])

    class OtherWriterInBetween(ContentStore):
        def snapshot(self):  # the store's own Snapshot
            taken = super().snapshot()
            # another staff member imports the same change first (and another procedure)
            import_procedures(ContentStore(self.data_dir), path, today=dt.date(2025, 1, 2))
            other = write_csv(tmp_path / "other.csv", [HEADERS_VI, KET_HON_ROW])
            import_procedures(ContentStore(self.data_dir), other)
            return taken

    report = import_procedures(OtherWriterInBetween(store.data_dir), path)
    assert report.unchanged == ["1.001193"] and report.amended == []
    procedures = load_procedures(store)
    khai_sinh = procedures["1.001193"]
    assert (khai_sinh.fees, khai_sinh.effective_date) == ("Lệ phí mới", "2025-01-02")
    assert "1.000894" in procedures  # the other writer's procedure is kept


def test_every_problem_has_its_vietnamese_text() -> None:
    from village.messages import MESSAGES as TEXTS  # the core's catalogue, the kiosk's words
    from village.procedures import PROBLEM_TEXTS

    assert [k for k in PROBLEM_TEXTS if f"problem_{k}" not in TEXTS] == []
