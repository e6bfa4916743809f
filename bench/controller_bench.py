"""Controller benchmarks: start accuracy, gaps between segments, idle cost, play-log append.

    python -m bench.controller_bench start --slots 50
    python -m bench.controller_bench gaps --joins 20
    python -m bench.controller_bench idle --seconds 60
    python -m bench.controller_bench playlog --records 10000

Every figure is set against a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import cpu_seconds, machine, rss_mb  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def tone(folder: Path, name: str, freq: float, seconds: float, amplitude: float = 0.3) -> Path:
    path = folder / name
    subprocess.run(
        [
            "sox",
            "-n",
            "-r",
            "44100",
            "-c",
            "1",
            "-b",
            "16",
            str(path),
            "synth",
            str(seconds),
            "sine",
            str(freq),
            "vol",
            str(amplitude),
        ],
        check=True,
    )
    return path


# --- start accuracy ---------------------------------------------------------------------------


def bench_start(args: argparse.Namespace) -> dict:
    """Relay-on and first-audio times against the plan over N real, compressed slots."""
    from gpiozero.pins.mock import MockFactory

    from controller.daemon import Controller
    from village.config import parse_config
    from village.library import import_segment, save_plan
    from village.plan import Plan
    from village.store import ContentStore

    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    work = Path(tempfile.mkdtemp(prefix="bench-start-"))
    store = ContentStore(work)
    import_segment(store, tone(work, "s.wav", 440, 0.6), "s", segment_id="s")
    zone = dt.timezone(dt.timedelta(hours=7))
    first = dt.datetime.now(zone).replace(microsecond=0) + dt.timedelta(seconds=5)
    spacing = args.spacing
    for index in range(args.slots):  # one-off plans: a rule may not repeat within seconds
        local = (first + dt.timedelta(seconds=index * spacing)).replace(tzinfo=None)
        save_plan(
            store,
            Plan(
                id=f"bench-{index}",
                title="bench",
                dtstart=local.isoformat(),
                slot_minutes=(spacing - 0.5) / 60,
                segments=["s"],
            ),
        )
    config = parse_config({}).replace("paths", data=str(work))
    config = config.replace("schedule", clock_sync="assume", quiet_hours="", holidays=[])
    config = config.replace("relay", warmup_s=0.3, tail_s=0.2)
    done = threading.Event()
    records: list[dict] = []

    def on_step(kind: str, data: dict) -> None:
        if kind == "logged":
            records.append(data["record"])
            if len(records) >= args.slots:
                done.set()
                controller.request_shutdown("bench done")

    controller = Controller(config, pin_factory=MockFactory(), on_step=on_step)
    runner = threading.Thread(target=controller.run)
    runner.start()
    runner.join(args.slots * spacing + 60)
    controller.request_shutdown("bench timeout")
    runner.join()
    relay_ms, audio_ms = [], []
    for record in records:
        planned = dt.datetime.fromisoformat(record["planned_start"])
        relay_ms.append(
            (dt.datetime.fromisoformat(record["relay_on"]) - planned).total_seconds() * 1000
        )
        start = dt.datetime.fromisoformat(record["segments"][0]["start"])
        audio_ms.append((start - planned).total_seconds() * 1000 - config.relay.warmup_s * 1000)

    # baseline in the same run: one plain time.sleep() to each target, as a naive loop would
    naive_ms = []
    for _ in range(args.slots):
        target = time.time() + 0.25
        time.sleep(target - time.time())
        naive_ms.append((time.time() - target) * 1000)
    return {
        "slots": len(records),
        "outcomes": sorted({r["outcome"] for r in records}),
        "relay_on_ms_p50": round(percentile(relay_ms, 50), 2),
        "relay_on_ms_p99": round(percentile(relay_ms, 99), 2),
        "relay_on_ms_max": round(max(relay_ms), 2),
        "first_audio_ms_p50": round(percentile(audio_ms, 50), 2),
        "first_audio_ms_p99": round(percentile(audio_ms, 99), 2),
        "baseline_plain_sleep_ms_p50": round(percentile(naive_ms, 50), 2),
        "baseline_plain_sleep_ms_p99": round(percentile(naive_ms, 99), 2),
        "cron_granularity_ms": 60000,
    }


# --- gaps between segments --------------------------------------------------------------------


def _max_silence_ms(mono: np.ndarray, rate: int, threshold: float = 1e-3) -> float:
    """Longest run of near-silence inside the sounding part (between first and last sound)."""
    loud = np.flatnonzero(np.abs(mono) > threshold)
    if len(loud) < 2:
        return float("nan")
    return float(np.max(np.diff(loud)) - 1) / rate * 1000


GAP_CHILD = """
import os, sys, threading, json
sys.path.insert(0, {repo!r})
mode, out = sys.argv[1], sys.argv[2]
files = sys.argv[3:]
os.environ["SDL_AUDIODRIVER"] = "disk"
os.environ["SDL_DISKAUDIOFILE"] = out
if mode == "village":
    from pathlib import Path
    from controller.audio.player import PlayItem
    from controller.audio.pygame_player import PygamePlayer
    from controller.settings import AudioSettings
    player = PygamePlayer(AudioSettings())
    player.open()
    items = [PlayItem(str(i), str(i), Path(f)) for i, f in enumerate(files)]
    player.play(items, None, None, threading.Event(), lambda e: None)
    player.close()
