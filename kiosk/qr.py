"""QR codes for a procedure's online service, as raw RGBA pixels a texture can take."""

from __future__ import annotations

import sys


def _import_qrcode_without_pillow():  # the qrcode module
    """qrcode imports Pillow, when installed, for drawing styles the kiosk never uses (it
    only reads the matrix): ~3 MB of resident memory for nothing. Pillow is hidden while
    qrcode loads (qrcode does without it), then visible again to anything that wants it."""
    hidden = "PIL" not in sys.modules
    if hidden:
        sys.modules["PIL"] = None  # type: ignore[assignment]  # import PIL -> ImportError
    try:
        import qrcode
    finally:
        if hidden:
            del sys.modules["PIL"]
    return qrcode


qrcode = _import_qrcode_without_pillow()
from qrcode.constants import ERROR_CORRECT_M  # noqa: E402

MODULE_PX = 4  # pixels per QR module (keeps rows 4-byte aligned)


def qr_matrix(url: str) -> list[list[bool]]:
    """Dark (True) and light modules, top row first, with a quiet zone of 4 modules."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_rgba(url: str, module_px: int = MODULE_PX) -> tuple[int, bytes]:
    """(side in pixels, RGBA bytes bottom row first, as OpenGL textures expect)."""
    matrix = qr_matrix(url)
    dark, light = b"\x00\x00\x00\xff", b"\xff\xff\xff\xff"
    rows = []
    for row in reversed(matrix):
        line = b"".join((dark if cell else light) * module_px for cell in row)
        rows.append(line * module_px)
    return len(matrix) * module_px, b"".join(rows)
