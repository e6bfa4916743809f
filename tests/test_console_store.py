"""The console's own store, without a browser: accounts, the append-only audit log,
sessions and their idle time, the login throttle, sealed values."""

from __future__ import annotations

import datetime as dt
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from commune.console.accounts import Accounts
from commune.console.audit import AuditLog
from commune.console.database import Database
from commune.console.errors import AccountError
from commune.console.roles import Role
from commune.console.sessions import ANONYMOUS, SIGNED_IN, SessionStore
from commune.console.throttle import Limit, LoginThrottle
from commune.console.tokens import seal, unseal


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "hub.sqlite")


def test_passwords_are_argon2id_and_checked(db: Database) -> None:
    accounts = Accounts(db)
    accounts.add("can-bo", "mật khẩu dài lắm", frozenset({Role.VIEWER}), "Cán bộ")
    stored = db.query("SELECT password FROM console_users")[0][0]
    assert stored.startswith("$argon2id$") and "mật" not in stored
    assert accounts.verify("can-bo", unicodedata.normalize("NFD", "mật khẩu dài lắm"))
    assert accounts.verify("can-bo", "mật khẩu dài lắm!") is None
    assert accounts.verify("khong-co", "mật khẩu dài lắm") is None
    accounts.set_disabled("can-bo", True)
    assert accounts.verify("can-bo", "mật khẩu dài lắm") is None
    for name, password, message in (
        ("A", "mat-khau-du-dai", "không hợp lệ"),
        ("ok-name", "ngan", "ít nhất 10"),
        ("trung-ten", "trung-ten", "ít nhất 10"),
        ("trung-ten-dai", "trung-ten-dai", "trùng tên"),
        ("can-bo", "mat-khau-du-dai", "đã có"),
    ):
        with pytest.raises(AccountError, match=message):
            accounts.add(name, password, frozenset({Role.VIEWER}))
    with pytest.raises(AccountError, match="ít nhất một vai trò"):
        accounts.add("khong-vai-tro", "mat-khau-du-dai", frozenset())


def test_names_staff_cannot_see_apart_are_refused_or_cleaned(db: Database) -> None:
    """A login name with a trailing newline or a zero-width space would be a second account
    that looks like the first; a display name pasted with them is shown clean."""
    accounts = Accounts(db)
    for name in ("can-bo\n", "can\u200b-bo", "cán-bộ"):
        with pytest.raises(AccountError, match="không hợp lệ"):
            accounts.add(name, "mat-khau-du-dai", frozenset({Role.VIEWER}))
    user = accounts.add(
        "can-bo", "mat-khau-du-dai", frozenset({Role.VIEWER}), "Nguyễn\u200b Văn\u202e\nAn "
    )
    assert user.display == "Nguyễn Văn An"
    accounts.set_display("can-bo", "\u200b\u2060")  # nothing visible: the login name
    assert accounts.require("can-bo").display == "can-bo"


