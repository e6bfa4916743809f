"""Controller resilience: a bad plan in the store, a frozen controller on air, SIGTERM on air.

    python -m bench.controller_resilience_bench badplan --rule "FREQ=DAILY;INTERVAL=0"
    python -m bench.controller_resilience_bench badplan --rule "FREQ=SECONDLY" --wait 150
    python -m bench.controller_resilience_bench badplan --slow-expansion-s 5
    python -m bench.controller_resilience_bench frozen --max-on-s 6 --freeze-s 20
    python -m bench.controller_resilience_bench sigterm --rounds 5

Every run measures a baseline in the same run: the same controller with good plans only
(badplan), the same broadcast without freezing (frozen), an operator's `village stop`
(sigterm). The relay's real pin changes are taken from gpiozero's mock pins in whichever
process drives them (a small import hook logs each change with CLOCK_MONOTONIC, which all
processes share), not from what the controller believes.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import cpu_seconds, machine, rss_mb  # noqa: E402

VILLAGE = [sys.executable, "-m", "village.cli"]
ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

PIN_HOOK = """
import os, time
_log = os.environ.get("BENCH_PIN_LOG")
if _log:
    try:
        from gpiozero.pins.mock import MockPin
    except ImportError:
        pass
    else:
        _change = MockPin._change_state

        def _change_state(self, value):
            changed = _change(self, value)
            if changed and self._function == "output":
                with open(_log, "a") as handle:
                    at = time.monotonic()
                    handle.write(f"{os.getpid()} {at:.6f} {self.info.name} {int(value)}\\n")
            return changed

        MockPin._change_state = _change_state
"""


# A stand-in for a plan that costs its whole expansion budget: every schedule built in the
# controller first burns this much CPU (a bench-only launcher; the product has no such hook).
SLOW_LAUNCHER = """
import sys, time
sys.path.insert(0, {repo!r})
import village.plan as plan
real = plan.build_schedule
def build_schedule(*args, **kwargs):
    end = time.thread_time() + {seconds!r}
    while time.thread_time() < end:
        pass
    return real(*args, **kwargs)
