"""Administrative procedures (thủ tục hành chính): the record and the importer.

A procedure file is CSV (UTF-8, with or without BOM, comma or semicolon), XLSX or JSON. Column
headers are accepted as the National Database on Administrative Procedures publishes them
(``Mã thủ tục``, ``Tên thủ tục``, …) or as the English keys of :class:`Procedure`; see
``COLUMNS`` and ``docs/kiosk.md``.

A file is checked whole before the store is touched: every problem is listed with its row
and column, and one bad row rejects the file (``skip_bad_rows`` imports the good rows and
still reports the bad ones). A re-import updates the procedures that changed and marks them
amended; unchanged ones are left alone.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from village.errors import VillageError
from village.store import ContentStore, utc_now_iso

# --- text folding -------------------------------------------------------------------------


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for codepoint in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(codepoint)
        bare = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if bare and bare != char:
            table[codepoint] = bare.lower()
    for codepoint in range(0x300, 0x370):  # combining marks (text typed in NFD)
        table[codepoint] = None
    for char in "đĐÐð":
        table[ord(char)] = "d"
    return table


_FOLD = _build_fold_table()


def fold(text: str) -> str:
    """Lower case without diacritics: 'Đăng ký KHAI SINH' -> 'dang ky khai sinh'."""
    return text.translate(_FOLD).lower()


def fold_key(text: str) -> str:
    """Folded words joined by single spaces, punctuation dropped (for matching headers)."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


# --- the record ---------------------------------------------------------------------------

STATUSES = ("new", "amended", "replaced", "abolished", "current")
IN_FORCE = frozenset({"new", "amended", "current"})
LIST_KEYS = ("steps", "channels", "documents", "legal_basis")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


@dataclass(frozen=True)
class Procedure:
    """One procedure as the National Database publishes it, plus its status in the commune."""

    code: str
    name: str
    field: str
    level: str = ""
    steps: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    time_limit: str = ""
    fees: str = ""
    legal_basis: tuple[str, ...] = ()
    agency: str = ""
    result: str = ""
    conditions: str = ""
    subjects: str = ""
    submit_place: str = ""
    online_url: str = ""
    status: str = "current"
    effective_date: str = ""  # YYYY-MM-DD
    updated: str = ""  # when the store last changed this record (UTC, ISO 8601)

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE

    def content(self) -> dict[str, Any]:
        """What the procedure says, without its status, date or bookkeeping."""
        data = self.to_dict()
        for key in ("status", "effective_date", "updated"):
            data.pop(key)
        return data

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in LIST_KEYS:
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Procedure:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        for key in LIST_KEYS:
            if key in values:
                values[key] = tuple(values[key] or ())
        return cls(**values)


def procedures_of(snapshot_procedures: dict[str, dict[str, Any]]) -> dict[str, Procedure]:
    """The store's procedure table as records (``Snapshot.procedures``)."""
    return {code: Procedure.from_dict(r) for code, r in snapshot_procedures.items()}


# --- columns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as the National Database publishes it (or ours, for the extra keys)
    required: bool = False
    kind: str = "text"  # text | list | date | status | url | code
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã thủ tục", True, "code", ("Mã TTHC", "Mã số TTHC", "Mã số")),
    Column("name", "Tên thủ tục", True, aliases=("Tên thủ tục hành chính", "Tên TTHC")),
    Column("field", "Lĩnh vực", True),
    Column("level", "Cấp thực hiện"),
    Column("steps", "Trình tự thực hiện", kind="list"),
    Column("channels", "Cách thức thực hiện", kind="list"),
    Column("documents", "Thành phần hồ sơ", kind="list", aliases=("Hồ sơ",)),
    Column("time_limit", "Thời hạn giải quyết"),
    Column("fees", "Phí, lệ phí", aliases=("Lệ phí", "Phí")),
    Column("legal_basis", "Căn cứ pháp lý", kind="list"),
    Column("agency", "Cơ quan thực hiện"),
    Column("result", "Kết quả thực hiện", aliases=("Kết quả",)),
    Column("conditions", "Yêu cầu, điều kiện", aliases=("Yêu cầu, điều kiện thực hiện",)),
    Column("subjects", "Đối tượng thực hiện"),
    Column(
        "submit_place",
        "Nơi tiếp nhận hồ sơ",
        aliases=("Địa điểm tiếp nhận hồ sơ", "Nơi nộp hồ sơ", "Địa điểm thực hiện"),
    ),
    Column(
        "online_url",
        "Dịch vụ công trực tuyến",
        kind="url",
        aliases=("Địa chỉ dịch vụ công trực tuyến", "Đường dẫn dịch vụ công trực tuyến"),
    ),
    Column("status", "Trạng thái", kind="status", aliases=("Tình trạng",)),
    Column("effective_date", "Ngày hiệu lực", kind="date", aliases=("Ngày có hiệu lực",)),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
