"""Checking a procedure file whole, then storing it in one write.

Every row is checked before the store is touched: every problem is listed with its row and
column, and one bad row rejects the file (``skip_bad_rows`` imports the good rows and still
reports the bad ones). The changes are worked out against a snapshot of the store, by code,
without holding its lock; the lock is then held only to write them all at once (and to work
them out again if another writer changed the store in between).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from village import text as texts
from village.procedures import cells
from village.procedures.columns import COLUMN_BY_KEY, COLUMNS, Column, parse_status
from village.procedures.limits import DEFAULT_LIMITS, ImportLimits
from village.procedures.problems import Problem, ProcedureImportError
from village.procedures.readers import Table, read_table
from village.procedures.record import CODE_RE, Procedure, procedures_of
from village.store import ContentStore, utc_now_iso

_URL = re.compile(r"^https?://\S+$")


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]  # keys of Procedure that the row gave
    explicit_status: bool
    explicit_date: bool


@dataclass
class ParsedFile:
    table: Table
    rows: list[ParsedRow]
    problems: list[Problem]
    ignored_columns: list[str]


def _map_columns(table: Table) -> tuple[dict[str, str], list[str], list[Problem]]:
    """{key: header in the file}, headers not used, and file-level problems."""
    from village.procedures.columns import column_for_header

    mapping: dict[str, str] = {}
    ignored = []
    problems = []
    for header in table.headers:
        column = column_for_header(header)
        if column is None:
            ignored.append(header)
        elif column.key in mapping:
            problems.append(Problem(0, header, "duplicate_column", mapping[column.key]))
        else:
            mapping[column.key] = header
    for column in COLUMNS:
        if column.required and column.key not in mapping:
            problems.append(Problem(0, column.header, "missing_column"))
    return mapping, ignored, problems


class _RowChecker:
    """The problems of one row, cell by cell."""

    def __init__(self, number: int, limits: ImportLimits) -> None:
        self.number = number
        self.limits = limits
        self.problems: list[Problem] = []
        self.chars = 0

    def add(
        self, header: str, kind: str, value: str = "", *, other: int = 0, limit: int = 0
    ) -> None:
        self.problems.append(Problem(self.number, header, kind, value, other, limit))

    def text(self, header: str, column: Column, value: str, item: int = 0) -> bool:
        """Length and longest word of a cleaned text; False (and a problem) when too long."""
        self.chars += len(value)
        if len(value) > column.max_chars:
            if item:
                kind, other = "item_too_long", item
            else:
                kind, other = "text_too_long", 0
            self.add(header, kind, str(len(value)), other=other, limit=column.max_chars)
            return False
        if column.kind in ("text", "list"):
            word = texts.word_longer_than(value, self.limits.word_chars)
            if word:
                self.add(header, "long_word", word[:20], limit=self.limits.word_chars)
                return False
        return True

    def code(self, header: str, raw: Any) -> str:
        hidden = texts.first_invisible(str(raw)) if isinstance(raw, str) else None
        code = cells.code_text(raw)
        if hidden:
            self.add(header, "invisible_in_code", texts.describe_char(hidden))
        elif not CODE_RE.match(code):
            self.add(header, "bad_code", code[:80])
        return code

    def value(self, header: str, column: Column, raw: Any) -> Any:
        """The stored value of one non-empty cell, or None after recording a problem."""
        kind = column.kind
        if kind == "code":
            return self.code(header, raw)
        if kind == "list":
            items = cells.split_items(raw)
            if len(items) > self.limits.items:
                self.add(header, "too_many_items", limit=self.limits.items)
                return None
            ok = [self.text(header, column, item, n) for n, item in enumerate(items, 1)]
            return items if all(ok) else None
        text = cells.clean_text(raw)
        if not text:
            return None
        if not self.text(header, column, text):
            return None
        if kind == "date":
            date = cells.parse_date(raw)
            if date is None:
                self.add(header, "bad_date", text)
            return date
        if kind == "status":
            status = parse_status(text)
            if status is None:
                self.add(header, "bad_status", text)
            return status
        if kind == "url" and not _URL.match(text):
            self.add(header, "bad_url", text[:200])
        return text


def _parse_row(
    number: int, row: dict[str, Any], mapping: dict[str, str], limits: ImportLimits
) -> ParsedRow | list[Problem]:
    if "" in row and len(row) == 1 and not isinstance(row[""], dict):
        return [Problem(number, "", "not_object")]
    check = _RowChecker(number, limits)
    values: dict[str, Any] = {}
    for key, header in mapping.items():
        column = COLUMN_BY_KEY[key]
        raw = row.get(header)
        if cells.is_empty(raw):
            if column.required:
                check.add(header, "empty")
            continue
        wrong = cells.wrong_type(raw, column.kind == "list")
        if wrong:
            check.add(header, "bad_value", wrong)
            continue
        if cells.raw_length(raw) > limits.cell_chars:
            check.add(header, "cell_too_long", limit=limits.cell_chars)
            continue
        value = check.value(header, column, raw)
        if value is None or value == ():
            if column.required and not any(p.column == header for p in check.problems):
                check.add(header, "invisible_only")
            continue
        values[key] = value
    if check.chars > limits.record_chars and not check.problems:
        check.add("", "record_too_long", str(check.chars), limit=limits.record_chars)
    if check.problems:
        return check.problems
    return ParsedRow(number, values, "status" in values, "effective_date" in values)


def _duplicate_codes(table: Table, code_header: str) -> tuple[list[Problem], set[int]]:
    """Every row with a code another row has too (which one is right is unknown)."""
    first_row: dict[str, int] = {}
    problems: list[Problem] = []
    duplicated: set[int] = set()
    for number, row in table.rows:
        raw = row.get(code_header)
        if cells.is_empty(raw) or not isinstance(raw, str | int | float):
            continue
        code = cells.code_text(raw)
        if code not in first_row:
            first_row[code] = number
            continue
        first = first_row[code]
        problems.append(Problem(number, code_header, "duplicate_code", code, first))
        if first not in duplicated:
            problems.append(Problem(first, code_header, "duplicate_code", code, number))
        duplicated.update({number, first})
    return problems, duplicated


def parse_file(path: str | Path, limits: ImportLimits = DEFAULT_LIMITS) -> ParsedFile:
    """Read and check a procedure file; file-level problems raise, row problems are listed."""
    path = Path(path)
    table = read_table(path, limits)
    mapping, ignored, problems = _map_columns(table)
    if problems:
        raise ProcedureImportError(path, problems, table.record_word)
    if not table.rows:
        raise ProcedureImportError(path, [Problem(0, "", "no_rows")], table.record_word)
    parsed: list[ParsedRow] = []
    for number, row in table.rows:
        result = _parse_row(number, row, mapping, limits)
        if isinstance(result, list):
            problems.extend(result)
        else:
            parsed.append(result)
    duplicates, duplicated = _duplicate_codes(table, mapping["code"])
    problems.extend(duplicates)
    parsed = [p for p in parsed if p.row not in duplicated]
    order = {header: index for index, header in enumerate(table.headers)}
    problems.sort(key=lambda p: (p.row, order.get(p.column, -1)))
    table.rows = []  # the cells as read are no longer needed: the parsed rows hold the values
    return ParsedFile(table, parsed, problems, ignored)


# --- import -------------------------------------------------------------------------------


@dataclass
class ImportReport:
    file: str
    added: list[str] = field(default_factory=list)
    amended: list[str] = field(default_factory=list)
    status_changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # bad rows left out (skip_bad_rows)
    ignored_columns: list[str] = field(default_factory=list)
    record_word: str = "row"

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.amended) + len(self.status_changed)


def _merge(
    parsed: ParsedRow, old: Procedure | None, today: str, now: str
) -> tuple[str, Procedure | None]:
    """('added' | 'amended' | 'status_changed' | 'unchanged', the record to store)."""
    values = dict(parsed.values)
    status = values.pop("status", None)
    date = values.pop("effective_date", None)
    fresh = Procedure(**values)
    if old is None:
        status = status or "current"
        if not date and status != "current":
            date = today
        return "added", dataclasses.replace(
            fresh, status=status, effective_date=date or "", updated=now
        )
    if fresh.content() != old.content():
        return "amended", dataclasses.replace(
            fresh, status=status or "amended", effective_date=date or today, updated=now
        )
    new_status = status or old.status
    new_date = date or (today if new_status != old.status else old.effective_date)
    if (new_status, new_date) == (old.status, old.effective_date):
        return "unchanged", None
    return "status_changed", dataclasses.replace(
        old, status=new_status, effective_date=new_date, updated=now
    )


@dataclass
class _Changes:
    outcomes: list[tuple[str, str]]  # (code, outcome) in the file's order
    records: list[dict[str, Any]]  # what to write

    @classmethod
    def against(
        cls, rows: list[ParsedRow], stored: dict[str, dict[str, Any]], today: str, now: str
    ) -> _Changes:
        outcomes, records = [], []
        for row in rows:
            code = row.values["code"]
            current = stored.get(code)
            outcome, record = _merge(
                row, Procedure.from_dict(current) if current else None, today, now
            )
            outcomes.append((code, outcome))
            if record is not None:
                records.append(record.to_dict())
        return cls(outcomes, records)


def import_procedures(
    store: ContentStore,
    path: str | Path,
    *,
    skip_bad_rows: bool = False,
    today: dt.date | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportReport:
    """Check ``path`` and store its procedures; raises ProcedureImportError and changes
    nothing when a row is bad (unless ``skip_bad_rows``)."""
    path = Path(path)
    parsed = parse_file(path, limits)
    word = parsed.table.record_word
    if parsed.problems and (not skip_bad_rows or not parsed.rows):
        raise ProcedureImportError(path, parsed.problems, word)
    report = ImportReport(
        str(path), skipped=parsed.problems, ignored_columns=parsed.ignored_columns, record_word=word
    )
    day = (today or dt.date.today()).isoformat()
    now = utc_now_iso()
    snapshot = store.snapshot()
    changes = _Changes.against(parsed.rows, snapshot.procedures, day, now)
    if changes.records:
        with store.transaction() as tables:
            if tables.meta().get("revision", 0) != snapshot.revision:  # written meanwhile
                current = {r["code"]: r for r in tables.all("procedures")}
                changes = _Changes.against(parsed.rows, current, day, now)
            tables.put_many("procedures", changes.records, key="code")
    for code, outcome in changes.outcomes:
        getattr(report, outcome).append(code)
    return report  # nothing to write: the store's revision stays as it is


def load_procedures(store: ContentStore) -> dict[str, Procedure]:
    return procedures_of(store.snapshot().procedures)
