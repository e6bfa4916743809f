"""Hostile procedure files, made on the fly and cheaply (tests/test_hostile_*.py, and
``python -m bench.import_bench attacks``).

A zip bomb is written without ever holding what it inflates to: one megabyte of XML is
deflated once, ending with a full flush (which resets the compressor, so the same input
always gives the same bytes), and that block is written as many times as needed; the zip's
headers are written by hand around it.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

MB = 1 << 20
HEADERS = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực"]
ROW = ["1.001193", "Đăng ký khai sinh", "Hộ tịch"]
SHEET_PART = "xl/worksheets/sheet1.xml"
STRINGS_PART = "xl/sharedStrings.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_TAIL = b"</sheetData></worksheet>"
STRINGS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


@dataclass
class Entry:
    """One part of a zip: its deflated bytes (as chunks), CRC-32 and sizes."""

    name: str
    chunks: Callable[[], Iterator[bytes]]
    crc: int
    size: int  # uncompressed, as declared
    compressed: int


def plain_entry(name: str, data: bytes) -> Entry:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = packer.compress(data) + packer.flush()
    return Entry(name, lambda: iter([deflated]), zlib.crc32(data), len(data), len(deflated))


def repeated_entry(
    name: str, head: bytes, unit: bytes, count: int, tail: bytes, declared: int | None = None
) -> Entry:
    """``head + unit * count + tail`` deflated without building it; ``declared`` lies about
    the size if given."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "a full flush must make the block repeatable"
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(unit) * count + len(tail)

    def chunks() -> Iterator[bytes]:
        yield first
        for _ in range(count):
            yield block
        yield last

    compressed = len(first) + len(block) * count + len(last)
    return Entry(name, chunks, crc, size if declared is None else declared, compressed)


def write_zip(path: Path, entries: list[Entry]) -> Path:
    """A zip of deflated entries, headers written by hand (sizes under 4 GiB)."""
    directory = io.BytesIO()
    with open(path, "wb") as out:
        for entry in entries:
            offset = out.tell()
            name = entry.name.encode()
            common = (20, 0, 8, 0, 0x21, entry.crc, entry.compressed, entry.size, len(name))
            out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *common, 0) + name)
            for chunk in entry.chunks():
                out.write(chunk)
            directory.write(
                struct.pack("<4sH", b"PK\x01\x02", 20)
                + struct.pack("<HHHHHIIIHHHHHII", *common, 0, 0, 0, 0, 0, offset)
                + name
            )
        start = out.tell()
        out.write(directory.getvalue())
        count = len(entries)
        size = len(directory.getvalue())
        out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    return path


