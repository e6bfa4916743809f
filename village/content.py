"""Content records the store holds: audio segments for broadcast, video clips for the kiosk."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Self


@dataclass(frozen=True)
class MediaRecord:
    """Fields every stored media file has: it lives at ``media/<sha256>``."""

    id: str
    title: str
    sha256: str
    format: str
    size: int
    duration_s: float
    added: str
    source_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class Segment(MediaRecord):
    """An audio segment for the loudspeakers, with the loudness measured at import."""

    loudness_lufs: float = -23.0
    peak_dbfs: float = 0.0
    sample_rate: int = 0
    channels: int = 0
    topic: str = ""


@dataclass(frozen=True)
class Clip(MediaRecord):
    """A video clip shown on the kiosk."""

    loudness_lufs: float = -23.0
    width: int = 0
    height: int = 0
    description: str = ""
