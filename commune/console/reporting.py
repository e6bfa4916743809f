"""The Report page's work: the periodic report made by ``village report`` in a child
process (the same command staff run on the hub), so its libraries (matplotlib, python-docx,
LibreOffice for PDF) never grow the hub's memory, and one report is made at a time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from commune.console.catalogue import t
from commune.console.context import Console
from commune.console.errors import ConsoleError
from village.config import render_config

FORMATS = {"docx": ".docx", "pdf": ".pdf", "html": ".html", "csv": ".zip"}
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "csv": "application/zip",
}
TIMEOUT_S = 300.0
_one_at_a_time = threading.Lock()


@dataclass(frozen=True)
class ReportFile:
    path: Path  # inside ``folder``, which the caller removes after sending
    folder: Path
    name: str
    media_type: str


def make_report(
    console: Console, first: str, last: str, kind: str, number: str, allow_empty: bool
) -> ReportFile:
    if kind not in FORMATS:
        kind = "docx"
    if not _one_at_a_time.acquire(blocking=False):
        raise ConsoleError(t("report_busy"))
    folder = Path(tempfile.mkdtemp(prefix="report-", dir=console.hub.root / "run"))
    try:
        return _run(console, folder, first[:10], last[:10], kind, number[:10], allow_empty)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        _one_at_a_time.release()


def _run(
    console: Console,
    folder: Path,
    first: str,
    last: str,
    kind: str,
    number: str,
    allow_empty: bool,
) -> ReportFile:
    config_file = folder / "village.toml"
    config_file.write_text(render_config(console.config, mask_secrets=False), encoding="utf-8")
    os.chmod(config_file, 0o600)
    out = folder / f"bao-cao-{first}-{last}{FORMATS[kind]}"
    command = [
        sys.executable,
        "-m",
        "village.cli",
        "--config",
        str(config_file),
        "report",
        "--data",
        str(console.hub.root),
        "--from",
        first,
        "--to",
        last,
        "--format",
        kind,
        "--out",
        str(out),
        "--number",
        number,
    ]
    if allow_empty:
        command.append("--allow-empty")
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise ConsoleError(t("report_timeout")) from None
    finally:
        config_file.unlink(missing_ok=True)
    if done.returncode != 0 or not out.exists():
        detail = done.stderr.strip().removeprefix("Lỗi:").strip() or done.stdout.strip()
        raise ConsoleError(t("report_failed", detail=detail[-1000:]))
    return ReportFile(out, folder, out.name, MEDIA_TYPES[kind])