def workbook_parts(rows: Sequence[Sequence[object]] = (HEADERS, ROW)) -> dict[str, bytes]:
    """The parts of a small real workbook (openpyxl), by name."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def workbook_with(path: Path, **replaced: Entry) -> Path:
    """A real workbook with some parts replaced (keyed by part name, '/' as '__')."""
    parts = workbook_parts()
    swaps = {name.replace("__", "/"): entry for name, entry in replaced.items()}
    entries = [
        swaps.pop(name) if name in swaps else plain_entry(name, data)
        for name, data in parts.items()
    ]
    entries.extend(swaps.values())
    return write_zip(path, entries)


def row_xml(number: int, *cells: str) -> bytes:
    body = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for i, text in enumerate(cells)
    )
    return f'<row r="{number}">{body}</row>'.encode()


def header_rows() -> bytes:
    return row_xml(1, *HEADERS) + row_xml(2, *ROW)


# --- the attacks ---------------------------------------------------------------------------


def xlsx_sheet_bomb(folder: Path, gigabytes: float = 1.2) -> Path:
    """A sheet that inflates to more than a gigabyte, and says so."""
    count = int(gigabytes * (1 << 30) / MB)
    entry = repeated_entry(SHEET_PART, SHEET_HEAD + header_rows(), b" " * MB, count, SHEET_TAIL)
    return workbook_with(folder / "bomb.xlsx", xl__worksheets__sheet1__xml=entry)


def xlsx_lying_bomb(folder: Path, gigabytes: float = 1.2) -> Path:
    """A sheet that inflates to more than a gigabyte while declaring 256 KB."""
    unit = b'<row><c t="inlineStr"><is><t>xin chao</t></is></c></row>'
    unit = unit * (MB // len(unit))
    count = int(gigabytes * (1 << 30) / len(unit))
    entry = repeated_entry(
        SHEET_PART, SHEET_HEAD + header_rows(), unit, count, SHEET_TAIL, declared=MB // 4
    )
    return workbook_with(folder / "lying-bomb.xlsx", xl__worksheets__sheet1__xml=entry)


def xlsx_huge_cell(folder: Path, gigabytes: float = 1.1) -> Path:
    """One shared string of more than a gigabyte, the one cell of row 2 that uses it."""
    count = int(gigabytes * (1 << 30) / MB)
    strings = repeated_entry(
        STRINGS_PART, STRINGS_HEAD + b"<si><t>", b"a" * MB, count, b"</t></si></sst>"
    )
    return _with_shared_strings(folder / "huge-cell.xlsx", strings, b"0")


def xlsx_ratio_bomb(folder: Path) -> Path:
    """A sheet of 40 MB (under the size cap) that compresses a thousandfold."""
    entry = repeated_entry(SHEET_PART, SHEET_HEAD + header_rows(), b" " * MB, 40, SHEET_TAIL)
    return workbook_with(folder / "ratio-bomb.xlsx", xl__worksheets__sheet1__xml=entry)


def xlsx_many_parts(folder: Path, count: int = 1_001) -> Path:
    """A workbook with more parts than any real one (each tiny)."""
    parts = workbook_parts()
    entries = [plain_entry(name, data) for name, data in parts.items()]
    entries += [plain_entry(f"xl/media/x{i}.bin", b"x") for i in range(count)]
    return write_zip(folder / "many-parts.xlsx", entries)


def xlsx_many_strings(folder: Path, count: int = 200_001) -> Path:
    """Shared strings of ``count`` texts (3 MB, well under the size cap)."""
    strings = repeated_entry(STRINGS_PART, STRINGS_HEAD, b"<si><t>a</t></si>", count, b"</sst>")
    return _with_shared_strings(folder / "many-strings.xlsx", strings, b"0")


def _with_shared_strings(path: Path, strings: Entry, index: bytes) -> Path:
    """A workbook whose row 2 is one cell pointing at shared string ``index``."""
    sheet = plain_entry(
        SHEET_PART,
        SHEET_HEAD
        + row_xml(1, *HEADERS)
        + b'<row r="2"><c r="A2" t="s"><v>'
        + index
        + b"</v></c></row>"
        + SHEET_TAIL,
    )
    parts = workbook_parts()
    types = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    entries = [
        plain_entry("[Content_Types].xml", types),
        plain_entry("xl/_rels/workbook.xml.rels", rels),
        sheet,
        strings,
    ]
    skip = {"[Content_Types].xml", "xl/_rels/workbook.xml.rels", SHEET_PART}
    entries += [plain_entry(n, d) for n, d in parts.items() if n not in skip]
    return write_zip(path, entries)


def xlsx_many_cells(folder: Path, rows: int = 10_000) -> Path:
    """``rows`` rows of 200 cells: every row and column within its cap, 2,000,000 cells."""
    header = b"<row>" + b"".join(
        b'<c t="inlineStr"><is><t>%s</t></is></c>' % text.encode()
        for text in [*HEADERS, *(f"Cột {i}" for i in range(197))]
    )
    row = b'<row><c t="inlineStr"><is><t>1.000001</t></is></c>' + b"<c><v>1</v></c>" * 199
    entry = repeated_entry(
        SHEET_PART, SHEET_HEAD + header + b"</row>", row + b"</row>", rows, SHEET_TAIL
    )
    return workbook_with(folder / "many-cells.xlsx", xl__worksheets__sheet1__xml=entry)


def xlsx_long_cell(folder: Path, chars: int = 40_000) -> Path:
    """A cell longer than Excel can hold (32,767), in a sheet of honest size."""
    sheet = SHEET_HEAD + row_xml(1, *HEADERS) + row_xml(2, ROW[0], "x " * (chars // 2), ROW[2])
    return workbook_with(
        folder / "long-cell.xlsx",
        xl__worksheets__sheet1__xml=plain_entry(SHEET_PART, sheet + SHEET_TAIL),
    )


def xlsx_wide_row(folder: Path) -> Path:
    """A row whose last cell is in column XFD (16,384): openpyxl would pad it."""
    sheet = SHEET_HEAD + header_rows() + b'<row r="3"><c r="XFD3"><v>1</v></c></row>'
    return workbook_with(
        folder / "wide-row.xlsx",
        xl__worksheets__sheet1__xml=plain_entry(SHEET_PART, sheet + SHEET_TAIL),
    )


def xlsx_far_row(folder: Path) -> Path:
    """A row numbered 1,048,576: openpyxl would yield every row before it."""
    sheet = SHEET_HEAD + header_rows() + row_xml(1048576, "9.999999", "Xa", "Hộ tịch")
    return workbook_with(
        folder / "far-row.xlsx",
        xl__worksheets__sheet1__xml=plain_entry(SHEET_PART, sheet + SHEET_TAIL),
    )


def xlsx_false_dimension(folder: Path) -> Path:
    """Two real rows under a <dimension> claiming the whole sheet (A1:XFD1048576)."""
    sheet = SHEET_HEAD.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
    sheet += header_rows() + SHEET_TAIL
    return workbook_with(
        folder / "false-dimension.xlsx",
        xl__worksheets__sheet1__xml=plain_entry(SHEET_PART, sheet),
    )


def xlsx_entities(folder: Path) -> Path:
    """'Billion laughs': entities that expand to gigabytes, in the sheet."""
    entities = [b'<!ENTITY a0 "' + b"ha" * 50 + b'">']
    for level in range(1, 10):
        entities.append(b'<!ENTITY a%d "%s">' % (level, b"&a%d;" % (level - 1) * 10))
    doctype = b"<!DOCTYPE worksheet [" + b"".join(entities) + b"]>"
    head = SHEET_HEAD.replace(b"\n<worksheet", b"\n" + doctype + b"<worksheet")
    sheet = head + header_rows() + row_xml(3, "1.000001", "&a9;", "x") + SHEET_TAIL
    return workbook_with(
        folder / "entities.xlsx", xl__worksheets__sheet1__xml=plain_entry(SHEET_PART, sheet)
    )


def csv_rows(folder: Path, count: int = 200_000) -> Path:
    """A CSV of ``count`` short procedures."""
    path = folder / f"rows-{count}.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for index in range(count):
            writer.writerow([f"9.{index:06d}", f"Thủ tục số {index}", "Hộ tịch"])
    return path


def csv_long_field(folder: Path, chars: int = 1_000_000) -> Path:
    """A CSV whose third row has a quoted cell of ``chars`` characters."""
    path = folder / "long-field.csv"
    long_cell = "dài " * (chars // 4)
    lines = [";".join(HEADERS), ";".join(ROW), f'1.000002;"{long_cell}";x']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def json_long_name(folder: Path, megabytes: int = 10) -> Path:
    """A procedure whose name is one 10 MB word."""
    path = folder / "long-name.json"
    records = [{"code": "1.001193", "name": "a" * (megabytes * MB), "field": "Hộ tịch"}]
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def json_deep(folder: Path, depth: int = 100_000) -> Path:
    path = folder / "deep.json"
    path.write_text("[" * depth + "]" * depth, encoding="utf-8")
    return path


def json_huge_number(folder: Path) -> Path:
    path = folder / "huge-number.json"
    path.write_text('[{"code": "1.1", "name": ' + "9" * 100_000 + ', "field": "x"}]')
    return path


def json_zero_width_name(folder: Path) -> Path:
    path = folder / "zero-width.json"
    records = [{"code": "1.001193", "name": "\u200b\u200c\u200d\ufeff", "field": "Hộ tịch"}]
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


ATTACKS: dict[str, Callable[[Path], Path]] = {
    "XLSX sheet inflating to 1.2 GB": xlsx_sheet_bomb,
    "XLSX sheet inflating to 1.2 GB, declaring 256 KB": xlsx_lying_bomb,
    "XLSX with a 1.1 GB cell (shared string)": xlsx_huge_cell,
    "XLSX sheet of 40 MB compressing a thousandfold": xlsx_ratio_bomb,
    "XLSX of 1,001 parts": xlsx_many_parts,
    "XLSX of 200,001 shared strings": xlsx_many_strings,
    "XLSX of 10,000 rows of 200 cells": xlsx_many_cells,
    "XLSX cell of 40,000 characters": xlsx_long_cell,
    "XLSX row reaching column XFD": xlsx_wide_row,
    "XLSX row numbered 1,048,576": xlsx_far_row,
    "XLSX claiming A1:XFD1048576 (2 real rows)": xlsx_false_dimension,
    "XLSX with nested entities (billion laughs)": xlsx_entities,
    "CSV of 200,000 rows": csv_rows,
    "CSV with a 1,000,000-character field": csv_long_field,
    "JSON with a 10 MB name": json_long_name,
    "JSON nested 100,000 deep": json_deep,
    "JSON with a 100,000-digit number": json_huge_number,
    "JSON name of zero-width characters": json_zero_width_name,
}


# --- running an attack bounded --------------------------------------------------------------

MEMORY_LIMIT_MB = 1536
CPU_LIMIT_S = 30


def limited(memory_mb: int = MEMORY_LIMIT_MB, cpu_s: int = CPU_LIMIT_S) -> Callable[[], None]:
    """A preexec_fn: the child gets at most ``memory_mb`` of address space and ``cpu_s`` of
    CPU, so an importer that regresses fails (MemoryError, SIGXCPU) instead of swamping the
    machine."""

    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))

    return apply


def run_limited(
    args: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limited(),
    )
