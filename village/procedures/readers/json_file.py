"""JSON: an array of procedure objects, or ``{"procedures": [...]}``.

The file's size is checked before it is read (JSON is parsed whole); nesting deeper than any
procedure list has is refused before the parser could run out of stack.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from village.procedures.limits import ImportLimits
from village.procedures.problems import refuse
from village.procedures.readers.table import Table

_BRACKETS_OR_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]', re.DOTALL)


def nesting_depth(raw: bytes, stop_at: int) -> int:
    """How deep arrays and objects nest in ``raw`` (strings skipped); stops past ``stop_at``."""
    depth = deepest = 0
    for match in _BRACKETS_OR_STRING.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_at:
                    break
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _parse(path: Path, raw: bytes, limits: ImportLimits) -> Any:
    if nesting_depth(raw, limits.json_depth) > limits.json_depth:
        raise refuse(path, "json_depth", limit=limits.json_depth)
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise refuse(path, "encoding", f"byte {exc.start + 1}") from exc
    except json.JSONDecodeError as exc:
        detail = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise refuse(path, "json_syntax", detail) from exc
    except RecursionError as exc:  # the depth check above keeps this from happening
        raise refuse(path, "json_depth", limit=limits.json_depth) from exc
    except ValueError as exc:  # Python reads no integer of more than 4,300 digits
        raise refuse(path, "json_number") from exc


def read_json(path: Path, limits: ImportLimits) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise refuse(path, "file_unreadable", exc.strerror or str(exc)) from exc
    data = _parse(path, raw, limits)
    del raw
    if isinstance(data, dict) and isinstance(data.get("procedures"), list):
        data = data["procedures"]
    if not isinstance(data, list):
        raise refuse(path, "json_shape")
    if len(data) > limits.rows:
        raise refuse(path, "too_many_rows", limit=limits.rows)
    headers: dict[str, None] = {}
    rows = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict):
            rows.append((number, {"": item}))
            continue
        headers.update(dict.fromkeys(item))
        if len(headers) > limits.columns:
            raise refuse(path, "too_many_columns", limit=limits.columns)
        rows.append((number, item))
    return Table("json", list(headers), rows, 0)
