"""The broadcast player on pygame's mixer.

The mixer is opened for each broadcast and closed after it, so the output device is free
between broadcasts (the kiosk may need it). SDL's own environment (``SDL_AUDIODRIVER``,
``SDL_DISKAUDIOFILE``) is honoured: the configured driver is used only when the variable
is unset. Samples are streamed in chunks through one mixer channel's queue, which plays
queued sounds back to back with no gap.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np
import pygame

from controller.audio.decoder import decode_frames
from controller.audio.pcm import to_int16
from controller.audio.player import (
    EventSink,
    PlayEvent,
    PlayItem,
    PlayResult,
    SegmentPlayed,
)
from controller.audio.stream import SegmentStream, Span
from controller.errors import AudioError
from controller.settings import AudioSettings

log = logging.getLogger(__name__)

CHUNK_SECONDS = 0.5
POLL_SECONDS = 0.005
STOP_FADE_MS = 400


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def list_output_devices() -> list[str]:
    """Output device names SDL offers (for the ``audio.device`` setting)."""
    from pygame._sdl2 import audio as sdl_audio

    was_init = pygame.mixer.get_init() is not None
    if not was_init:
        pygame.mixer.init()
    try:
        return list(sdl_audio.get_audio_device_names(False))
    finally:
        if not was_init:
            pygame.mixer.quit()


def _sleep_until(when: dt.datetime, now: Callable[[], dt.datetime], stop: threading.Event) -> bool:
    """Sleep until ``when`` on the monotonic clock; False if ``stop`` was set first."""
    target = time.monotonic() + (when - now()).total_seconds()
    while True:
        remaining = target - time.monotonic()
        if remaining <= 0:
            return not stop.is_set()
        if stop.wait(remaining - 0.003 if remaining > 0.01 else 0.0005):
            return False


class PygamePlayer:
    def __init__(self, settings: AudioSettings, now: Callable[[], dt.datetime] = utc_now) -> None:
        self.settings = settings
        self.now = now
        self.rate = settings.frequency
        self.channels = settings.channels
        self._open = False

    def open(self) -> None:
        if self._open:
            return
        if self.settings.driver and "SDL_AUDIODRIVER" not in os.environ:
            os.environ["SDL_AUDIODRIVER"] = self.settings.driver
        try:
            pygame.mixer.init(
                frequency=self.settings.frequency,
                size=-16,
                channels=self.settings.channels,
                buffer=self.settings.buffer,
                devicename=self.settings.device or None,
            )
        except pygame.error as exc:
            driver = os.environ.get("SDL_AUDIODRIVER", "SDL default")
            raise AudioError(
                f"cannot open audio output {self.settings.device or '(default)'} "
                f"with driver {driver}: {exc}"
            ) from exc
        initialised = pygame.mixer.get_init()
        if not initialised:
            raise AudioError("the audio mixer did not start")
        self.rate, _, self.channels = initialised
        pygame.mixer.set_num_channels(1)
        self._open = True
        log.debug("audio open: %d Hz, %d channel(s)", self.rate, self.channels)

    def close(self) -> None:
        if self._open:
            pygame.mixer.quit()
            self._open = False

    def play(
        self,
        items: Sequence[PlayItem],
        start_at: dt.datetime | None,
        deadline: dt.datetime | None,
        stop: threading.Event,
        on_event: EventSink,
    ) -> PlayResult:
        if not self._open:
            self.open()
        begin = max(start_at or self.now(), self.now())
        stream = self._stream(items, begin, deadline)
        result = PlayResult(segments=[SegmentPlayed(i.segment_id, i.title) for i in items])
        chunks = stream.chunks()
        queue = _Queue(pygame.mixer.Channel(0))
        first = next(chunks, None)  # decoded ahead, so the start is punctual
        upcoming = next(chunks, None) if first is not None else None
        ready = [queue.sound(c) for c in (first, upcoming) if c is not None]
        if not _sleep_until(begin, self.now, stop):
            first = None
            result.stopped = "stopped"
        timeline = _Timeline(stream, items, result, self.rate, self.now(), on_event)
        started = time.monotonic()
        if first is None:
            timeline.announce(0, final=True)
        else:
            queue.channel.play(ready[0])
            if upcoming is not None:
                queue.channel.queue(ready[1])
                upcoming = next(chunks, None)
            self._feed(queue, chunks, upcoming, timeline, stop, result, started)
        queue.channel.stop()
        result.cut_at_deadline = stream.cut
        return result

    def _stream(
        self, items: Sequence[PlayItem], begin: dt.datetime, deadline: dt.datetime | None
    ) -> SegmentStream:
        budget = None
        if deadline is not None:
            latency = self.settings.buffer / self.rate
            seconds = (deadline - begin).total_seconds() - latency
            budget = max(0, int(seconds * self.rate))
        return SegmentStream(
            items=items,
            rate=self.rate,
            channels=self.channels,
            chunk_frames=int(self.rate * CHUNK_SECONDS),
            decoder=decode_frames,
            budget_frames=budget,
            fade_frames=int(self.settings.fade_s * self.rate),
        )

    def _feed(
        self,
        queue: _Queue,
        chunks: Iterator[np.ndarray],
        upcoming: np.ndarray | None,
        timeline: _Timeline,
        stop: threading.Event,
        result: PlayResult,
        started: float,
    ) -> None:
        """Keep the channel's queue filled until the stream ends or ``stop`` is set."""
        channel = queue.channel
        while True:
            elapsed_frames = (time.monotonic() - started) * self.rate
            if stop.is_set():
                channel.fadeout(STOP_FADE_MS)
                time.sleep(STOP_FADE_MS / 1000)
                result.stopped = "stopped"
                timeline.announce((time.monotonic() - started) * self.rate, final=True)
                return
            if upcoming is not None and channel.get_queue() is None:
                channel.queue(queue.sound(upcoming))
                upcoming = next(chunks, None)
                continue
            if upcoming is None and not channel.get_busy():
                timeline.announce(float(timeline.stream.produced), final=True)
                return
            timeline.announce(elapsed_frames)
            time.sleep(POLL_SECONDS)


