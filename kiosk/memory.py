"""Keeping the kiosk's resident memory flat on a small board (glibc only; no-ops elsewhere).

Every procedure page draws its text into fresh textures; the pixel buffers are freed when
the citizen moves on, but glibc keeps freed heap for reuse, so resident memory creeps up to a
plateau some 50 MB higher. Large buffers are therefore mapped on their own (returned to the
system when freed), and a second after each screen change (the new screen drawn, the old
one's widgets unreferenced) garbage cycles are collected and the heap is trimmed.

Kivy's SDL2 text renderer also keeps, for every label, the SDL surface it drew the text
into, a second copy of the pixels its texture already holds (9 MB with a page open):
``drop_text_surfaces`` lets it go once the texture has them.
"""

from __future__ import annotations

import ctypes
import gc
import logging

from village.libc import libc

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # mallopt(3)
MMAP_THRESHOLD_BYTES = 128 * 1024


def _libc() -> ctypes.CDLL | None:
    """glibc, or None where there is no malloc_trim/mallopt (another C library)."""
    try:
        c = libc()
    except OSError:
        return None
    return c if hasattr(c, "malloc_trim") and hasattr(c, "mallopt") else None


def map_large_buffers() -> bool:
    """Allocations from 128 KiB up get their own mapping, given back to the system on free."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))


def release_free_memory(*, resettle: bool = False) -> None:
    """Collect garbage cycles (Kivy widgets have many) and return free heap to the system.

    A full collection walks every object: some 150,000 once the kiosk is up (Kivy, the
    screens, the search index), 0.1 s here and more on a Pi, each time. With ``resettle``
    (at start and after the content changed) everything alive is set aside from later
    collections (``gc.freeze``) after one full pass, so the frequent ones only walk what
    the citizen's pages made since.
    """
    if resettle:
        gc.unfreeze()
    gc.collect()
    if resettle:
        gc.freeze()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def drop_text_surfaces() -> bool:
    """Labels keep no copy of their pixels once drawn (Kivy's SDL2 text renderer only).

    ``LabelSDL2._render_end`` hands the drawn surface's pixels to the label's texture and
    keeps the surface (``_surface``) until the next redraw; nothing reads it in between."""
    try:
        from kivy.core.text.text_sdl2 import LabelSDL2
    except ImportError:  # another text provider: nothing to do
        return False
    keep = LabelSDL2._render_end
    if getattr(keep, "drops_surface", False):
        return True

    def render_end(label: LabelSDL2) -> object:
        pixels = keep(label)
        label._surface = None  # the texture has the pixels now
        return pixels

    render_end.drops_surface = True  # type: ignore[attr-defined]
    LabelSDL2._render_end = render_end
    return True
