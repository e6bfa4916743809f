"""The order procedures are shown in, the same on the kiosk and on the public site: the focus
fields of a commune's one-stop office first, in their order, then the others by name; within a
field, procedures by name (a leading "Thủ tục" not counted), then by code."""

from __future__ import annotations

from village.text import fold_key

# The focus fields of a commune's one-stop office, in the order the home screen shows them.
FIELD_ORDER = (
    "Hộ tịch",
    "Chứng thực",
    "Cư trú",
    "Đất đai",
    "Xây dựng",
    "Hộ kinh doanh",
    "Bảo trợ xã hội",
    "Người có công",
    "Nuôi con nuôi",
    "Giải quyết khiếu nại",
    "Tiếp công dân",
    "Xử lý vi phạm hành chính",
)
_FIELD_RANK = {fold_key(name): rank for rank, name in enumerate(FIELD_ORDER)}


def sort_name(name: str) -> str:
    """Names in alphabetical order, a leading "Thủ tục" not counted."""
    return fold_key(name).removeprefix("thu tuc ")


def field_rank(name: str) -> tuple[int, str]:
    """The sort key of a field: its place in FIELD_ORDER (others after it), then its name."""
    return (_FIELD_RANK.get(fold_key(name), len(_FIELD_RANK)), name)
