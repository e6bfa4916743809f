"""XLSX: the first sheet with a header row, read row by row (openpyxl's read-only mode)
once ``xlsx_checks`` has bounded what the workbook can cost."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from village.procedures.limits import ImportLimits
from village.procedures.problems import Problem, ProcedureImportError, refuse
from village.procedures.readers import xlsx_checks
from village.procedures.readers.table import Table, table_from_rows


def _check(path: Path, limits: ImportLimits) -> None:
    xlsx_checks.check_directory(path, limits)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise refuse(path, "xlsx_corrupt", str(exc)) from exc
    with archive:
        kinds = xlsx_checks.check_parts(path, archive, limits)
        xlsx_checks.check_xml(path, archive, kinds, limits)


def _sheet_rows(path: Path, sheet: Any, limits: ImportLimits) -> list[tuple[int, list[Any]]]:
    sheet.reset_dimensions()  # a <dimension> claiming XFD1048576 would pad every row
    records = []
    for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
        if number > limits.sheet_rows:
            raise refuse(path, "too_many_rows", limit=limits.rows)
        if len(cells) > limits.columns:
            problem = Problem(number, "", "too_many_columns", limit=limits.columns)
            raise ProcedureImportError(path, [problem])
        records.append((number, list(cells)))
    return records


def read_xlsx(path: Path, limits: ImportLimits) -> Table:
    _check(path, limits)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise refuse(path, "xlsx_corrupt", str(exc)[:300]) from exc
    try:
        for sheet in workbook.worksheets:
            try:
                return table_from_rows(path, "xlsx", _sheet_rows(path, sheet, limits), limits.rows)
            except ProcedureImportError as exc:
                if [p.kind for p in exc.problems] != ["no_header"]:
                    raise
    except ProcedureImportError:
        raise
    except Exception as exc:
        raise refuse(path, "xlsx_corrupt", str(exc)[:300]) from exc
    finally:
        workbook.close()
    raise refuse(path, "no_header")
