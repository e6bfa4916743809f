"""Calendars against the importer and the scheduler: time and peak memory of
``village import plan`` and ``village plan`` for hostile calendars and a large one.

Each command runs in a child process under a CPU limit and an address-space limit (a
calendar that loops is stopped, and reported as such); its wall time and peak RSS come
from ``wait4``. ``--repo`` runs another checkout (an older commit in a ``git worktree``) on
the same files, for before/after figures in the same run.

    .venv/bin/python -m bench.plan_bench [--repo /tmp/village-before] [--cpu 60]
        [--only "10,000 VEVENTs"]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import machine

REPO = Path(__file__).resolve().parent.parent


def event(uid: str, summary: str, start: str, rule: str = "") -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"SUMMARY:{summary}",
        f"DTSTART;TZID=Asia/Ho_Chi_Minh:{start}",
        "DURATION:PT15M",
    ]
    if rule:
        lines.append(f"RRULE:{rule}")
    return "\r\n".join([*lines, "END:VEVENT"]) + "\r\n"


def calendar(events: list[str]) -> bytes:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nX-WR-CALNAME:Bench\r\n"
    return (head + "".join(events) + "END:VCALENDAR\r\n").encode()


def calendars() -> dict[str, bytes]:
    many = []
    for i in range(10_000):
        day, hour = divmod(i, 8)
        start = f"2021{(day // 28) % 12 + 1:02d}{day % 28 + 1:02d}T{6 + hour * 2:02d}0000"
        many.append(event(f"{i}@bench", f"Buổi {i}", start))
    weekly = event("cchc@bench", "CCHC", "20210301T063000", "FREQ=WEEKLY;BYDAY=MO,WE,FR")
    return {
        "INTERVAL=0": calendar(
            [event("i0@bench", "Lặp 0", "20210301T063000", "FREQ=DAILY;INTERVAL=0")]
        ),
        "FREQ=SECONDLY": calendar(
            [event("s@bench", "Mỗi giây", "20210301T063000", "FREQ=SECONDLY")]
        ),
        "FREQ=MINUTELY": calendar(
            [event("m@bench", "Mỗi phút", "20210301T063000", "FREQ=MINUTELY")]
        ),
        "10,000 VEVENTs": calendar(many),
        "weekly plan (baseline)": calendar([weekly]),
    }


# plans that reached a store before the import refused them (an older version, a hand edit):
# only ``village plan`` runs on them
IN_STORE = {
    "in store: INTERVAL=0": "FREQ=DAILY;INTERVAL=0",
    "in store: FREQ=SECONDLY": "FREQ=SECONDLY",
    "in store: every minute (HOURLY, 60 BYMINUTE)": "FREQ=HOURLY;BYMINUTE="
    + ",".join(str(m) for m in range(60)),
}


MONTH = ["plan", "--from", "2021-03-01", "--to", "2021-03-31"]  # what `village plan` lists


def seed(folder: Path, rule: str) -> None:
    """A store (TinyDB's JSON layout) holding one plan with ``rule`` and a weekly plan."""
    plans = {
        "1": {"id": "hostile", "title": "Độc", "dtstart": "2021-03-01T06:30:00", "rrule": rule},
        "2": {
            "id": "weekly",
            "title": "CCHC",
            "dtstart": "2021-03-01T17:00:00",
            "rrule": "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        },
    }
    folder.mkdir(parents=True, exist_ok=True)
    document = {"plans": plans, "meta": {"1": {"revision": 1}}}
    (folder / "content.json").write_text(json.dumps(document), encoding="utf-8")


@dataclass
class Run:
    seconds: float
    peak_mb: float
    code: int
    stopped: str = ""  # why the limit stopped it


def run(repo: Path, args: list[str], cpu_s: int, memory_mb: int) -> Run:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    env = {**os.environ, "VILLAGE_CONFIG": os.devnull, "PYTHONPATH": str(repo)}
    command = [sys.executable, "-m", "village.cli", "--config", os.devnull, *args]
    with tempfile.TemporaryFile() as errors:  # not a pipe: a full pipe would block the child
        start = time.perf_counter()
        child = subprocess.Popen(
            command,
            cwd=repo,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            preexec_fn=limit,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    child.returncode = os.waitstatus_to_exitcode(status)
    stopped = ""
    if child.returncode == -24 or child.returncode == -9:  # SIGXCPU, SIGKILL
        stopped = f"stopped by the {cpu_s} s CPU limit"
    elif "MemoryError" in err:
        stopped = f"MemoryError at the {memory_mb} MB limit"
    return Run(seconds, usage.ru_maxrss / 1024, child.returncode, stopped)


def describe(result: Run) -> str:
    if result.stopped:
        return f"{result.stopped} ({result.seconds:.1f} s, {result.peak_mb:.0f} MB)"
    outcome = "ok" if result.code == 0 else f"refused (exit {result.code})"
    return f"{outcome}, {result.seconds:.2f} s, {result.peak_mb:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", action="append", type=Path, default=[], help="another checkout")
    parser.add_argument("--cpu", type=int, default=60, help="CPU seconds per command")
    parser.add_argument("--memory", type=int, default=2048, help="address space per command, MB")
    parser.add_argument("--only", action="append", default=[], help="only this calendar")
    options = parser.parse_args()
    repos = [REPO, *options.repo]
    print(f"{machine()}; limits {options.cpu} s CPU, {options.memory} MB address space\n")
    with tempfile.TemporaryDirectory(prefix="plan-bench-") as folder:
        root = Path(folder)
        files = {}
        for number, (name, data) in enumerate(calendars().items()):
            if options.only and name not in options.only:
                continue
            files[name] = root / f"cal-{number}.ics"
            files[name].write_bytes(data)
        print("| calendar | checkout | import | village plan (one month) |")
        print("|---|---|---|---|")
        for name, path in files.items():
            for repo in repos:
                store_dir = root / f"data-{abs(hash((name, str(repo))))}"
                imported = run(
                    repo,
                    ["--data", str(store_dir), "import", "plan", str(path)],
                    options.cpu,
                    options.memory,
                )
                shown = "—"
                if imported.code == 0:
                    listed = run(
                        repo,
                        ["--data", str(store_dir), *MONTH],
                        options.cpu,
                        options.memory,
                    )
                    shown = describe(listed)
                label = "this" if repo == REPO else repo.name
                print(f"| {name} | {label} | {describe(imported)} | {shown} |", flush=True)
        for name, rule in IN_STORE.items():
            if options.only and name not in options.only:
                continue
            for repo in repos:
                store_dir = root / f"store-{abs(hash((name, str(repo))))}"
                seed(store_dir, rule)
                listed = run(repo, ["--data", str(store_dir), *MONTH], options.cpu, options.memory)
                label = "this" if repo == REPO else repo.name
                print(f"| {name} | {label} | — | {describe(listed)} |", flush=True)


if __name__ == "__main__":
    main()
