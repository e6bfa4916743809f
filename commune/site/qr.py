"""QR codes as small inline SVG (one path of horizontal runs), cached by the text encoded.

Making a QR code costs about 9 ms (the encoder tries eight masks); a site of 5,000
procedures would spend most of its build on them, so each code is kept in a cache file
between builds, keyed by the SHA-256 of the address.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from village.atomic import atomic_write_bytes
from village.errors import StoreError

log = logging.getLogger(__name__)

BORDER = 4  # quiet zone in modules, as the standard asks
MAX_TEXT = 2000  # longer addresses are not encoded (a QR code of them would be unreadable)
MAX_CACHE_BYTES = 256 << 20  # a cache file larger than this is not ours: start afresh
PARALLEL_FROM = 200  # below this many missing codes, worker processes cost more than they save


def qr_runs(text: str) -> tuple[int, str]:
    """(side in modules, SVG path data): one ``M x y h n`` run per dark stretch of a row."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=BORDER)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    parts: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return len(matrix), "".join(parts)


class QrCache:
    """QR path data by address; ``save()`` writes what was added since ``load``."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.codes: dict[str, list] = {}
        self.used: set[str] = set()
        self.dirty = False
        if path is not None and path.is_file() and path.stat().st_size <= MAX_CACHE_BYTES:
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self.codes = loaded
            except (OSError, ValueError) as exc:
                log.warning("QR cache %s unreadable, starting afresh: %s", path, exc)

    def get(self, text: str) -> tuple[int, str] | None:
        if not text or len(text) > MAX_TEXT:
            return None
        key = hashlib.sha256(text.encode()).hexdigest()
        self.used.add(key)
        found = self.codes.get(key)
        if isinstance(found, list) and len(found) == 2:
            return int(found[0]), str(found[1])
        side, path = qr_runs(text)
        self.codes[key] = [side, path]
        self.dirty = True
        return side, path

    def prefetch(self, texts: list[str]) -> int:
        """Make the codes the cache lacks, on every core; returns how many were made."""
        wanted: dict[str, str] = {}
        for text in texts:
            if text and len(text) <= MAX_TEXT:
                key = hashlib.sha256(text.encode()).hexdigest()
                self.used.add(key)  # kept by save(prune=True) even if its page is not rendered
                if key not in self.codes:
                    wanted[key] = text
        if len(wanted) < PARALLEL_FROM:
            return 0
        workers = max(1, min(os.cpu_count() or 1, 8))
        context = multiprocessing.get_context("spawn")  # the hub has threads: never fork it
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            made = pool.map(qr_runs, wanted.values(), chunksize=64)
            for key, (side, path) in zip(wanted, made, strict=True):
                self.codes[key] = [side, path]
        self.dirty = True
        return len(wanted)

    def save(self, prune: bool = False) -> None:
        """Write the cache; ``prune`` drops the codes this run did not use."""
        if self.path is None:
            return
        unused = set(self.codes) - self.used if prune else set()
        if not self.dirty and not unused:
            return
        kept = {k: v for k, v in self.codes.items() if k not in unused}
        try:
            atomic_write_bytes(self.path, json.dumps(kept).encode(), durable=False)
        except StoreError as exc:
            log.warning("QR cache not saved: %s", exc)
