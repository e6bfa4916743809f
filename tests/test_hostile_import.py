"""Hostile procedure files: each is refused by ``village import procedures`` with a clear
Vietnamese message, in a child process under a memory and CPU limit, and the store is left
exactly as it was."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import hostile_files as hostile
from tests.kiosk_helpers import REPO, base_env, kiosk_config, write_fixture
from village.procedures import (
    ImportLimits,
    ProcedureImportError,
    import_procedures,
    load_procedures,
    parse_file,
)
from village.store import ContentStore

GOOD = [{"code": "1.000894", "name": "Đăng ký kết hôn", "field": "Hộ tịch"}]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A store that already holds one procedure, as a kiosk's would."""
    folder = tmp_path / "data"
    import_procedures(ContentStore(folder), write_fixture(tmp_path / "good.json", GOOD))
    return folder


def import_file(tmp_path: Path, data: Path, path: Path):
    env = base_env(tmp_path)
    env["VILLAGE_CONFIG"] = str(kiosk_config(tmp_path, data))
    args = [sys.executable, "-m", "village.cli", "import", "procedures", str(path)]
    return hostile.run_limited(args, env=env, cwd=REPO)


ATTACKS: list[tuple[Callable[[Path], Path], str]] = [
    (
        hostile.xlsx_sheet_bomb,
        "phần «xl/worksheets/sheet1.xml» của tệp Excel giải nén ra hơn 64 MB",
    ),
    (hostile.xlsx_lying_bomb, "tệp Excel (.xlsx) bị hỏng"),
    (hostile.xlsx_huge_cell, "phần «xl/sharedStrings.xml» của tệp Excel giải nén ra hơn 32 MB"),
    (hostile.xlsx_ratio_bomb, "giải nén ra gấp hơn 100 lần cỡ của nó"),
    (hostile.xlsx_many_parts, "tệp Excel có hơn 1.000 phần bên trong"),
    (hostile.xlsx_many_strings, "tệp Excel chứa hơn 200.000 đoạn chữ khác nhau"),
    (hostile.xlsx_many_cells, "tệp có hơn 500.000 ô"),
    (hostile.xlsx_long_cell, "dòng 2, cột «B»: ô dài hơn 32.767 ký tự"),
    (hostile.xlsx_wide_row, "dòng 3: có hơn 200 cột"),
    (hostile.xlsx_far_row, "tệp có hơn 10.000 dòng"),
    (hostile.xlsx_entities, "tệp Excel chứa khai báo XML mà Excel không bao giờ ghi"),
    (hostile.csv_rows, "tệp có hơn 10.000 dòng"),
    (hostile.csv_long_field, "dòng 3: ô dài hơn 32.767 ký tự"),
    (hostile.json_long_name, "mục 1, cột «name»: ô dài hơn 32.767 ký tự"),
    (hostile.json_deep, "tệp JSON lồng nhau sâu hơn 32 tầng"),
    (hostile.json_huge_number, "tệp JSON có một số dài hơn 4.300 chữ số"),
    (hostile.json_zero_width_name, "mục 1, cột «name»: ô chỉ có ký tự vô hình"),
]


@pytest.mark.parametrize(("make", "message"), ATTACKS, ids=[m.__name__ for m, _ in ATTACKS])
def test_attack_is_refused_clearly_within_bounds(
    tmp_path: Path, data: Path, make: Callable[[Path], Path], message: str
) -> None:
    store = ContentStore(data)
    before = store.path.read_bytes()
    path = make(tmp_path)
    proc = import_file(tmp_path, data, path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "bị từ chối, kho nội dung không thay đổi" in proc.stderr
    assert message in proc.stderr, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr
    assert store.path.read_bytes() == before


def test_a_false_dimension_costs_nothing(tmp_path: Path, data: Path) -> None:
    """<dimension ref="A1:XFD1048576"> over two real rows: imported as two rows, not padded."""
    proc = import_file(tmp_path, data, hostile.xlsx_false_dimension(tmp_path))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert set(load_procedures(ContentStore(data))) == {"1.000894", "1.001193"}


def test_caps_count_procedures_and_columns(tmp_path: Path) -> None:
    limits = ImportLimits(rows=5, columns=4)
    assert len(parse_file(hostile.csv_rows(tmp_path, count=5), limits).rows) == 5
    with pytest.raises(ProcedureImportError, match="more than 5 rows"):
        parse_file(hostile.csv_rows(tmp_path, count=6), limits)
    with pytest.raises(ProcedureImportError, match="more than 5 rows"):
        parse_file(hostile.csv_rows(tmp_path, count=1_000), limits)  # stops at the 15th row
    wide = tmp_path / "wide.csv"
    wide.write_text("Mã thủ tục;Tên thủ tục;Lĩnh vực\n1.1;a;b;c;d\n", encoding="utf-8")
    with pytest.raises(ProcedureImportError, match="row 2: more than 4 columns"):
        parse_file(wide, limits)


def test_file_size_is_checked_before_reading(tmp_path: Path) -> None:
    path = hostile.csv_rows(tmp_path, count=2_000)
    limits = ImportLimits(file_bytes=path.stat().st_size - 1)
    for name in ("big.csv", "big.json", "big.xlsx"):
        copy = tmp_path / name
        copy.write_bytes(path.read_bytes())
        with pytest.raises(ProcedureImportError, match="the file is 0 MB, more than the 0 MB"):
            parse_file(copy, limits)
