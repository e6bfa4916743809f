"""Records going up (play log, kiosk journal) in batches, and the hub's acknowledgement.

The device keeps every record until an ack names its id; the hub stores by id, so a
batch sent twice is stored once and acknowledged twice.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from village.wire.codec import Fields
from village.wire.errors import Refused

LOG_TYPE = "log"
ACK_TYPE = "ack"
STREAMS = ("playlog", "journal")
RECORD_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
MAX_BATCH_RECORDS = 1000
MAX_BATCH_BYTES = 256 * 1024


def new_batch_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class LogBatch:
    stream: str
    batch: str
    records: tuple[dict[str, Any], ...]

    def to_message(self) -> dict[str, Any]:
        return {
            "type": LOG_TYPE,
            "stream": self.stream,
            "batch": self.batch,
            "records": list(self.records),
        }

    @classmethod
    def parse(cls, message: dict[str, Any]) -> LogBatch:
        f = Fields(message, "log")
        if f.text("type", max_len=20) != LOG_TYPE:
            raise Refused("malformed", "not a log batch")
        stream = f.text("stream", max_len=20)
        if stream not in STREAMS:
            raise f.fail("stream", f"must be one of {', '.join(STREAMS)}")
        batch = f.text("batch", max_len=64)
        records = f.items("records", max_items=MAX_BATCH_RECORDS)
        f.finish()
        for index, record in enumerate(records):
            if not isinstance(record, dict):
                raise Refused("malformed", f"log.records[{index}] is not an object")
            rid = record.get("id")
            if not isinstance(rid, str) or not RECORD_ID_RE.match(rid):
                raise Refused("malformed", f"log.records[{index}].id is not a record id")
        return cls(stream, batch, tuple(records))


@dataclass(frozen=True)
class Ack:
    stream: str
    batch: str
    ids: tuple[str, ...]

    def to_message(self) -> dict[str, Any]:
        return {"type": ACK_TYPE, "stream": self.stream, "batch": self.batch, "ids": list(self.ids)}

    @classmethod
    def parse(cls, message: dict[str, Any]) -> Ack:
        f = Fields(message, "ack")
        if f.text("type", max_len=20) != ACK_TYPE:
            raise Refused("malformed", "not an ack")
        stream = f.text("stream", max_len=20)
        batch = f.text("batch", max_len=64)
        ids = f.each(
            "ids", lambda v: isinstance(v, str) and bool(RECORD_ID_RE.match(v)), "record ids"
        )
        f.finish()
        return cls(stream, batch, tuple(ids))