plan.build_schedule = build_schedule
from village.cli import main
sys.exit(main(sys.argv[1:]))
"""


class Rig:
    """A data folder, a configuration, a pin log, and the processes started on them."""

    def __init__(self, name: str, relay: dict[str, Any] | None = None) -> None:
        self.work = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        self.data = self.work / "data"
        self.data.mkdir()
        hook = self.work / "hook"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(PIN_HOOK)
        self.pin_log = self.work / "pins.log"
        relay_lines = "".join(f"{k} = {v}\n" for k, v in (relay or {}).items())
        config = self.work / "village.toml"
        config.write_text(
            f'[paths]\ndata = "{self.data}"\n'
            '[schedule]\nclock_sync = "assume"\nquiet_hours = ""\nholidays = []\n'
            f"[relay]\nwarmup_s = 0.3\ntail_s = 0.2\n{relay_lines}",
            encoding="utf-8",
        )
        self.env = {
            **os.environ,
            "VILLAGE_CONFIG": str(config),
            "GPIOZERO_PIN_FACTORY": "mock",
            "SDL_AUDIODRIVER": "dummy",
            "PYTHONPATH": str(hook),
            "BENCH_PIN_LOG": str(self.pin_log),
        }
        self.socket = self.data / "run" / "control.sock"
        self.procs: list[subprocess.Popen] = []

    def village(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*VILLAGE, *args], env=self.env, cwd=REPO, capture_output=True, text=True, timeout=120
        )

    def tone(self, name: str, seconds: float) -> Path:
        path = self.work / name
        subprocess.run(
            ["sox", "-n", "-r", "44100", "-c", "1", "-b", "16", str(path)]
            + ["synth", str(seconds), "sine", "440", "vol", "0.3"],
            check=True,
        )
        return path

    def add_segment(self, sid: str, seconds: float) -> None:
        path = str(self.tone(f"{sid}.wav", seconds))
        done = self.village("import", "segment", path, "--title", sid, "--id", sid)
        assert done.returncode == 0, done.stderr

    def store_plan(self, record: dict[str, Any]) -> None:
        """Straight into the store, as a pushed manifest would land (no import checks)."""
        with self._tables() as tables:
            tables.upsert("plans", record)

    def _tables(self):
        from village.store import ContentStore

        return ContentStore(self.data).transaction()

    def start(self, *args: str, slow_expansion_s: float = 0.0) -> subprocess.Popen:
        command = [*VILLAGE, *args]
        if slow_expansion_s:
            code = SLOW_LAUNCHER.format(repo=str(REPO), seconds=slow_expansion_s)
            command = [sys.executable, "-c", code, *args]
        proc = subprocess.Popen(
            command,
            env=self.env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=open(self.work / f"{args[0]}-{len(self.procs)}.log", "w"),  # noqa: SIM115
        )
        self.procs.append(proc)
        return proc

    def start_guard(self) -> subprocess.Popen | None:
        """The relay guard process, where this version of the controller has one."""
        try:
            import controller.gpio.relay_guard  # noqa: F401
        except ImportError:
            return None
        proc = self.start("relay", "guard")
        deadline = time.monotonic() + 20
        while not (self.data / "run" / "relay-guard.sock").exists():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("the relay guard did not start")
            time.sleep(0.05)
        return proc

    def command(self, cmd: str, timeout: float, **args: Any) -> dict[str, Any] | None:
        from controller.control import send_command
        from controller.errors import ControlError

        try:
            return send_command(self.socket, cmd, timeout=timeout, **args)
        except ControlError as exc:
            return {"ok": False, "error": str(exc)}

    def wait_ready(self, proc: subprocess.Popen, limit: float) -> float | None:
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            if proc.poll() is not None:
                return None
            if self.socket.exists():
                answer = self.command("status", timeout=1)
                if answer and answer.get("ok"):
                    return time.monotonic() - t0
            time.sleep(0.05)
        return None

    def pin_changes(self, pin: str = "GPIO17") -> list[tuple[int, float, int]]:
        """(pid, monotonic time, level) of every change of ``pin``, in any process."""
        if not self.pin_log.exists():
            return []
        found = []
        for line in self.pin_log.read_text().splitlines():
            pid, at, name, level = line.split()
            if name == pin:
                found.append((int(pid), float(at), int(level)))
        return found

    def relay_on_spans(self) -> list[float]:
        """Seconds the relay (active low: 0 is on) was on, each time."""
        spans, since = [], None
        for _, at, level in sorted(self.pin_changes(), key=lambda c: c[1]):
            if level == 0 and since is None:
                since = at
            elif level == 1 and since is not None:
                spans.append(at - since)
                since = None
        return spans

    def relay_off_after(self, moment: float) -> float | None:
        for _, at, level in sorted(self.pin_changes(), key=lambda c: c[1]):
            if at >= moment and level == 1:
                return at - moment
        return None

    def records(self) -> list[dict[str, Any]]:
        from village.playlog import PlayLog

        return list(PlayLog(self.data).records())

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGCONT)
                proc.terminate()
                try:
                    proc.wait(25)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def sigterm_to_exit(proc: subprocess.Popen, limit: float = 25.0) -> float | None:
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None
    return time.monotonic() - t0


def local_iso(moment: dt.datetime) -> str:
    return moment.astimezone(ZONE).replace(tzinfo=None).isoformat(timespec="seconds")


# --- a bad plan in the store ----------------------------------------------------------------


def good_plan() -> dict[str, Any]:
    return {
        "id": "sang",
        "title": "Bản tin sáng",
        "dtstart": "2021-03-01T06:30:00",
        "rrule": "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "slot_minutes": 15.0,
        "segments": ["s"],
    }


def bad_plan(rule: str, since_days: float) -> dict[str, Any]:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=since_days)
    return {
        "id": "hong",
        "title": "Lịch hỏng",
        "dtstart": local_iso(start),
        "rrule": rule,
        "slot_minutes": 15.0,
        "segments": ["s"],
    }


def run_controller_with(
    plans: list[dict[str, Any]], wait: float, cpu_window: float, slow_expansion_s: float = 0.0
) -> dict:
    """Start with ``plans`` in the store: ready time, CPU and memory, play-now, SIGTERM."""
    rig = Rig("badplan")
    try:
        rig.add_segment("s", 1.0)
        for plan in plans:
            rig.store_plan(plan)
        rig.start_guard()
        proc = rig.start("controller", slow_expansion_s=slow_expansion_s)
        t0 = time.monotonic()
        ready = rig.wait_ready(proc, wait)
        spent = time.monotonic() - t0
        cpu0 = cpu_seconds(proc.pid)
        if ready is not None:  # CPU of the settled daemon, over a window after ready
            time.sleep(cpu_window)
            cpu = (cpu_seconds(proc.pid) - cpu0) / cpu_window * 100
        else:
            cpu = cpu0 / spent * 100
        result: dict[str, Any] = {
            "ready_s": round(ready, 2) if ready is not None else f"not ready in {wait:.0f} s",
            "cpu_percent": round(cpu, 1),
            "peak_rss_mb": round(rss_mb(proc.pid, "VmHWM"), 1),
        }
        if ready is not None:
            status = rig.command("status", timeout=5) or {}
            result["quarantined"] = [q.get("plan") for q in status.get("quarantined", [])]
            result["slots_planned"] = status.get("next_slot") is not None
            t1 = time.monotonic()
            answer = rig.command("play-now", timeout=40, segments=["s"]) or {}
            result["play_now_s"] = round(time.monotonic() - t1, 2)
            result["play_now_ok"] = bool(answer.get("ok"))
            time.sleep(2.0)
        took = sigterm_to_exit(proc)
        result["sigterm_to_exit_s"] = round(took, 2) if took is not None else "> 25 s (killed)"
        return result
    finally:
        rig.stop_all()


def run_plan_arrives(rule: str, since_days: float, cpu_window: float) -> dict:
    """Good plans at start; the bad plan lands in the store while the controller runs."""
    rig = Rig("arrives")
    try:
        rig.add_segment("s", 1.0)
        rig.store_plan(good_plan())
        rig.start_guard()
        proc = rig.start("controller")
        if rig.wait_ready(proc, 60) is None:
            raise SystemExit("the controller did not start")
        rig.store_plan(bad_plan(rule, since_days))
        rig.command("reload", timeout=5)
        time.sleep(1.0)
        cpu0 = cpu_seconds(proc.pid)
        time.sleep(cpu_window)
        cpu = (cpu_seconds(proc.pid) - cpu0) / cpu_window * 100
        t1 = time.monotonic()
        status = rig.command("status", timeout=10) or {}
        status_s = time.monotonic() - t1
        t1 = time.monotonic()
        answer = rig.command("play-now", timeout=40, segments=["s"]) or {}
        play_s = time.monotonic() - t1
        time.sleep(2.0)
        took = sigterm_to_exit(proc)
        return {
            "cpu_percent": round(cpu, 1),
            "status_s": round(status_s, 2),
            "status_state": status.get("state"),
            "quarantined": [q.get("plan") for q in status.get("quarantined", [])],
            "play_now_s": round(play_s, 2),
            "play_now_ok": bool(answer.get("ok")),
            "play_now_error": answer.get("error", ""),
            "sigterm_to_exit_s": round(took, 2) if took is not None else "> 25 s (killed)",
        }
    finally:
        rig.stop_all()


def bench_badplan(args: argparse.Namespace) -> dict:
    bad = bad_plan(args.rule, args.since_days)
    if args.slow_expansion_s:
        return {
            "expansion_cpu_s": args.slow_expansion_s,
            "baseline_good_plans_only": run_controller_with(
                [good_plan()], args.wait, args.cpu_window
            ),
            "good_plans_with_a_slow_expansion": run_controller_with(
                [good_plan()], args.wait, args.cpu_window, args.slow_expansion_s
            ),
        }
    return {
        "rule": args.rule,
        "bad_plan_since_days": args.since_days,
        "baseline_good_plans_only": run_controller_with([good_plan()], args.wait, args.cpu_window),
        "bad_plan_present_at_start": run_controller_with(
            [good_plan(), bad], args.wait, args.cpu_window
        ),
        "bad_plan_arrives_while_running": run_plan_arrives(
            args.rule, args.since_days, args.cpu_window
        ),
    }


# --- a frozen controller on air ---------------------------------------------------------------


def on_air_run(max_on_s: float, freeze_s: float | None) -> dict:
    rig = Rig("frozen", relay={"max_on_minutes": max_on_s / 60})
    try:
        rig.add_segment("long", max_on_s * 3 + 10)
        rig.start_guard()
        proc = rig.start("controller")
        if rig.wait_ready(proc, 60) is None:
            raise SystemExit("the controller did not start")
        answer = rig.command("play-now", timeout=40, segments=["long"]) or {}
        assert answer.get("ok"), answer
        deadline = time.monotonic() + 10
        while not any(level == 0 for _, _, level in rig.pin_changes()):
            if time.monotonic() > deadline:
                raise SystemExit("the relay did not come on")
            time.sleep(0.01)
        if freeze_s is not None:
            time.sleep(0.5)
            os.kill(proc.pid, signal.SIGSTOP)
            time.sleep(freeze_s)
            os.kill(proc.pid, signal.SIGCONT)
        deadline = time.monotonic() + max_on_s + 30
        while not rig.records() and time.monotonic() < deadline:
            time.sleep(0.1)
        spans = rig.relay_on_spans()
        (record,) = rig.records() or [{}]
        logged = None
        if record.get("relay_on") and record.get("relay_off"):
            logged = (
                dt.datetime.fromisoformat(record["relay_off"])
                - dt.datetime.fromisoformat(record["relay_on"])
            ).total_seconds()
        sigterm_to_exit(proc)
        return {
            "relay_on_s": round(spans[0], 2) if spans else "still on",
            "logged_on_s": round(logged, 2) if logged is not None else None,
            "logged_reason": record.get("reason"),
        }
    finally:
        rig.stop_all()


def bench_frozen(args: argparse.Namespace) -> dict:
    return {
        "max_on_s": args.max_on_s,
        "freeze_s": args.freeze_s,
        "baseline_not_frozen": on_air_run(args.max_on_s, None),
        "frozen_on_air": on_air_run(args.max_on_s, args.freeze_s),
    }


# --- SIGTERM on air -----------------------------------------------------------------------------


def stop_round(use_sigterm: bool) -> dict[str, float | None]:
    rig = Rig("sigterm")
    try:
        rig.add_segment("long", 30)
        rig.start_guard()
        proc = rig.start("controller")
        if rig.wait_ready(proc, 60) is None:
            raise SystemExit("the controller did not start")
        rig.command("play-now", timeout=40, segments=["long"])
        deadline = time.monotonic() + 10
        while not any(level == 0 for _, _, level in rig.pin_changes()):
            if time.monotonic() > deadline:
                raise SystemExit("the relay did not come on")
            time.sleep(0.01)
        time.sleep(1.5)  # the audio under way
        t0 = time.monotonic()
        if use_sigterm:
            took = sigterm_to_exit(proc)
        else:
            rig.command("stop", timeout=10)
            took = None
        deadline = time.monotonic() + 10
        while rig.relay_off_after(t0) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return {"relay_off_s": rig.relay_off_after(t0), "exit_s": took}
    finally:
        rig.stop_all()


def bench_sigterm(args: argparse.Namespace) -> dict:
    sig = [stop_round(True) for _ in range(args.rounds)]
    ops = [stop_round(False) for _ in range(args.rounds)]

    def summary(values: list[float | None]) -> dict[str, Any]:
        known = sorted(v for v in values if v is not None)
        return {
            "median_s": round(known[len(known) // 2], 3) if known else None,
            "max_s": round(known[-1], 3) if known else None,
            "never": len(values) - len(known),
        }

    return {
        "rounds": args.rounds,
        "sigterm_to_relay_off": summary([r["relay_off_s"] for r in sig]),
        "sigterm_to_exit": summary([r["exit_s"] for r in sig]),
        "baseline_village_stop_to_relay_off": summary([r["relay_off_s"] for r in ops]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="what", required=True)
    bad = sub.add_parser("badplan", help="a plan that cannot be expanded in the store")
    bad.add_argument("--rule", default="FREQ=DAILY;INTERVAL=0")
    bad.add_argument("--since-days", type=float, default=1.0, help="the bad plan's DTSTART")
    bad.add_argument("--wait", type=float, default=60.0, help="give up on readiness after")
    bad.add_argument("--cpu-window", type=float, default=10.0)
    bad.add_argument(
        "--slow-expansion-s",
        type=float,
        default=0.0,
        help="instead: every expansion burns this much CPU first (a plan at its budget)",
    )
    frozen = sub.add_parser("frozen", help="the controller frozen (SIGSTOP) on air")
    frozen.add_argument("--max-on-s", type=float, default=6.0)
    frozen.add_argument("--freeze-s", type=float, default=20.0)
    term = sub.add_parser("sigterm", help="SIGTERM on air: time to relay off")
    term.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    started = time.monotonic()
    result = {"bad": bench_badplan, "fro": bench_frozen, "sig": bench_sigterm}[args.what[:3]](args)
    result["machine"] = machine()
    result["bench_s"] = round(time.monotonic() - started, 1)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
