"""Files staff uploaded and the console keeps until they decide (a procedure file waiting
for its preview to be confirmed, a calendar, a spoken announcement to listen to first).

Each staged file lives at ``HUB/console/staged/<id><suffix>`` with ``<id>.json`` beside it
(owner, shown name, when). The id is random (128 bits) and checked against its pattern
before it is joined to a path; a staged file belongs to the account that staged it, and
files older than ``MAX_AGE`` are removed whenever a new one is staged.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_AGE_S = 24 * 3600
_ID_RE = re.compile(r"^[0-9a-f]{32}$")
_SUFFIX_RE = re.compile(r"^(\.[a-z0-9]{1,8})?$")


@dataclass(frozen=True)
class Staged:
    id: str
    path: Path
    owner: str
    name: str  # the browser's file name, for showing only
    kind: str  # procedures, calendar, speech, ...
    at: float
    extra: dict[str, Any]


class StagedFiles:
    def __init__(self, folder: Path, now: Any = time.time) -> None:
        self.folder = folder
        self._now = now

    def _meta(self, staged_id: str) -> Path:
        return self.folder / f"{staged_id}.json"

    def stage(
        self,
        source: Path,
        suffix: str,
        owner: str,
        name: str,
        kind: str,
        extra: dict[str, Any] | None = None,
    ) -> Staged:
        """Move ``source`` (a file the console made) in; returns its record."""
        if not _SUFFIX_RE.match(suffix):
            raise ValueError(f"bad suffix {suffix!r}")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.expire()
        staged_id = secrets.token_hex(16)
        target = self.folder / f"{staged_id}{suffix}"
        os.replace(source, target)
        record = {
            "owner": owner,
            "name": name,
            "kind": kind,
            "suffix": suffix,
            "at": self._now(),
            "extra": extra or {},
        }
        self._meta(staged_id).write_text(json.dumps(record, ensure_ascii=False), "utf-8")
        return self._staged(staged_id, record)

    def _staged(self, staged_id: str, record: dict[str, Any]) -> Staged:
        return Staged(
            staged_id,
            self.folder / f"{staged_id}{record['suffix']}",
            str(record["owner"]),
            str(record["name"]),
            str(record["kind"]),
            float(record["at"]),
            dict(record.get("extra") or {}),
        )

    def get(self, staged_id: str, owner: str, kind: str) -> Staged | None:
        """The owner's staged file of this kind, or None (unknown, someone else's, expired)."""
        if not _ID_RE.match(staged_id):
            return None
        try:
            record = json.loads(self._meta(staged_id).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        staged = self._staged(staged_id, record)
        if staged.owner != owner or staged.kind != kind or not staged.path.is_file():
            return None
        if self._now() - staged.at > MAX_AGE_S:
            self.drop(staged)
            return None
        return staged

    @contextlib.contextmanager
    def under_its_name(self, staged: Staged, default: str = "tep") -> Iterator[Path]:
        """The staged file under the name staff gave it (a link in a private folder, gone
        afterwards): importers name the file in what they say, and a calendar known only by
        its file name is recognised by it when it is imported again."""
        name = staged.name if staged.name not in ("", ".", "..") and "/" not in staged.name else ""
        with tempfile.TemporaryDirectory(dir=self.folder, prefix=".named-") as folder:
            path = Path(folder) / (name or default + staged.path.suffix)
            os.link(staged.path, path)
            yield path

    def drop(self, staged: Staged) -> None:
        staged.path.unlink(missing_ok=True)
        self._meta(staged.id).unlink(missing_ok=True)

    def expire(self) -> None:
        """Remove staged files older than ``MAX_AGE_S`` (and leftovers without a record)."""
        if not self.folder.is_dir():
            return
        limit = self._now() - MAX_AGE_S
        for entry in self.folder.iterdir():
            try:
                if entry.stat().st_mtime < limit:
                    entry.unlink(missing_ok=True)
            except OSError:
                continue
