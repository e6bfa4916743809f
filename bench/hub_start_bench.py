"""The hub's memory after it starts: a real Mosquitto, ``village hub`` in its own process with
the console and the site rebuilder on (the defaults), nothing pushed yet.

    python -m bench.hub_start_bench [--seconds 15] [--runs 2]

Prints VmRSS at the end of the wait, the peak sampled every 250 ms, VmHWM, and which heavy
libraries the process has mapped (Pillow, NumPy, Jinja…): those the hub needs only for a
site build (done in a child process), a search or a TOTP enrolment should not be there.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import machine, rss_mb  # noqa: E402
from tests.conftest import run_village, write_config  # noqa: E402
from tests.sync_helpers import COMMUNE, Broker, free_port  # noqa: E402

LIBRARIES = (
    "numpy",
    "PIL",
    "matplotlib",
    "lxml",
    "kiwisolver",
    "kivy",
    "pygame",
)  # compiled: in maps


def one_run(root: Path, seconds: float) -> dict[str, object]:
    broker = Broker(root / "broker").start()
    hub = root / "hub"
    run_village("hub", "init", "--data", str(hub), "--commune", COMMUNE, check=True)
    config = write_config(
        root / "hub.toml",
        {
            "device": {"commune": COMMUNE},
            "hub": {"data": str(hub)},
            "mqtt": broker.mqtt_settings(f"hub-{COMMUNE}"),
            "console": {"port": free_port()},
        },
    )
    env = {**os.environ, "VILLAGE_CONFIG": str(config)}
    process = subprocess.Popen(
        [sys.executable, "-m", "village.cli", "hub"],
        env=env,
        cwd=REPO,
        stderr=subprocess.DEVNULL,
    )
    try:
        peak = 0.0
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(0.25)
            peak = max(peak, rss_mb(process.pid))
        maps = Path(f"/proc/{process.pid}/maps").read_text()
        return {
            "rss_mb": round(rss_mb(process.pid), 1),
            "peak_sampled_mb": round(peak, 1),
            "hwm_mb": round(rss_mb(process.pid, "VmHWM"), 1),
            "libraries_mapped": sorted(n for n in LIBRARIES if f"/{n}/" in maps),
        }
    finally:
        process.terminate()
        process.wait(10)
        broker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        root = Path(tempfile.mkdtemp(prefix="hub-start-"))
        try:
            runs.append(one_run(root, args.seconds))
        finally:
            shutil.rmtree(root, ignore_errors=True)
    print(json.dumps({"machine": machine(), "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
