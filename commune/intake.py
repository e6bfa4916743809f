"""What the hub takes in from a device's logs: plausibility, the daily quota, the pace.

Every record a device sends is looked at against what that device could have aired or
recorded: its time (not in the future beyond the clock skew, not older than the backlog a
device may bring), its outcome, the plan and segments it names (pushed to that device at
some version) and its durations (relay span within the slot, audio within the relay span).
A record that fails a check is still stored, flagged with the reasons, so nothing a genuine
device sent is lost; the report leaves flagged records out of its figures and says so.

Volume is bounded by a quota per device, stream and day of the record's own time (not of
its arrival): a device back after a month offline brings a month of days, each within its
quota. Records without a usable time (none, in the future, or older than ``BACKLOG_DAYS``)
count against the day they arrive. Records over a quota are not stored: the device is told
to keep them (``Deferred``, code ``quota``) and staff see them counted. On top of that a
device's new records are taken in at a bounded pace (``Pace``): a larger burst than any
genuine backlog, then a steady rate; the excess is deferred (code ``busy``) and comes back
later, so it too is never lost.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from commune.desired import applies_to
from commune.refusals import LOG_DEFERRED, LOG_FLAGGED, LOG_OVER_QUOTA, RefusalCounter
from commune.repository import Entry, HubRepository, Incoming
from village.wire import codec, limits
from village.wire.errors import Refused
from village.wire.uplink import Ack, Deferred, LogBatch

CLOCK_SKEW = dt.timedelta(minutes=5)
BACKLOG_DAYS = 400  # the oldest record day a device may bring back (beyond: arrival day)
MAX_ON_AIR = dt.timedelta(hours=3)  # no relay span is longer (the guard's maximum is less)
SLOT_GRACE = dt.timedelta(minutes=10)  # a scheduled broadcast ends this close to its slot's end
AUDIO_GRACE_S = 5.0
OUTCOMES = ("aired", "partial", "missed")
RATINGS = range(1, 6)
ARRIVAL = "~"  # prefix of a quota day counted by arrival

# flags, as stored with a record and named in the report
FUTURE = "future"  # its time is ahead of the hub's clock by more than the skew
OLD = "old"  # older than the backlog a device may bring
NO_TIME = "no-time"
OUTCOME = "outcome"  # not aired, partial or missed
UNKNOWN_PLAN = "unknown-plan"  # a scheduled broadcast of a plan never pushed to the device
SLOT = "slot"  # its slot key does not match its plan and planned start
UNKNOWN_SEGMENT = "unknown-segment"  # a segment never pushed to the device
DURATION = "duration"  # relay or audio spans no broadcast can have
RATING = "rating"  # a feedback rating outside 1-5


def parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def record_moment(record: Mapping[str, Any]) -> dt.datetime | None:
    """The time a record is about: planned start of a broadcast, ``at`` of a kiosk record."""
    for key in ("planned_start", "relay_on", "at", "time", "logged_at"):
        moment = parse_time(record.get(key))
        if moment is not None:
            return moment
    return None


@dataclass(frozen=True)
class Known:
    """What a device was ever sent: the plans and segments its records may name."""

    plans: frozenset[str]
    segments: frozenset[str]

    @classmethod
    def from_entries(cls, entries: Iterable[Entry], device: str) -> Known:
        plans: set[str] = set()
        segments: set[str] = set()
        for entry in entries:
            if entry.record is None or not applies_to(entry, device):
                continue
            if entry.kind == "plans":
                plans.add(entry.key)
            elif entry.kind == "segments":
                segments.add(entry.key)
        return cls(frozenset(plans), frozenset(segments))


def _span(start: Any, end: Any) -> dt.timedelta | None:
    first, last = parse_time(start), parse_time(end)
    if first is None or last is None:
        return None
    return last - first


def _time_flags(moment: dt.datetime | None, now: dt.datetime) -> list[str]:
    if moment is None:
        return [NO_TIME]
    if moment > now + CLOCK_SKEW:
        return [FUTURE]
    if moment < now - dt.timedelta(days=BACKLOG_DAYS):
        return [OLD]
    return []


def _duration_flag(record: Mapping[str, Any]) -> list[str]:
    relay = _span(record.get("relay_on"), record.get("relay_off"))
    if relay is not None and not dt.timedelta(0) <= relay <= MAX_ON_AIR:
        return [DURATION]
    end = parse_time(record.get("planned_end"))
    off = parse_time(record.get("relay_off"))
    if record.get("trigger") == "schedule" and end and off and off > end + SLOT_GRACE:
        return [DURATION]
    audio = 0.0
    for segment in _segments(record):
        span = _span(segment.get("start"), segment.get("end"))
        if span is not None:
            if span < dt.timedelta(0):
                return [DURATION]
            audio += span.total_seconds()
    if audio and (relay is None or audio > relay.total_seconds() + AUDIO_GRACE_S):
        return [DURATION]
    return []


def _content_flags(record: Mapping[str, Any], known: Known) -> list[str]:
    flags = []
    plan = str(record.get("plan") or "")
    if record.get("trigger") == "schedule":
        if plan not in known.plans:
            flags.append(UNKNOWN_PLAN)
        start = parse_time(record.get("planned_start"))
        expected = f"{plan}@{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" if start else None
        if record.get("slot") != expected:
            flags.append(SLOT)
    segments = record.get("segments") or []
    ids = {str(s.get("id")) for s in _segments(record)}
    if not isinstance(segments, list) or ids - known.segments:
        flags.append(UNKNOWN_SEGMENT)
    return flags


def _segments(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The segment entries of a play-log record (whatever else it holds there)."""
    segments = record.get("segments")
    if not isinstance(segments, list):
        return []
    return [s for s in segments if isinstance(s, dict)]


