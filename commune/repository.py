"""The hub's store behind an interface: desired state, devices, records, commands.

``HubRepository`` is what the daemon and the staff commands use; ``SqliteHubRepository`` is
the implementation (one SQLite file in WAL mode, ``synchronous=FULL`` so an acknowledged
record survives a power cut). Records that grow without bound (play logs, kiosk journals)
are rows keyed by (device, stream, id): storing the same record twice stores it once, and
appending costs the same at the millionth row as at the first.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from commune.errors import HubError
from village.wire.commands import Command
from village.wire.status import Reply

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    version INTEGER PRIMARY KEY, created_at TEXT NOT NULL, summary TEXT NOT NULL,
    targets TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    version INTEGER NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, target TEXT NOT NULL,
    record TEXT, PRIMARY KEY (version, kind, key, target));
CREATE TABLE IF NOT EXISTS devices (
    device TEXT PRIMARY KEY, registered_at TEXT NOT NULL, online INTEGER NOT NULL DEFAULT 0,
    last_seen TEXT, status TEXT);
CREATE TABLE IF NOT EXISTS records (
    device TEXT NOT NULL, stream TEXT NOT NULL, id TEXT NOT NULL, at TEXT,
    received_at TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (device, stream, id));
CREATE INDEX IF NOT EXISTS records_by_time ON records (stream, at);
CREATE TABLE IF NOT EXISTS commands (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, target TEXT NOT NULL, body TEXT NOT NULL,
    published_at TEXT, outcome TEXT);
CREATE TABLE IF NOT EXISTS replies (
    command TEXT NOT NULL, device TEXT NOT NULL, at TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (command, device));
CREATE TABLE IF NOT EXISTS presence (
    device TEXT NOT NULL, at TEXT NOT NULL, online INTEGER NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (device, at));
CREATE TABLE IF NOT EXISTS conferences (
    id TEXT PRIMARY KEY, day TEXT NOT NULL, recorded_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS conferences_by_day ON conferences (day);
CREATE TABLE IF NOT EXISTS record_days (
    device TEXT NOT NULL, stream TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (device, stream, day));
CREATE TABLE IF NOT EXISTS refusals (
    device TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, first_at TEXT NOT NULL,
    last_at TEXT NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (device, kind));
"""
# columns added after the first release: (table, column, declaration)
MIGRATIONS = (("records", "flags", "TEXT"),)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _precise_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Entry:
    """One change to the desired state: ``record`` for ``(kind, key)`` on ``target``."""

    version: int
    kind: str  # segments, clips, plans, procedures
    key: str
    target: str  # a device id, or "*" for every device
    record: dict[str, Any] | None  # None removes the item


@dataclass(frozen=True)
class Version:
    version: int
    created_at: str
    summary: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Presence:
    """A change of a device's online state, as the hub saw it (``at``: UTC, ISO 8601)."""

    device: str
    at: str
    online: bool
    reason: str = ""


@dataclass(frozen=True)
class Refusals:
    """What the hub refused a device, of one kind, since it first did (for staff)."""

    device: str
    kind: str
    count: int
    first_at: str
    last_at: str
    detail: str


@dataclass(frozen=True)
class Stored:
    """What became of a batch of records: ``held`` are stored (now or before), ``added`` of
    them new; ``over_quota`` were not stored because their day's quota is used up,
    ``over_limit`` because more new records came than the hub takes in at once."""

    held: list[str]
    added: int
    over_quota: list[str]
    over_limit: list[str]


@dataclass(frozen=True)
class Incoming:
    """One record to store, with the day its quota counts and the flags found on it."""

    record: dict[str, Any]
    day: str
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeviceRow:
    device: str
    registered_at: str
    online: bool
    last_seen: str | None
    status: dict[str, Any]


