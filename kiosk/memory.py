"""Keeping the kiosk's resident memory flat on a small board (glibc only; no-ops elsewhere).

Every procedure page draws its text into fresh textures; the pixel buffers are freed when
the citizen moves on, but glibc keeps freed heap for reuse, so resident memory creeps up to a
plateau some 50 MB higher. Large buffers are therefore mapped on their own (returned to the
system when freed), and the heap is trimmed when the kiosk goes back home.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # mallopt(3)
MMAP_THRESHOLD_BYTES = 128 * 1024


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def map_large_buffers() -> bool:
    """Allocations from 128 KiB up get their own mapping, given back to the system on free."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))


def release_free_memory() -> None:
    """Collect garbage cycles (Kivy widgets have many) and return free heap to the system."""
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