_HEADER_INDEX: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.key, _column.key.replace("_", " "), _column.header, *_column.aliases):
        _HEADER_INDEX[fold_key(_name)] = _column

_STATUS_WORDS = {
    "new": ("new", "moi", "moi ban hanh", "ban hanh moi"),
    "amended": ("amended", "sua doi", "sua doi bo sung", "bo sung", "da sua doi"),
    "replaced": ("replaced", "thay the", "bi thay the", "duoc thay the", "da thay the"),
    "abolished": ("abolished", "bai bo", "da bai bo", "huy bo", "bi bai bo"),
    "current": ("current", "hien hanh", "dang hieu luc", "con hieu luc", "dang ap dung"),
}
_STATUS_INDEX = {word: status for status, words in _STATUS_WORDS.items() for word in words}


def column_for_header(header: str) -> Column | None:
    return _HEADER_INDEX.get(fold_key(header))


def parse_status(text: str) -> str | None:
    """'Sửa đổi, bổ sung' -> 'amended'; None when unknown."""
    return _STATUS_INDEX.get(fold_key(text))


# --- problems -----------------------------------------------------------------------------

# English texts for logs and exceptions; the kiosk's catalogue has the Vietnamese ones.
PROBLEM_TEXTS = {
    "file_type": "unsupported file type {value!r}: use .csv, .xlsx or .json",
    "file_unreadable": "cannot read the file: {value}",
    "xls": "old Excel format (.xls): save it as an Excel workbook (.xlsx)",
    "xlsx_corrupt": "not a readable Excel workbook (.xlsx): {value}",
    "zip_as_csv": "this is an Excel workbook, not CSV text: name it .xlsx",
    "utf16": "the text is UTF-16: save it as 'CSV UTF-8'",
    "encoding": "not UTF-8 text ({value}): save it as 'CSV UTF-8'",
    "json_syntax": "not valid JSON: {value}",
    "json_shape": 'JSON must be a list of procedures (or {{"procedures": [...]}})',
    "no_header": "no header row with the procedure columns found",
    "missing_column": "required column missing",
    "duplicate_column": "column given twice (also {value!r})",
    "no_rows": "the file has no procedures",
    "not_object": "not an object",
    "empty": "required cell is empty",
    "bad_code": "not a procedure code: {value!r}",
    "duplicate_code": "code {value} appears more than once (also row {other})",
    "bad_date": "not a date: {value!r} (use YYYY-MM-DD or DD/MM/YYYY)",
    "bad_status": "unknown status {value!r} (new, amended, replaced, abolished, current)",
    "bad_url": "not a web address: {value!r} (must start with http:// or https://)",
    "bad_value": "must be text or a list of texts, not {value}",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: ``row`` 0 means the whole file; ``column`` as in the file."""

    row: int
    column: str
    kind: str
    value: str = ""
    other: int = 0

    @property
    def text(self) -> str:
        return PROBLEM_TEXTS[self.kind].format(value=self.value, other=self.other)

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


# --- reading files ------------------------------------------------------------------------


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


def _recognised(cells: Iterable[Any]) -> int:
    return sum(1 for c in cells if isinstance(c, str) and column_for_header(c) is not None)


def _table_from_rows(path: Path, kind: str, records: list[tuple[int, list[Any]]]) -> Table:
    """Find the header row (the first of the first ten with known headers) and key the rest."""
    header_at = None
    for index, (_, cells) in enumerate(records[:10]):
        if _recognised(cells) >= 2:
            header_at = index
            break
    if header_at is None:
        raise ProcedureImportError(path, [Problem(0, "", "no_header")])
    header_number, header_cells = records[header_at]
    headers = [str(c).strip() if c is not None else "" for c in header_cells]
    rows = []
    for number, cells in records[header_at + 1 :]:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        row = {h: cells[i] if i < len(cells) else None for i, h in enumerate(headers) if h}
        rows.append((number, row))
    return Table(kind, [h for h in headers if h], rows, header_number)


def _read_csv(path: Path, raw: bytes) -> Table:
    if raw.startswith(b"PK\x03\x04"):
        raise ProcedureImportError(path, [Problem(0, "", "zip_as_csv")])
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ProcedureImportError(path, [Problem(0, "", "utf16")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProcedureImportError(
            path, [Problem(0, "", "encoding", f"byte {exc.start + 1}, line {line}")]
        ) from exc
    first = next((ln for ln in text.splitlines() if ln.strip()), "")

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return _recognised(cells), len(cells)

    delimiter = max((";", ",", "\t"), key=score)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [(number, list(cells)) for number, cells in enumerate(reader, 1)]
    except csv.Error as exc:
        raise ProcedureImportError(path, [Problem(0, "", "file_unreadable", str(exc))]) from exc
    return _table_from_rows(path, "csv", records)


def _read_xlsx(path: Path) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ProcedureImportError(path, [Problem(0, "", "xlsx_corrupt", str(exc))]) from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise ProcedureImportError(path, [Problem(0, "", "xlsx_corrupt", str(exc))]) from exc
    try:
        best: Table | None = None
        for sheet in workbook.worksheets:
            records = [
                (number, list(cells))
                for number, cells in enumerate(sheet.iter_rows(values_only=True), 1)
            ]
            try:
                table = _table_from_rows(path, "xlsx", records)
            except ProcedureImportError:
                continue
            best = table
            break
    except Exception as exc:  # noqa: BLE001
        raise ProcedureImportError(path, [Problem(0, "", "xlsx_corrupt", str(exc))]) from exc
    finally:
        workbook.close()
    if best is None:
        raise ProcedureImportError(path, [Problem(0, "", "no_header")])
    return best


def _read_json(path: Path, raw: bytes) -> Table:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ProcedureImportError(
            path, [Problem(0, "", "encoding", f"byte {exc.start + 1}")]
        ) from exc
    except json.JSONDecodeError as exc:
        detail = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise ProcedureImportError(path, [Problem(0, "", "json_syntax", detail)]) from exc
    if isinstance(data, dict) and isinstance(data.get("procedures"), list):
        data = data["procedures"]
    if not isinstance(data, list):
        raise ProcedureImportError(path, [Problem(0, "", "json_shape")])
    headers: list[str] = []
    rows = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict):
            rows.append((number, {"": item}))
            continue
        for key in item:
            if key not in headers:
                headers.append(key)
        rows.append((number, dict(item)))
    return Table("json", headers, rows, 0)


def read_table(path: str | Path) -> Table:
    """Read a procedure file into rows keyed by the file's own headers."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ProcedureImportError(path, [Problem(0, "", "xls")])
    if suffix not in (".csv", ".xlsx", ".json", ".txt"):
        raise ProcedureImportError(path, [Problem(0, "", "file_type", suffix or path.name)])
    if suffix == ".xlsx":
        if not path.is_file():
            raise ProcedureImportError(path, [Problem(0, "", "file_unreadable", "no such file")])
        return _read_xlsx(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProcedureImportError(
            path, [Problem(0, "", "file_unreadable", exc.strerror or str(exc))]
        ) from exc
    if suffix == ".json":
        return _read_json(path, raw)
    return _read_csv(path, raw)


# --- cells --------------------------------------------------------------------------------

_ITEM_MARKER = re.compile(
    r"^\s*(?:[-–—•●▪+*]\s*|bước\s*\d+\s*[:.)–-]\s*|\d{1,2}\s*[.)]\s+|[a-zđ]\)\s+)",
    re.IGNORECASE,
)
_STEP_MARKER = re.compile(r"(?=\bBước\s*\d+\s*[:.])", re.IGNORECASE)


def clean_text(value: Any) -> str:
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def split_items(value: Any) -> tuple[str, ...]:
    """A multi-item cell as a list: one item a line, or split on 'Bước n:' or ';'."""
    if isinstance(value, list | tuple):
        parts = [clean_text(v) for v in value if v is not None]
    else:
        text = clean_text(value)
        parts = text.split("\n") if text else []
        if len(parts) == 1:
            line = parts[0]
            if len(_STEP_MARKER.findall(line)) >= 2:
                parts = _STEP_MARKER.split(line)
            elif ";" in line:
                parts = line.split(";")
    items = []
    for part in parts:
        item = _ITEM_MARKER.sub("", part, count=1).strip().rstrip(";").strip()
        if item:
            items.append(item)
    return tuple(items)


def parse_date(value: Any) -> str | None:
    """'2024-07-01', '01/07/2024', '1-7-2024' or an Excel date -> '2024-07-01'; None if bad."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text).isoformat()
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
    return None


def _code_text(value: Any) -> str:
    if isinstance(value, float):
        # a spreadsheet turned 1.001193 into a number: codes have six digits after the dot
        return f"{value:.6f}"
    return clean_text(value)


# --- rows to records ----------------------------------------------------------------------


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


def _map_columns(path: Path, table: Table) -> tuple[dict[str, str], list[str], list[Problem]]:
    """{key: header in the file}, headers not used, and file-level problems."""
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


def _cell_is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not any(str(v).strip() for v in value if v is not None)
    return False


def _parse_row(number: int, row: dict[str, Any], mapping: dict[str, str]) -> ParsedRow | list:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    explicit_status = explicit_date = False
    if "" in row and len(row) == 1 and not isinstance(row[""], dict):
        return [Problem(number, "", "not_object")]
    for key, header in mapping.items():
        column = COLUMN_BY_KEY[key]
        raw = row.get(header)
        if _cell_is_empty(raw):
            if column.required:
                problems.append(Problem(number, header, "empty"))
            continue
        if isinstance(raw, dict) or (isinstance(raw, list | tuple) and column.kind != "list"):
            problems.append(Problem(number, header, "bad_value", type(raw).__name__))
            continue
        if column.kind == "code":
            code = _code_text(raw)
            if not CODE_RE.match(code):
                problems.append(Problem(number, header, "bad_code", code))
            values[key] = code
        elif column.kind == "list":
            values[key] = split_items(raw)
        elif column.kind == "date":
            date = parse_date(raw)
            if date is None:
                problems.append(Problem(number, header, "bad_date", clean_text(raw)))
            values[key] = date
            explicit_date = True
        elif column.kind == "status":
            status = parse_status(clean_text(raw))
            if status is None:
                problems.append(Problem(number, header, "bad_status", clean_text(raw)))
            values[key] = status
            explicit_status = True
        elif column.kind == "url":
            url = clean_text(raw)
            if not re.match(r"^https?://\S+$", url):
                problems.append(Problem(number, header, "bad_url", url))
            values[key] = url
        else:
            values[key] = clean_text(raw)
    if problems:
        return problems
    return ParsedRow(number, values, explicit_status, explicit_date)


def parse_file(path: str | Path) -> ParsedFile:
    """Read and check a procedure file; file-level problems raise, row problems are listed."""
    path = Path(path)
    table = read_table(path)
    mapping, ignored, problems = _map_columns(path, table)
    if problems:
        raise ProcedureImportError(path, problems, table.record_word)
    if not table.rows:
        raise ProcedureImportError(path, [Problem(0, "", "no_rows")], table.record_word)
    parsed: list[ParsedRow] = []
    for number, row in table.rows:
        result = _parse_row(number, row, mapping)
        if isinstance(result, list):
            problems.extend(result)
        else:
            parsed.append(result)
    # duplicate codes: every row with a shared code is bad (which one is right is unknown)
    first_row: dict[str, int] = {}
    duplicated: set[int] = set()
    code_header = mapping["code"]
    for number, row in table.rows:
        raw = row.get(code_header)
        if _cell_is_empty(raw) or not isinstance(raw, str | int | float):
            continue
        code = _code_text(raw)
        if code in first_row:
            problems.append(Problem(number, code_header, "duplicate_code", code, first_row[code]))
            if first_row[code] not in duplicated:
                problems.append(
                    Problem(first_row[code], code_header, "duplicate_code", code, number)
                )
            duplicated.update({number, first_row[code]})
        else:
            first_row[code] = number
    parsed = [p for p in parsed if p.row not in duplicated]
    order = {header: index for index, header in enumerate(table.headers)}
    problems.sort(key=lambda p: (p.row, order.get(p.column, -1)))
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


def _stored(procedures: dict[str, dict[str, Any]], row: ParsedRow) -> Procedure | None:
    record = procedures.get(row.values["code"])
    return Procedure.from_dict(record) if record else None


def import_procedures(
    store: ContentStore,
    path: str | Path,
    *,
    skip_bad_rows: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Check ``path`` and store its procedures; raises ProcedureImportError and changes
    nothing when a row is bad (unless ``skip_bad_rows``)."""
    path = Path(path)
    parsed = parse_file(path)
    word = parsed.table.record_word
    if parsed.problems and (not skip_bad_rows or not parsed.rows):
        raise ProcedureImportError(path, parsed.problems, word)
    report = ImportReport(
        str(path), skipped=parsed.problems, ignored_columns=parsed.ignored_columns, record_word=word
    )
    day = (today or dt.date.today()).isoformat()
    now = utc_now_iso()
    stored = store.snapshot().procedures
    if all(_merge(row, _stored(stored, row), day, now)[0] == "unchanged" for row in parsed.rows):
        report.unchanged = [row.values["code"] for row in parsed.rows]
        return report  # nothing to write: the store's revision stays as it is
    with store.transaction() as tables:
        for row in parsed.rows:
            current = tables.get("procedures", row.values["code"], key="code")
            old = Procedure.from_dict(current) if current else None
            outcome, record = _merge(row, old, day, now)
            getattr(report, outcome).append(row.values["code"])
            if record is not None:
                tables.upsert("procedures", record.to_dict(), key="code")
    return report


def load_procedures(store: ContentStore) -> dict[str, Procedure]:
    return procedures_of(store.snapshot().procedures)
