"""The PDF is the DOCX rendered by LibreOffice (headless): one document, two formats.

LibreOffice runs with a profile of its own in a temporary folder, so it neither needs a
home folder nor collides with another instance. Times New Roman is replaced by Liberation
Serif (Debian's fonts-liberation2), which has the same letter widths and every Vietnamese
letter, so lines and pages break where Word breaks them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from commune.catalogue import say
from commune.report.document import Document
from commune.report.docx_writer import docx_bytes
from commune.report.errors import ReportError
from village.atomic import atomic_write_bytes

TIMEOUT_S = 180
CANDIDATES = ("soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice")


def find_soffice() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def docx_to_pdf(docx: bytes) -> bytes:
    soffice = find_soffice()
    if soffice is None:
        raise ReportError(say("report_no_libreoffice"))
    with tempfile.TemporaryDirectory(prefix="village-report-") as folder:
        work = Path(folder)
        source = work / "bao-cao.docx"
        source.write_bytes(docx)
        env = {**os.environ, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"}
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                env=env,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReportError(say("report_convert_failed", detail=exc)) from exc
        target = work / "bao-cao.pdf"
        if done.returncode != 0 or not target.exists():
            detail = (done.stderr or done.stdout).strip() or f"exit code {done.returncode}"
            raise ReportError(say("report_convert_failed", detail=detail[-500:]))
        return target.read_bytes()


def write_pdf(document: Document, path: Path) -> None:
    atomic_write_bytes(path, docx_to_pdf(docx_bytes(document)))
