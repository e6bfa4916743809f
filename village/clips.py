"""Adding video clips for the kiosk, and the kiosk's sample content (procedures and clips).

A clip is checked whole (decoded once by FFmpeg) before it is copied into the store under
its SHA-256, so a truncated file never reaches the screen.
"""

from __future__ import annotations

from pathlib import Path

from village.content import Clip
from village.library import (
    media_id,
    media_note,
    sample_catalogue,
    sample_media_dir,
    stored_media_fields,
)
from village.media import probe_video
from village.messages import say
from village.store import ContentStore

SAMPLE_PROCEDURES = Path("procedures") / "thu-tuc-cap-xa.json"


def import_clip(
    store: ContentStore,
    path: str | Path,
    title: str,
    *,
    clip_id: str | None = None,
    description: str = "",
) -> Clip:
    """Measure a video file and add it (or replace the clip with the same id)."""
    path = Path(path)
    cid = media_id(path, title, clip_id, say("media_kind_clip"))
    info = probe_video(path)
    sha = store.add_media(path)
    clip = Clip(
        **stored_media_fields(cid, title, path, sha, info),
        width=info.width,
        height=info.height,
        description=media_note(description, say("media_description")),
    )
    with store.transaction() as tables:
        tables.upsert("clips", clip.to_dict())
    return clip


def import_sample_clips(store: ContentStore, media_dir: Path | None = None) -> list[Clip]:
    """The clips listed in ``media/clips/clips.json``."""
    folder, catalogue = sample_catalogue("clips", media_dir)
    return [
        import_clip(
            store,
            folder / entry["file"],
            entry["title"],
            clip_id=entry["id"],
            description=entry.get("description", ""),
        )
        for entry in catalogue
    ]


def import_sample_kiosk_content(store: ContentStore, media_dir: Path | None = None):
    """The sample procedures and clips shipped in ``media/``; returns (ImportReport, clips)."""
    from village.procedures import import_procedures

    folder = media_dir or sample_media_dir()
    report = import_procedures(store, folder / SAMPLE_PROCEDURES)
    return report, import_sample_clips(store, folder)