class HubRepository(Protocol):
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def add_version(
        self, changes: list[tuple[str, str, dict | None]], targets: list[str], summary: str
    ) -> Version: ...
    def latest_version(self) -> int: ...
    def version(self, number: int) -> Version | None: ...
    def entries(self) -> list[Entry]: ...
    def register_device(self, device: str) -> bool: ...
    def device_ids(self) -> list[str]: ...
    def save_status(self, device: str, status: dict[str, Any]) -> None: ...
    def devices(self) -> list[DeviceRow]: ...
    def add_presence(self, presence: Presence) -> None: ...
    def presence(self, device: str | None = None) -> list[Presence]: ...
    def add_conference(self, record: dict[str, Any]) -> None: ...
    def conferences(self) -> list[dict[str, Any]]: ...
    def store_records(
        self, device: str, stream: str, records: Iterable[dict]
    ) -> tuple[list[str], int]: ...
    def records(
        self,
        *,
        stream: str = "playlog",
        device: str | None = None,
        since: str | None = None,
        limit: int | None = None,
        flags: bool = False,
        until: str | None = None,
    ) -> list[dict[str, Any]]: ...
    def slot_outcomes(self, since: str, until: str) -> list[tuple[str, str, str]]: ...
    def count_records(self, stream: str | None = None, device: str | None = None) -> int: ...
    def known_ids(self, device: str, stream: str, ids: Iterable[str]) -> set[str]: ...
    def store_within_quota(
        self, device: str, stream: str, items: list[Incoming], quota: int, limit: int
    ) -> Stored: ...
    def add_refusals(self, device: str, counts: dict[str, int], detail: str) -> None: ...
    def refusals(self, device: str | None = None) -> list[Refusals]: ...
    def queue_command(self, command: Command) -> None: ...
    def unpublished_commands(self) -> list[Command]: ...
    def mark_command(self, command_id: str, outcome: str) -> None: ...
    def command_target(self, command_id: str) -> str | None: ...
    def save_reply(self, reply: Reply) -> None: ...
    def replies(self, command_id: str) -> list[Reply]: ...


def _record_time(record: dict[str, Any]) -> str | None:
    for key in ("planned_start", "at", "time", "logged_at"):
        value = record.get(key)
        if isinstance(value, str) and value:
            try:
                return dt.datetime.fromisoformat(value).astimezone(dt.UTC).isoformat()
            except ValueError:
                continue
    return None


