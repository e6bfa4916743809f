"""Strict JSON for the wire: size limits, no NaN, and a reader that names the bad field.

Every message is a JSON object. ``Fields`` reads one object, checking each key's type and
range and, with ``finish()``, that no unknown key is left; any problem raises ``Refused``
with code ``malformed`` and the path of the offending field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from village.wire.errors import Refused

_MISSING = object()


def encode(value: Any) -> bytes:
    """Compact UTF-8 JSON with sorted keys (the same value always gives the same bytes)."""
    return json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
    ).encode("utf-8")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def decode(payload: bytes, *, limit: int, what: str) -> dict[str, Any]:
    """Parse a JSON object of at most ``limit`` bytes."""
    if len(payload) > limit:
        raise Refused("oversized", f"{what} of {len(payload)} bytes is over the {limit}-byte limit")
    try:
        value = json.loads(payload.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Refused("malformed", f"{what} is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise Refused("malformed", f"{what} is not a JSON object")
    return value


class Fields:
    """Typed access to one JSON object, for parsing messages."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise Refused("malformed", f"{path}: must be an object")
        self.data = data
        self.path = path
        self._seen: set[str] = set()

    def fail(self, key: str, problem: str) -> Refused:
        return Refused("malformed", f"{self.path}.{key}: {problem}")

    def _get(self, key: str, default: Any) -> Any:
        self._seen.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                raise self.fail(key, "missing")
            return default
        return value

    def text(
        self,
        key: str,
        default: Any = _MISSING,
        *,
        pattern: re.Pattern[str] | None = None,
        max_len: int = 10_000,
        what: str = "",
    ) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, "must be a string")
        if len(value) > max_len:
            raise self.fail(key, f"longer than {max_len} characters")
        if pattern is not None and not pattern.match(value):
            raise self.fail(key, f"{value[:80]!r} is not {what or 'valid'}")
        return value

    def integer(self, key: str, default: Any = _MISSING, *, low: int = 0, high: int = 2**63) -> int:
        value = self._get(key, default)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(key, "must be a whole number")
        if not low <= value <= high:
            raise self.fail(key, f"must be between {low} and {high}")
        return value

    def number(self, key: str, default: Any = _MISSING) -> float:
        value = self._get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail(key, "must be a number")
        return float(value)

    def flag(self, key: str, default: Any = _MISSING) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def items(self, key: str, default: Any = _MISSING, *, max_items: int = 100_000) -> list[Any]:
        value = self._get(key, default)
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        if len(value) > max_items:
            raise self.fail(key, f"more than {max_items} items")
        return value

    def objects(self, key: str, default: Any = _MISSING, *, max_items: int = 100_000) -> list:
        """A list of objects, each as ``Fields`` (path ``key[i]``)."""
        return [
            Fields(item, f"{self.path}.{key}[{i}]")
            for i, item in enumerate(self.items(key, default, max_items=max_items))
        ]

    def obj(self, key: str, default: Any = _MISSING) -> Fields | None:
        value = self._get(key, default)
        if value is None:
            return None
        return Fields(value, f"{self.path}.{key}")

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        return self._get(key, default)

    def each(self, key: str, check: Callable[[Any], bool], problem: str) -> list[Any]:
        values = self.items(key)
        for value in values:
            if not check(value):
                raise self.fail(key, problem)
        return values

    def finish(self) -> None:
        """Refuse keys nobody read (a typo, or a field this version does not know)."""
        unknown = sorted(set(self.data) - self._seen)
        if unknown:
            raise Refused("malformed", f"{self.path}: unknown field(s) {', '.join(unknown)}")
