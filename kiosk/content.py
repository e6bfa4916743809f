"""What the kiosk shows, built from one snapshot of the content store, and the watcher that
notices when the store changes (an import, a sync) so the kiosk can show new content without
a restart. The kiosk only reads the store.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.errors import ScreenSpecError
from village.content import Clip
from village.errors import StoreError
from village.procedures import Procedure, fold_key, procedures_of
from village.procedures.ordering import field_rank, sort_name
from village.search import SearchEngine, Synonyms
from village.store import ContentStore, Snapshot

log = logging.getLogger(__name__)

SCREENSHOT_SCREENS = ("home", "field", "procedure", "search", "feedback", "attract")


@dataclass(frozen=True)
class FieldEntry:
    name: str
    count: int


@dataclass
class KioskContent:
    """One version of the content, ready to show."""

    revision: int = 0
    updated: str = ""
    procedures: dict[str, Procedure] = field(default_factory=dict)  # every one, in force or not
    clips: list[Clip] = field(default_factory=list)
    synonyms: Synonyms = field(default_factory=Synonyms)
    recent_count: int = 6

    def __post_init__(self) -> None:
        in_force = [p for p in self.procedures.values() if p.in_force]
        self.by_field: dict[str, list[Procedure]] = {}
        for p in sorted(in_force, key=lambda p: (sort_name(p.name), p.code)):
            self.by_field.setdefault(p.field, []).append(p)
        self.fields = [
            FieldEntry(name, len(items))
            for name, items in sorted(
                self.by_field.items(),
                key=lambda kv: field_rank(kv[0]),
            )
        ]
        changed = [p for p in in_force if p.status in ("new", "amended")]
        changed.sort(key=lambda p: (p.effective_date, p.updated, p.code), reverse=True)
        self.recent = changed[: self.recent_count]
        self.engine = SearchEngine(in_force, self.synonyms)

    @classmethod
    def from_snapshot(
        cls, snapshot: Snapshot, synonyms: Synonyms | None = None, recent_count: int = 6
    ) -> KioskContent:
        clips = sorted(snapshot.clips.values(), key=lambda c: (c.title, c.id))
        return cls(
            revision=snapshot.revision,
            updated=str(snapshot.meta.get("updated", "")),
            procedures=procedures_of(snapshot.procedures),
            clips=clips,
            synonyms=synonyms or Synonyms(),
            recent_count=recent_count,
        )

    @property
    def in_force_count(self) -> int:
        return sum(entry.count for entry in self.fields)

    def procedure(self, code: str) -> Procedure | None:
        return self.procedures.get(code)

    def field_named(self, name: str) -> str | None:
        """The field called ``name``, typed with or without accents."""
        wanted = fold_key(name)
        for entry in self.fields:
            if fold_key(entry.name) == wanted:
                return entry.name
        return None

    def clip(self, clip_id: str) -> Clip | None:
        return next((c for c in self.clips if c.id == clip_id), None)


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0, 0)
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


class ContentWatcher:
    """Polls the store file and the synonyms file; builds a new ``KioskContent`` on change.

    A store that cannot be read (a half-copied backup, a disk error) keeps the content
    already shown: the kiosk goes on serving what it has.
    """

    def __init__(
        self,
        store: ContentStore,
        synonyms_file: Path | None,
        recent_count: int = 6,
        on_change: Callable[[KioskContent, KioskContent | None], None] | None = None,
    ) -> None:
        self.store = store
        self.synonyms_file = synonyms_file
        self.recent_count = recent_count
        self.on_change = on_change
        self.content: KioskContent | None = None
        self._stamps: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None
        self.synonyms = Synonyms()

    def _current_stamps(self) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
        synonyms = _stamp(self.synonyms_file) if self.synonyms_file else (0, 0, 0)
        return _stamp(self.store.path), synonyms

    def load(self) -> KioskContent:
        """Read now (at start-up); never raises for a bad store, gives empty content."""
        self.poll(force=True)
        if self.content is None:
            self.content = KioskContent(synonyms=self.synonyms, recent_count=self.recent_count)
        return self.content

    def poll(self, force: bool = False) -> bool:
        """Reload if a file changed; True when the content shown must change."""
        stamps = self._current_stamps()
        if not force and stamps == self._stamps:
            return False
        synonyms_changed = self._stamps is None or stamps[1] != self._stamps[1]
        self._stamps = stamps
        if synonyms_changed and self.synonyms_file:
            self.synonyms = Synonyms.load(self.synonyms_file)
        try:
            snapshot = self.store.snapshot()
        except StoreError as exc:
            log.error("content store unreadable, keeping the content shown: %s", exc)
            return False
        old = self.content
        if old is not None and snapshot.revision == old.revision and not synonyms_changed:
            return False
        self.content = KioskContent.from_snapshot(snapshot, self.synonyms, self.recent_count)
        log.info(
            "content revision %d: %d procedures in force, %d clips",
            self.content.revision,
            self.content.in_force_count,
            len(self.content.clips),
        )
        if self.on_change:
            self.on_change(self.content, old)
        return True


def store_size_bytes(store: ContentStore) -> int:
    total = _stamp(store.path)[1]
    if store.media_dir.is_dir():
        with os.scandir(store.media_dir) as entries:
            total += sum(e.stat().st_size for e in entries if e.is_file())
    return total


def resolve_screen(spec: str, content: KioskContent) -> tuple[str, str]:
    """'field:Ho tich' -> ('field', 'Hộ tịch'); raises ScreenSpecError with what exists."""
    name, _, arg = spec.partition(":")
    name = name.strip().lower()
    if name not in SCREENSHOT_SCREENS:
        raise ScreenSpecError(
            f"unknown screen {name!r}: use home, field:NAME, procedure:CODE, search:QUERY, "
            "feedback or attract"
        )
    if name == "field":
        field = content.field_named(arg)
        if field is None:
            known = ", ".join(e.name for e in content.fields) or "none"
            raise ScreenSpecError(f"no field {arg!r} (fields: {known})")
        return name, field
    if name == "procedure":
        procedure = content.procedure(arg.strip())
        if procedure is None or not procedure.in_force:
            raise ScreenSpecError(f"no procedure in force with code {arg!r}")
        return name, procedure.code
    if name == "search" and not arg.strip():
        raise ScreenSpecError("search:QUERY needs a query")
    return name, arg
