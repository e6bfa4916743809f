"""The append-only audit log: who did what, when, from which address.

Rows are only ever inserted (the table's triggers refuse UPDATE and DELETE). Actions are
short English words (``login``, ``login-failed``, ``publish``, ``command``, ``emergency``,
``user-add``…); the Audit page shows them in Vietnamese from the catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from commune.console.database import Database

MAX_DETAIL = 2000


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str  # UTC, ISO 8601
    actor: str
    address: str
    action: str
    target: str
    detail: str


class AuditLog:
    def __init__(self, db: Database, now: Callable[[], dt.datetime]) -> None:
        self.db = db
        self.now = now

    def record(
        self, actor: str, address: str, action: str, target: str = "", detail: str = ""
    ) -> None:
        with self.db.transaction() as db:
            db.execute(
                "INSERT INTO console_audit (at, actor, address, action, target, detail) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    self.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
                    actor[:64],
                    address[:64],
                    action,
                    target[:200],
                    detail[:MAX_DETAIL],
                ),
            )

    def entries(
        self,
        *,
        limit: int = 100,
        before: int | None = None,
        actor: str = "",
        action: str = "",
    ) -> list[AuditEntry]:
        """Newest first; ``before`` pages on (an id from the previous page)."""
        sql = "SELECT id, at, actor, address, action, target, detail FROM console_audit WHERE 1=1"
        params: list[object] = []
        if before is not None:
            sql += " AND id < ?"
            params.append(before)
        if actor:
            sql += " AND actor = ?"
            params.append(actor)
        if action:
            sql += " AND action = ?"
            params.append(action)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(max(1, min(limit, 1000)))
        return [AuditEntry(*row) for row in self.db.query(sql, tuple(params))]

    def actions(self) -> list[str]:
        return [row[0] for row in self.db.query("SELECT DISTINCT action FROM console_audit")]