def broadcast_flags(record: Mapping[str, Any], known: Known, now: dt.datetime) -> list[str]:
    """Why a play-log record cannot be what its device aired (empty: nothing found)."""
    flags = _time_flags(record_moment(record), now)
    if record.get("outcome") not in OUTCOMES:
        flags.append(OUTCOME)
    return flags + _content_flags(record, known) + _duration_flag(record)


def journal_flags(record: Mapping[str, Any], now: dt.datetime) -> list[str]:
    flags = _time_flags(record_moment(record), now)
    rating = record.get("rating")
    if rating is not None and rating not in RATINGS:
        flags.append(RATING)
    return flags


def record_flags(
    stream: str, record: Mapping[str, Any], known: Known, now: dt.datetime
) -> list[str]:
    if stream == "playlog":
        return broadcast_flags(record, known, now)
    return journal_flags(record, now)


def quota_day(record: Mapping[str, Any], flags: list[str], now: dt.datetime) -> str:
    """The day a record counts against: its own (UTC) day, or its arrival day when its time
    is missing, in the future or too old to trust."""
    moment = record_moment(record)
    if moment is None or {FUTURE, OLD, NO_TIME} & set(flags):
        return ARRIVAL + now.astimezone(dt.UTC).date().isoformat()
    return moment.astimezone(dt.UTC).date().isoformat()


@dataclass(frozen=True)
class IntakeLimits:
    """How much of one device's logs the hub takes in (see the module's docstring)."""

    quota_per_day: int = 200  # records per device, stream and day
    quota_retry_s: int = 6 * 3600  # a device offers over-quota records again after this
    pace_burst: int = 20_000  # new records taken in at once (more than a year of broadcasts)
    pace_per_hour: int = 2_000
    busy_retry_min_s: int = 30  # the shortest delay a device is told to wait


class Pace:
    """A token bucket per device on new records; thread-safe."""

    def __init__(self, limits: IntakeLimits, clock: Any = time.monotonic) -> None:
        self.burst = float(limits.pace_burst)
        self.rate = limits.pace_per_hour / 3600.0
        self.min_wait = float(limits.busy_retry_min_s)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # device -> (tokens, stamp)
        self._lock = threading.Lock()

    def take(self, device: str, wanted: int) -> int:
        """How many of ``wanted`` records may be stored now (taken from the bucket)."""
        with self._lock:
            now = self.clock()
            tokens, stamp = self._buckets.get(device, (self.burst, now))
            tokens = min(self.burst, tokens + (now - stamp) * self.rate)
            granted = min(wanted, int(tokens))
            self._buckets[device] = (tokens - granted, now)
            return granted

    def refund(self, device: str, unused: int) -> None:
        with self._lock:
            tokens, stamp = self._buckets.get(device, (self.burst, self.clock()))
            self._buckets[device] = (min(self.burst, tokens + unused), stamp)

    def wait_s(self, device: str, wanted: int) -> int:
        """Seconds until ``wanted`` records would fit (at least ``busy_retry_min_s``, at most
        an hour)."""
        with self._lock:
            tokens, _ = self._buckets.get(device, (self.burst, self.clock()))
        missing = max(0.0, min(wanted, self.burst) - tokens)
        wait = missing / self.rate if self.rate else 3600.0
        return int(min(3600.0, max(self.min_wait, wait)))


