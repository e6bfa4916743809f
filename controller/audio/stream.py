"""Join segments into one continuous sample stream, cut into fixed-size chunks.

Segments follow each other sample-exactly (no gap at the joins); each gets its own gain and
the soft limiter; if the stream would run past its frame budget it fades out and stops
there. The stream keeps a timeline of where each segment starts and ends, in frames.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from controller.audio.pcm import apply_gain, fade_gains, soft_limit
from controller.audio.player import PlayItem
from controller.errors import AudioError

Decoder = Callable[..., Iterator[np.ndarray]]


@dataclass
class Span:
    """Where one item sits in the stream; ``end`` is None until it finishes."""

    index: int
    start: int | None = None
    end: int | None = None
    complete: bool = False
    error: str = ""


@dataclass
class SegmentStream:
    items: Sequence[PlayItem]
    rate: int
    channels: int
    chunk_frames: int
    decoder: Decoder
    budget_frames: int | None = None  # None: no deadline
    fade_frames: int = 0
    spans: list[Span] = field(default_factory=list)
    produced: int = 0
    cut: bool = False
    fade_begin: int | None = None  # frame where the fade-out starts, once it has

    def __post_init__(self) -> None:
        self.spans = [Span(i) for i in range(len(self.items))]

    def _over_budget(self) -> bool:
        return self.budget_frames is not None and self.produced >= self.budget_frames

    def _blocks(self) -> Iterator[np.ndarray]:
        """Each item's frames, gain applied, in order; records the spans."""
        for index, item in enumerate(self.items):
            span = self.spans[index]
            if self._over_budget():
                return
            span.start = self.produced
            try:
                for block in self.decoder(item.path, self.rate, self.channels, self.chunk_frames):
                    block = soft_limit(apply_gain(block, item.gain_db))
                    if self.budget_frames is not None:
                        room = self.budget_frames - self.produced
                        if room <= 0:
                            break
                        if len(block) > room:
                            block = block[:room]
                        if self.fade_frames:
                            fade_begin = self.budget_frames - self.fade_frames
                            if self.produced + len(block) > fade_begin:
                                self.fade_begin = max(0, fade_begin)
                                gains = fade_gains(
                                    self.produced, len(block), fade_begin, self.budget_frames
                                )
                                block = block * gains[:, None]
                    self.produced += len(block)
                    yield block
                else:
                    span.complete = True
            except AudioError as exc:
                span.error = str(exc)
            span.end = self.produced
            if not span.complete and not span.error:
                self.cut = True
                return

    def chunks(self) -> Iterator[np.ndarray]:
        """Fixed-size chunks of the joined stream (the last may be shorter)."""
        pending: list[np.ndarray] = []
        size = 0
        for block in self._blocks():
            pending.append(block)
            size += len(block)
            while size >= self.chunk_frames:
                joined = np.concatenate(pending)
                yield joined[: self.chunk_frames]
                rest = joined[self.chunk_frames :]
                pending = [rest] if len(rest) else []
                size = len(rest)
        if size:
            yield np.concatenate(pending)