class SqliteHubRepository:
    """The hub repository in one SQLite file; safe to use from several threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        with self._write_lock:
            db = self._connection()
            db.executescript(SCHEMA)
            for table, column, declaration in MIGRATIONS:
                columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                if column not in columns:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            except sqlite3.Error as exc:
                raise HubError(f"cannot open the hub store {self.path}: {exc}") from exc
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
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

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise HubError(f"hub store query failed: {exc}") from exc

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- meta ------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- desired state ---------------------------------------------------------------------

    def add_version(
        self, changes: list[tuple[str, str, dict | None]], targets: list[str], summary: str
    ) -> Version:
        """Record one push: every ``(kind, key, record)`` for every target, at a new version.

        Versions grow with time (at least the Unix time in seconds), so a hub rebuilt from
        scratch still issues versions above what devices hold.
        """
        if not changes or not targets:
            raise HubError("a push needs at least one change and one target")
        created = utc_now()
        with self._transaction() as db:
            last = db.execute("SELECT COALESCE(MAX(version), 0) FROM versions").fetchone()[0]
            number = max(int(last) + 1, int(time.time()))
            db.execute(
                "INSERT INTO versions (version, created_at, summary, targets) VALUES (?, ?, ?, ?)",
                (number, created, summary, json.dumps(targets)),
            )
            db.executemany(
                "INSERT OR REPLACE INTO entries (version, kind, key, target, record) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        number,
                        kind,
                        key,
                        target,
                        None if record is None else json.dumps(record, ensure_ascii=False),
                    )
                    for kind, key, record in changes
                    for target in targets
                ],
            )
        return Version(number, created, summary, tuple(targets))

    def latest_version(self) -> int:
        return int(self._query("SELECT COALESCE(MAX(version), 0) FROM versions")[0][0])

    def version(self, number: int) -> Version | None:
        rows = self._query(
            "SELECT version, created_at, summary, targets FROM versions WHERE version = ?",
            (number,),
        )
        if not rows:
            return None
        v, created, summary, targets = rows[0]
        return Version(v, created, summary, tuple(json.loads(targets)))

    def versions(self) -> list[Version]:
        rows = self._query("SELECT version, created_at, summary, targets FROM versions ORDER BY 1")
        return [Version(v, c, s, tuple(json.loads(t))) for v, c, s, t in rows]

    def entries(self) -> list[Entry]:
        rows = self._query(
            "SELECT version, kind, key, target, record FROM entries ORDER BY version, rowid"
        )
        return [
            Entry(v, kind, key, target, None if record is None else json.loads(record))
            for v, kind, key, target, record in rows
        ]

    # -- devices ---------------------------------------------------------------------------

    def register_device(self, device: str) -> bool:
        """Add a device; False if it was known."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO devices (device, registered_at) VALUES (?, ?)",
                (device, utc_now()),
            )
            return cursor.rowcount > 0

    def device_ids(self) -> list[str]:
        return [row[0] for row in self._query("SELECT device FROM devices ORDER BY device")]

    def save_status(self, device: str, status: dict[str, Any]) -> None:
        """Keep the latest status; an ``offline`` will keeps the fields last reported.

        The first status of a device, and every status whose ``online`` differs from the
        one before, also adds a presence record (the history reports need: when each device
        was offline, and for how long).
        """
        now = utc_now()
        online = bool(status.get("online"))
        with self._transaction() as db:
            row = db.execute(
                "SELECT status, online FROM devices WHERE device = ?", (device,)
            ).fetchone()
            if row is None or row[0] is None or bool(row[1]) != online:
                db.execute(
                    "INSERT OR IGNORE INTO presence (device, at, online, reason) "
                    "VALUES (?, ?, ?, ?)",
                    (device, _precise_now(), int(online), str(status.get("reason") or "")),
                )
            merged = json.loads(row[0]) if row and row[0] else {}
            merged.update(status)
            db.execute(
                "INSERT INTO devices (device, registered_at, online, last_seen, status) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(device) DO UPDATE SET "
                "online = excluded.online, last_seen = excluded.last_seen, "
                "status = excluded.status",
                (device, now, int(online), now, json.dumps(merged, ensure_ascii=False)),
            )

    def devices(self) -> list[DeviceRow]:
        rows = self._query(
            "SELECT device, registered_at, online, last_seen, status FROM devices ORDER BY device"
        )
        return [
            DeviceRow(d, reg, bool(online), seen, json.loads(status) if status else {})
            for d, reg, online, seen, status in rows
        ]

    def device(self, device: str) -> DeviceRow | None:
        return next((d for d in self.devices() if d.device == device), None)

    # -- presence history and conferences (for reports) ------------------------------------

    def add_presence(self, presence: Presence) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO presence (device, at, online, reason) VALUES (?, ?, ?, ?)",
                (presence.device, presence.at, int(presence.online), presence.reason),
            )

    def presence(self, device: str | None = None) -> list[Presence]:
        """Every presence change (of one device, or of all), oldest first."""
        sql = "SELECT device, at, online, reason FROM presence"
        params: tuple = ()
        if device:
            sql += " WHERE device = ?"
            params = (device,)
        rows = self._query(sql + " ORDER BY device, at, rowid", params)
        return [Presence(d, at, bool(online), reason) for d, at, online, reason in rows]

    def add_conference(self, record: dict[str, Any]) -> None:
        """Store an outreach conference entered by staff (``id`` and ``day`` required)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO conferences (id, day, recorded_at, body) VALUES (?, ?, ?, ?)",
                (
                    record["id"],
                    record["day"],
                    utc_now(),
                    json.dumps(record, ensure_ascii=False, sort_keys=True),
                ),
            )

    def conferences(self) -> list[dict[str, Any]]:
        rows = self._query("SELECT body FROM conferences ORDER BY day, recorded_at, rowid")
        return [json.loads(body) for (body,) in rows]

    # -- records (play logs, kiosk journal) ------------------------------------------------

    def store_records(
        self, device: str, stream: str, records: Iterable[dict]
    ) -> tuple[list[str], int]:
        """Store records not seen before; returns every id now held and how many were new."""
        now = utc_now()
        rows = [
            (
                device,
                stream,
                record["id"],
                _record_time(record),
                now,
                json.dumps(record, ensure_ascii=False, sort_keys=True),
            )
            for record in records
        ]
        with self._transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO records (device, stream, id, at, received_at, body) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            added = db.total_changes - before
        return [row[2] for row in rows], added

    def known_ids(self, device: str, stream: str, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` the hub holds for that device and stream."""
        wanted = list(ids)
        held: set[str] = set()
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"SELECT id FROM records WHERE device = ? AND stream = ? AND id IN ({marks})",
                (device, stream, *chunk),
            )
            held |= {row[0] for row in rows}
        return held

    def store_within_quota(
        self, device: str, stream: str, items: list[Incoming], quota: int, limit: int
    ) -> Stored:
        """Store each new record whose day has room in its quota, at most ``limit`` new
        ones, in one transaction with the day counts. Records held already are not counted
        again; the rest (over a quota, or beyond ``limit``) are returned, not stored."""
        now = utc_now()
        held: list[str] = []
        over: list[str] = []
        later: list[str] = []
        added = 0
        with self._transaction() as db:
            used: dict[str, int] = {}
            for item in items:
                rid = item.record["id"]
                exists = db.execute(
                    "SELECT 1 FROM records WHERE device = ? AND stream = ? AND id = ?",
                    (device, stream, rid),
                ).fetchone()
                if exists:
                    held.append(rid)
                    continue
                if item.day not in used:
                    row = db.execute(
                        "SELECT count FROM record_days WHERE device = ? AND stream = ? AND day = ?",
                        (device, stream, item.day),
                    ).fetchone()
                    used[item.day] = int(row[0]) if row else 0
                if used[item.day] >= quota:
                    over.append(rid)
                    continue
                if added >= limit:
                    later.append(rid)
                    continue
                db.execute(
                    "INSERT INTO records (device, stream, id, at, received_at, body, flags) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        device,
                        stream,
                        rid,
                        _record_time(item.record),
                        now,
                        json.dumps(item.record, ensure_ascii=False, sort_keys=True),
                        ",".join(item.flags) or None,
                    ),
                )
                used[item.day] += 1
                added += 1
                held.append(rid)
            db.executemany(
                "INSERT INTO record_days (device, stream, day, count) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(device, stream, day) DO UPDATE SET count = excluded.count",
                [(device, stream, day, count) for day, count in used.items()],
            )
        return Stored(held, added, over, later)

    def records(
        self,
        *,
        stream: str = "playlog",
        device: str | None = None,
        since: str | None = None,
        limit: int | None = None,
        flags: bool = False,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        """Records of a stream, oldest first, with ``since <= at < until`` when given; with
        ``flags``, a flagged record carries the reasons it is implausible in ``hub_flags``
        (see ``commune.intake``)."""
        sql = "SELECT device, body, flags FROM records WHERE stream = ?"
        params: list[Any] = [stream]
        if device:
            sql += " AND device = ?"
            params.append(device)
        if since:
            sql += " AND at >= ?"
            params.append(since)
        if until:
            sql += " AND at < ?"
            params.append(until)
        sql += " ORDER BY at, received_at, rowid"
        rows = self._query(sql, tuple(params))
        if limit:
            rows = rows[-limit:]
        out = []
        for dev, body, found in rows:
            record = json.loads(body)
            record.setdefault("device", dev)
            if flags and found:
                record["hub_flags"] = found.split(",")
            out.append(record)
        return out

    def slot_outcomes(self, since: str, until: str) -> list[tuple[str, str, str]]:
        """``(device, slot key, outcome)`` of the scheduled broadcasts logged with
        ``since <= at < until``, flagged records left out (what a calendar marks its slots
        with), read without parsing whole records."""
        return [
            (str(device), str(slot), str(outcome))
            for device, slot, outcome in self._query(
                "SELECT device, json_extract(body, '$.slot'), json_extract(body, '$.outcome') "
                "FROM records WHERE stream = 'playlog' AND at >= ? AND at < ? "
                "AND (flags IS NULL OR flags = '') AND json_extract(body, '$.slot') != ''",
                (since, until),
            )
            if slot and outcome
        ]

    def count_records(self, stream: str | None = None, device: str | None = None) -> int:
        sql = "SELECT COUNT(*) FROM records WHERE 1 = 1"
        params: list[Any] = []
        if stream:
            sql += " AND stream = ?"
            params.append(stream)
        if device:
            sql += " AND device = ?"
            params.append(device)
        return int(self._query(sql, tuple(params))[0][0])

    # -- commands --------------------------------------------------------------------------

    def queue_command(self, command: Command) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO commands (id, created_at, target, body) VALUES (?, ?, ?, ?)",
                (command.id, utc_now(), command.device, json.dumps(command.to_message())),
            )

    def unpublished_commands(self) -> list[Command]:
        rows = self._query(
            "SELECT body FROM commands WHERE published_at IS NULL ORDER BY created_at, rowid"
        )
        return [Command.parse(json.loads(body)) for (body,) in rows]

    def mark_command(self, command_id: str, outcome: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE commands SET published_at = ?, outcome = ? WHERE id = ?",
                (utc_now(), outcome, command_id),
            )

    def command_target(self, command_id: str) -> str | None:
        """The device (or ``*``) a command was addressed to; None if it was never queued."""
        rows = self._query("SELECT target FROM commands WHERE id = ?", (command_id,))
        return rows[0][0] if rows else None

    def command_outcome(self, command_id: str) -> str | None:
        rows = self._query("SELECT outcome FROM commands WHERE id = ?", (command_id,))
        return rows[0][0] if rows else None

    def save_reply(self, reply: Reply) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO replies (command, device, at, body) VALUES (?, ?, ?, ?)",
                (
                    reply.command,
                    reply.device,
                    reply.at or utc_now(),
                    json.dumps(reply.to_message()),
                ),
            )

    def replies(self, command_id: str) -> list[Reply]:
        rows = self._query(
            "SELECT body FROM replies WHERE command = ? ORDER BY device", (command_id,)
        )
        return [Reply.parse(json.loads(body)) for (body,) in rows]

    # -- what devices were refused (for staff) ---------------------------------------------

    def add_refusals(self, device: str, counts: dict[str, int], detail: str) -> None:
        """Add to a device's refusal counts (kind -> how many) with the last reason."""
        now = utc_now()
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO refusals (device, kind, count, first_at, last_at, detail) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(device, kind) DO UPDATE SET "
                "count = count + excluded.count, last_at = excluded.last_at, "
                "detail = excluded.detail",
                [(device, kind, n, now, now, detail[:500]) for kind, n in counts.items() if n],
            )

    def refusals(self, device: str | None = None) -> list[Refusals]:
        sql = "SELECT device, kind, count, first_at, last_at, detail FROM refusals"
        params: tuple = ()
        if device:
            sql += " WHERE device = ?"
            params = (device,)
        rows = self._query(sql + " ORDER BY device, kind", params)
        return [Refusals(*row) for row in rows]
