"""The desired-state manifest: everything one device should hold, at one version.

Records travel inline (segments, clips, plans); media travel by SHA-256 only, never by
name or path, and every hash a record uses is listed in ``media`` with its size and block
size. The procedures (which can be large) travel as one JSON document fetched like media
(see ``procedures_document``). Parsing is strict: unknown fields, a path where a hash
belongs, duplicate ids or a hash with no media entry refuse the whole manifest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from dataclasses import dataclass
from typing import Any

from village.content import Clip, Segment
from village.errors import PlanError
from village.plan import Plan
from village.wire import codec
from village.wire.codec import Fields
from village.wire.errors import Refused
from village.wire.topics import ID_RE, SHA256_RE

MANIFEST_TYPE = "manifest"
SCHEMA = 1
MIN_BLOCK = 4 * 1024
MAX_BLOCK = 512 * 1024
MAX_MEDIA_BYTES = 8 * 1024**3
MAX_RECORDS = 10_000


@dataclass(frozen=True)
class MediaRef:
    """One blob a device must hold: fetched in blocks of ``block_size`` bytes."""

    sha256: str
    size: int
    block_size: int

    @property
    def blocks(self) -> int:
        return max(1, -(-self.size // self.block_size))

    def block_length(self, index: int) -> int:
        if index < self.blocks - 1:
            return self.block_size
        return self.size - self.block_size * (self.blocks - 1)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ProceduresRef:
    """The procedures document: ``count`` records in the blob ``sha256``."""

    sha256: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Manifest:
    commune: str
    device: str
    version: int
    issued_at: str
    segments: tuple[dict[str, Any], ...] = ()
    clips: tuple[dict[str, Any], ...] = ()
    plans: tuple[dict[str, Any], ...] = ()
    procedures: ProceduresRef | None = None
    media: tuple[MediaRef, ...] = ()

    def to_message(self) -> dict[str, Any]:
        return {
            "type": MANIFEST_TYPE,
            "schema": SCHEMA,
            "commune": self.commune,
            "device": self.device,
            "version": self.version,
            "issued_at": self.issued_at,
            "segments": list(self.segments),
            "clips": list(self.clips),
            "plans": list(self.plans),
            "procedures": self.procedures.to_dict() if self.procedures else None,
            "media": [m.to_dict() for m in self.media],
        }

    def media_ref(self, sha256: str) -> MediaRef | None:
        return next((m for m in self.media if m.sha256 == sha256), None)

    @property
    def total_bytes(self) -> int:
        return sum(m.size for m in self.media)

    @classmethod
    def parse(cls, message: dict[str, Any]) -> Manifest:
        """Check a manifest's every field; raises ``Refused`` (``malformed``)."""
        f = Fields(message, "manifest")
        if f.text("type", max_len=20) != MANIFEST_TYPE:
            raise Refused("malformed", "not a manifest")
        schema = f.integer("schema", low=1, high=1000)
        if schema != SCHEMA:
            raise Refused("malformed", f"manifest schema {schema} is not supported ({SCHEMA})")
        commune = f.text("commune", pattern=ID_RE, what="an id", max_len=63)
        device = f.text("device", pattern=ID_RE, what="an id", max_len=63)
        version = f.integer("version", low=1)
        issued_at = f.text("issued_at", max_len=40)
        try:
            dt.datetime.fromisoformat(issued_at)
        except ValueError as exc:
            raise f.fail("issued_at", "not an ISO 8601 time") from exc
        media = tuple(_media_ref(m) for m in f.objects("media", max_items=MAX_RECORDS * 2))
        segments = tuple(_record(Segment, s) for s in f.objects("segments", max_items=MAX_RECORDS))
        clips = tuple(_record(Clip, c) for c in f.objects("clips", max_items=MAX_RECORDS))
        plans = tuple(_plan(p) for p in f.objects("plans", max_items=MAX_RECORDS))
        proc = f.obj("procedures", None)
        procedures = None
        if proc is not None:
            procedures = ProceduresRef(
                sha256=proc.text("sha256", pattern=SHA256_RE, what="a SHA-256 hex digest"),
                count=proc.integer("count", high=MAX_RECORDS * 10),
            )
            proc.finish()
        f.finish()
        manifest = cls(
            commune, device, version, issued_at, segments, clips, plans, procedures, media
        )
        manifest._check_consistency()
        return manifest

    def _check_consistency(self) -> None:
        shas = [m.sha256 for m in self.media]
        if len(set(shas)) != len(shas):
            raise Refused("malformed", "manifest.media lists a hash twice")
        for table, records in (
            ("segments", self.segments),
            ("clips", self.clips),
            ("plans", self.plans),
        ):
            ids = [r["id"] for r in records]
            if len(set(ids)) != len(ids):
                raise Refused("malformed", f"manifest.{table} has duplicate ids")
        used = {r["sha256"] for r in self.segments} | {r["sha256"] for r in self.clips}
        if self.procedures:
            used.add(self.procedures.sha256)
        listed = set(shas)
        if used - listed:
            missing = ", ".join(sorted(used - listed))
            raise Refused(
                "malformed", f"manifest uses media not listed in manifest.media: {missing}"
            )
        if listed - used:
            extra = ", ".join(sorted(listed - used))
            raise Refused("malformed", f"manifest.media lists unused media: {extra}")
        for record in (*self.segments, *self.clips):
            ref = self.media_ref(record["sha256"])
            if ref is not None and record.get("size", ref.size) != ref.size:
                raise Refused("malformed", f"{record['id']}: size differs from its media entry")


