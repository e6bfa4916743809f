"""What can be wrong with a procedure file, by row and column, and the error that lists it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from village.errors import VillageError

# English texts for logs and exceptions; the kiosk's catalogue has the Vietnamese ones.
PROBLEM_TEXTS = {
    "file_type": "unsupported file type {value!r}: use .csv, .xlsx or .json",
    "file_unreadable": "cannot read the file: {value}",
    "file_too_big": "the file is {value} MB, more than the {limit} MB a procedure list needs",
    "too_many_rows": "more than {limit} rows: a procedure list is never this long",
    "too_many_columns": "more than {limit} columns",
    "too_many_cells": "more than {limit} cells",
    "xls": "old Excel format (.xls): save it as an Excel workbook (.xlsx)",
    "xlsx_corrupt": "not a readable Excel workbook (.xlsx): {value}",
    "xlsx_too_big": "part {value} of the workbook unpacks to more than {limit} MB",
    "xlsx_bomb": "part {value} of the workbook unpacks more than {limit} times its size",
    "xlsx_parts": "the workbook has more than {limit} parts",
    "xlsx_strings": "the workbook holds more than {limit} different texts",
    "xlsx_unsafe": "the workbook holds XML declarations Excel never writes ({value})",
    "zip_as_csv": "this is an Excel workbook, not CSV text: name it .xlsx",
    "utf16": "the text is UTF-16: save it as 'CSV UTF-8'",
    "encoding": "not UTF-8 text ({value}): save it as 'CSV UTF-8'",
    "json_syntax": "not valid JSON: {value}",
    "json_number": "a number of more than 4,300 digits",
    "json_shape": 'JSON must be a list of procedures (or {{"procedures": [...]}})',
    "json_depth": "JSON nested deeper than {limit} levels",
    "no_header": "no header row with the procedure columns found",
    "missing_column": "required column missing",
    "duplicate_column": "column given twice (also {value!r})",
    "no_rows": "the file has no procedures",
    "not_object": "not an object",
    "empty": "required cell is empty",
    "invisible_only": "the cell holds only invisible characters",
    "invisible_in_code": "the code holds an invisible character ({value})",
    "bad_code": "not a procedure code: {value!r}",
    "duplicate_code": "code {value} appears more than once (also row {other})",
    "bad_date": "not a date: {value!r} (use YYYY-MM-DD or DD/MM/YYYY)",
    "bad_status": "unknown status {value!r} (new, amended, replaced, abolished, current)",
    "bad_url": "not a web address: {value!r} (must start with http:// or https://)",
    "bad_value": "must be text or a list of texts, not {value}",
    "cell_too_long": "a cell is longer than {limit} characters",
    "text_too_long": "the text has {value} characters, more than {limit}",
    "item_too_long": "item {other} has {value} characters, more than {limit}",
    "too_many_items": "more than {limit} items",
    "record_too_long": "the procedure has {value} characters in all, more than {limit}",
    "long_word": "a word of more than {limit} letters ({value}…): no real text has one",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: ``row`` 0 means the whole file; ``column`` as in the file.

    ``limit`` is the cap a file went over (rows, characters, MB), for the message."""

    row: int
    column: str
    kind: str
    value: str = ""
    other: int = 0
    limit: int = 0

    @property
    def text(self) -> str:
        return PROBLEM_TEXTS[self.kind].format(
            value=self.value, other=self.other, limit=f"{self.limit:,}"
        )

    def describe(self, record_word: str = "row") -> str:
        where = f"{record_word} {self.row}" if self.row else "file"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.text}"

    def __str__(self) -> str:
        return self.describe()


class ProcedureImportError(VillageError):
    """A procedure file was rejected; ``problems`` lists every reason. Nothing changed."""

    exit_code = 2

    def __init__(self, path: str | Path, problems: list[Problem], record_word: str = "row"):
        self.path = str(path)
        self.problems = problems
        self.record_word = record_word
        lines = [p.describe(record_word) for p in problems]
        super().__init__(
            f"{Path(path).name}: rejected, nothing changed; {len(problems)} problem(s):\n  "
            + "\n  ".join(lines)
        )


def refuse(path: str | Path, kind: str, value: str = "", *, limit: int = 0) -> ProcedureImportError:
    """The error for one problem with the whole file."""
    return ProcedureImportError(path, [Problem(0, "", kind, value, limit=limit)])
