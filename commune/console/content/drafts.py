"""Segments and clips saved from the console but not yet published: drafts.

A draft is imported exactly like any segment or clip (``village.library.import_segment``,
``village.clips.import_clip``: decoded in full, duration and loudness measured, stored by
content hash), into a content store of its own (``HUB/console/drafts``), so staff can
listen to it before it reaches a device. Publishing moves it into the hub's library — the
content the hub has published — and records a new version for the chosen devices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from commune.console.catalogue import t
from commune.console.content.publishing import publish
from commune.console.errors import ConsoleError
from commune.hubdata import HubData
from commune.push import PushResult
from village.clips import import_clip
from village.content import Clip, MediaRecord, Segment
from village.library import MEDIA_ID_RE, import_segment, slugify
from village.store import ContentStore
from village.text import clean_line

TABLES = {"segment": "segments", "clip": "clips"}
MAX_TITLE = 200


@dataclass(frozen=True)
class MediaItem:
    record: MediaRecord
    draft: bool
    replaces: bool = False  # a draft whose id a published item already has


def _records(store: ContentStore, kind: str) -> dict[str, MediaRecord]:
    snapshot = store.snapshot()
    table: dict[str, Segment] | dict[str, Clip] = (
        snapshot.segments if kind == "segment" else snapshot.clips
    )
    return dict(table)


def items(hub: HubData, drafts: ContentStore, kind: str) -> list[MediaItem]:
    """Drafts first (newest first), then what the hub has published (by title)."""
    published = _records(hub.library, kind)
    waiting = sorted(_records(drafts, kind).values(), key=lambda r: r.added, reverse=True)
    shown = [MediaItem(r, True, r.id in published) for r in waiting]
    shown += [MediaItem(r, False) for r in sorted(published.values(), key=lambda r: r.title)]
    return shown


def item_id(title: str, given: str) -> str:
    """The id staff gave, or one made from the title; checked."""
    chosen = given.strip().lower() or slugify(title)
    if not MEDIA_ID_RE.match(chosen):
        raise ConsoleError(t("media_bad_id", id=chosen[:80]))
    return chosen


def clean_title(title: str) -> str:
    cleaned = clean_line(title)[:MAX_TITLE]
    if not cleaned:
        raise ConsoleError(t("media_need_title"))
    return cleaned


def save_segment(
    drafts: ContentStore, source: Path, title: str, given_id: str, topic: str = ""
) -> Segment:
    title = clean_title(title)
    return import_segment(
        drafts, source, title, segment_id=item_id(title, given_id), topic=clean_line(topic)[:200]
    )


def save_clip(
    drafts: ContentStore, source: Path, title: str, given_id: str, description: str = ""
) -> Clip:
    title = clean_title(title)
    return import_clip(
        drafts, source, title, clip_id=item_id(title, given_id), description=description[:2000]
    )


def _take_draft(hub: HubData, drafts: ContentStore, table: str, record: MediaRecord) -> None:
    """The draft's media and record into the library; the draft removed."""
    hub.library.add_media(drafts.media_path(record.sha256), record.sha256)
    with hub.library.transaction() as tables:
        tables.upsert(table, record.to_dict())
    with drafts.transaction() as tables:
        tables.remove(table, record.id)
    drafts.remove_unused_media()


def publish_item(
    hub: HubData, drafts: ContentStore, kind: str, key: str, devices: Sequence[str]
) -> tuple[MediaRecord, PushResult]:
    """Publish a draft, or publish a published item again (to more devices)."""
    table = TABLES[kind]
    draft = _records(drafts, kind).get(key)
    record = draft or _records(hub.library, kind).get(key)
    if record is None:
        raise ConsoleError(t("media_unknown", id=key[:80]))
    if draft is not None:  # its media reach the library before any manifest names them
        _take_draft(hub, drafts, table, draft)
    result = publish(hub, [(table, record.id, record.to_dict())], devices, f"{kind} {record.id}")
    return record, result


def discard(drafts: ContentStore, kind: str, key: str) -> bool:
    with drafts.transaction() as tables:
        removed = tables.remove(TABLES[kind], key)
    drafts.remove_unused_media()
    return removed > 0


def media_file(
    hub: HubData, drafts: ContentStore, kind: str, sha256: str
) -> tuple[Path, str] | None:
    """The stored file of a published or draft segment (or clip) by its content hash, and
    its format; None for any other hash (nothing else is served)."""
    for store in (hub.library, drafts):
        for record in _records(store, kind).values():
            if record.sha256 == sha256 and store.has_media(sha256):
                return store.media_path(sha256), record.format
    return None
