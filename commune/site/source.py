"""Where the site's content comes from: the hub's library, a device's store, or the samples.

All three are a content store (``village.store.ContentStore``): the hub keeps every
procedure, segment, clip and plan it has published in ``HUB/library``; a Pi keeps what it
received (or what ``village import`` added) in its data folder; the shipped samples are
imported into a store in a scratch folder. Conferences exist only on a hub.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commune.site.errors import BadSiteInput
from village.content import Clip, Segment
from village.errors import StoreError
from village.procedures import Procedure, procedures_of
from village.store import ContentStore


@dataclass(frozen=True)
class ConferenceEntry:
    """An outreach conference staff recorded on the hub (``village record conference``)."""

    day: str  # YYYY-MM-DD
    topic: str
    attendees: int
    place: str = ""

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ConferenceEntry | None:
        day = str(record.get("day", ""))
        if len(day) != 10:
            return None
        try:
            attendees = int(record.get("attendees", 0))
        except (TypeError, ValueError):
            attendees = 0
        return cls(day, str(record.get("topic", "")), attendees, str(record.get("place", "")))


@dataclass
class SiteContent:
    """Everything the site shows, read at one moment."""

    procedures: dict[str, Procedure] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    clips: list[Clip] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    conferences: list[ConferenceEntry] = field(default_factory=list)
    updated: str = ""  # when the store last changed (UTC, ISO 8601)
    revision: int = 0
    media_dir: Path | None = None

    def media_path(self, sha256: str) -> Path | None:
        """The stored file of a segment or clip, or None when the store lacks it."""
        if self.media_dir is None:
            return None
        path = self.media_dir / sha256
        return path if path.is_file() else None


def from_store(store: ContentStore, conferences: Iterable[dict[str, Any]] = ()) -> SiteContent:
    """The content of a store (a hub's library or a device's data folder)."""
    if not store.path.is_file():
        raise BadSiteInput(f"không có kho nội dung tại {store.data_dir} (thiếu content.json)")
    try:
        snapshot = store.snapshot()
    except StoreError as exc:
        raise BadSiteInput(f"không đọc được kho nội dung {store.data_dir}: {exc}") from exc
    entries = [ConferenceEntry.from_record(r) for r in conferences]
    return SiteContent(
        procedures=procedures_of(snapshot.procedures),
        segments=sorted(snapshot.segments.values(), key=lambda s: (s.title, s.id)),
        clips=sorted(snapshot.clips.values(), key=lambda c: (c.title, c.id)),
        plans=list(snapshot.plans.values()),
        conferences=sorted((c for c in entries if c), key=lambda c: (c.day, c.topic)),
        updated=str(snapshot.meta.get("updated", "")),
        revision=snapshot.revision,
        media_dir=store.media_dir,
    )


def from_hub(hub_root: Path) -> SiteContent:
    """The hub's library and the conferences staff recorded."""
    from commune.hubdata import HubData

    hub = HubData.open(hub_root)
    return from_store(hub.library, hub.repository.conferences())


def from_samples(scratch: Path, timezone: str) -> SiteContent:
    """The shipped samples (procedures, segments, plan, clips), imported into ``scratch``."""
    from village.clips import import_sample_kiosk_content
    from village.library import default_plan_file, import_plans, import_sample_segments

    store = ContentStore(scratch)
    if not store.path.is_file():
        import_sample_segments(store)
        import_plans(store, default_plan_file(), timezone)
        import_sample_kiosk_content(store)
    return from_store(store)
