"""Administrative procedures (thủ tục hành chính): the record and the importer.

A procedure file is CSV (UTF-8, with or without BOM, comma or semicolon), XLSX or JSON. Column
headers are accepted as the National Database on Administrative Procedures publishes them
(``Mã thủ tục``, ``Tên thủ tục``, …) or as the English keys of :class:`Procedure`; see
``COLUMNS`` and ``docs/kiosk.md``.

- ``record``: the :class:`Procedure` record;
- ``columns``: the column table (headers, kinds, longest text of each);
- ``limits``: what a file may hold (size, rows, columns, cells, words), checked as it is read;
- ``readers``: CSV, XLSX and JSON into rows of cells;
- ``cells``: one cell into a value (text cleaned, lists split, dates and codes read);
- ``problems``: what can be wrong, by row and column;
- ``importer``: the whole file checked, then stored in one write.
"""

from village.procedures.cells import clean_text, parse_date, split_items
from village.procedures.columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    Column,
    column_for_header,
    parse_status,
)
from village.procedures.importer import (
    ImportReport,
    ParsedFile,
    ParsedRow,
    import_procedures,
    load_procedures,
    parse_file,
)
from village.procedures.limits import DEFAULT_LIMITS, ImportLimits
from village.procedures.problems import PROBLEM_TEXTS, Problem, ProcedureImportError
from village.procedures.readers import Table, read_table
from village.procedures.record import (
    CODE_RE,
    IN_FORCE,
    LIST_KEYS,
    STATUSES,
    Procedure,
    procedures_of,
)
from village.text import fold, fold_key

__all__ = [
    "CODE_RE",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "DEFAULT_LIMITS",
    "IN_FORCE",
    "LIST_KEYS",
    "PROBLEM_TEXTS",
    "STATUSES",
    "Column",
    "ImportLimits",
    "ImportReport",
    "ParsedFile",
    "ParsedRow",
    "Problem",
    "ProcedureImportError",
    "Procedure",
    "Table",
    "clean_text",
    "column_for_header",
    "fold",
    "fold_key",
    "import_procedures",
    "load_procedures",
    "parse_date",
    "parse_file",
    "parse_status",
    "procedures_of",
    "read_table",
    "split_items",
]
