"""Adding content to the store: audio segments and broadcast plans.

Every function checks its input fully before touching the store, so a bad file changes
nothing.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from village.content import Segment
from village.errors import MediaError, PlanError
from village.media import MediaInfo, probe_audio
from village.messages import say
from village.plan import Plan
from village.store import ContentStore, utc_now_iso
from village.text import clean_line, clean_text, describe_char, first_invisible, word_longer_than

MEDIA_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
TITLE_CHARS = 200  # a title staff and citizens read in a list
NOTE_CHARS = 2_000  # a clip's description, a segment's topic
WORD_CHARS = 64  # no word of a real title is this long (the search indexes titles too)


def slugify(text: str) -> str:
    """ASCII id from any text: 'Nhạc hiệu Đài' -> 'nhac-hieu-dai'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:64] or "segment"


def _check_length(text: str, what: str, chars: int) -> None:
    if len(text) > chars:
        raise MediaError(say("media_text_too_long", what=what, length=len(text), limit=chars))
    word = word_longer_than(text, WORD_CHARS)
    if word:
        raise MediaError(say("media_long_word", what=what, limit=WORD_CHARS, word=word[:20]))


def media_title(title: str, kind: str) -> str:
    """A title as stored: one line, NFC, invisible characters removed; refused when nothing
    visible is left or when it is longer than a title is."""
    cleaned = clean_line(title)
    if not cleaned:
        if title.strip():
            raise MediaError(say("media_title_invisible", kind=kind))
        raise MediaError(say("media_title_missing", kind=kind))
    _check_length(cleaned, say("media_title_of", kind=kind), TITLE_CHARS)
    return cleaned


def media_note(text: str, what: str) -> str:
    """A description or topic as stored: cleaned as free text, length checked."""
    cleaned = clean_text(text)
    _check_length(cleaned, what, NOTE_CHARS)
    return cleaned


def media_id(path: Path, title: str, given: str | None, kind: str) -> str:
    """The id a new segment or clip gets (given, or from the file name), checked; an id with
    an invisible character is refused, never cleaned (two ids that look alike must be one)."""
    media_title(title, kind)
    hidden = first_invisible(given) if given else None
    if hidden:
        raise MediaError(say("media_id_invisible", kind=kind, char=describe_char(hidden)))
    chosen = given or slugify(path.stem)
    if not MEDIA_ID_RE.match(chosen):
        raise MediaError(say("media_bad_id", kind=kind, id=repr(chosen)))
    return chosen


def stored_media_fields(
    media_id: str, title: str, path: Path, sha256: str, info: MediaInfo
) -> dict[str, Any]:
    """The fields every stored segment or clip has (``MediaRecord``), and its loudness."""
    return {
        "id": media_id,
        "title": clean_line(title),
        "sha256": sha256,
        "format": info.format,
        "size": path.stat().st_size,
        "duration_s": info.duration_s,
        "added": utc_now_iso(),
        "source_name": clean_line(path.name),
        "loudness_lufs": info.loudness_lufs,
    }


def import_segment(
    store: ContentStore,
    path: str | Path,
    title: str,
    *,
    segment_id: str | None = None,
    topic: str = "",
) -> Segment:
    """Measure an audio file and add it (or replace the segment with the same id)."""
    path = Path(path)
    sid = media_id(path, title, segment_id, say("media_kind_segment"))
    info = probe_audio(path)
    sha = store.add_media(path)
    segment = Segment(
        **stored_media_fields(sid, title, path, sha, info),
        peak_dbfs=info.peak_dbfs if info.peak_dbfs > -1000 else -120.0,
        sample_rate=info.sample_rate,
        channels=info.channels,
        topic=media_note(topic, say("media_topic")),
    )
    with store.transaction() as tables:
        tables.upsert("segments", segment.to_dict())
    return segment


def import_plans(store: ContentStore, path: str | Path, timezone: str) -> list[Plan]:
    """Add every plan of an .ics file; what the same calendar imported before is replaced
    (``village.plan_import``)."""
    from village.plan_import import import_calendar

    return import_calendar(store, path, timezone).plans


def save_plan(store: ContentStore, plan: Plan) -> None:
    plan.validate()
    with store.transaction() as tables:
        tables.upsert("plans", plan.to_dict())


def sample_media_dir() -> Path:
    """The sample content shipped with the project (``media/``)."""
    import os

    configured = os.environ.get("VILLAGE_MEDIA")
    if configured:
        return Path(configured)
    for candidate in (
        Path(__file__).resolve().parent.parent / "media",
        Path("/opt/village/media"),
        Path("/usr/share/village/media"),
    ):
        if (candidate / "segments").is_dir():
            return candidate
    raise MediaError(say("media_no_samples"))


def sample_catalogue(kind: str, media_dir: Path | None = None) -> tuple[Path, list[dict]]:
    """The folder of a kind of sample media (``segments``, ``clips``) and its ``KIND.json``."""
    folder = (media_dir or sample_media_dir()) / kind
    try:
        catalogue = json.loads((folder / f"{kind}.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise MediaError(
            say("media_bad_catalogue", file=f"{folder}/{kind}.json", detail=exc)
        ) from exc
    return folder, catalogue


def import_sample_segments(store: ContentStore, media_dir: Path | None = None) -> list[Segment]:
    folder, catalogue = sample_catalogue("segments", media_dir)
    return [
        import_segment(
            store,
            folder / entry["file"],
            entry["title"],
            segment_id=entry["id"],
            topic=entry.get("topic", ""),
        )
        for entry in catalogue
    ]


def default_plan_file(media_dir: Path | None = None) -> Path:
    folder = (media_dir or sample_media_dir()) / "plans"
    files = sorted(folder.glob("*.ics"))
    if not files:
        raise PlanError(f"no .ics plan in {folder}")
    return files[0]