class _Queue:
    """One mixer channel and the last sounds queued on it (they must outlive playback)."""

    def __init__(self, channel: pygame.mixer.Channel) -> None:
        self.channel = channel
        self._keep: collections.deque[pygame.mixer.Sound] = collections.deque(maxlen=4)

    def sound(self, chunk: np.ndarray) -> pygame.mixer.Sound:
        made = pygame.mixer.Sound(buffer=to_int16(chunk))
        self._keep.append(made)
        return made


class _Timeline:
    """Announces, as the audio gets there, where each segment starts and ends and where
    the fade-out begins; fills in the result's segments."""

    def __init__(
        self,
        stream: SegmentStream,
        items: Sequence[PlayItem],
        result: PlayResult,
        rate: int,
        t0: dt.datetime,
        on_event: EventSink,
    ) -> None:
        self.stream = stream
        self.items = items
        self.result = result
        self.rate = rate
        self.t0 = t0
        self.on_event = on_event
        self.announced: set[tuple[int, str]] = set()
        self.faded = False

    def at(self, frame: float) -> dt.datetime:
        return self.t0 + dt.timedelta(seconds=frame / self.rate)

    def announce(self, up_to_frame: float, final: bool = False) -> None:
        fade = self.stream.fade_begin
        if fade is not None and fade <= up_to_frame and not self.faded:
            self.faded = True
            self.on_event(PlayEvent("fade-out", "", "", self.at(fade), "slot end"))
        for span in self.stream.spans:
            self._start(span, up_to_frame)
            self._end(span, up_to_frame, final)

    def _start(self, span: Span, up_to_frame: float) -> None:
        if span.start is None or span.start > up_to_frame:
            return
        if (span.index, "start") in self.announced or (span.end == span.start and span.error):
            return
        self.announced.add((span.index, "start"))
        item, played = self.items[span.index], self.result.segments[span.index]
        played.start = self.at(span.start)
        self.on_event(PlayEvent("segment-start", item.segment_id, item.title, played.start))

    def _end(self, span: Span, up_to_frame: float, final: bool) -> None:
        if span.end is None or not (span.end <= up_to_frame or final):
            return
        if (span.index, "end") in self.announced:
            return
        self.announced.add((span.index, "end"))
        item, played = self.items[span.index], self.result.segments[span.index]
        end_frame = min(span.end, int(up_to_frame)) if final else span.end
        if played.start is not None:
            played.end = self.at(end_frame)
        played.complete = span.complete and end_frame >= span.end
        played.error = span.error
        kind = "segment-error" if span.error else "segment-end"
        when = played.end or self.at(end_frame)
        self.on_event(PlayEvent(kind, item.segment_id, item.title, when, span.error))
