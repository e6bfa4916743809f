"""Decode any audio file to interleaved float32 PCM at the mixer's rate, streaming.

FFmpeg does the decoding and resampling in a child process, so a 15-minute segment never
sits whole in memory; a corrupt file ends the stream with ``AudioError``.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from controller.errors import AudioError


def decode_frames(
    path: Path, rate: int, channels: int, frames_per_block: int
) -> Iterator[np.ndarray]:
    """Yield arrays of shape (n, channels) of float32 samples, n <= frames_per_block."""
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        raise AudioError("ffmpeg is not installed (Debian package 'ffmpeg')")
    if not Path(path).is_file():
        raise AudioError(f"{Path(path).name}: media file missing")
    cmd = [
        ffmpeg,
        "-nostdin",
        "-v",
        "error",
        "-xerror",
        "-i",
        str(path),
        "-vn",
        "-map",
        "0:a:0",
        "-f",
        "f32le",
        "-ac",
        str(channels),
        "-ar",
        str(rate),
        "pipe:1",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    frame_bytes = 4 * channels
    block_bytes = frames_per_block * frame_bytes
    pending = b""
    try:
        while True:
            data = proc.stdout.read(block_bytes - len(pending))
            if not data:
                break
            pending += data
            if len(pending) >= block_bytes:
                yield np.frombuffer(pending, dtype="<f4").reshape(-1, channels)
                pending = b""
        usable = len(pending) - len(pending) % frame_bytes
        if usable:
            yield np.frombuffer(pending[:usable], dtype="<f4").reshape(-1, channels)
        code = proc.wait()
        if code != 0:
            message = proc.stderr.read().decode("utf-8", "replace").strip().splitlines()
            detail = message[-1] if message else f"ffmpeg exit {code}"
            raise AudioError(f"{Path(path).name}: cannot decode ({detail})")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
