"""CSV as office applications save it: UTF-8 with or without BOM, ``;``, ``,`` or tab.

The text is decoded and split into rows as it is read: what is held is the rows, never the
whole file as bytes and text besides. Rows, columns and cell lengths are counted on the way.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from village.procedures.limits import ImportLimits
from village.procedures.problems import Problem, ProcedureImportError, refuse
from village.procedures.readers.table import Table, recognised, table_from_rows

DELIMITERS = (";", ",", "\t")
CHUNK = 1 << 20


def _first_error(path: Path) -> str:
    """Where the first byte that is not UTF-8 is: 'byte N, line L'."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = lines = 0
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            pending = decoder.getstate()[0]  # the start of a character cut by the last block
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                data = pending + block
                line = lines + data[: exc.start].count(b"\n") + 1
                return f"byte {offset - len(pending) + exc.start + 1}, line {line}"
            offset += len(block)
            lines += block.count(b"\n")
    return "?"


def _delimiter(handle: io.TextIOBase, limits: ImportLimits) -> str:
    """The delimiter that makes the first non-blank line the most procedure headers."""
    first = ""
    for count, line in enumerate(handle, 1):
        if line.strip():
            first = line
            break
        if count > limits.sheet_rows:
            break
    handle.seek(0)

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return recognised(cells), len(cells)

    return max(DELIMITERS, key=score)


@contextlib.contextmanager
def _field_limit(chars: int) -> Iterator[None]:
    """csv's field size limit is one for the process: set it for one read, then put it back."""
    previous = csv.field_size_limit(chars)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _rows(path: Path, handle: io.TextIOBase, limits: ImportLimits) -> list[tuple[int, list[Any]]]:
    reader = csv.reader(handle, delimiter=_delimiter(handle, limits))
    records: list[tuple[int, list[Any]]] = []
    number = cells_read = 0
    try:
        with _field_limit(limits.cell_chars):
            for number, cells in enumerate(reader, 1):
                if number > limits.sheet_rows:
                    raise refuse(path, "too_many_rows", limit=limits.rows)
                if len(cells) > limits.columns:
                    raise ProcedureImportError(
                        path, [Problem(number, "", "too_many_columns", limit=limits.columns)]
                    )
                cells_read += len(cells)
                if cells_read > limits.cells:
                    raise refuse(path, "too_many_cells", limit=limits.cells)
                records.append((number, cells))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            problem = Problem(number + 1, "", "cell_too_long", limit=limits.cell_chars)
            raise ProcedureImportError(path, [problem]) from exc
        raise refuse(path, "file_unreadable", f"row {number + 1}: {exc}") from exc
    return records


def read_csv(path: Path, limits: ImportLimits) -> Table:
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK\x03\x04"):
        raise refuse(path, "zip_as_csv")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise refuse(path, "utf16")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            records = _rows(path, handle, limits)
    except UnicodeDecodeError as exc:
        raise refuse(path, "encoding", _first_error(path)) from exc
    except OSError as exc:
        raise refuse(path, "file_unreadable", exc.strerror or str(exc)) from exc
    return table_from_rows(path, "csv", records, limits.rows)
