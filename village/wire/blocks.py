"""Media travel in blocks: the fetch request (JSON) and the block message (binary).

A block is published on ``device/<id>/media/<sha256>`` (or, for a device that asks the
version-1 way, on the commune's shared ``media/<sha256>``) as a 20-byte header and the data::

    b"VBK1" | index: u32 | count: u32 | size: u64 (whole file) | data

all big-endian. The device checks the index, the count and the length against the
manifest's entry before writing the data at ``index * block_size`` in its partial file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

from village.wire.codec import Fields
from village.wire.errors import Refused
from village.wire.manifest import MAX_BLOCK, MIN_BLOCK, MediaRef
from village.wire.topics import SHA256_RE

MAGIC = b"VBK1"
HEADER = struct.Struct(">4sIIQ")
FETCH_TYPE = "fetch"
MAX_BLOCKS_PER_FETCH = 256
DELIVER_DEVICE = "device"  # blocks on the device's own topic
DELIVER_COMMUNE = "commune"  # blocks on the commune's shared topic (devices of before)
DELIVERIES = (DELIVER_DEVICE, DELIVER_COMMUNE)


@dataclass(frozen=True)
class Block:
    index: int
    count: int
    size: int
    data: bytes | memoryview


def encode_block(index: int, count: int, size: int, data: bytes) -> bytes:
    return HEADER.pack(MAGIC, index, count, size) + data


def decode_block(payload: bytes, ref: MediaRef) -> Block:
    """Parse a block and check it against the media entry it claims to belong to."""
    if len(payload) < HEADER.size:
        raise Refused("malformed", "block shorter than its header")
    magic, index, count, size = HEADER.unpack_from(payload)
    if magic != MAGIC:
        raise Refused("malformed", "not a media block")
    if count != ref.blocks or size != ref.size:
        raise Refused("malformed", f"block of a different file (count {count}, size {size})")
    if index >= count:
        raise Refused("malformed", f"block index {index} beyond {count}")
    data = memoryview(payload)[HEADER.size :]
    if len(data) != ref.block_length(index):
        raise Refused(
            "malformed", f"block {index} has {len(data)} bytes, not {ref.block_length(index)}"
        )
    return Block(index, count, size, data)


def to_ranges(indices: list[int]) -> list[list[int]]:
    """[0, 1, 2, 5] -> [[0, 3], [5, 6]] (end exclusive)."""
    ranges: list[list[int]] = []
    for index in sorted(indices):
        if ranges and ranges[-1][1] == index:
            ranges[-1][1] = index + 1
        else:
            ranges.append([index, index + 1])
    return ranges


@dataclass(frozen=True)
class FetchRequest:
    """Blocks of one file a device asks for, in the block size its manifest gave.

    ``round`` changes whenever the device may have missed blocks (it reconnected, or
    nothing came for a while). Within a round, a block the hub sent after the round's
    first request already went to this device, and is not sent again; a new round alone
    does not make the hub send a block again that it sent the device a moment ago (see
    ``commune.block_server``). ``deliver`` says where the device listens: its own topic
    (``device``), or the commune's shared one (``commune``, the version-1 default, which a
    request without the field means).
    """

    sha256: str
    block_size: int
    blocks: tuple[int, ...]
    round: int = 0
    deliver: str = DELIVER_DEVICE

    def to_message(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": FETCH_TYPE,
            "sha256": self.sha256,
            "block_size": self.block_size,
            "ranges": to_ranges(list(self.blocks)),
            "round": self.round,
        }
        if self.deliver != DELIVER_COMMUNE:
            message["deliver"] = self.deliver
        return message

    def check(self, ref: MediaRef | None) -> None:
        """Refuse a request that its device's manifest does not allow (``wrong-media``):
        another file, another block size, or a block beyond the end of the file."""
        if ref is None or ref.sha256 != self.sha256:
            raise Refused("wrong-media", f"media {self.sha256[:12]} is not in the manifest")
        if self.block_size != ref.block_size:
            raise Refused(
                "wrong-media",
                f"block size {self.block_size} is not the manifest's {ref.block_size}",
            )
        if self.blocks and max(self.blocks) >= ref.blocks:
            raise Refused(
                "wrong-media", f"block {max(self.blocks)} is beyond the file's {ref.blocks}"
            )

    @classmethod
    def parse(cls, message: dict[str, Any]) -> FetchRequest:
        f = Fields(message, "fetch")
        if f.text("type", max_len=20) != FETCH_TYPE:
            raise Refused("malformed", "not a fetch request")
        sha = f.text("sha256", pattern=SHA256_RE, what="a SHA-256 hex digest")
        block_size = f.integer("block_size", low=MIN_BLOCK, high=MAX_BLOCK)
        round_ = f.integer("round", 0, high=2**31)
        deliver = f.text("deliver", DELIVER_COMMUNE, max_len=20)
        if deliver not in DELIVERIES:
            raise f.fail("deliver", f"must be one of {', '.join(DELIVERIES)}")
        indices: list[int] = []
        for item in f.items("ranges", max_items=MAX_BLOCKS_PER_FETCH):
            ok = (
                isinstance(item, list)
                and len(item) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in item)
                and 0 <= item[0] < item[1] <= 2**31
            )
            if not ok:
                raise f.fail("ranges", "each range is [first, end) of block indices")
            indices.extend(range(item[0], item[1]))
            if len(indices) > MAX_BLOCKS_PER_FETCH:
                raise f.fail("ranges", f"more than {MAX_BLOCKS_PER_FETCH} blocks")
        f.finish()
        return cls(sha, block_size, tuple(indices), round_, deliver)
