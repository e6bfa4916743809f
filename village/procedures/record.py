"""The procedure record as the National Database publishes it, plus its status in the commune."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

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
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        for key in LIST_KEYS:
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Procedure:
        values = {k: v for k, v in data.items() if k in _FIELD_NAMES}
        for key in LIST_KEYS:
            if key in values:
                values[key] = tuple(values[key] or ())
        return cls(**values)


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Procedure))


def procedures_of(snapshot_procedures: dict[str, dict[str, Any]]) -> dict[str, Procedure]:
    """The store's procedure table as records (``Snapshot.procedures``)."""
    return {code: Procedure.from_dict(r) for code, r in snapshot_procedures.items()}
