"""One broadcast, start to finish: relay on, warm-up, segments, tail, relay off, log.

The relay goes off on every path out of ``Broadcaster.run`` (normal end, stop request,
exception, guard trip). A marker file written before the relay goes on lets the next start
log a broadcast that a power cut interrupted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from controller.audio.player import Player, PlayEvent, PlayItem, PlayResult
from controller.errors import AudioError
from controller.gpio.relay import Relay
from controller.gpio.relay_guard import Trip
from village.atomic import atomic_write_bytes
from village.clock import Clock
from village.plan import Priority
from village.playlog import new_record_id

log = logging.getLogger(__name__)

Step = Callable[[str, dict[str, Any]], None]
LATE_TOLERANCE_S = 60.0


@dataclass(frozen=True)
class Job:
    """What one broadcast should air."""

    title: str
    items: tuple[PlayItem, ...]
    priority: Priority = Priority.ORDINARY
    trigger: str = "schedule"  # schedule, manual, button, emergency
    slot: str = ""  # the slot key, for scheduled broadcasts
    plan_id: str = ""
    planned_start: dt.datetime | None = None
    planned_end: dt.datetime | None = None  # the relay is off by then
    content_revision: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def missed_record(job: Job, reason: str, device: str) -> dict[str, Any]:
    return {
        "id": new_record_id(),
        "kind": "broadcast",
        "device": device,
        "slot": job.slot,
        "plan": job.plan_id,
        "title": job.title,
        "priority": job.priority.label,
        "trigger": job.trigger,
        "planned_start": iso(job.planned_start),
        "planned_end": iso(job.planned_end),
        "relay_on": None,
        "relay_off": None,
        "segments": [],
        "outcome": "missed",
        "reason": reason,
        "content_revision": job.content_revision,
    }


class Broadcaster:
    def __init__(
        self,
        relay: Relay,
        player: Player,
        clock: Clock,
        *,
        warmup_s: float,
        tail_s: float,
        device: str,
        state_dir: Path,
        on_step: Step | None = None,
    ) -> None:
        self.relay = relay
        self.player = player
        self.clock = clock
        self.warmup_s = warmup_s
        self.tail_s = tail_s
        self.device = device
        self.marker = Path(state_dir) / "onair.json"
        self.on_step = on_step or (lambda kind, data: None)
        self.current: Job | None = None
        self._stop = threading.Event()
        self._stop_reason = ""

    # -- control from other threads ---------------------------------------------------------

    def stop(self, reason: str) -> bool:
        """Ask the broadcast on air to end (fading out); False if none is on air."""
        if self.current is None:
            return False
        self._stop_reason = self._stop_reason or reason
        self._stop.set()
        return True

    # -- crash recovery --------------------------------------------------------------------

    def recover_interrupted(
        self, trip_for: Callable[[str], Trip | None] | None = None
    ) -> dict[str, Any] | None:
        """A record for a broadcast the last run left on air (power cut, SIGKILL), if any.

        ``trip_for`` finds the relay guard's trip for that broadcast: when the relay really
        went off (the guard switched it off when the controller died, or at the deadline).
        """
        try:
            raw = self.marker.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            data = {}
        record = {
            "id": new_record_id(),
            "kind": "broadcast",
            "device": self.device,
            **{
                k: data.get(k)
                for k in (
                    "slot",
                    "plan",
                    "title",
                    "priority",
                    "trigger",
                    "planned_start",
                    "planned_end",
                    "relay_on",
                    "content_revision",
                )
            },
            "relay_off": None,
            "segments": [],
            "outcome": "partial",
            "reason": "interrupted: the controller stopped or lost power while on air",
        }
        trip = trip_for(str(data.get("id") or "")) if trip_for else None
        if trip is not None:
            record["relay_off"] = trip.relay_off
            record["reason"] += f"; {trip.reason()}"
        return record

    def clear_marker(self) -> None:
        self.marker.unlink(missing_ok=True)

    # -- the broadcast ---------------------------------------------------------------------

    def run(self, job: Job) -> dict[str, Any]:
        self._stop.clear()
        self._stop_reason = ""
        self.current = job
        result = PlayResult()
        relay_on = relay_off = None
        failure = ""
        now = self.clock.now()
        late_s = (now - job.planned_start).total_seconds() if job.planned_start else 0.0
        record: dict[str, Any] = {
            "id": new_record_id(),
            "kind": "broadcast",
            "device": self.device,
            "slot": job.slot,
            "plan": job.plan_id,
            "title": job.title,
            "priority": job.priority.label,
            "trigger": job.trigger,
            "planned_start": iso(job.planned_start or now),
            "planned_end": iso(job.planned_end),
            "content_revision": job.content_revision,
        }
        self.relay.on_guard_trip = self._guard_tripped
        try:
            self.relay.on(record["id"])
            relay_on = self.clock.now()
            # written after the relay (the start must be punctual), during the warm-up
            atomic_write_bytes(
                self.marker, json.dumps({**record, "relay_on": iso(relay_on)}).encode()
            )
            self.on_step("relay-on", {"at": relay_on, "job": job})
            try:
                self.player.open()
            except AudioError as exc:
                failure = str(exc)
                log.error("%s", exc)
            if not failure and not self._stop.is_set():
                warm = relay_on + dt.timedelta(seconds=self.warmup_s)
                deadline = None
                if job.planned_end is not None:
                    deadline = job.planned_end - dt.timedelta(seconds=self.tail_s)
                result = self.player.play(job.items, warm, deadline, self._stop, self._relay_event)
                if not self._stop.is_set():
                    self.clock.wait(self.tail_s, self._stop)
        except Exception as exc:  # the relay must go off whatever went wrong
            failure = f"{type(exc).__name__}: {exc}"
            log.exception("broadcast failed")
        finally:
            self.relay.off()
            relay_off = self.clock.now()
            if self.relay.guard_tripped and self.relay.last_trip is not None:
                relay_off = self.relay.last_trip.off_at  # the guard's own time, frozen or not
            self.on_step("relay-off", {"at": relay_off, "job": job})
            try:
                self.player.close()
            except Exception:  # closing must not hide the outcome
                log.exception("closing the audio output failed")
            self.current = None
        outcome, reason = self._judge(job, result, failure, late_s)
        record.update(
            relay_on=iso(relay_on),
            relay_off=iso(relay_off),
            segments=[s.to_json() for s in result.segments],
            outcome=outcome,
            reason=reason,
            late_s=round(max(0.0, late_s), 3),
        )
        return record

    def _guard_tripped(self, trip: Trip) -> None:
        """The relay guard switched the relay off (its maximum on-time): end the audio."""
        self.stop(trip.reason())

    def _relay_event(self, event: PlayEvent) -> None:
        self.on_step(
            event.kind,
            {
                "at": event.at,
                "segment": event.segment_id,
                "title": event.title,
                "detail": event.detail,
            },
        )

    def _judge(self, job: Job, result: PlayResult, failure: str, late_s: float) -> tuple[str, str]:
        played = [s for s in result.segments if s.start is not None]
        errors = [s for s in result.segments if s.error]
        stop_reason = self._stop_reason if self._stop.is_set() else ""
        if failure:
            return ("partial" if played else "missed"), failure
        if not job.items:
            return "missed", "nothing to play: the slot has no segments in the store"
        if stop_reason and not played:
            return "missed", f"{stop_reason} before the audio began"
        if not played:
            detail = "; ".join(s.error for s in errors) or "no audio"
            return "missed", f"no segment could be played: {detail}"
        if stop_reason:
            return "partial", stop_reason
        if errors:
            names = ", ".join(s.segment_id for s in errors)
            return "partial", f"skipped unplayable segment(s) {names}: {errors[0].error}"
        if result.cut_at_deadline:
            unplayed = [s.segment_id for s in result.segments if not s.complete]
            if late_s > LATE_TOLERANCE_S:
                return "partial", (
                    f"started {late_s:.0f} s late; faded out at slot end, "
                    f"not finished: {', '.join(unplayed)}"
                )
            return "aired", f"faded out at slot end; not finished: {', '.join(unplayed)}"
        if late_s > LATE_TOLERANCE_S:
            return "aired", f"started {late_s:.0f} s late"
        return "aired", ""
