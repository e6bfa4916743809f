"""Invisible and decomposed text: free text is stored NFC without invisible characters, a
title with nothing visible and an id with an invisible character are refused, clearly."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import run_village
from village import text
from village.clips import import_clip
from village.errors import MediaError
from village.procedures import ProcedureImportError, import_procedures, load_procedures
from village.store import ContentStore

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_the_invisible_set_is_the_running_pythons() -> None:
    """Every format character (Cf) of this Python's Unicode tables, and no visible one."""
    invisible = {
        chr(code)
        for low, high in text.INVISIBLE_RANGES
        for code in range(low, high + 1)
        if code < 0xD800 or code > 0xDFFF
    }
    formats = {c for c in map(chr, range(0x110000)) if unicodedata.category(c) == "Cf"}
    assert formats <= invisible
    assert not {c for c in invisible if unicodedata.category(c) in ("Lu", "Ll", "Nd", "Zs")}
    for char in ZERO_WIDTH + BIDI + "\u00ad\u034f\ufe0f\u3164\x00\x1b\x7f":
        assert text.first_invisible(f"a{char}b") == char, hex(ord(char))
    assert text.first_invisible("Đăng ký khai sinh\tlúc 7:30\n") is None


def test_free_text_is_nfc_without_invisible_characters() -> None:
    decomposed = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    assert decomposed != "Đăng ký khai sinh"
    assert text.clean_line(f"{BIDI}{decomposed}{ZERO_WIDTH}") == "Đăng ký khai sinh"
    assert text.clean_text("  Bước\u00a01 \r\n\r\n\u2028 Bước 2\u200b ") == "Bước 1\nBước 2"
    assert text.clean_line(ZERO_WIDTH + " \n" + BIDI) == ""
    assert text.shown("hoa\u202egnp.exe") == "hoa<U+202E>gnp.exe"


def test_words_are_measured_as_the_search_folds_them() -> None:
    assert text.longest_word("Nghị định 123/2015/NĐ-CP về khuyến nông") == "khuyen"
    # marks the search drops join what they separate: 200 letters, one word once folded
    stacked = "a\u0301\u0301" * 200
    assert len(text.longest_word(stacked)) == 200
    assert text.word_longer_than(stacked, 64)
    assert text.word_longer_than("khai" + ZERO_WIDTH * 20 + "sinh", 64) is None
    assert text.word_longer_than("x" * 65, 64) == "x" * 65


def test_procedures_cleaned_and_invisible_codes_refused(tmp_path: Path) -> None:
    store = ContentStore(tmp_path / "data")
    name = unicodedata.normalize("NFD", "Đăng ký\u200b khai sinh\u202e")
    records = [
        {"code": "1.001193", "name": name, "field": "Hộ tịch", "steps": ["\u200b", "Nộp"]},
        {"code": "1.000894\u200b", "name": "Kết hôn", "field": "Hộ tịch"},
        {"code": "1.000656", "name": BIDI, "field": "Hộ tịch"},
    ]
    path = tmp_path / "ds.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ProcedureImportError) as caught:
        import_procedures(store, path)
    assert [(p.row, p.column, p.kind, p.value) for p in caught.value.problems] == [
        (2, "code", "invisible_in_code", "U+200B ZERO WIDTH SPACE"),
        (3, "name", "invisible_only", ""),
    ]
    assert not store.path.exists()
    report = import_procedures(store, path, skip_bad_rows=True)
    assert report.added == ["1.001193"]
    stored = load_procedures(store)["1.001193"]
    assert stored.name == "Đăng ký khai sinh" and stored.steps == ("Nộp",)


def test_segment_titles_and_ids(data_dir: Path, make_tone) -> None:
    tone = make_tone("tin.wav")
    for title, message in [
        (ZERO_WIDTH, "chỉ có ký tự vô hình"),
        (BIDI + " ", "chỉ có ký tự vô hình"),
        ("Tin " + "a" * 80, "dài hơn 64 chữ cái"),
    ]:
        proc = run_village(
            "--data", str(data_dir), "import", "segment", str(tone), "--title", title
        )
        assert proc.returncode == 2 and proc.stderr.startswith("Lỗi:"), proc.stderr
        assert message in proc.stderr and "Traceback" not in proc.stderr
        assert not ContentStore(data_dir).path.exists()
    proc = run_village(
        "--data",
        str(data_dir),
        "import",
        "segment",
        str(tone),
        "--title",
        "Tin",
        "--id",
        "tin\u200b",
    )
    assert proc.returncode == 2 and "mã bài phát thanh chứa ký tự vô hình U+200B" in proc.stderr
    title = unicodedata.normalize("NFD", "Tin\u200b ngắn\u202e")
    run_village(
        "--data", str(data_dir), "import", "segment", str(tone), "--title", title, check=True
    )
    (segment,) = ContentStore(data_dir).snapshot().segments.values()
    assert segment.title == "Tin ngắn"


def test_clip_title_refused_before_the_file_is_read(tmp_path: Path) -> None:
    store = ContentStore(tmp_path / "data")
    with pytest.raises(MediaError, match="tên video chỉ có ký tự vô hình"):
        import_clip(store, tmp_path / "absent.mp4", ZERO_WIDTH)
    assert not store.path.exists()
