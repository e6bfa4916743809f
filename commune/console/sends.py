"""What staff sent from the console (play-now, stop, emergency): one row per send, with
the commands it queued, so its result page and the emergency banner can follow it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from commune.console.database import Database


@dataclass(frozen=True)
class Send:
    id: str
    at: str  # UTC, ISO 8601
    actor: str
    action: str  # play-now, stop
    priority: str  # ordinary, priority, emergency
    title: str
    reason: str
    devices: tuple[str, ...]  # the devices it reaches
    commands: tuple[str, ...]  # command ids
    expires_at: str
    ended_at: str | None

    def active(self, now: dt.datetime) -> bool:
        return self.ended_at is None and dt.datetime.fromisoformat(self.expires_at) > now


_COLUMNS = "id, at, actor, action, priority, title, reason, devices, commands, expires_at, ended_at"


def _send(row: tuple) -> Send:
    sid, at, actor, action, priority, title, reason, devices, commands, expires, ended = row
    return Send(
        sid,
        at,
        actor,
        action,
        priority,
        title,
        reason,
        tuple(json.loads(devices)),
        tuple(json.loads(commands)),
        expires,
        ended,
    )


class SendLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, send: Send) -> None:
        with self.db.transaction() as db:
            db.execute(
                f"INSERT INTO console_sends ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    send.id,
                    send.at,
                    send.actor,
                    send.action,
                    send.priority,
                    send.title,
                    send.reason,
                    json.dumps(list(send.devices)),
                    json.dumps(list(send.commands)),
                    send.expires_at,
                    send.ended_at,
                ),
            )

    def get(self, send_id: str) -> Send | None:
        rows = self.db.query(f"SELECT {_COLUMNS} FROM console_sends WHERE id = ?", (send_id,))
        return _send(rows[0]) if rows else None

    def recent(self, since: dt.datetime, limit: int = 50) -> list[Send]:
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM console_sends WHERE at >= ? ORDER BY at DESC LIMIT ?",
            (since.astimezone(dt.UTC).isoformat(timespec="seconds"), limit),
        )
        return [_send(row) for row in rows]

    def end_emergencies(self, at: dt.datetime) -> None:
        """A stop was sent: emergencies still shown as on air are over."""
        with self.db.transaction() as db:
            db.execute(
                "UPDATE console_sends SET ended_at = ? WHERE priority = 'emergency' "
                "AND ended_at IS NULL",
                (at.astimezone(dt.UTC).isoformat(timespec="seconds"),),
            )
