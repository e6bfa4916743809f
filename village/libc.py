"""The C library, loaded once: ``find_library`` runs ``ldconfig`` in a child process."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def libc() -> ctypes.CDLL:
    """The process's C library (errno kept for ``ctypes.get_errno``); raises OSError."""
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
