"""Reading a procedure file (CSV, XLSX or JSON) into rows of cells keyed by its headers.

Every reader checks the file's size before it reads, and counts rows, columns and cell
lengths as it reads, so what a file claims never decides what it costs (``ImportLimits``).
"""

from __future__ import annotations

from pathlib import Path

from village.procedures.limits import DEFAULT_LIMITS, ImportLimits
from village.procedures.problems import refuse
from village.procedures.readers.table import Table, table_from_rows

__all__ = ["Table", "read_table", "table_from_rows"]

SUFFIXES = (".csv", ".xlsx", ".json", ".txt")


def _check_size(path: Path, limits: ImportLimits) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror
        raise refuse(path, "file_unreadable", reason or str(exc)) from exc
    if not path.is_file():
        raise refuse(path, "file_unreadable", "not a file")
    if size > limits.file_bytes:
        megabytes = f"{size / (1 << 20):.0f}"
        raise refuse(path, "file_too_big", megabytes, limit=limits.file_bytes >> 20)


def read_table(path: str | Path, limits: ImportLimits = DEFAULT_LIMITS) -> Table:
    """Read a procedure file into rows keyed by the file's own headers."""
    from village.procedures.readers import csv_file, json_file, xlsx_file

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise refuse(path, "xls")
    if suffix not in SUFFIXES:
        raise refuse(path, "file_type", suffix or path.name)
    _check_size(path, limits)
    if suffix == ".xlsx":
        return xlsx_file.read_xlsx(path, limits)
    if suffix == ".json":
        return json_file.read_json(path, limits)
    return csv_file.read_csv(path, limits)