else:  # baseline: pygame.mixer.music and its one-slot queue, refilled on each end event
    import time, pygame
    pygame.display.init()  # end events need the event system, not a window
    pygame.mixer.init(44100, -16, 2, 2048)
    pygame.mixer.music.set_endevent(pygame.USEREVENT)
    pygame.mixer.music.load(files[0])
    pygame.mixer.music.play()
    pending = list(files[1:])
    if pending:
        pygame.mixer.music.queue(pending.pop(0))
    while pygame.mixer.music.get_busy() or pending:
        for event in pygame.event.get():
            if event.type == pygame.USEREVENT and pending:
                pygame.mixer.music.queue(pending.pop(0))
        time.sleep(0.002)
    time.sleep(0.2)
    pygame.mixer.quit()
"""


def _joins_silence(out: Path, seconds_each: float, joins: int) -> list[float]:
    raw = np.fromfile(out, dtype="<i2").reshape(-1, 2).mean(axis=1) / 32768.0
    loud = np.flatnonzero(np.abs(raw) > 1e-3)
    body = raw[loud[0] : loud[-1] + 1]
    rate = 44100
    gaps = []
    for j in range(1, joins + 1):
        centre = int(j * seconds_each * rate)
        window = body[max(0, centre - rate // 4) : centre + rate // 4]
        gaps.append(_max_silence_ms(window, rate) if len(window) else float("nan"))
    return gaps


def bench_gaps(args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-gaps-"))
    seconds = 1.0
    files = []
    for i in range(args.joins + 1):
        wav = tone(work, f"t{i}.wav", 300 + 40 * (i % 7), seconds)
        if i % 2:  # every other one an OGG, so joins cross formats
            ogg = wav.with_suffix(".ogg")
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-c:a", "libvorbis", str(ogg)],
                check=True,
            )
            files.append(str(ogg))
        else:
            files.append(str(wav))
    results = {}
    for mode in ("village", "music_queue"):
        out = work / f"{mode}.raw"
        child = GAP_CHILD.format(repo=str(REPO))
        subprocess.run(
            [sys.executable, "-c", child, mode, str(out), *files], check=True, capture_output=True
        )
        gaps = _joins_silence(out, seconds, args.joins)
        results[mode] = {"max_ms": round(max(gaps), 2), "p50_ms": round(statistics.median(gaps), 2)}
    return {"joins": args.joins, **results}


# --- idle daemon ------------------------------------------------------------------------------


def bench_idle(args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-idle-"))
    config = work / "village.toml"
    config.write_text(
        f'[paths]\ndata = "{work / "data"}"\n[schedule]\nclock_sync = "assume"\n', encoding="utf-8"
    )
    env = {
        **os.environ,
        "VILLAGE_CONFIG": str(config),
        "GPIOZERO_PIN_FACTORY": "mock",
        "SDL_AUDIODRIVER": "dummy",
    }
    subprocess.run(
        [sys.executable, "-m", "village.cli", "import", "samples"],
        env=env,
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    daemon = subprocess.Popen(
        [sys.executable, "-m", "village.cli", "controller"],
        env=env,
        cwd=REPO,
        stderr=subprocess.DEVNULL,
    )
    baseline = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(10**6)"])
    try:
        time.sleep(5)  # settle
        cpu0, base0 = cpu_seconds(daemon.pid), cpu_seconds(baseline.pid)
        t0 = time.monotonic()
        time.sleep(args.seconds)
        elapsed = time.monotonic() - t0
        cpu = (cpu_seconds(daemon.pid) - cpu0) / elapsed * 100
        base_cpu = (cpu_seconds(baseline.pid) - base0) / elapsed * 100
        rss, base_rss = rss_mb(daemon.pid), rss_mb(baseline.pid)
    finally:
        daemon.terminate()
        daemon.wait()
        baseline.kill()
    return {
        "seconds": args.seconds,
        "cpu_percent": round(cpu, 3),
        "rss_mb": round(rss, 1),
        "baseline_bare_python_cpu_percent": round(base_cpu, 3),
        "baseline_bare_python_rss_mb": round(base_rss, 1),
    }


# --- play-log append --------------------------------------------------------------------------


def bench_playlog(args: argparse.Namespace) -> dict:
    from tinydb import TinyDB

    from village.playlog import PlayLog

    work = Path(tempfile.mkdtemp(prefix="bench-log-"))
    record = {
        "kind": "broadcast",
        "device": "pi-01",
        "outcome": "aired",
        "title": "x" * 40,
        "planned_start": "2021-03-01T06:30:00+07:00",
        "segments": [{"id": "a"}] * 6,
    }
    log = PlayLog(work)
    ours = []
    for _ in range(args.records):
        t = time.perf_counter()
        log.append(dict(record))
        ours.append(time.perf_counter() - t)
    log.close()
    tiny = TinyDB(work / "tinydb.json")  # TinyDB's default JSONStorage
    theirs = []
    for _ in range(args.tinydb_records):
        t = time.perf_counter()
        tiny.insert(dict(record))
        theirs.append(time.perf_counter() - t)
    tiny.close()
    tail = max(50, args.records // 100)
    ours_first = percentile(ours[:tail], 99) * 1000
    ours_last = percentile(ours[-tail:], 99) * 1000
    theirs_last = percentile(theirs[-tail:], 99) * 1000
    return {
        "records": args.records,
        "ours_p99_ms_first_100": round(ours_first, 3),
        "ours_p99_ms_last_100": round(ours_last, 3),
        "tinydb_records": args.tinydb_records,
        "tinydb_insert_p99_ms_last_100": round(theirs_last, 3),
        "ratio_tinydb_at_n_over_ours_at_10000": round(theirs_last / ours_last, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="which", required=True)
    p = sub.add_parser("start")
    p.add_argument("--slots", type=int, default=50)
    p.add_argument("--spacing", type=int, default=3, help="seconds between slot starts")
    p = sub.add_parser("gaps")
    p.add_argument("--joins", type=int, default=20)
    p = sub.add_parser("idle")
    p.add_argument("--seconds", type=float, default=60)
    p = sub.add_parser("playlog")
    p.add_argument("--records", type=int, default=10000)
    p.add_argument("--tinydb-records", type=int, default=2000)
    args = parser.parse_args()
    result = {
        "start": bench_start,
        "gaps": bench_gaps,
        "idle": bench_idle,
        "playlog": bench_playlog,
    }[args.which](args)
    print(json.dumps({"bench": args.which, "machine": machine(), **result}, indent=2))


if __name__ == "__main__":
    main()
