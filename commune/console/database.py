"""The console's tables, in the hub's own SQLite file (``HUB/hub.sqlite``).

The hub's repository owns its tables; the console adds its own, all named ``console_*``,
through its own connections. The audit table refuses UPDATE and DELETE (triggers), so the
log can only grow. Sessions go through a connection with ``synchronous=NORMAL`` (a power
cut may forget the last few seconds of session activity, never corrupt the file); accounts
and the audit log through one with ``synchronous=FULL``, like the repository.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from commune.console.catalogue import t
from commune.console.errors import ConsoleError

SCHEMA = """
CREATE TABLE IF NOT EXISTS console_users (
    name TEXT PRIMARY KEY, display TEXT NOT NULL, roles TEXT NOT NULL, password TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, must_change INTEGER NOT NULL DEFAULT 0,
    totp_secret TEXT, totp_step INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL, changed_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS console_sessions (
    key TEXT PRIMARY KEY, user TEXT, stage TEXT NOT NULL, csrf TEXT NOT NULL,
    address TEXT NOT NULL, created_at REAL NOT NULL, last_seen REAL NOT NULL);
CREATE INDEX IF NOT EXISTS console_sessions_by_user ON console_sessions (user);
CREATE TABLE IF NOT EXISTS console_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
    address TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS console_audit_by_action ON console_audit (action, id);
CREATE TRIGGER IF NOT EXISTS console_audit_no_update BEFORE UPDATE ON console_audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS console_audit_no_delete BEFORE DELETE ON console_audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS console_sends (
    id TEXT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    priority TEXT NOT NULL, title TEXT NOT NULL, reason TEXT NOT NULL, devices TEXT NOT NULL,
    commands TEXT NOT NULL, expires_at TEXT NOT NULL, ended_at TEXT);
CREATE INDEX IF NOT EXISTS console_sends_by_time ON console_sends (at);
"""


class Database:
    """Per-thread connections to one SQLite file, with one writer at a time in-process."""

    def __init__(self, path: Path, *, durable: bool = True) -> None:
        self.path = Path(path)
        self.durable = durable
        self._local = threading.local()
        self._write_lock = threading.Lock()
        with self._write_lock:
            try:
                self._connection().executescript(SCHEMA)
            except sqlite3.Error as exc:
                raise ConsoleError(t("database_no_tables", detail=exc)) from exc

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(f"PRAGMA synchronous={'FULL' if self.durable else 'NORMAL'}")
                db.execute("PRAGMA busy_timeout=30000")
                db.execute("PRAGMA cache_size=-256")  # small tables: 256 KiB per connection
            except sqlite3.Error as exc:
                raise ConsoleError(t("database_unopened", path=self.path, detail=exc)) from exc
            self._local.db = db
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        with self._write_lock:
            try:
                db.execute("BEGIN IMMEDIATE")
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise ConsoleError(t("database_unreadable", detail=exc)) from exc

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
