"""Keeping the hub process small once it serves the console (the Pi: hub + console ≤ 120 MB).

glibc raises its mmap threshold each time a large block is freed, so after the first
login the next Argon2 buffers (19 MiB each) come from the heap and stay resident; and each
thread that allocates may get an arena of its own. A fixed 1 MiB threshold returns every
large buffer to the system when it is freed, and two arenas are enough for a process that
does its work under one GIL.
"""

from __future__ import annotations

import logging

from village.libc import libc

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # mallopt(3)
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 1024 * 1024
ARENAS = 2


def keep_small() -> bool:
    """Set the allocator up as above; False where the C library is not glibc."""
    try:
        c = libc()
    except OSError:
        return False
    if not hasattr(c, "mallopt"):
        return False
    done = bool(c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
    done = bool(c.mallopt(M_ARENA_MAX, ARENAS)) and done
    log.debug("allocator: mmap threshold %d, %d arenas: %s", MMAP_THRESHOLD_BYTES, ARENAS, done)
    return done
