"""Kiosk start-up and memory: cold start to the first drawn home screen, and resident memory
after browsing procedures; beside a bare Kivy app (one label) started the same way.

    python -m bench.kiosk_start_bench --runs 5 --browse 100

Each run is a new process (SDL offscreen, no display) on the shipped sample content
(procedures and clips). "Start" is from just before the process is spawned to the first
frame flipped with the home screen on it. "RSS" is VmRSS with the home screen up; after the
citizen opened ``--browse`` procedure pages one after another (each drawn): at once, and
while reading the last one (2 s later); and 2 s after going back home. Each kiosk run is
followed by a bare Kivy window (one label, the same renderer settings): "added over bare"
is the difference within each pair, the median over the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import machine  # noqa: E402


def memory_mb() -> dict[str, float]:
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)
    return values


def report(**values: object) -> None:
    print("BENCH " + json.dumps(values), flush=True)


READING_S = 2.0  # a citizen reads a page for longer than this; the kiosk trims after 1 s


# --- inside the measured process ------------------------------------------------------------


def child_kiosk(config_path: str, browse: int) -> None:
    from kiosk.launch import build_app
    from village.config import load_config

    app = build_app(load_config(config_path))
    from kivy.clock import Clock
    from kivy.core.window import Window

    state: dict = {"opened": 0, "waiting": False}

    def on_flip(*_: object) -> None:
        if "home" not in state and app.current_screen_name == "home":
            state["home"] = time.monotonic()
            report(first_home_frame=state["home"], memory_at_home=memory_mb())
            Clock.schedule_once(step, 0)
        elif state["waiting"]:
            state["waiting"] = False
            Clock.schedule_once(step, 0)

    def step(_dt: float) -> None:
        if state["opened"] < browse:
            codes = [p.code for entries in app.content.by_field.values() for p in entries]
            code = codes[state["opened"] % len(codes)]
            if not app.show("procedure", code):
                raise RuntimeError(f"cannot open {code}")
            state["opened"] += 1
            state["waiting"] = True  # the next flip has this page drawn
            return
        report(memory_browsing=memory_mb())
        Clock.schedule_once(reading, READING_S)

    def reading(_dt: float) -> None:
        report(memory_reading=memory_mb())
        app.go_home()
        Clock.schedule_once(finish, READING_S)

    def finish(_dt: float) -> None:
        report(opened=state["opened"], memory=memory_mb(), errors=len(app.errors))
        app.stop()

    def give_up(_dt: float) -> None:
        report(failed=True, errors=app.errors[-1:])
        app.stop()

    Window.bind(on_flip=on_flip)
    Clock.schedule_once(give_up, 120)
    app.run()


def child_bare() -> None:
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_IMAGE", "sdl2")  # as the kiosk sets them
    os.environ.setdefault("LP_NUM_THREADS", "0")
    from kivy.config import Config

    Config.set("graphics", "width", "1280")
    Config.set("graphics", "height", "800")
    from kivy.app import App
    from kivy.core.window import Window
    from kivy.uix.label import Label

    class Bare(App):
        def build(self) -> Label:
            return Label(text="Tra cứu thủ tục hành chính", font_size=40)

    app = Bare()
    done: dict[str, Any] = {}

    def on_flip(*_: object) -> None:
        if not done:
            done["at"] = time.monotonic()
            report(first_home_frame=done["at"], memory=memory_mb())
            app.stop()

    Window.bind(on_flip=on_flip)
    app.run()


# --- the driver -----------------------------------------------------------------------------


def prepare(folder: Path) -> Path:
    from village.clips import import_sample_kiosk_content
    from village.store import ContentStore

    data = folder / "data"
    import_sample_kiosk_content(ContentStore(data))
    config = folder / "village.toml"
    config.write_text(
        f'[paths]\ndata = "{data}"\n[kiosk]\nfullscreen = false\nopening_hours = ""\n',
        encoding="utf-8",
    )
    return config


def run_child(args: list[str], folder: Path, extra: dict[str, str]) -> tuple[float, list[dict]]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(extra)
    env.update(
        KIVY_NO_ARGS="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_HOME=str(folder / "kivy-home"),
        SDL_AUDIODRIVER="dummy",
        PYTHONPATH=str(REPO),
    )
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.kiosk_start_bench", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [json.loads(ln[6:]) for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")]
    if proc.returncode != 0 or not lines or lines[-1].get("failed"):
        raise SystemExit(f"run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
    return started, lines


def _added(kiosk: list[float], bare: list[float]) -> float:
    return round(statistics.median(k - b for k, b in zip(kiosk, bare, strict=True)), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--browse", type=int, default=100)
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="environment of the measured processes, e.g. LP_NUM_THREADS=0 (Mesa llvmpipe)",
    )
    parser.add_argument("--child", choices=["kiosk", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "kiosk":
        child_kiosk(args.config, args.browse)
        return
    if args.child == "bare":
        child_bare()
        return

    extra = dict(item.split("=", 1) for item in args.env)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        folder = Path(tmp)
        config = prepare(folder)
        starts, rss, hwm, home_rss, bare_starts, bare_rss = [], [], [], [], [], []
        browsing_rss, reading_rss = [], []
        for _ in range(args.runs):
            started, lines = run_child(
                ["--child", "kiosk", "--config", str(config), "--browse", str(args.browse)],
                folder,
                extra,
            )
            starts.append(lines[0]["first_home_frame"] - started)
            home_rss.append(lines[0]["memory_at_home"]["VmRSS"])
            rss.append(lines[-1]["memory"]["VmRSS"])
            browsing_rss.append(lines[-3]["memory_browsing"]["VmRSS"])
            reading_rss.append(lines[-2]["memory_reading"]["VmRSS"])
            hwm.append(lines[-1]["memory"]["VmHWM"])
            started, lines = run_child(["--child", "bare"], folder, extra)
            bare_starts.append(lines[0]["first_home_frame"] - started)
            bare_rss.append(lines[0]["memory"]["VmRSS"])
    result = {
        "machine": machine(),
        "env": extra,
        "runs": args.runs,
        "browsed": args.browse,
        "start_s": {
            "median": round(statistics.median(starts), 2),
            "max": round(max(starts), 2),
            "first_run": round(starts[0], 2),
        },
        "rss_mb_at_home": round(statistics.median(home_rss), 1),
        "rss_mb_on_the_last_page_just_drawn": round(statistics.median(browsing_rss), 1),
        "rss_mb_reading_the_last_page": round(statistics.median(reading_rss), 1),
        "rss_mb_after_browsing_back_home": {
            "median": round(statistics.median(rss), 1),
            "max": max(rss),
        },
        "peak_rss_mb": max(hwm),
        "baseline_bare_kivy_label": {
            "start_s_median": round(statistics.median(bare_starts), 2),
            "rss_mb_median": round(statistics.median(bare_rss), 1),
        },
        # what the kiosk adds over the bare window started just after it (median of runs)
        "added_over_bare_mb": {
            "at_home": _added(home_rss, bare_rss),
            "reading_the_last_page": _added(reading_rss, bare_rss),
            "back_home": _added(rss, bare_rss),
        },
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
