"""The columns of a procedure file: headers as the National Database publishes them, the key
of :class:`Procedure` each fills, its kind and how long its text may be."""

from __future__ import annotations

from dataclasses import dataclass

from village.text import fold_key

# Longest text a real procedure has, with a wide margin (the shipped sample's longest, for
# comparison: name 290 characters, field 24, list item 327, other text 552, whole record
# 3,312; see docs/kiosk.md). Excel itself holds at most 32,767 characters in a cell.
CELL_CHARS = 32_767
NAME_CHARS = 1_000
FIELD_CHARS = 200
SHORT_CHARS = 2_000  # level, time limit, agency, web address
ITEM_CHARS = 8_000  # one step, channel, document or legal text of a list


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as the National Database publishes it (or ours, for the extra keys)
    required: bool = False
    kind: str = "text"  # text | list | date | status | url | code
    aliases: tuple[str, ...] = ()
    max_chars: int = CELL_CHARS  # of the cleaned text (of each item, for a list)


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã thủ tục", True, "code", ("Mã TTHC", "Mã số TTHC", "Mã số"), 64),
    Column(
        "name",
        "Tên thủ tục",
        True,
        aliases=("Tên thủ tục hành chính", "Tên TTHC"),
        max_chars=NAME_CHARS,
    ),
    Column("field", "Lĩnh vực", True, max_chars=FIELD_CHARS),
    Column("level", "Cấp thực hiện", max_chars=SHORT_CHARS),
    Column("steps", "Trình tự thực hiện", kind="list", max_chars=ITEM_CHARS),
    Column("channels", "Cách thức thực hiện", kind="list", max_chars=ITEM_CHARS),
    Column("documents", "Thành phần hồ sơ", kind="list", aliases=("Hồ sơ",), max_chars=ITEM_CHARS),
    Column("time_limit", "Thời hạn giải quyết", max_chars=SHORT_CHARS),
    Column("fees", "Phí, lệ phí", aliases=("Lệ phí", "Phí")),
    Column("legal_basis", "Căn cứ pháp lý", kind="list", max_chars=ITEM_CHARS),
    Column("agency", "Cơ quan thực hiện", max_chars=SHORT_CHARS),
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
        max_chars=SHORT_CHARS,
    ),
    Column("status", "Trạng thái", kind="status", aliases=("Tình trạng",), max_chars=200),
    Column(
        "effective_date",
        "Ngày hiệu lực",
        kind="date",
        aliases=("Ngày có hiệu lực",),
        max_chars=200,
    ),
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
    if len(header) > 200:  # no header is this long: not worth folding
        return None
    return _HEADER_INDEX.get(fold_key(header))


def parse_status(text: str) -> str | None:
    """'Sửa đổi, bổ sung' -> 'amended'; None when unknown."""
    return _STATUS_INDEX.get(fold_key(text))