def _media_ref(f: Fields) -> MediaRef:
    ref = MediaRef(
        sha256=f.text("sha256", pattern=SHA256_RE, what="a SHA-256 hex digest"),
        size=f.integer("size", high=MAX_MEDIA_BYTES),
        block_size=f.integer("block_size", low=MIN_BLOCK, high=MAX_BLOCK),
    )
    f.finish()
    return ref


def _record(kind: type, f: Fields) -> dict[str, Any]:
    """A Segment or Clip record, field by field against the dataclass."""
    hints = typing.get_type_hints(kind)
    record: dict[str, Any] = {}
    for field in dataclasses.fields(kind):
        required = field.default is dataclasses.MISSING
        default = dataclasses.MISSING if required else field.default
        key = field.name
        if required and key not in f.data:
            raise f.fail(key, "missing")
        if key not in f.data:
            f.raw(key, None)
            continue
        expected = hints[key]
        if key == "id":
            record[key] = f.text(key, pattern=ID_RE, what="an id", max_len=64)
        elif key == "sha256":
            record[key] = f.text(key, pattern=SHA256_RE, what="a SHA-256 hex digest")
        elif expected is str:
            record[key] = f.text(key, max_len=2000)
        elif expected is int:
            record[key] = f.integer(key, low=-(2**31))
        elif expected is float:
            record[key] = f.number(key)
        elif expected is bool:
            record[key] = f.flag(key)
        else:  # pragma: no cover - a field type this parser does not know yet
            record[key] = f.raw(key, default)
    f.finish()
    return record


def _plan(f: Fields) -> dict[str, Any]:
    try:
        plan = Plan.from_dict(f.data)
    except PlanError as exc:  # a plan the device could not expand (Plan.validate)
        raise Refused("bad-plan", f"{f.path}: {exc}") from exc
    except TypeError as exc:
        raise Refused("malformed", f"{f.path}: {exc}") from exc
    return plan.to_dict()


# --- the procedures document ------------------------------------------------------------

PROCEDURES_TYPE = "procedures"
CODE_MAX = 64


def procedures_document(records: list[dict[str, Any]]) -> bytes:
    """The blob that carries the procedures (its SHA-256 goes in the manifest)."""
    return codec.encode({"type": PROCEDURES_TYPE, "schema": SCHEMA, "procedures": records})


def read_procedures_document(data: bytes, expected_count: int) -> list[dict[str, Any]]:
    """Parse and check a procedures document whose hash already matched."""
    doc = codec.decode(data, limit=len(data), what="procedures document")
    f = Fields(doc, "procedures")
    if f.text("type", max_len=20) != PROCEDURES_TYPE:
        raise Refused("malformed", "not a procedures document")
    f.integer("schema", low=SCHEMA, high=SCHEMA)
    records = f.items("procedures", max_items=MAX_RECORDS * 10)
    f.finish()
    codes = set()
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise Refused("malformed", f"procedures[{index}] is not an object")
        code = record.get("code")
        if not isinstance(code, str) or not code or len(code) > CODE_MAX:
            raise Refused("malformed", f"procedures[{index}].code must be a short string")
        if code in codes:
            raise Refused("malformed", f"procedures: code {code} appears twice")
        codes.add(code)
    if len(records) != expected_count:
        raise Refused(
            "malformed", f"procedures document holds {len(records)}, manifest says {expected_count}"
        )
    return records
