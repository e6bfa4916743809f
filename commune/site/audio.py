"""Segments compressed for phones: Opus in Ogg (every current browser) and AAC in MP4 (older
iPhones), mono, speech bitrates, made by FFmpeg once per segment and kept in a cache named
by the source's SHA-256 and the encoder settings.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FFMPEG_TIMEOUT_S = 600


@dataclass(frozen=True)
class AudioProfile:
    extension: str
    mime: str
    arguments: tuple[str, ...]


PROFILES = (
    AudioProfile(
        "opus",
        "audio/ogg; codecs=opus",
        ("-c:a", "libopus", "-b:a", "16k", "-application", "voip", "-ar", "48000"),
    ),
    AudioProfile(
        "m4a",
        "audio/mp4",
        ("-c:a", "aac", "-b:a", "24k", "-ar", "22050", "-movflags", "+faststart"),
    ),
)


@dataclass(frozen=True)
class Rendition:
    name: str  # file name, the same in the cache and under the site's am-thanh/
    mime: str
    size: int


def rendition_name(sha256: str, profile: AudioProfile) -> str:
    key = hashlib.sha256(f"{sha256}:{' '.join(profile.arguments)}".encode()).hexdigest()
    return f"{key[:20]}.{profile.extension}"


def _encode(source: Path, target: Path, profile: AudioProfile) -> bool:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".", suffix=f".{profile.extension}", dir=target.parent)
    os.close(fd)
    command = [
        "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source),
        "-map", "0:a:0", "-vn", "-ac", "1", *profile.arguments, tmp_name,
    ]  # fmt: skip
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=FFMPEG_TIMEOUT_S)
        os.chmod(tmp_name, 0o644)  # a web server reads it
        os.replace(tmp_name, target)
        return True
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        log.warning("cannot compress %s to %s: %s %s", source, profile.extension, exc,
                    detail.decode(errors="replace")[-300:])  # fmt: skip
        return False
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def renditions(source: Path, sha256: str, cache: Path) -> list[Rendition]:
    """The phone versions of one segment, made if the cache does not hold them."""
    made = []
    for profile in PROFILES:
        name = rendition_name(sha256, profile)
        cached = cache / name
        if cached.is_file() or _encode(source, cached, profile):
            made.append(Rendition(name, profile.mime, cached.stat().st_size))
    return made


def place(cached: Path, target: Path) -> None:
    """Put a cached file into the site (a hard link when they share a file system)."""
    if target.is_file() and target.stat().st_size == cached.stat().st_size:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(cached, tmp)
    except OSError:
        shutil.copyfile(cached, tmp)
    os.replace(tmp, target)
