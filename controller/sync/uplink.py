"""Sending the play log and the kiosk journal up, keeping every record until it is acked.

The logs themselves are the outbox: append-only JSON Lines files that are never rewritten
(``log/playlog-*.jsonl``, written by the controller; ``journal/*.jsonl``, by the kiosk).
For each file the uplink keeps a watermark (the byte offset before which every record is
acknowledged) and the ids acknowledged beyond it, in ``sync/uplink.json``. Records after
the watermark that are neither acknowledged nor in flight go up in batches; at most
``WINDOW`` batches are unacknowledged at a time, and a batch with no ack is sent again
(the hub stores by id, so a repeat is harmless). Records the hub defers (over a quota, or
more than it takes in at once) stay in the log and go up again after the delay it gave.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from village.atomic import atomic_write_bytes
from village.wire import codec
from village.wire.uplink import (
    MAX_BATCH_BYTES,
    RECORD_ID_RE,
    Ack,
    Deferred,
    LogBatch,
    new_batch_id,
)

log = logging.getLogger(__name__)

WINDOW = 4
ACK_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Stream:
    name: str
    folder: Path
    pattern: str


def device_streams(data_dir: Path) -> list[Stream]:
    return [
        Stream("playlog", data_dir / "log", "playlog-*.jsonl"),
        Stream("journal", data_dir / "journal", "*.jsonl"),
    ]


@dataclass
class InFlight:
    batch: LogBatch
    sent_at: float


@dataclass
class _Scan:
    """One stream's part of a pump: the batch being filled and what came of it."""

    stream: str
    batch: list[dict[str, Any]] = field(default_factory=list)
    size: int = 0
    stopped: bool = False  # the window is full: the rest is only counted
    sent: int = 0
    pending: int = 0


@dataclass
class StreamState:
    watermarks: dict[str, int] = field(default_factory=dict)  # file name -> offset
    acked: set[str] = field(default_factory=set)  # ids acked beyond the watermarks


