"""Rows of cells as a reader found them, and the header row among them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from village.procedures.columns import column_for_header
from village.procedures.limits import HEADER_ROWS
from village.procedures.problems import refuse
from village.text import clean_line


@dataclass
class Table:
    """Rows of cells as read from a file: ``rows`` holds (row number, {header: value})."""

    kind: str  # csv | xlsx | json
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    header_row: int = 1

    @property
    def record_word(self) -> str:
        return "record" if self.kind == "json" else "row"


def recognised(cells: Iterable[Any]) -> int:
    """How many cells are headers of procedure columns."""
    return sum(1 for c in cells if isinstance(c, str) and column_for_header(c) is not None)


def _is_blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def table_from_rows(
    path: Path, kind: str, records: list[tuple[int, list[Any]]], max_rows: int
) -> Table:
    """Find the header row (the first of the first ten with known headers) and key the rest;
    more than ``max_rows`` rows under it are refused."""
    header_at = None
    for index, (_, cells) in enumerate(records[:HEADER_ROWS]):
        if recognised(cells) >= 2:
            header_at = index
            break
    if header_at is None:
        raise refuse(path, "no_header")
    header_number, header_cells = records[header_at]
    headers = [clean_line(str(c)) if c is not None else "" for c in header_cells]
    rows = []
    for number, cells in records[header_at + 1 :]:
        if _is_blank(cells):
            continue
        row = {h: cells[i] if i < len(cells) else None for i, h in enumerate(headers) if h}
        rows.append((number, row))
    if len(rows) > max_rows:
        raise refuse(path, "too_many_rows", limit=max_rows)
    return Table(kind, [h for h in headers if h], rows, header_number)
