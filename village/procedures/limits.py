"""How much a procedure file may hold: checked before and while it is read, so a hostile or
broken file is refused before it costs memory or time.

A commune's list has a few hundred procedures, the national list of commune-level ones a few
thousand: 10,000 rows leave room for two or three times that, and an import at the caps
peaks at some 250 MB (docs/benchmarks.md), which a 1 GB Pi can spare beside the kiosk and
the controller. What no real list is gets refused early: a 200,000-row CSV by its size
before it is opened, or after its 10,000th row.
"""

from __future__ import annotations

from dataclasses import dataclass

from village.procedures.columns import CELL_CHARS

HEADER_ROWS = 10  # the header row is looked for among the first ten rows


@dataclass(frozen=True)
class ImportLimits:
    file_bytes: int = 32 << 20  # a CSV, JSON or XLSX file as stored
    rows: int = 10_000  # procedures: JSON records, rows under the header of a sheet or CSV
    columns: int = 200
    cells: int = 500_000  # of a sheet or CSV, as rows are padded to their last cell (50 a row)
    cell_chars: int = CELL_CHARS
    items: int = 200  # items of one list cell (steps, documents, ...)
    record_chars: int = 100_000  # all the text of one procedure
    word_chars: int = 64  # the longest Vietnamese syllable has 7 letters
    json_depth: int = 32
    # an XLSX is a zip of XML parts: what they may unpack to, checked on the zip's
    # directory before anything is unpacked
    xlsx_parts: int = 1_000
    xlsx_bytes: int = 128 << 20  # all parts together
    xlsx_sheet_bytes: int = 64 << 20  # one worksheet
    xlsx_strings_bytes: int = 32 << 20  # the shared strings (read whole by openpyxl)
    xlsx_strings: int = 200_000  # texts in the shared strings (10,000 rows of 20 texts)
    xlsx_part_bytes: int = 16 << 20  # any other part (styles, workbook, ...)
    xlsx_ratio: int = 100  # a part over 1 MB unpacking to more than this many times its size
    xml_elements: int = 10_000_000  # elements of one XML part

    @property
    def sheet_rows(self) -> int:
        """Rows a sheet or CSV may have in all: the procedures, the header and the title rows
        above it (among the first ten), blank rows counted."""
        return self.rows + HEADER_ROWS


DEFAULT_LIMITS = ImportLimits()
