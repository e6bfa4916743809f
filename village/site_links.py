"""Where a procedure lives on the commune's public site.

The path is derived from the procedure's code alone, so it never changes while the code
does not, and anything that knows the code (the kiosk's QR code, a printed sheet, a
bookmark) can point at it without asking the site: ``1.001193`` lives at
``thu-tuc/1.001193.html`` and ``2.002165.000.00.00.H56`` at
``thu-tuc/2.002165.000.00.00.h56.html``.

Codes are letters, digits, ``.``, ``-``, ``_`` and ``/`` (``village.procedures.CODE_RE``).
The slug is the code in lower case (portals on case-insensitive file systems serve it the
same), with ``/`` written ``~`` (``~`` cannot occur in a code, so no two codes that differ
in more than letter case share a slug). Anything else a code could not hold is written
``-`` so a slug is always a safe file name.
"""

from __future__ import annotations

import re
from urllib.parse import quote

PROCEDURE_DIR = "thu-tuc"
_UNSAFE = re.compile(r"[^a-z0-9._~-]")


def procedure_slug(code: str) -> str:
    """'2.002165.000.00.00.H56' -> '2.002165.000.00.00.h56'; 'A/1' -> 'a~1'."""
    slug = _UNSAFE.sub("-", code.strip().lower().replace("/", "~"))
    slug = slug.lstrip(".") or "-"
    return slug[:80]


def procedure_path(code: str) -> str:
    """The page's path from the site's root: 'thu-tuc/1.001193.html'."""
    return f"{PROCEDURE_DIR}/{procedure_slug(code)}.html"


def procedure_url(base_url: str, code: str) -> str:
    """The page's address under the site's base address ('' when no base is set)."""
    base = base_url.strip()
    if not base:
        return ""
    return base.rstrip("/") + "/" + quote(procedure_path(code), safe="/~.-_")
