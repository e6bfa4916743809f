"""Inspecting media files with FFmpeg: format, duration, loudness (EBU R128) and peak.

Every file is decoded in full once at import (``-xerror``), so a truncated or corrupt file
is refused there and never reaches a broadcast.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from village.errors import MediaError
from village.messages import say
from village.text import shown

AUDIO_FORMATS = {"ogg": "ogg", "mp3": "mp3", "wav": "wav", "flac": "flac", "mov,mp4,m4a": "m4a"}
VIDEO_FORMATS = {"mov,mp4,m4a,3gp,3g2,mj2": "mp4", "matroska,webm": "webm", "avi": "avi"}
SILENCE_LUFS = -69.0
MIN_DURATION_S = 0.5


@dataclass(frozen=True)
class MediaInfo:
    format: str
    duration_s: float
    loudness_lufs: float
    peak_dbfs: float
    sample_rate: int
    channels: int
    width: int = 0
    height: int = 0


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise MediaError(say("media_no_tool", tool=name))
    return path


def _ffprobe(path: Path) -> dict:
    try:
        proc = subprocess.run(
            [
                _tool("ffprobe"),
                "-v",
                "error",
                "-show_entries",
                "format=format_name,duration:stream=codec_type,codec_name,sample_rate,channels,"
                "width,height:stream_disposition=attached_pic",
                "-of",
                "json",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise MediaError(say("media_probe_timeout", file=shown(path.name))) from exc
    if proc.returncode != 0:
        reason = proc.stderr.strip().splitlines()[-1:] or ["unreadable"]
        raise MediaError(say("media_unreadable_because", file=shown(path.name), reason=reason[0]))
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise MediaError(say("media_unreadable", file=shown(path.name))) from exc


_LOUDNESS = re.compile(r"Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+|-inf|nan) LUFS")
_PEAK = re.compile(r"Sample peak:\s*\n\s*Peak:\s*(-?[\d.]+|-inf) dBFS")
_OUT_TIME = re.compile(r"out_time_us=(\d+)")


def _measure(path: Path) -> tuple[float, float, float]:
    """Decode the whole first audio stream: (duration s, integrated LUFS, sample peak dBFS)."""
    cmd = [
        _tool("ffmpeg"),
        "-nostdin",
        "-hide_banner",
        "-nostats",
        "-v",
        "info",
        "-xerror",
        "-i",
        str(path),
        "-vn",
        "-map",
        "0:a:0",
        "-af",
        "ebur128=peak=sample",
        "-f",
        "null",
        "-",
        "-progress",
        "pipe:1",
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(say("media_decode_timeout", file=shown(path.name))) from exc
    if proc.returncode != 0:
        errors = [
            ln
            for ln in proc.stderr.splitlines()
            if "rror" in ln or "corrupt" in ln or "nvalid" in ln
        ]
        reason = errors[-1].strip() if errors else "decoding failed"
        raise MediaError(say("media_corrupt", file=shown(path.name), reason=reason))
    loud = _LOUDNESS.search(proc.stderr)
    peak = _PEAK.search(proc.stderr)
    times = _OUT_TIME.findall(proc.stdout)
    if not (loud and peak and times):
        raise MediaError(say("media_no_loudness", file=shown(path.name)))
    lufs = float(loud.group(1)) if loud.group(1) not in ("-inf", "nan") else -70.0
    peak_db = float(peak.group(1)) if peak.group(1) != "-inf" else -math.inf
    return int(times[-1]) / 1e6, lufs, peak_db


def _probe_known(path: Path, formats: dict[str, str], accepted: str) -> tuple[dict, str]:
    """ffprobe's view of ``path`` and its format name, if it is one of ``formats``."""
    if not path.is_file():
        raise MediaError(say("media_missing", file=shown(str(path))))
    info = _ffprobe(path)
    format_name = info.get("format", {}).get("format_name", "")
    if format_name not in formats:
        kind = format_name or say("media_kind_unknown")
        raise MediaError(
            say("media_wrong_type", file=shown(path.name), kind=kind, accepted=accepted)
        )
    return info, format_name


def probe_audio(path: str | Path) -> MediaInfo:
    """Check that ``path`` is a whole, audible audio file and measure it."""
    path = Path(path)
    info, format_name = _probe_known(path, AUDIO_FORMATS, say("media_audio_formats"))
    streams = [s for s in info.get("streams", []) if s.get("codec_type") == "audio"]
    if not streams:
        raise MediaError(say("media_no_audio", file=shown(path.name)))
    duration, lufs, peak = _measure(path)
    if duration < MIN_DURATION_S:
        raise MediaError(say("media_too_short", file=shown(path.name), duration=duration))
    if lufs <= SILENCE_LUFS:
        raise MediaError(say("media_silent", file=shown(path.name), lufs=lufs))
    return MediaInfo(
        format=AUDIO_FORMATS[format_name],
        duration_s=round(duration, 3),
        loudness_lufs=lufs,
        peak_dbfs=peak,
        sample_rate=int(streams[0].get("sample_rate") or 0),
        channels=int(streams[0].get("channels") or 0),
    )


def probe_video(path: str | Path) -> MediaInfo:
    """Check that ``path`` is a whole video file with sound and measure it."""
    path = Path(path)
    info, format_name = _probe_known(path, VIDEO_FORMATS, say("media_video_formats"))
    video = [
        s
        for s in info.get("streams", [])
        if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
    ]
    audio = [s for s in info.get("streams", []) if s.get("codec_type") == "audio"]
    if not video:
        raise MediaError(say("media_no_video", file=shown(path.name)))
    if audio:
        duration, lufs, peak = _measure(path)
    else:
        duration, lufs, peak = float(info["format"].get("duration") or 0), -70.0, -math.inf
    return MediaInfo(
        format=VIDEO_FORMATS[format_name],
        duration_s=round(duration, 3),
        loudness_lufs=lufs,
        peak_dbfs=peak,
        sample_rate=int(audio[0].get("sample_rate") or 0) if audio else 0,
        channels=int(audio[0].get("channels") or 0) if audio else 0,
        width=int(video[0].get("width") or 0),
        height=int(video[0].get("height") or 0),
    )
