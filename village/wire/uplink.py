"""Records going up (play log, kiosk journal) in batches, and the hub's answers.

The device keeps every record until an ack names its id; the hub stores by id, so a
batch sent twice is stored once and acknowledged twice. Records the hub will not store now
(over the device's daily quota, or more than it takes in at once) come back in a
``Deferred`` message on the same topic: the device keeps them and offers them again after
``retry_after_s``. A device of before that does not know the message refuses it as not an
ack, keeps the records (they are not acknowledged) and sends them again later.
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
DEFERRED_TYPE = "deferred"
STREAMS = ("playlog", "journal")
RECORD_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
BATCH_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
MAX_BATCH_RECORDS = 1000
MAX_BATCH_BYTES = 256 * 1024
# why records are deferred: the day's quota is used up, or the hub takes no more for now
DEFER_CODES = ("quota", "busy")
MAX_RETRY_S = 7 * 24 * 3600


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
        stream = _stream(f)
        batch = f.text("batch", pattern=BATCH_ID_RE, what="a batch id", max_len=64)
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
        stream = _stream(f)
        batch = f.text("batch", pattern=BATCH_ID_RE, what="a batch id", max_len=64)
        ids = _ids(f)
        f.finish()
        return cls(stream, batch, tuple(ids))


@dataclass(frozen=True)
class Deferred:
    """Records of a batch the hub did not store now; the device keeps them and offers them
    again after ``retry_after_s`` (``code``: ``quota`` or ``busy``)."""

    stream: str
    batch: str
    ids: tuple[str, ...]
    code: str
    retry_after_s: int
    detail: str = ""

    def to_message(self) -> dict[str, Any]:
        return {
            "type": DEFERRED_TYPE,
            "stream": self.stream,
            "batch": self.batch,
            "ids": list(self.ids),
            "code": self.code,
            "retry_after_s": self.retry_after_s,
            "detail": self.detail,
        }

    @classmethod
    def parse(cls, message: dict[str, Any]) -> Deferred:
        f = Fields(message, "deferred")
        if f.text("type", max_len=20) != DEFERRED_TYPE:
            raise Refused("malformed", "not a deferral")
        stream = _stream(f)
        batch = f.text("batch", pattern=BATCH_ID_RE, what="a batch id", max_len=64)
        ids = _ids(f)
        code = f.text("code", max_len=20)
        if code not in DEFER_CODES:
            raise f.fail("code", f"must be one of {', '.join(DEFER_CODES)}")
        retry = f.integer("retry_after_s", low=1, high=MAX_RETRY_S)
        detail = f.text("detail", "", max_len=2000)
        f.finish()
        return cls(stream, batch, tuple(ids), code, retry, detail)


def parse_answer(message: dict[str, Any]) -> Ack | Deferred:
    """What the hub sent on a device's ``ack`` topic: an ack or a deferral."""
    if message.get("type") == DEFERRED_TYPE:
        return Deferred.parse(message)
    return Ack.parse(message)


def _stream(f: Fields) -> str:
    stream = f.text("stream", max_len=20)
    if stream not in STREAMS:
        raise f.fail("stream", f"must be one of {', '.join(STREAMS)}")
    return stream


def _ids(f: Fields) -> list[str]:
    return f.each("ids", lambda v: isinstance(v, str) and bool(RECORD_ID_RE.match(v)), "record ids")
