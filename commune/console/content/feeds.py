"""A read-only calendar feed of the commune's broadcasts, at a secret address staff
subscribe to from a phone's calendar application (no login: the address is the key).

Each feed has its own token (256 random bits, sent once when it is made and stored only as
its SHA-256), a label saying whose phone it is for, and can be revoked by an admin; a
revoked or unknown token gets 404. The feed lists the slots the devices will air from a
month back to six months ahead, as ``build_schedule`` makes them (quiet hours, holidays,
make-up sessions applied), one event per slot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import icalendar

from commune.console.catalogue import t
from commune.console.content.schedule_data import ScheduleSource
from commune.console.database import Database
from village.plan import Policy

SCHEMA = """
CREATE TABLE IF NOT EXISTS console_feeds (
    id TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL UNIQUE, label TEXT NOT NULL,
    created_at TEXT NOT NULL, created_by TEXT NOT NULL, revoked_at TEXT, revoked_by TEXT);
"""
BACK_DAYS = 31
AHEAD_DAYS = 183
MAX_LABEL = 80


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Feed:
    id: str
    label: str
    created_at: str
    created_by: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class FeedTokens:
    def __init__(self, db: Database) -> None:
        self.db = db
        with db.transaction() as connection:
            connection.execute(SCHEMA)

    def create(self, label: str, actor: str, now: dt.datetime) -> tuple[Feed, str]:
        """A new feed; returns it and its token (shown once, never stored)."""
        token = secrets.token_urlsafe(32)
        feed = Feed(secrets.token_hex(8), label[:MAX_LABEL], now.isoformat(), actor, None)
        with self.db.transaction() as connection:
            connection.execute(
                "INSERT INTO console_feeds (id, token_sha256, label, created_at, created_by) "
                "VALUES (?, ?, ?, ?, ?)",
                (feed.id, token_hash(token), feed.label, feed.created_at, actor),
            )
        return feed, token

    def all(self) -> list[Feed]:
        rows = self.db.query(
            "SELECT id, label, created_at, created_by, revoked_at FROM console_feeds "
            "ORDER BY created_at DESC"
        )
        return [Feed(*row) for row in rows]

    def find(self, token: str) -> Feed | None:
        """The active feed of ``token``, or None."""
        if not token or len(token) > 100:
            return None
        rows = self.db.query(
            "SELECT id, label, created_at, created_by, revoked_at FROM console_feeds "
            "WHERE token_sha256 = ? AND revoked_at IS NULL",
            (token_hash(token),),
        )
        return Feed(*rows[0]) if rows else None

    def revoke(self, feed_id: str, actor: str, now: dt.datetime) -> bool:
        with self.db.transaction() as connection:
            done = connection.execute(
                "UPDATE console_feeds SET revoked_at = ?, revoked_by = ? "
                "WHERE id = ? AND revoked_at IS NULL",
                (now.isoformat(), actor, feed_id),
            )
        return done.rowcount > 0


def feed_calendar(source: ScheduleSource, policy: Policy, commune: str, now: dt.datetime) -> bytes:
    """The commune's slots as an iCalendar file, every device merged (one event a slot)."""
    today = dt.datetime.combine(now.astimezone(policy.zone).date(), dt.time(), tzinfo=policy.zone)
    begin, end = today - dt.timedelta(days=BACK_DAYS), today + dt.timedelta(days=AHEAD_DAYS)
    schedules = source.schedules(begin, end, policy, source.repository.device_ids())
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//village//lich phat thanh//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", t("feed_name", commune=commune))
    calendar.add("x-wr-timezone", policy.timezone)
    stamp = now.astimezone(dt.UTC)
    total = len(schedules.devices)
    for planned in schedules.slots:
        if planned.suppressed:
            continue
        slot = planned.slot
        event = icalendar.Event()
        event.add("uid", f"{slot.key}@{commune}")
        event.add("dtstamp", stamp)
        event.add("dtstart", slot.start.astimezone(dt.UTC))
        event.add("dtend", slot.end.astimezone(dt.UTC))
        event.add("summary", slot.title)
        event.add("categories", [t("priority_" + slot.priority.label)])
        lines = [t("feed_priority", level=t("priority_" + slot.priority.label))]
        lines.append(t("feed_devices", count=len(planned.devices), total=total))
        if slot.segments:
            lines.append(t("feed_segments", segments=", ".join(slot.segments)))
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
