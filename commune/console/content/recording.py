"""A recording made in the browser (MediaRecorder: WebM/Opus in Chromium, Ogg in Firefox,
MP4 in Safari) made into an Ogg Vorbis file the importer and the devices take, by FFmpeg.

The length is capped (``MAX_RECORDING_S``) and FFmpeg runs with a timeout, so a hostile
upload cannot make the hub decode for hours.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from commune.console.catalogue import t
from village.errors import MediaError

MAX_RECORDING_S = 30 * 60
TIMEOUT_S = 300


def to_ogg(source: Path, target: Path) -> Path:
    """Decode ``source`` (any format FFmpeg reads) and write its first audio stream, mono,
    as Ogg Vorbis at ``target``."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise MediaError(t("recording_no_ffmpeg"))
    command = [
        ffmpeg,
        "-nostdin",
        "-hide_banner",
        "-v",
        "error",
        "-xerror",
        "-i",
        str(source),
        "-t",
        str(MAX_RECORDING_S),
        "-vn",
        "-map",
        "0:a:0",
        "-ac",
        "1",
        "-c:a",
        "libvorbis",
        "-q:a",
        "5",
        "-y",
        str(target),
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        target.unlink(missing_ok=True)
        raise MediaError(t("recording_timeout")) from exc
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        reason = (done.stderr.strip().splitlines() or [t("recording_unknown")])[-1][:200]
        raise MediaError(t("recording_unreadable", reason=reason))
    return target
