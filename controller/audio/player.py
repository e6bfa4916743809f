"""The player interface the broadcast uses; the pygame implementation lives apart."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class PlayItem:
    """One segment to play, with the gain that brings it to the common loudness."""

    segment_id: str
    title: str
    path: Path
    gain_db: float = 0.0
    duration_s: float = 0.0


@dataclass
class SegmentPlayed:
    segment_id: str
    title: str
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    complete: bool = False
    error: str = ""

    def to_json(self) -> dict:
        return {
            "id": self.segment_id,
            "title": self.title,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "complete": self.complete,
            "error": self.error,
        }


@dataclass
class PlayResult:
    segments: list[SegmentPlayed] = field(default_factory=list)
    stopped: str = ""  # why playback ended early; empty if it ran its course
    cut_at_deadline: bool = False


@dataclass(frozen=True)
class PlayEvent:
    kind: str  # "segment-start", "segment-end", "segment-error", "fade-out"
    segment_id: str
    title: str
    at: dt.datetime
    detail: str = ""


EventSink = Callable[[PlayEvent], None]


class Player(Protocol):
    """Plays segments back to back on the broadcast output."""

    def open(self) -> None:
        """Open the output device; raises AudioError if it cannot."""

    def play(
        self,
        items: Sequence[PlayItem],
        start_at: dt.datetime | None,
        deadline: dt.datetime | None,
        stop: threading.Event,
        on_event: EventSink,
    ) -> PlayResult:
        """Play ``items`` with no gap from ``start_at`` (decoding ahead of it), fading out so
        the audio ends by ``deadline``."""

    def close(self) -> None:
        """Release the output device (idempotent)."""


def gain_for(loudness_lufs: float, target_lufs: float, max_gain_db: float) -> float:
    """The gain that brings a segment to the target loudness, boost limited."""
    return min(target_lufs - loudness_lufs, max_gain_db)
