"""Recording doubles of the controller's own interfaces, for fast unit tests.

Each stands where a real part meets the code under test (the player a broadcast plays
through, the host the sync agent asks, the MQTT session it talks through) and records
what it was asked to do; none imitates a library.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from controller.audio.player import EventSink, PlayEvent, PlayItem, PlayResult, SegmentPlayed
from controller.errors import AudioError
from village.clock import Clock
from village.plan import Policy, Priority
from village.store import ContentStore
from village.wire.mqtt import Endpoint, Message, Outcome


@dataclass
class Played:
    """One ``play`` call: what was asked, and what ``observe`` saw when the audio began."""

    items: tuple[PlayItem, ...]
    start_at: dt.datetime | None
    deadline: dt.datetime | None
    seen: Any = None


class RecordingPlayer:
    """A ``controller.audio.player.Player`` that plays nothing and records each request.

    Playing advances the injected clock to the start and by each item's duration; with
    ``hold`` it waits until the broadcast is stopped (a broadcast still on air), and with
    ``open_error`` its output cannot be opened.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        observe: Callable[[], Any] = lambda: None,
        hold: bool = False,
        open_error: str = "",
    ) -> None:
        self.clock = clock
        self.observe = observe
        self.hold = hold
        self.open_error = open_error
        self.plays: list[Played] = []
        self.opened = 0
        self.closed = 0
        self.playing = threading.Event()

    def open(self) -> None:
        if self.open_error:
            raise AudioError(self.open_error)
        self.opened += 1

    def close(self) -> None:
        self.closed += 1

    def play(
        self,
        items: Sequence[PlayItem],
        start_at: dt.datetime | None,
        deadline: dt.datetime | None,
        stop: threading.Event,
        on_event: EventSink,
    ) -> PlayResult:
        self.plays.append(Played(tuple(items), start_at, deadline, self.observe()))
        self.playing.set()
        result = PlayResult()
        if self.hold:
            stop.wait(30)
            result.stopped = "stopped"
            result.segments = [SegmentPlayed(i.segment_id, i.title) for i in items]
            return result
        for item in items:
            result.segments.append(self._play_one(item, start_at, on_event))
            start_at = None
        return result

    def _play_one(
        self, item: PlayItem, start_at: dt.datetime | None, on_event: EventSink
    ) -> SegmentPlayed:
        clock = self.clock
        if clock is not None and start_at is not None and start_at > clock.now():
            clock.wait_until(start_at, threading.Event())
        begin = clock.now() if clock else dt.datetime.now(dt.UTC)
        on_event(PlayEvent("segment-start", item.segment_id, item.title, begin))
        if clock is not None:
            clock.wait(item.duration_s, threading.Event())
        end = clock.now() if clock else begin
        on_event(PlayEvent("segment-end", item.segment_id, item.title, end))
        return SegmentPlayed(item.segment_id, item.title, begin, end, complete=True)


def play_item(segment_id: str, seconds: float = 10.0) -> PlayItem:
    return PlayItem(
        segment_id, f"Bài {segment_id}", Path(f"/nonexistent/{segment_id}"), 0.0, seconds
    )


@dataclass
class RecordingHost:
    """A ``controller.sync.host.DeviceHost``: a real content store, a clock, and a record
    of every broadcast the agent asked for or stopped."""

    store: ContentStore
    clock: Clock
    policy_in_force: Policy = field(default_factory=lambda: Policy(quiet_hours="", holidays=()))
    busy: str = ""  # what is on air, if anything ("" when idle)
    played: list[tuple[list[str], Priority, str]] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    switched: int = 0
    in_use: set[str] = field(default_factory=set)

    def device_status(self) -> dict[str, Any]:
        return {
            "state": "on air" if self.busy else "idle",
            "relay": bool(self.busy),
            "on_air": self.busy or None,
            "clock_synchronized": True,
            "content_revision": self.store.revision(),
            "last_broadcast": None,
        }

    def play_now(self, segments: list[str], priority: Priority, title: str) -> dict[str, Any]:
        if self.busy:
            return {"ok": False, "error": f"đang bận: đang phát «{self.busy}»"}
        self.played.append((list(segments), priority, title))
        return {"ok": True}

    def stop_broadcast(self, reason: str) -> bool:
        self.stopped.append(reason)
        was, self.busy = self.busy, ""
        return bool(was)

    def content_switched(self) -> None:
        self.switched += 1

    def media_in_use(self) -> set[str]:
        return set(self.in_use)

    def policy(self) -> Policy:
        return self.policy_in_force

    def now(self) -> dt.datetime:
        return self.clock.now()


def answered(code: int = 0) -> Outcome:
    """A publish or subscribe the broker has already answered with ``code``."""
    outcome = Outcome()
    outcome._set([code])
    return outcome


class FakeMonotonic:
    """A monotonic clock the test moves by hand (``now.value += 5``)."""

    def __init__(self, value: float = 1000.0) -> None:
        self.value = value

    def __call__(self) -> float:
        return self.value


class RecordingSession:
    """A ``controller.sync.session.AgentSession``: every publish, subscription and close is
    recorded; the test plays the broker, connecting it and delivering messages to the
    agent's own callbacks as the network thread would."""

    def __init__(self, endpoint: Endpoint, **options: Any) -> None:
        self.endpoint = endpoint
        self.options = options
        self.on_message: Callable[[Message], None] = options["on_message"]
        self.on_connect: Callable[[bool], None] = options["on_connect"]
        self.on_disconnect: Callable[[str], None] = options["on_disconnect"]
        self.published: list[Message] = []
        self.subscribed: list[str] = []
        self.unsubscribed: list[str] = []
        self.started = False
        self.final: Message | None = None
        self.closed = False
        self._connected = False
        self._changed = threading.Condition()

    @property
    def connected(self) -> bool:
        return self._connected

    def start(self) -> None:
        self.started = True

    def close(self, final: Message | None = None, timeout: float = 5.0) -> None:
        self.final, self.closed, self._connected = final, True, False

    def publish(
        self,
        topic: str,
        payload: bytes,
        *,
        qos: int = 1,
        retain: bool = False,
        expiry_s: int | None = None,
    ) -> Outcome:
        if not self._connected:
            return answered(-4)  # as paho: no connection
        with self._changed:
            self.published.append(Message(topic, payload, retain, qos))
            self._changed.notify_all()
        return answered()

    def subscribe(self, filters: list[tuple[str, int]]) -> Outcome:
        self.subscribed.extend(topic for topic, _ in filters)
        return answered()

    def unsubscribe(self, topics: list[str]) -> Outcome:
        self.unsubscribed.extend(topics)
        return answered()

    # -- the test's side: the broker ---------------------------------------------------------

    def connect(self, session_present: bool = False) -> None:
        self._connected = True
        self.on_connect(session_present)

    def deliver(self, topic: str, payload: bytes, retained: bool = False) -> None:
        self.on_message(Message(topic, payload, retained))

    def wait_for(
        self, topic: str, match: Callable[[Message], bool] = lambda m: True, timeout: float = 5.0
    ) -> Message:
        """The first message published on ``topic`` that ``match`` accepts."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((m for m in self.published if m.topic == topic and match(m)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({m.topic for m in self.published})
                    raise AssertionError(f"nothing published on {topic}; seen {seen}")
                self._changed.wait(left)