def test_the_audit_log_only_grows(db: Database) -> None:
    log = AuditLog(db, lambda: dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    log.record("chu-tich", "10.0.0.5", "emergency", "*", "Bão số 3")
    log.record("chu-tich", "10.0.0.5", "logout")
    (last, first) = log.entries()
    assert (first.actor, first.address, first.action, first.detail) == (
        "chu-tich",
        "10.0.0.5",
        "emergency",
        "Bão số 3",
    )
    assert first.at == "2026-01-02T03:04:05+00:00" and last.action == "logout"
    raw = sqlite3.connect(db.path)
    for statement in ("UPDATE console_audit SET actor = 'x'", "DELETE FROM console_audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute(statement)
    raw.close()
    assert len(log.entries()) == 2


def test_sessions_rotate_and_end_when_idle(db: Database) -> None:
    clock = Clock()
    sessions = SessionStore(db, clock, idle_s=600)
    anonymous = sessions.create("10.0.0.5")
    assert anonymous.stage == ANONYMOUS and sessions.load(anonymous.token) is not None
    signed = sessions.advance(anonymous, "can-bo", SIGNED_IN)
    assert signed.token != anonymous.token and signed.csrf != anonymous.csrf
    assert sessions.load(anonymous.token) is None  # the old one is gone
    assert db.query("SELECT key FROM console_sessions")[0][0] != signed.token  # only a hash
    clock.t += 590
    assert sessions.load(signed.token) is not None  # touched: the idle time starts again
    clock.t += 590
    assert sessions.load(signed.token, touch=False) is not None
    clock.t += 20  # 610 s since the last touch
    assert sessions.load(signed.token) is None
    assert sessions.load("x" * 1000) is None


def test_anonymous_sessions_cannot_grow_without_bound(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import commune.console.sessions as module

    monkeypatch.setattr(module, "MAX_ANONYMOUS", 50)
    sessions = SessionStore(db, Clock(), idle_s=600)
    for _ in range(200):
        sessions.create("10.0.0.9")
    assert db.query("SELECT COUNT(*) FROM console_sessions")[0][0] == 50


def test_the_throttle_counts_per_account_and_per_address() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock, account=Limit(3, 60), address=Limit(5, 60))
    for _ in range(3):
        assert throttle.wait_s("a", "10.0.0.1") == 0
        throttle.failed("a", "10.0.0.1")
    assert 0 < throttle.wait_s("A", "10.0.0.2") <= 60  # the account, from anywhere
    assert throttle.wait_s("b", "10.0.0.2") == 0
    throttle.failed("b", "10.0.0.1")
    throttle.failed("c", "10.0.0.1")
    assert throttle.wait_s("d", "10.0.0.1") > 0  # the address, for any account
    clock.t += 61
    assert throttle.wait_s("a", "10.0.0.1") == 0


def test_sealed_values_cannot_be_altered_reused_elsewhere_or_kept() -> None:
    token = seal("k" * 20, "emergency", {"segments": ["bao"]}, expires_at=100.0)
    assert unseal("k" * 20, "emergency", token, now=50.0) == {"segments": ["bao"]}
    assert unseal("k" * 20, "emergency", token, now=101.0) is None  # expired
    assert unseal("k" * 20, "totp", token, now=50.0) is None  # another purpose
    assert unseal("j" * 20, "emergency", token, now=50.0) is None  # another session
    body, mac = token.split(".")
    assert unseal("k" * 20, "emergency", body[:-2] + "AA." + mac, now=50.0) is None


def test_a_shared_snapshot_being_rebuilt_serves_the_previous_one_meanwhile() -> None:
    """Staff whose pages reload together wait for one build, not for each other's: while
    one request builds the new bucket's table the others get the last one, and a result
    older than that (or a failed build) is never served."""
    import threading

    from commune.console.snapshots import Snapshots

    shared: Snapshots[str] = Snapshots()
    assert shared.get("devices", 10, lambda: "bucket 10") == "bucket 10"
    assert shared.get("devices", 10, lambda: "built again") == "bucket 10"
    building, release = threading.Event(), threading.Event()

    def slow() -> str:
        building.set()
        release.wait(10)
        return "bucket 11"

    first: list[str] = []
    builder = threading.Thread(target=lambda: first.append(shared.get("devices", 11, slow)))
    builder.start()
    assert building.wait(10)
    assert shared.get("devices", 11, lambda: "a second build") == "bucket 10"  # at once
    waiter: list[str] = []
    later = threading.Thread(target=lambda: waiter.append(shared.get("devices", 12, str)))
    later.start()  # two buckets on: it waits (here for the lock, then builds its own)
    later.join(0.3)
    assert waiter == []
    release.set()
    builder.join(10)
    later.join(10)
    assert first == ["bucket 11"] and waiter == [""]

    def broken() -> str:
        raise OSError("disk")

    with pytest.raises(OSError):
        shared.get("devices", 13, broken)
    assert shared.get("devices", 13, lambda: "bucket 13") == "bucket 13"


def test_a_live_table_is_rebuilt_in_the_background_and_never_served_twice_stale() -> None:
    """The Devices table a page polls: the first request of a new bucket gets the last
    table at once while a thread builds the new one, which the next request gets."""
    import threading

    from commune.console.snapshots import Snapshots

    shared: Snapshots[str] = Snapshots()
    shared.get("table", 5, lambda: "bucket 5", background=True)  # none yet: built here
    built = threading.Event()

    def build() -> str:
        built.set()
        return "bucket 6"

    assert shared.get("table", 6, build, background=True) == "bucket 5"
    assert built.wait(10)
    for _ in range(100):
        if shared.get("table", 6, lambda: "again", background=True) == "bucket 6":
            break
        threading.Event().wait(0.01)
    assert shared.get("table", 6, lambda: "again", background=True) == "bucket 6"
    # a table two buckets old is never served: the request waits for the new one
    assert shared.get("table", 8, lambda: "bucket 8", background=True) == "bucket 8"
