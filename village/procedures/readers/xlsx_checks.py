"""What an XLSX may cost, checked before openpyxl opens it.

An XLSX is a zip of XML parts. Before anything is unpacked, the zip's own directory is read
(its end record first: how many parts, how long the directory) and every part's declared
size and compression ratio are checked against the caps; Python's zipfile never unpacks more
than a part declares, so a part that lies about its size ends in a damaged-file error, not in
a bigger one. Then every XML part is streamed once through expat, holding nothing: elements
and nesting counted, no DTD or entity (Excel never writes one), and for worksheets the rows,
the columns of each row (as openpyxl would pad them) and the text of each cell; for the
shared strings (which openpyxl reads whole) their number and length. Only then does openpyxl
read the workbook, row by row.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from xml.etree import ElementTree
from xml.parsers import expat

from village.procedures.limits import ImportLimits
from village.procedures.problems import Problem, ProcedureImportError, refuse

MB = 1 << 20
RATIO_FLOOR = MB  # parts smaller than this may compress as well as they like
MAX_DEPTH = 64  # Excel's XML nests a dozen levels at most
MAX_CHILDREN = 100_000  # children of one element (Excel keeps at most 64,000 cell styles)
CHUNK = 1 << 20
END_RECORD = b"PK\x05\x06"
END_RECORD_SIZE = 22
NS_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d{1,7})$")
_ROW_REF = re.compile(r"\d{1,7}$")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def check_directory(path: Path, limits: ImportLimits) -> None:
    """The zip's end record: how many parts and how long a directory, before zipfile reads it."""
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - END_RECORD_SIZE - 0xFFFF))
        tail = handle.read()
    at = tail.rfind(END_RECORD)
    if at < 0 or len(tail) - at < END_RECORD_SIZE:
        raise refuse(path, "xlsx_corrupt", "not a zip archive")
    _, _, _, _, parts, directory_size, _, _ = struct.unpack(
        "<4sHHHHIIH", tail[at : at + END_RECORD_SIZE]
    )
    # 0xFFFF parts means a zip64 archive: more than 65,535 parts, far over the cap
    if parts > limits.xlsx_parts or directory_size > limits.xlsx_parts * 1024:
        raise refuse(path, "xlsx_parts", limit=limits.xlsx_parts)


