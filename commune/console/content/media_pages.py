"""What the Segments and Clips pages share: saving an upload as a draft, publishing, and
serving a stored file to listen to (by its content hash only, with byte ranges)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from starlette.responses import FileResponse, Response

from commune.console.catalogue import t
from commune.console.content import drafts as media
from commune.console.content.place import console_folder, drafts, resumable_uploads
from commune.console.context import Console
from commune.console.errors import ConsoleError
from commune.console.forms import Form, display_name
from village.content import MediaRecord
from village.library import slugify

MEDIA_TYPES = {
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "m4a": "audio/mp4",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "avi": "video/x-msvideo",
}
Saver = Callable[[Path], MediaRecord]


def safe_name(name: str) -> str:
    """A file name made from the browser's (ASCII letters, digits and '-', its extension
    kept when it is a plain one): what the importer records as the source's name."""
    stem, suffix = os.path.splitext(display_name(name))
    suffix = (
        suffix.lower() if suffix[1:].isalnum() and suffix.isascii() and len(suffix) <= 9 else ""
    )
    return slugify(stem)[:60] + suffix


def save_upload(console: Console, form: Form, owner: str, kind: str, save: Saver) -> MediaRecord:
    """The finished resumable upload named in the form (``upload``), or a file sent with
    the form itself (``file``, when the page's script does not run), saved as a draft."""
    scratch = console_folder(console) / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="import-") as folder:
        upload_id = form.get("upload")
        if upload_id:
            uploads = resumable_uploads(console)
            upload = uploads.get(upload_id, owner, kind)
            if upload is None:
                raise ConsoleError(t("upload_unknown"))
            path = uploads.take(upload, Path(folder) / safe_name(upload.name))
        else:
            file = form.file("file")
            if file is None:
                raise ConsoleError(t("media_no_file"))
            path = Path(folder) / safe_name(file.filename)
            os.replace(file.path, path)
        return save(path)


def listen(console: Console, kind: str, sha256: str) -> Response | None:
    """A published or draft file by content hash, with byte ranges; None for any other."""
    found = media.media_file(console.hub, drafts(console), kind, sha256)
    if found is None:
        return None
    path, format_name = found
    return FileResponse(
        path,
        media_type=MEDIA_TYPES.get(format_name, "application/octet-stream"),
        headers={"Cache-Control": "private, max-age=3600"},
    )
