"""The notice board: A4 sheets the office pins up, as one PDF.

First the list of every procedure in force by field (code, name, time limit, fees; new and
amended marked), landscape so the long time limits and fees stay readable; then one sheet
per procedure (or per chosen one): what to bring as a checklist, the time limit, the fees,
where to submit, and QR codes to the procedure's page on the commune's site (when
``[site] base_url`` is set) and to the online service. Body text 15 pt, nothing under 14 pt.

The sheets are HTML with a print stylesheet, printed by headless Chromium: named pages give
the list its landscape sheets, the QR codes stay vectors, and a few lines of script step a
sheet that would run onto a second page down to 14 pt. (LibreOffice's HTML import was
tried too: it drops the inline SVG codes, the page breaks and the landscape list; see
docs/site.md.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from commune.catalogue import say
from commune.site.build import HERE, SiteBuilder, SiteOptions, safe_link
from commune.site.errors import BadSiteInput, SiteError
from commune.site.source import SiteContent
from village.atomic import atomic_copy
from village.procedures import Procedure
from village.site_links import procedure_url

PRINT_TIMEOUT_S = 300
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


@dataclass(frozen=True)
class NoticeRequest:
    codes: tuple[str, ...] = ()  # empty: a sheet for every procedure in force
    with_list: bool = True
    with_sheets: bool = True
    base_url: str = ""


@dataclass(frozen=True)
class Sheet:
    p: Procedure
    page_qr: tuple[int, str] | None
    online_qr: tuple[int, str] | None


@dataclass(frozen=True)
class NoticeResult:
    out: Path
    pages: int
    sheets: int
    engine: str


def notice_html(content: SiteContent, options: SiteOptions, request: NoticeRequest) -> str:
    builder = SiteBuilder(content, options)
    model = builder.model
    chosen = _chosen(model.in_force, request.codes) if request.with_sheets else []
    sheets = [
        Sheet(
            p,
            builder.qr.get(procedure_url(request.base_url, p.code)),
            builder.qr.get(safe_link(p.online_url)),
        )
        for p in chosen
    ]
    builder.qr.save()
    html = builder.env.get_template("print/notice.html").render(
        **builder.common,
        css=Markup((HERE / "static" / "notice.css").read_text(encoding="utf-8")),  # ours
        with_list=request.with_list,
        fields=model.fields,
        count=len(model.in_force),
        sheets=sheets,
    )
    return html


def _chosen(in_force: list[Procedure], codes: tuple[str, ...]) -> list[Procedure]:
    if not codes:
        return in_force
    by_code = {p.code: p for p in in_force}
    unknown = [c for c in codes if c not in by_code]
    if unknown:
        raise BadSiteInput(say("site_unknown_codes", codes=", ".join(unknown)))
    return [by_code[c] for c in dict.fromkeys(codes)]


def _find(names: tuple[str, ...]) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


def find_chromium() -> str:
    found = _find(CHROMIUM_NAMES)
    if not found:
        raise SiteError(say("site_no_pdf_engine"))
    return found


def _run(command: list[str], engine: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SiteError(say("site_pdf_failed", engine=engine, detail=exc)) from exc
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        raise SiteError(say("site_pdf_failed", engine=engine, detail=detail[0][:300]))


def print_with_chromium(executable: str, html: Path, pdf: Path, scratch: Path) -> None:
    command = [
        executable,
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={scratch / 'profile'}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html.as_uri(),
    ]
    if os.geteuid() == 0:  # Chromium refuses to run as root with its sandbox
        command.insert(1, "--no-sandbox")
    _run(command, "Chromium")


def pdf_pages(pdf: Path) -> int:
    """Page count, as poppler's pdfinfo reads it (0 when it cannot)."""
    try:
        done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return 0
    found = re.search(r"^Pages:\s+(\d+)", done.stdout, re.MULTILINE)
    return int(found.group(1)) if found else 0


def print_notice(
    content: SiteContent, options: SiteOptions, request: NoticeRequest, out: Path
) -> NoticeResult:
    """Write the PDF to ``out`` (replaced whole, only once it is complete)."""
    executable = find_chromium()
    html = notice_html(content, options, request)
    sheets = html.count('<section class="sheet">')
    with tempfile.TemporaryDirectory(prefix="village-notice-") as folder:
        scratch = Path(folder)
        page = scratch / "bang-tin.html"
        page.write_text(html, encoding="utf-8")
        pdf = scratch / "bang-tin.pdf"
        print_with_chromium(executable, page, pdf, scratch)
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise SiteError(say("site_pdf_failed", engine="Chromium", detail="empty PDF"))
        atomic_copy(pdf, Path(out))
    return NoticeResult(Path(out), pdf_pages(Path(out)), sheets, "Chromium")
