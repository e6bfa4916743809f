"""Sending the play log and the kiosk journal up, keeping every record until it is acked.

The logs themselves are the outbox: append-only JSON Lines files that are never rewritten
(``log/playlog-*.jsonl``, written by the controller; ``journal/*.jsonl``, by the kiosk).
For each file the uplink keeps a watermark (the byte offset before which every record is
acknowledged) and the ids acknowledged beyond it, in ``sync/uplink.json``. Records after
the watermark that are neither acknowledged nor in flight go up in batches; at most
``WINDOW`` batches are unacknowledged at a time, and a batch with no ack is sent again
(the hub stores by id, so a repeat is harmless).
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
from village.wire.uplink import MAX_BATCH_BYTES, RECORD_ID_RE, Ack, LogBatch, new_batch_id

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
    ) -> None:
        self.streams = {s.name: s for s in streams}
        self.state_path = state_path
        self.send = send
        self.batch_records = batch_records
        self.state: dict[str, StreamState] = {s.name: StreamState() for s in streams}
        self.in_flight: dict[str, InFlight] = {}
        self.pending = 0  # records waiting, as of the last scan
        self.sent_records = 0
        self._sizes: dict[str, int] = {}
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

    def _unsent(self, stream: Stream, flying: set[str]) -> Iterator[dict[str, Any]]:
        state = self.state[stream.name]
        for path in self._files(stream):
            for _, _, raw in _lines(path, state.watermarks.get(path.name, 0)):
                rid, record = _record_id(raw)
                if rid is None or rid in state.acked or rid in flying:
                    continue
                yield record

    def pump(self, can_send: bool) -> int:
        """Send new batches while the window allows; returns how many were sent."""
        now = time.monotonic()
        sent = 0
        if can_send:
            for key, flight in list(self.in_flight.items()):
                if now - flight.sent_at > ACK_TIMEOUT_S and self.send(flight.batch):
                    flight.sent_at = now
                    log.info("log batch %s sent again (no ack)", key[:8])
        flying = {
            rid for f in self.in_flight.values() for rid in (r["id"] for r in f.batch.records)
        }
        pending = 0
        for stream in self.streams.values():
            batch: list[dict[str, Any]] = []
            size = 0
            for record in self._unsent(stream, flying):
                pending += 1
                if not can_send or len(self.in_flight) >= WINDOW:
                    continue
                encoded = len(codec.encode(record))
                if encoded > MAX_BATCH_BYTES:
                    log.error(
                        "%s record %s too large to send (%d bytes): skipped",
                        stream.name,
                        record["id"],
                        encoded,
                    )
                    self.state[stream.name].acked.add(record["id"])
                    continue
                if batch and (len(batch) >= self.batch_records or size + encoded > MAX_BATCH_BYTES):
                    if self._send(stream.name, batch, now):
                        sent += 1
                    batch, size = [], 0
                    if len(self.in_flight) >= WINDOW:
                        continue
                batch.append(record)
                size += encoded
            if (
                batch
                and can_send
                and len(self.in_flight) < WINDOW
                and self._send(stream.name, batch, now)
            ):
                sent += 1
        self.pending = pending
        return sent

    def _send(self, stream: str, records: list[dict[str, Any]], now: float) -> bool:
        batch = LogBatch(stream, new_batch_id(), tuple(records))
        if not self.send(batch):
            return False
        self.in_flight[batch.batch] = InFlight(batch, now)
        self.sent_records += len(records)
        return True

    # -- acknowledgements ------------------------------------------------------------------

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
