"""Server-side sessions: the browser holds a random token, the store holds its hash.

A session is ``anonymous`` (it only carries the login form's CSRF token), ``password``
(the password was right, the second factor is awaited) or ``signed-in``. Every change of
stage makes a new session with a new token and a new CSRF token (rotation), and the old
one is deleted. A session unused for longer than the idle time is gone.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from commune.console.database import Database

ANONYMOUS, PASSWORD, SIGNED_IN = "anonymous", "password", "signed-in"
ANONYMOUS_IDLE_S = 900.0
MAX_ANONYMOUS = 5000  # unauthenticated visitors cannot grow the table past this
TOUCH_EVERY_S = 5.0


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    key: str
    user: str | None
    stage: str
    csrf: str
    address: str
    created_at: float
    last_seen: float
    token: str = ""  # only on a session made during this request (to set the cookie)

    @property
    def signed_in(self) -> bool:
        return self.stage == SIGNED_IN and self.user is not None


class SessionStore:
    def __init__(self, db: Database, now: Callable[[], float], idle_s: float) -> None:
        self.db = db
        self.now = now
        self.idle_s = idle_s

    def create(self, address: str, user: str | None = None, stage: str = ANONYMOUS) -> Session:
        token = secrets.token_urlsafe(32)
        now = self.now()
        session = Session(
            _key(token), user, stage, secrets.token_urlsafe(32), address[:64], now, now, token
        )
        with self.db.transaction() as db:
            if stage == ANONYMOUS:
                self._bound_anonymous(db, now)
            db.execute(
                "INSERT INTO console_sessions (key, user, stage, csrf, address, created_at, "
                "last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session.key, user, stage, session.csrf, session.address, now, now),
            )
        return session

    def _bound_anonymous(self, db, now: float) -> None:  # sqlite3 connection
        db.execute(
            "DELETE FROM console_sessions WHERE stage = ? AND last_seen < ?",
            (ANONYMOUS, now - ANONYMOUS_IDLE_S),
        )
        count = db.execute(
            "SELECT COUNT(*) FROM console_sessions WHERE stage = ?", (ANONYMOUS,)
        ).fetchone()[0]
        if count >= MAX_ANONYMOUS:
            db.execute(
                "DELETE FROM console_sessions WHERE key IN (SELECT key FROM console_sessions "
                "WHERE stage = ? ORDER BY last_seen LIMIT ?)",
                (ANONYMOUS, count - MAX_ANONYMOUS + 1),
            )

    def load(self, token: str, *, touch: bool = True) -> Session | None:
        """The session of a token, or None if unknown or idle for too long (then deleted).

        ``touch=False`` (a page polling by itself) does not count as activity."""
        if not token or len(token) > 100:
            return None
        key = _key(token)
        rows = self.db.query(
            "SELECT key, user, stage, csrf, address, created_at, last_seen "
            "FROM console_sessions WHERE key = ?",
            (key,),
        )
        if not rows:
            return None
        session = Session(*rows[0])
        now = self.now()
        idle = ANONYMOUS_IDLE_S if session.stage == ANONYMOUS else self.idle_s
        if now - session.last_seen > idle:
            self.drop(session)
            return None
        if touch and now - session.last_seen >= TOUCH_EVERY_S:
            with self.db.transaction() as db:
                db.execute("UPDATE console_sessions SET last_seen = ? WHERE key = ?", (now, key))
        return session

    def advance(self, session: Session, user: str, stage: str) -> Session:
        """Rotation: a new session at the next stage; the old one is deleted."""
        self.drop(session)
        return self.create(session.address, user, stage)

    def drop(self, session: Session) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM console_sessions WHERE key = ?", (session.key,))

    def drop_user(self, user: str) -> None:
        """End every session of a user (disabled, password changed by an admin)."""
        with self.db.transaction() as db:
            db.execute("DELETE FROM console_sessions WHERE user = ?", (user,))

    def signed_in_users(self) -> list[str]:
        since = self.now() - self.idle_s
        rows = self.db.query(
            "SELECT DISTINCT user FROM console_sessions WHERE stage = ? AND last_seen >= ?",
            (SIGNED_IN, since),
        )
        return [row[0] for row in rows]
