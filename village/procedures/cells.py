"""One cell of a procedure file made into a value of the record: text cleaned (NFC, no
invisible characters), lists split, dates and codes read, lengths checked."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

from village import text as texts

_ITEM_MARKER = re.compile(
    r"^\s*(?:[-–—•●▪+*]\s*|bước\s*\d+\s*[:.)–-]\s*|\d{1,2}\s*[.)]\s+|[a-zđ]\)\s+)",
    re.IGNORECASE,
)
_STEP_MARKER = re.compile(r"(?=\bBước\s*\d+\s*[:.])", re.IGNORECASE)
SCALARS = (str, int, float, dt.date)


def clean_text(value: Any) -> str:
    """A cell as stored text: NFC, invisible characters removed, lines trimmed."""
    return texts.clean_text(str(value))


def split_items(value: Any) -> tuple[str, ...]:
    """A multi-item cell as a list: one item a line, or split on 'Bước n:' or ';'."""
    if isinstance(value, list | tuple):
        parts = [clean_text(v) for v in value if v is not None]
    else:
        text = clean_text(value)
        parts = text.split("\n") if text else []
        if len(parts) == 1:
            line = parts[0]
            if "bước" in line.lower() and len(_STEP_MARKER.findall(line)) >= 2:
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


def code_text(value: Any) -> str:
    """A code as written; an invisible character in it is refused by the caller, not removed."""
    if isinstance(value, float):
        # a spreadsheet turned 1.001193 into a number: codes have six digits after the dot
        return f"{value:.6f}"
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


def is_empty(value: Any) -> bool:
    """Nothing in the cell, or only spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not any(str(v).strip() for v in value if v is not None)
    return False


def wrong_type(value: Any, is_list: bool) -> str | None:
    """The type name of a value no cell can hold (JSON objects, nested lists, inf, nan)."""
    if isinstance(value, list | tuple):
        if not is_list:
            return type(value).__name__
        return next((wrong_type(v, False) for v in value if wrong_type(v, False)), None)
    if isinstance(value, bool) or not isinstance(value, SCALARS) and value is not None:
        return type(value).__name__
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return None


def raw_length(value: Any) -> int:
    """Characters of a cell as read (of its longest item, for a JSON list)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple):
        return max((len(v) for v in value if isinstance(v, str)), default=0)
    return 0