@dataclass
class Answers:
    """What the hub answers a batch with (an ack, then deferrals), and what it did."""

    stream: str
    messages: list[dict[str, Any]]
    held: int  # records the hub holds (acknowledged)
    added: int  # of them, new
    deferred: int  # records the device keeps for later
    flagged: int  # new records stored with flags

    @property
    def summary(self) -> str:
        return (
            f"{self.held} {self.stream} record(s) held, {self.added} new "
            f"({self.flagged} flagged), {self.deferred} deferred"
        )


class LogIntake:
    """Takes a device's log batches into the repository within its quotas and pace."""

    def __init__(self, repository: HubRepository, limits: IntakeLimits) -> None:
        self.repository = repository
        self.limits = limits
        self.pace = Pace(limits)
        self.refusals = RefusalCounter("log records")
        self._known: dict[str, tuple[int, Known]] = {}

    def known(self, device: str) -> Known:
        version = self.repository.latest_version()
        held = self._known.get(device)
        if held is None or held[0] != version:
            held = self._known[device] = (
                version,
                Known.from_entries(self.repository.entries(), device),
            )
        return held[1]

    def take(self, device: str, payload: bytes) -> Answers:
        """Store what a batch may store; raises ``Refused`` for a batch that is not one."""
        batch = LogBatch.parse(codec.decode(payload, limit=limits.LOG_BATCH, what="log batch"))
        for record in batch.records:
            if record.get("device") not in (None, device):
                raise Refused("wrong-address", f"a record names device {record.get('device')}")
        now = dt.datetime.now(dt.UTC)
        ids = [r["id"] for r in batch.records]
        before = self.repository.known_ids(device, batch.stream, ids)
        known = self.known(device)
        items: list[Incoming] = []
        for record in batch.records:
            if record["id"] in before:
                items.append(Incoming(record, ""))
                continue
            flags = record_flags(batch.stream, record, known, now)
            items.append(Incoming(record, quota_day(record, flags, now), tuple(flags)))
        granted = self.pace.take(device, len(set(ids) - before))
        stored = self.repository.store_within_quota(
            device, batch.stream, items, self.limits.quota_per_day, granted
        )
        self.pace.refund(device, granted - stored.added)
        added = set(stored.held) - before
        flagged = sum(1 for item in items if item.flags and item.record["id"] in added)
        if flagged:
            self.refusals.note(device, LOG_FLAGGED, "records stored but implausible", flagged)
        messages = [Ack(batch.stream, batch.batch, tuple(stored.held)).to_message()]
        messages += self._deferrals(device, batch, stored.over_quota, stored.over_limit)
        return Answers(
            batch.stream,
            messages,
            len(stored.held),
            stored.added,
            len(stored.over_quota) + len(stored.over_limit),
            flagged,
        )

    def _deferrals(
        self, device: str, batch: LogBatch, over_quota: list[str], over_limit: list[str]
    ) -> list[dict[str, Any]]:
        out = []
        if over_quota:
            detail = (
                f"over the quota of {self.limits.quota_per_day} {batch.stream} records "
                "a day: kept on the device"
            )
            self.refusals.note(device, LOG_OVER_QUOTA, detail, len(over_quota))
            retry = self.limits.quota_retry_s
            out.append(
                Deferred(batch.stream, batch.batch, tuple(over_quota), "quota", retry, detail)
            )
        if over_limit:
            retry = self.pace.wait_s(device, len(over_limit))
            detail = f"more new records than the hub takes in at once: offered again in {retry} s"
            self.refusals.note(device, LOG_DEFERRED, detail, len(over_limit))
            out.append(
                Deferred(batch.stream, batch.batch, tuple(over_limit), "busy", retry, detail)
            )
        return [d.to_message() for d in out]
