"""Benchmarks, run by hand; figures go to docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")


def machine() -> str:
    """The machine a figure was measured on, for the benchmark's report."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int, key: str = "VmRSS") -> float:
    """A memory figure of a process from /proc (VmRSS, VmHWM…) in MiB; nan when absent."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")
