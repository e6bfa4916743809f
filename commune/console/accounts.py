"""Staff accounts: names, roles, Argon2id password hashes and the optional TOTP secret.

Hashing is bounded: Argon2id with 19 MiB and two passes (OWASP's minimum), and at most
``HASHING_AT_ONCE`` hashes run at a time, so a burst of logins cannot take the Pi's memory.
A name that does not exist is still verified against a dummy hash, so the time a login takes
does not tell whether the account exists.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from commune.console.catalogue import t
from commune.console.database import Database
from commune.console.errors import AccountError
from commune.console.roles import Role
from village.text import clean_line

NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")  # whole name (fullmatch: no newline)
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MAX_DISPLAY = 80
HASHING_AT_ONCE = 1

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)


def _hash(password: str) -> str:
    with _hashing:
        return _hasher.hash(password)


def _verify(stored: str, password: str) -> bool:
    with _hashing:
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False


_DUMMY = _hash("a password nobody has")


def check_name(name: str) -> str:
    if not NAME_RE.fullmatch(name):
        raise AccountError(t("account_bad_name", name=name))
    return name


def check_password(password: str, name: str) -> str:
    password = unicodedata.normalize("NFC", password)
    if len(password) < MIN_PASSWORD:
        raise AccountError(t("account_short_password", count=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        raise AccountError(t("account_long_password", count=MAX_PASSWORD))
    if password.lower() == name.lower():
        raise AccountError(t("account_password_is_name"))
    return password


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class User:
    name: str
    display: str
    roles: frozenset[Role]
    disabled: bool
    must_change: bool
    totp_enabled: bool
    created_at: str
    changed_at: str

    @property
    def role_names(self) -> list[str]:
        return sorted(role.value for role in self.roles)


_COLUMNS = "name, display, roles, disabled, must_change, totp_secret, created_at, changed_at"


def _user(row: tuple) -> User:
    name, display, roles, disabled, must_change, secret, created, changed = row
    return User(
        name,
        display,
        frozenset(Role(r) for r in roles.split(",") if r),
        bool(disabled),
        bool(must_change),
        bool(secret),
        created,
        changed,
    )


class Accounts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        name: str,
        password: str,
        roles: frozenset[Role],
        display: str = "",
        *,
        must_change: bool = False,
    ) -> User:
        check_name(name)
        password = check_password(password, name)
        if not roles:
            raise AccountError(t("account_no_roles"))
        display = clean_line(display)[:MAX_DISPLAY] or name
        now = _now()
        with self.db.transaction() as db:
            if db.execute("SELECT 1 FROM console_users WHERE name = ?", (name,)).fetchone():
                raise AccountError(t("account_exists", name=name))
            db.execute(
                "INSERT INTO console_users (name, display, roles, password, must_change, "
                "created_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, display, _roles_text(roles), _hash(password), int(must_change), now, now),
            )
        return self.require(name)

    def get(self, name: str) -> User | None:
        rows = self.db.query(f"SELECT {_COLUMNS} FROM console_users WHERE name = ?", (name,))
        return _user(rows[0]) if rows else None

    def require(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise AccountError(t("account_unknown", name=name))
        return user

    def all(self) -> list[User]:
        return [_user(r) for r in self.db.query(f"SELECT {_COLUMNS} FROM console_users ORDER BY 1")]

    def verify(self, name: str, password: str) -> User | None:
        """The user if the password is right and the account enabled; None otherwise."""
        rows = self.db.query("SELECT password FROM console_users WHERE name = ?", (name,))
        stored = rows[0][0] if rows else _DUMMY
        password = unicodedata.normalize("NFC", password[:MAX_PASSWORD])
        ok = _verify(stored, password) and bool(rows)
        user = self.get(name) if ok else None
        if user is None or user.disabled:
            return None
        if _hasher.check_needs_rehash(stored):
            self._set(name, password=_hash(password))
        return user

    def set_password(self, name: str, password: str, *, must_change: bool = False) -> None:
        self.require(name)
        password = check_password(password, name)
        self._set(name, password=_hash(password), must_change=int(must_change))

    def set_roles(self, name: str, roles: frozenset[Role]) -> None:
        if not roles:
            raise AccountError(t("account_no_roles"))
        self.require(name)
        self._set(name, roles=_roles_text(roles))

    def set_display(self, name: str, display: str) -> None:
        self.require(name)
        self._set(name, display=clean_line(display)[:MAX_DISPLAY] or name)

    def set_disabled(self, name: str, disabled: bool) -> None:
        self.require(name)
        self._set(name, disabled=int(disabled))

    def active_admins(self) -> list[str]:
        return [u.name for u in self.all() if Role.ADMIN in u.roles and not u.disabled]

    # -- second factor -----------------------------------------------------------------

    def totp_secret(self, name: str) -> str | None:
        rows = self.db.query("SELECT totp_secret FROM console_users WHERE name = ?", (name,))
        return rows[0][0] if rows and rows[0][0] else None

    def set_totp(self, name: str, secret: str | None) -> None:
        self.require(name)
        self._set(name, totp_secret=secret, totp_step=0)

    def use_totp_step(self, name: str, step: int) -> bool:
        """Record a time step as used; False if it (or a later one) was used before."""
        with self.db.transaction() as db:
            cursor = db.execute(
                "UPDATE console_users SET totp_step = ? WHERE name = ? AND totp_step < ?",
                (step, name, step),
            )
            return cursor.rowcount == 1

    def _set(self, name: str, **columns: object) -> None:
        assignments = ", ".join(f"{column} = ?" for column in columns)
        with self.db.transaction() as db:
            db.execute(
                f"UPDATE console_users SET {assignments}, changed_at = ? WHERE name = ?",
                (*columns.values(), _now(), name),
            )


def _roles_text(roles: frozenset[Role]) -> str:
    return ",".join(sorted(role.value for role in roles))