def _lines(path: Path, offset: int) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, line) of every complete line from ``offset``."""
    if not path.exists():
        return
    with open(path, "rb") as handle:
        handle.seek(offset)
        position = offset
        for raw in handle:
            if not raw.endswith(b"\n"):
                return  # being written: not a record yet
            yield position, position + len(raw), raw
            position += len(raw)


def _count_lines(path: Path, offset: int) -> int:
    """Complete lines from ``offset`` to the end (records waiting, without parsing them)."""
    count = 0
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            while chunk := handle.read(1 << 20):
                count += chunk.count(b"\n")
    except FileNotFoundError:
        return 0
    return count


def _record_id(raw: bytes) -> tuple[str | None, dict[str, Any] | None]:
    try:
        record = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(record, dict):
        return None, None
    rid = record.get("id")
    if not isinstance(rid, str) or not RECORD_ID_RE.match(rid):
        return None, None
    return rid, record


class LogUplink:
    def __init__(
        self,
        streams: list[Stream],
        state_path: Path,
        send: Callable[[LogBatch], bool],
        batch_records: int = 500,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.streams = {s.name: s for s in streams}
        self.monotonic = monotonic
        self.state_path = state_path
        self.send = send
        self.batch_records = batch_records
        self.state: dict[str, StreamState] = {s.name: StreamState() for s in streams}
        self.in_flight: dict[str, InFlight] = {}
        self.pending = 0  # records waiting, as of the last scan
        self.sent_records = 0
        self._sizes: dict[str, int] = {}
        self._cursors: dict[str, dict[str, int]] = {}  # stream -> file -> offset read up to
        self.held: dict[str, dict[str, float]] = {s.name: {} for s in streams}  # id -> until
        self._load()

    # -- state -----------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            saved = json.loads(self.state_path.read_text())
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.error("uplink state unreadable (%s): records will be sent again", exc)
            return
        for name, data in saved.get("streams", {}).items():
            if name in self.state:
                self.state[name] = StreamState(
                    {k: int(v) for k, v in data.get("watermarks", {}).items()},
                    set(data.get("acked", [])),
                )

    def _save(self) -> None:
        data = {
            "streams": {
                name: {"watermarks": st.watermarks, "acked": sorted(st.acked)}
                for name, st in self.state.items()
            }
        }
        atomic_write_bytes(self.state_path, codec.encode(data))

    # -- scanning --------------------------------------------------------------------------

    def changed(self) -> bool:
        """True if a log file grew since the last look (cheap: one stat per file)."""
        sizes = {}
        for stream in self.streams.values():
            if stream.folder.is_dir():
                for path in stream.folder.glob(stream.pattern):
                    try:
                        sizes[str(path)] = path.stat().st_size
                    except FileNotFoundError:
                        continue
        if sizes != self._sizes:
            self._sizes = sizes
            return True
        return False

    def _files(self, stream: Stream) -> list[Path]:
        if not stream.folder.is_dir():
            return []
        return sorted(stream.folder.glob(stream.pattern))

    def pump(self, can_send: bool) -> int:
        """Send new batches while the window allows; returns how many were sent.

        Reading resumes at a cursor past the records already sent (they are acknowledged or
        in flight, and an unacknowledged batch is sent again from memory), so catching up
        on a long backlog reads each record once. Without a cursor (after a start, or a
        failed send) reading starts at the watermark and skips what is in flight.
        """
        now = self.monotonic()
        self._release(now)
        if can_send:
            self._resend_unacknowledged(now)
        flying = {r["id"] for f in self.in_flight.values() for r in f.batch.records}
        flying |= {rid for held in self.held.values() for rid in held}  # deferred by the hub
        pending = len(flying)
        sent = 0
        for stream in self.streams.values():
            scan = self._scan_stream(stream, can_send, flying, now)
            sent += scan.sent
            pending += scan.pending
        self.pending = pending
        return sent

    def _resend_unacknowledged(self, now: float) -> None:
        for key, flight in list(self.in_flight.items()):
            if now - flight.sent_at > ACK_TIMEOUT_S and self.send(flight.batch):
                flight.sent_at = now
                log.info("log batch %s sent again (no ack)", key[:8])

    def _scan_stream(self, stream: Stream, can_send: bool, flying: set[str], now: float) -> _Scan:
        scan = _Scan(stream.name)
        state = self.state[stream.name]
        cursor = self._cursors.setdefault(stream.name, {})
        for path in self._files(stream):
            offset = max(state.watermarks.get(path.name, 0), cursor.get(path.name, 0))
            if scan.stopped or not can_send:
                scan.pending += _count_lines(path, offset)
                continue
            self._scan_file(path, offset, state, cursor, flying, scan, now)
        if scan.batch:
            scan.sent += self._send(stream.name, scan.batch, now)
        return scan

    def _scan_file(
        self,
        path: Path,
        offset: int,
        state: StreamState,
        cursor: dict[str, int],
        flying: set[str],
        scan: _Scan,
        now: float,
    ) -> None:
        for begin, end, raw in _lines(path, offset):
            rid, record = _record_id(raw)
            if rid is None or record is None or rid in state.acked or rid in flying:
                cursor[path.name] = end
                continue
            encoded = len(codec.encode(record))
            if encoded > MAX_BATCH_BYTES:
                log.error(
                    "%s record %s too large to send (%d bytes): skipped", scan.stream, rid, encoded
                )
                state.acked.add(rid)
                cursor[path.name] = end
                continue
            full = len(scan.batch) >= self.batch_records or scan.size + encoded > MAX_BATCH_BYTES
            if scan.batch and full:
                scan.sent += self._send(scan.stream, scan.batch, now)
                scan.batch, scan.size = [], 0
            if len(self.in_flight) >= WINDOW:
                scan.pending += _count_lines(path, begin)
                scan.stopped = True
                return
            scan.batch.append(record)
            scan.size += encoded
            scan.pending += 1
            cursor[path.name] = end

    def _send(self, stream: str, records: list[dict[str, Any]], now: float) -> bool:
        batch = LogBatch(stream, new_batch_id(), tuple(records))
        if not self.send(batch):
            self._cursors.pop(stream, None)  # read again from the watermark next time
            return False
        self.in_flight[batch.batch] = InFlight(batch, now)
        self.sent_records += len(records)
        return True

    # -- acknowledgements ------------------------------------------------------------------

    def resend_due(self) -> bool:
        """True if a batch in flight has waited too long for its ack, or deferred records
        may go up again."""
        now = self.monotonic()
        if any(until <= now for held in self.held.values() for until in held.values()):
            return True
        return any(now - f.sent_at > ACK_TIMEOUT_S for f in self.in_flight.values())

    def on_deferred(self, deferred: Deferred) -> int:
        """The hub did not store these records now: keep them, offer them again later."""
        held = self.held.get(deferred.stream)
        if held is None:
            return 0
        ids = set(deferred.ids)
        flight = self.in_flight.get(deferred.batch)
        if flight is not None:
            remaining = tuple(r for r in flight.batch.records if r["id"] not in ids)
            if remaining:
                flight.batch = LogBatch(flight.batch.stream, flight.batch.batch, remaining)
            else:
                del self.in_flight[deferred.batch]
        until = self.monotonic() + deferred.retry_after_s
        for rid in ids:
            held[rid] = until
        log.warning(
            "the hub deferred %d %s record(s) (%s: %s); kept, offered again in %d s",
            len(ids),
            deferred.stream,
            deferred.code,
            deferred.detail,
            deferred.retry_after_s,
        )
        return len(ids)

    def _release(self, now: float) -> None:
        """Deferred records whose delay is over go up again: read from the watermark."""
        for stream, held in self.held.items():
            due = [rid for rid, until in held.items() if until <= now]
            for rid in due:
                del held[rid]
            if due:
                self._cursors.pop(stream, None)

    def resend_all(self) -> None:
        """After a reconnect, or when the hub comes back: every batch in flight goes again."""
        for flight in self.in_flight.values():
            flight.sent_at = 0.0

    def on_ack(self, ack: Ack) -> int:
        """Record what the hub stored; returns how many records were newly acknowledged."""
        state = self.state.get(ack.stream)
        if state is None:
            return 0
        flight = self.in_flight.get(ack.batch)
        acked = set(ack.ids)
        if flight is not None:
            sent_ids = {r["id"] for r in flight.batch.records}
            if sent_ids <= acked:
                del self.in_flight[ack.batch]
            else:
                remaining = tuple(r for r in flight.batch.records if r["id"] not in acked)
                flight.batch = LogBatch(flight.batch.stream, flight.batch.batch, remaining)
        new = len(acked - state.acked)
        state.acked |= acked
        self._advance(self.streams[ack.stream], state)
        self._save()
        return new

    def _advance(self, stream: Stream, state: StreamState) -> None:
        """Move each file's watermark past the acknowledged records at its front."""
        for path in self._files(stream):
            offset = state.watermarks.get(path.name, 0)
            for _, end, raw in _lines(path, offset):
                rid, _ = _record_id(raw)
                if rid is not None and rid not in state.acked:
                    break
                if rid is not None:
                    state.acked.discard(rid)
                offset = end
            state.watermarks[path.name] = offset
