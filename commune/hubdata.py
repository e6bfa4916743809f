"""The hub's folder: signing key, content library, repository, run lock.

::

    HUB/signing.key      Ed25519 private key (PKCS#8 PEM, mode 600)
    HUB/hub.sqlite       the repository (desired state, devices, records, commands)
    HUB/library/         a content store: every segment, clip, plan and procedure pushed,
                         and the media under media/<sha256>
    HUB/run/hub.lock     held by the running daemon (``village hub``)
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from commune.errors import HubError, NotInitialised
from commune.repository import SqliteHubRepository
from village.store import ContentStore
from village.wire.errors import WireError
from village.wire.signing import SigningKey, VerifyKey
from village.wire.topics import ID_RE

KEY_FILE = "signing.key"
DB_FILE = "hub.sqlite"


class HubData:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.key_path = self.root / KEY_FILE
        self.library = ContentStore(self.root / "library")
        self.lock_path = self.root / "run" / "hub.lock"
        self._repository: SqliteHubRepository | None = None

    # -- creating and opening --------------------------------------------------------------

    @classmethod
    def init(cls, root: str | Path, commune: str, devices: list[str]) -> HubData:
        """Create the folder, the store and a new signing key; never overwrites a key."""
        hub = cls(root)
        if not ID_RE.match(commune):
            raise HubError(f"commune id {commune!r}: use a-z, 0-9, '-', '_'")
        bad = [d for d in devices if not ID_RE.match(d)]
        if bad:
            raise HubError(f"device ids not valid: {', '.join(bad)}")
        if hub.key_path.exists():
            raise HubError(f"{hub.root} already holds a hub (signing key {hub.key_path})")
        hub.root.mkdir(parents=True, exist_ok=True)
        os.chmod(hub.root, 0o750)
        (hub.root / "library" / "media").mkdir(parents=True, exist_ok=True)
        try:
            key = SigningKey.generate()
            key.save(hub.key_path)
        except WireError as exc:
            raise HubError(str(exc)) from exc
        repository = hub.repository
        repository.set_meta("commune", commune)
        repository.set_meta("key_id", key.public.id)
        repository.set_meta("public_key", key.public.text())
        for device in devices:
            repository.register_device(device)
        return hub

    @classmethod
    def open(cls, root: str | Path) -> HubData:
        hub = cls(root)
        if not (hub.root / DB_FILE).exists() or not hub.key_path.exists():
            raise NotInitialised(f"no hub in {hub.root}: run 'village hub init --data {hub.root}'")
        return hub

    @property
    def repository(self) -> SqliteHubRepository:
        if self._repository is None:
            self._repository = SqliteHubRepository(self.root / DB_FILE)
        return self._repository

    @property
    def commune(self) -> str:
        value = self.repository.get_meta("commune")
        if not value:
            raise NotInitialised(f"{self.root}: the hub store names no commune")
        return value

    def signing_key(self) -> SigningKey:
        try:
            return SigningKey.load(self.key_path)
        except WireError as exc:
            raise HubError(str(exc)) from exc

    def public_key(self) -> VerifyKey:
        text = self.repository.get_meta("public_key")
        if text:
            return VerifyKey.from_text(text)
        return self.signing_key().public

    def media_size(self, sha256: str) -> int:
        return self.library.media_path(sha256).stat().st_size

    # -- the daemon's lock -----------------------------------------------------------------

    def acquire_run_lock(self) -> int:
        """Hold the lock for the daemon's lifetime; raises if another daemon holds it."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(fd)
            raise HubError(f"another hub daemon is running on {self.root}") from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return fd

    def daemon_running(self) -> bool:
        if not self.lock_path.exists():
            return False
        fd = os.open(self.lock_path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)
