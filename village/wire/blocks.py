"""Media travel in blocks: the fetch request (JSON) and the block message (binary).

A block is published on ``media/<sha256>`` as a 20-byte header and the data::

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
    nothing came for a while): the hub then serves every block asked for, even one it
    published a moment ago. Within a round, a block the hub published after the round's
    first request already went to this device, and is not sent again.
    """

    sha256: str
    block_size: int
    blocks: tuple[int, ...]
    round: int = 0

    def to_message(self) -> dict[str, Any]:
        return {
            "type": FETCH_TYPE,
            "sha256": self.sha256,
            "block_size": self.block_size,
            "ranges": to_ranges(list(self.blocks)),
            "round": self.round,
        }

    @classmethod
    def parse(cls, message: dict[str, Any]) -> FetchRequest:
        f = Fields(message, "fetch")
        if f.text("type", max_len=20) != FETCH_TYPE:
            raise Refused("malformed", "not a fetch request")
        sha = f.text("sha256", pattern=SHA256_RE, what="a SHA-256 hex digest")
        block_size = f.integer("block_size", low=MIN_BLOCK, high=MAX_BLOCK)
        round_ = f.integer("round", 0, high=2**31)
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
        return cls(sha, block_size, tuple(indices), round_)