def _content_types(path: Path, archive: zipfile.ZipFile, limits: ImportLimits) -> dict[str, str]:
    """{part name: content type} as [Content_Types].xml declares them (overrides only)."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return {}
    if info.file_size > limits.xlsx_part_bytes:
        raise refuse(path, "xlsx_too_big", info.filename, limit=limits.xlsx_part_bytes // MB)
    scan_xml(path, archive, info.filename, PartRules(limits))
    try:
        root = ElementTree.fromstring(archive.read(info))
    except ElementTree.ParseError as exc:
        raise refuse(path, "xlsx_corrupt", f"{info.filename}: {exc}") from exc
    return {
        str(item.get("PartName", "")).lstrip("/"): str(item.get("ContentType", ""))
        for item in root.iter(f"{NS_TYPES}Override")
    }


def check_parts(path: Path, archive: zipfile.ZipFile, limits: ImportLimits) -> dict[str, str]:
    """Declared sizes and ratios of every part; returns {part: 'sheet' | 'strings' | 'other'}."""
    types = _content_types(path, archive, limits)
    kinds: dict[str, str] = {}
    total = 0
    for info in archive.infolist():
        kind = {SHEET_TYPE: "sheet", STRINGS_TYPE: "strings"}.get(types.get(info.filename, ""))
        kind = kind or "other"
        cap = {
            "sheet": limits.xlsx_sheet_bytes,
            "strings": limits.xlsx_strings_bytes,
            "other": limits.xlsx_part_bytes,
        }[kind]
        if info.file_size > cap:
            raise refuse(path, "xlsx_too_big", info.filename, limit=cap // MB)
        if info.file_size > RATIO_FLOOR and info.file_size > limits.xlsx_ratio * max(
            info.compress_size, 1
        ):
            raise refuse(path, "xlsx_bomb", info.filename, limit=limits.xlsx_ratio)
        total += info.file_size
        if total > limits.xlsx_bytes:
            raise refuse(path, "xlsx_too_big", "(all parts)", limit=limits.xlsx_bytes // MB)
        kinds[info.filename] = kind
    return kinds


# --- streaming the XML ----------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


@dataclass
class PartRules:
    """What one XML part may hold, and the counts so far while it streams.

    Any part: elements, nesting, children of one element, text of one element. A worksheet:
    rows (counted and numbered), columns (as the cell references number them, since openpyxl
    pads a row up to its last cell) and the text of each cell. Shared strings: how many, and
    the text of each."""

    limits: ImportLimits
    kind: str = "other"  # sheet | strings | other
    elements: int = 0
    text: int = 0  # characters of text in the current cell, shared string or element
    cell_depth: int = 0  # depth of the cell or shared string being read (0: none)
    rows: int = 0
    row: int = 0
    column: int = 0
    cells: int = 0  # as openpyxl pads them: each row up to its last cell
    children: list[int] = field(default_factory=lambda: [0])

    def fail(
        self, kind: str, *, limit: int = 0, row: int = 0, column: str = "", value: str = ""
    ) -> NoReturn:
        raise _Refused(Problem(row, column, kind, value, limit=limit))

    def _max_children(self) -> int:
        return self.limits.xlsx_strings if self.kind == "strings" else MAX_CHILDREN

    def start(self, name: str, attributes: dict[str, Any]) -> None:
        local = name.rpartition("}")[2]
        self.elements += 1
        self.children[-1] += 1
        self.children.append(0)
        if len(self.children) > MAX_DEPTH or self.elements > self.limits.xml_elements:
            self.fail("xlsx_unsafe", value="too many or too deeply nested elements")
        if self.children[-2] > self._max_children():
            if self.kind == "strings":
                self.fail("xlsx_strings", limit=self.limits.xlsx_strings)
            self.fail("xlsx_unsafe", value="an element with too many children")
        if self.kind == "sheet":
            self._sheet_element(local, attributes)
        elif self.kind == "strings" and local == "si":
            self._enter_cell()
        if not self.cell_depth:
            self.text = 0

    def _enter_cell(self) -> None:
        self.cell_depth = len(self.children)
        self.text = 0

    def _sheet_element(self, local: str, attributes: dict[str, Any]) -> None:
        if local == "row":
            self.rows += 1
            reference = str(attributes.get("r", ""))
            self.row = int(reference) if _ROW_REF.match(reference) else self.row + 1
            if self.rows > self.limits.sheet_rows or self.row > self.limits.sheet_rows:
                self.fail("too_many_rows", limit=self.limits.rows)
            self.column = 0
        elif local == "c":
            cell = _CELL_REF.match(str(attributes.get("r", "")))
            self.column = _column_number(cell.group(1)) if cell else self.column + 1
            if self.column > self.limits.columns:
                self.fail("too_many_columns", limit=self.limits.columns, row=self.row)
            self._enter_cell()

    def end(self, name: str) -> None:
        if len(self.children) == self.cell_depth:
            self.cell_depth = 0
        self.children.pop()
        if self.kind == "sheet" and name.rpartition("}")[2] == "row":
            self.cells += self.column
            if self.cells > self.limits.cells:
                self.fail("too_many_cells", limit=self.limits.cells)

    def characters(self, data: str) -> None:
        self.text += len(data)
        if self.text <= self.limits.cell_chars:
            return
        if self.kind == "sheet" and self.cell_depth:
            letters = _column_letters(self.column)
            self.fail("cell_too_long", limit=self.limits.cell_chars, row=self.row, column=letters)
        self.fail("cell_too_long", limit=self.limits.cell_chars)


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _no_declarations(*_: Any) -> NoReturn:
    raise _Refused(Problem(0, "", "xlsx_unsafe", "DOCTYPE/ENTITY"))


def scan_xml(path: Path, archive: zipfile.ZipFile, name: str, rules: PartRules) -> None:
    """Stream one XML part through expat with ``rules``; raises ProcedureImportError."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _no_declarations
    parser.EntityDeclHandler = _no_declarations
    parser.ExternalEntityRefHandler = _no_declarations
    parser.StartElementHandler = rules.start
    parser.EndElementHandler = rules.end
    parser.CharacterDataHandler = rules.characters
    try:
        with archive.open(name) as source:
            while block := source.read(CHUNK):
                parser.Parse(block, False)
            parser.Parse(b"", True)
    except _Refused as refused:
        raise ProcedureImportError(path, [refused.problem]) from None
    except expat.ExpatError as exc:
        raise refuse(path, "xlsx_corrupt", f"{name}: {exc}") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise refuse(path, "xlsx_corrupt", f"{name}: {exc}") from exc


def check_xml(
    path: Path, archive: zipfile.ZipFile, kinds: dict[str, str], limits: ImportLimits
) -> None:
    """Stream every XML part once (worksheets, shared strings and the rest)."""
    for name, kind in kinds.items():
        if kind == "other" and not _looks_like_xml(archive, name):
            continue  # images and binaries: read-only openpyxl never parses them
        scan_xml(path, archive, name, PartRules(limits, kind))


def _looks_like_xml(archive: zipfile.ZipFile, name: str) -> bool:
    """Whatever its name, a part that starts like XML is scanned as XML."""
    try:
        with archive.open(name) as source:
            head = source.read(64)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return True  # the scan will report it
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
