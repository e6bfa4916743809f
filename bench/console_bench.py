"""Console benchmarks: a real Mosquitto, the hub as ``village hub`` (console included) in
its own process, real agents.

    python -m bench.console_bench pages --devices 200 --staff 20 --requests 40 [--pace 1]
    python -m bench.console_bench emergency --rounds 10
    python -m bench.console_bench fanout --devices 200 --processes 4 --rounds 5

``pages``: 200 devices with a year of play logs (3 broadcasts a day each) and three weekly
plans for the whole commune in the hub's store; 20 staff signed in, each requesting pages
one after another (httpx, asyncio) — the Devices page and its live table, the Broadcasts
page (last 7 days), the Schedule's month calendar — and, in the same run
and from the same clients, a static file of the same server (the baseline), back to back
(``--pace 0``: the server saturated) or with a pause after each request. p50/p99 and the
ratio; the hub's RSS idle (signed in, before the load) and its peak under the load.
``emergency``: one real controller (gpiozero MockFactory, SDL dummy audio); Chromium signs
in, fills the emergency form, and the time runs from the confirm click to the controller's
relay-on step.
``fanout``: N simulated devices (the real agent, in ``--processes`` processes); an
emergency to the whole commune sent as the confirm button sends it; per device, the time
from that request to the agent handing the broadcast to its host (where a controller
switches the relay on).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from bench import machine, rss_mb  # noqa: E402
from bench.sync_bench import BenchHost, Rig, agent_config, free_port, wait_for  # noqa: E402
from commune.console.context import Console  # noqa: E402
from commune.console.roles import Role  # noqa: E402
from village.config import _toml_value, parse_config  # noqa: E402
from village.library import import_segment  # noqa: E402

PASSWORD = "mat-khau-do-hieu-nang"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50) * 1000, 1),
        "p99_ms": round(percentile(values, 99) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


class ConsoleRig(Rig):
    """The sync rig, with the console switched on and accounts to sign in with."""

    def __init__(self, root: Path, devices: list[str]) -> None:
        super().__init__(root, devices)
        self.console_port = free_port()
        # the rig's hub configuration, with the console on (whatever the sync rig chose)
        settings = tomllib.loads(self.hub_config.read_text())
        settings.setdefault("hub", {})["block_kb"] = 256
        settings["console"] = {"enabled": True, "port": self.console_port}
        self.hub_config.write_text(
            "".join(
                f"[{name}]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in values.items())
                for name, values in settings.items()
            )
        )
        console = Console.open(parse_config({}), self.hub)
        for name, roles in (("bench", set(Role)),):
            console.accounts.add(name, PASSWORD, frozenset(roles))
        for index in range(20):
            console.accounts.add(f"staff-{index:02d}", PASSWORD, frozenset({Role.VIEWER}))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    def wait_console(self) -> None:
        def up() -> bool:
            try:
                return httpx.get(self.base + "/dang-nhap", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        try:
            wait_for(up, 30, "the console")
        except SystemExit:
            log = self.root / "hub.log"
            print(log.read_text()[-3000:] if log.exists() else "no hub log", file=sys.stderr)
            raise


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    if not found:
        raise SystemExit("no CSRF token on the page")
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, name: str) -> str:
    page = await client.get("/dang-nhap")
    response = await client.post(
        "/dang-nhap",
        data={"csrf": csrf_of(page.text), "name": name, "password": PASSWORD, "tiep": "/thiet-bi"},
        follow_redirects=True,
    )
    if not str(response.url).endswith("/thiet-bi"):
        raise SystemExit(f"{name} could not sign in")
    return csrf_of(response.text)


# --- pages -------------------------------------------------------------------------------------


def add_plans(rig: ConsoleRig, days: int) -> None:
    """Three weekly plans for the whole commune (the calendar's content), with a segment."""
    from village.plan import Plan

    tone = rig.root / "plan-tone.wav"
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", str(tone), "synth", "2", "sine",
                    "440"], check=True)  # fmt: skip
    segment = import_segment(rig.hub.library, tone, "Cải cách hành chính", segment_id="cchc")
    start = (dt.date.today() - dt.timedelta(days=days)).isoformat()
    plans = [
        Plan(id=f"ke-hoach-{n}", title=title, dtstart=f"{start}T{hour}:00",
             rrule=f"FREQ=WEEKLY;BYDAY={byday}", slot_minutes=15, segments=["cchc"])
        for n, (title, hour, byday) in enumerate(
            [("Buổi sáng", "06:30", "MO,WE,FR"), ("Buổi chiều", "17:00", "TU,TH"),
             ("Cuối tuần", "07:00", "SA")])
    ]  # fmt: skip
    changes: list[tuple[str, str, dict | None]] = [("segments", "cchc", segment.to_dict())]
    changes += [("plans", plan.id, plan.to_dict()) for plan in plans]
    rig.hub.repository.add_version(changes, ["*"], "bench plans")


def fill_store(rig: ConsoleRig, devices: list[str], days: int) -> int:
    """Statuses for every device and ``days`` of play logs (3 broadcasts a day each)."""
    add_plans(rig, days)
    repository = rig.hub.repository
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    count = 0
    for index, device in enumerate(devices):
        repository.save_status(
            device,
            {
                "online": index % 10 != 0,
                "content_version": 1,
                "relay": False,
                "clock_synchronized": index % 25 != 0,
                "disk_free_bytes": 20_000_000_000,
                "last_broadcast": {"planned_start": now.isoformat(), "outcome": "aired",
                                   "title": "Buổi sáng"},
            },
        )  # fmt: skip
        records = []
        for day in range(days):
            for hour, outcome in (
                (0, "aired"),
                (4, "aired"),
                (10, "missed" if day % 9 else "partial"),
            ):
                start = now - dt.timedelta(days=day, hours=hour)
                records.append(
                    {"id": f"{device}-{day}-{hour}", "device": device,
                     "planned_start": start.isoformat(), "relay_on": start.isoformat(),
                     "relay_off": (start + dt.timedelta(minutes=15)).isoformat(),
                     "outcome": outcome, "title": "Tuyên truyền cải cách hành chính",
                     "priority": "ordinary", "trigger": "schedule",
                     "segments": [{"id": "cchc", "title": "Cải cách hành chính", "complete": True}]}
                )  # fmt: skip
        count += repository.store_records(device, "playlog", records)[1]
    return count


async def browse(
    base: str,
    names: list[str],
    requests: int,
    paths: list[str],
    pace: float = 0.0,
    lockstep: bool = False,
) -> dict[str, list[float]]:
    """Every staff member signs in (timed as "login"), then, once all are in, each requests
    ``paths`` in turn ``requests`` times, pausing about ``pace`` seconds after each request.

    Paced, each member starts at a random moment of the first ``pace`` seconds and pauses
    0.5-1.5 x ``pace`` (people do not click together); ``lockstep``: all start at once and
    pause exactly ``pace``, so every step is a burst of one request per member (the worst
    case)."""
    times: dict[str, list[float]] = {path: [] for path in ["login", *paths]}
    chance = random.Random(7)
    clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in names]

    async def enter(client: httpx.AsyncClient, name: str) -> None:
        start = time.perf_counter()
        await sign_in(client, name)
        times["login"].append(time.perf_counter() - start)

    def pause() -> float:
        return pace if lockstep else pace * chance.uniform(0.5, 1.5)

    async def work(client: httpx.AsyncClient) -> None:
        await asyncio.sleep(0.0 if lockstep else pace * chance.random())
        for _ in range(requests):
            for path in paths:
                start = time.perf_counter()
                response = await client.get(path)
                times[path].append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code}")
                await asyncio.sleep(pause())

    try:
        await asyncio.gather(*(enter(c, n) for c, n in zip(clients, names, strict=True)))
        await asyncio.gather(*(work(c) for c in clients))
    finally:
        for client in clients:
            await client.aclose()
    return times


def bench_pages(args: argparse.Namespace) -> dict:
    root = Path(tempfile.mkdtemp(prefix="console-bench-"))
    devices = [f"dev-{i:03d}" for i in range(args.devices)]
    rig = ConsoleRig(root, devices)
    try:
        started = time.perf_counter()
        records = fill_store(rig, devices, args.days)
        fill_s = time.perf_counter() - started
        hub = rig.start_hub()
        rig.wait_console()
        asyncio.run(browse(rig.base, ["bench"], 2, ["/thiet-bi", "/phat-thanh", "/lich"]))  # warm
        time.sleep(2)
        idle = rss_mb(hub.pid)
        peak = [idle]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                peak[0] = max(peak[0], rss_mb(hub.pid))

        threading.Thread(target=sample, daemon=True).start()
        paths = ["/thiet-bi", "/thiet-bi/bang", "/phat-thanh", "/lich", "/static/console.css"]
        names = [f"staff-{i:02d}" for i in range(args.staff)]
        started = time.perf_counter()
        times = asyncio.run(browse(rig.base, names, args.requests, paths, args.pace, args.lockstep))
        wall = time.perf_counter() - started
        done.set()
        hwm = rss_mb(hub.pid, "VmHWM")
    finally:
        rig.stop()
        shutil.rmtree(root, ignore_errors=True)
    static = summary(times["/static/console.css"])
    login = summary(times.pop("login"))
    pages = {path: summary(values) for path, values in times.items()}
    return {
        "machine": machine(),
        "devices": args.devices,
        "playlog_records": records,
        "store_fill_s": round(fill_s, 1),
        "staff": args.staff,
        "requests_per_page_per_staff": args.requests,
        "pause_between_requests_s": args.pace,
        "lockstep": args.lockstep,
        "wall_s": round(wall, 1),
        "requests_per_s": round(sum(len(v) for v in times.values()) / wall, 1),
        "pages": pages,
        "p99_ratio_to_static": {
            path: round(p["p99_ms"] / static["p99_ms"], 1) for path, p in pages.items()
        },
        "login_of_all_at_once": login,
        "hub_rss_mb_idle": round(idle, 1),
        "hub_rss_mb_peak_under_load": round(peak[0], 1),
        "hub_vmhwm_mb": round(hwm, 1),
    }


# --- emergency: one real controller -------------------------------------------------------------


def bench_emergency(args: argparse.Namespace) -> dict:
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from gpiozero.pins.mock import MockFactory
    from playwright.sync_api import sync_playwright

    from controller.daemon import Controller

    root = Path(tempfile.mkdtemp(prefix="console-bench-"))
    rig = ConsoleRig(root, ["dev-000"])
    relay_on: list[float] = []
    logged = threading.Event()

    def step(kind: str, data: dict) -> None:
        if kind == "relay-on":
            relay_on.append(time.time())
        elif kind == "logged":
            logged.set()

    tone = root / "tone.wav"
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "1", "-b", "16", str(tone),
                    "synth", "1.0", "sine", "880"], check=True)  # fmt: skip
    segment = import_segment(rig.hub.library, tone, "Báo động", segment_id="bao")
    rig.hub.repository.add_version([("segments", segment.id, segment.to_dict())], ["*"], "bench")
    config = agent_config("dev-000", root / "dev", rig.port, rig.files.users["dev-000"],
                          rig.hub.public_key().text())  # fmt: skip
    config = config.replace("schedule", clock_sync="assume", quiet_hours="", holidays=[])
    config = config.replace("relay", warmup_s=0.1, tail_s=0.1)
    controller = Controller(
        config, pin_factory=MockFactory(), on_step=step, relay_guard="in-process"
    )
    thread = threading.Thread(target=controller.run, daemon=True)
    latencies: list[float] = []
    try:
        hub = rig.start_hub()
        rig.wait_console()
        thread.start()
        wait_for(lambda: (controller.snapshot.meta.get("content_version") or 0) > 0, 60,
                 "the segment on the device")  # fmt: skip
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update"],
            )  # fmt: skip
            page = browser.new_page()
            page.goto(rig.base + "/dang-nhap")
            page.fill("input[name=name]", "bench")
            page.fill("input[name=password]", PASSWORD)
            page.click("form[action='/dang-nhap'] button")
            for _ in range(args.rounds):
                logged.clear()
                before = len(relay_on)
                page.goto(rig.base + "/gui-lenh")
                page.check("#emergency-form input[value='bao']")
                page.fill("#emergency-form textarea[name=reason]", "Đo độ trễ")
                page.click("#emergency-form button[type=submit]")
                page.wait_for_selector("#confirm-form")
                clicked = time.time()
                page.click("#confirm-form button[type=submit]")
                wait_for(lambda b=before: len(relay_on) > b, 30, "relay on")
                latencies.append(relay_on[before] - clicked)
                logged.wait(30)
            browser.close()
        rss = rss_mb(hub.pid)
    finally:
        controller.request_shutdown("bench done")
        thread.join(30)
        rig.stop()
        shutil.rmtree(root, ignore_errors=True)
    return {"machine": machine(), "rounds": args.rounds, "click_to_relay_on": summary(latencies),
            "hub_rss_mb": round(rss, 1)}  # fmt: skip


# --- fan-out: N simulated devices --------------------------------------------------------------


_stdout = threading.Lock()


class TimedHost(BenchHost):
    """A simulated device that reports when the agent hands it a broadcast."""

    def __init__(self, data_dir: Path, device: str) -> None:
        super().__init__(data_dir)
        self.device = device

    def play_now(self, segments: list[str], priority: Any, title: str) -> dict[str, Any]:
        at = time.time()
        line = json.dumps({"device": self.device, "at": at, "title": title}) + "\n"
        with _stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
        return {"ok": True}


def swarm(args: argparse.Namespace) -> None:
    from controller.sync.agent import DeviceAgent

    info = json.loads(args.rig)
    root = Path(info["root"])
    users = json.loads((root / "users.json").read_text())
    agents = []
    for index in range(args.first, args.first + args.count):
        device = f"dev-{index:03d}"
        data_dir = root / "devices" / device
        config = agent_config(device, data_dir, info["port"], users[device], info["key"],
                              status_interval_s=60)  # fmt: skip
        host = TimedHost(data_dir, device)
        agent = DeviceAgent(config, host)
        agent.start()
        agents.append(agent)
    for agent in agents:
        wait_for(lambda a=agent: a.session.connected and a.hub_online, 120, "online", 0.05)
    print("ready", flush=True)
    sys.stdin.read()
    for agent in agents:
        agent.stop()


def bench_fanout(args: argparse.Namespace) -> dict:
    root = Path(tempfile.mkdtemp(prefix="console-bench-"))
    devices = [f"dev-{i:03d}" for i in range(args.devices)]
    rig = ConsoleRig(root, devices)
    swarms: list[subprocess.Popen] = []
    arrivals: list[dict[str, Any]] = []
    lock = threading.Lock()

    def read(process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("{"):
                with lock:
                    arrivals.append(json.loads(line))

    latencies: list[float] = []
    rounds: list[dict[str, float]] = []
    try:
        tone = root / "tone.wav"
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", str(tone), "synth", "1.0", "sine",
                        "440"], check=True)  # fmt: skip
        segment = import_segment(rig.hub.library, tone, "Báo động", segment_id="bao")
        rig.hub.repository.add_version([("segments", segment.id, segment.to_dict())], ["*"], "b")
        (root / "users.json").write_text(json.dumps(rig.files.users))
        hub = rig.start_hub()
        rig.wait_console()
        info = json.dumps({"root": str(root), "port": rig.port, "key": rig.hub.public_key().text()})
        per = -(-args.devices // args.processes)
        for first in range(0, args.devices, per):
            swarms.append(subprocess.Popen(
                [sys.executable, "-m", "bench.console_bench", "swarm", "--rig", info,
                 "--first", str(first), "--count", str(min(per, args.devices - first))],
                cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            ))  # fmt: skip
        for process in swarms:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
            threading.Thread(target=read, args=(process,), daemon=True).start()
        wait_for(lambda: sum(r.online for r in rig.hub.repository.devices()) == args.devices,
                 120, "every device online", 0.1)  # fmt: skip
        wait_for(lambda: all(int(r.status.get("content_version") or 0) > 0
                             for r in rig.hub.repository.devices()),
                 120, "content", 0.1)  # fmt: skip
        with httpx.Client(base_url=rig.base, timeout=60) as client:
            page = client.get("/dang-nhap")
            client.post("/dang-nhap", data={"csrf": csrf_of(page.text), "name": "bench",
                                            "password": PASSWORD, "tiep": "/gui-lenh"})  # fmt: skip
            for round_no in range(args.rounds):
                form = client.get("/gui-lenh")
                title = f"Khẩn cấp {round_no}"
                step = client.post("/gui-lenh/khan-cap", data={
                    "csrf": csrf_of(form.text), "segment": "bao", "title": title,
                    "reason": "Đo độ trễ"})  # fmt: skip
                found = re.search(r'name="sealed" value="([^"]+)"', step.text)
                if found is None:
                    raise SystemExit(f"no confirmation step: {step.status_code}")
                sealed = found.group(1)
                start = time.time()
                client.post("/gui-lenh/khan-cap/xac-nhan",
                            data={"csrf": csrf_of(step.text), "sealed": sealed})  # fmt: skip
                answered = time.time() - start

                def arrived(title: str = title) -> list[float]:
                    with lock:
                        got = [a["at"] for a in arrivals if a["title"] == title]
                    return got if len(got) == args.devices else []

                times = wait_for(arrived, 60, "every device")
                round_latencies = [at - start for at in times]
                latencies.extend(round_latencies)
                rounds.append({**summary(round_latencies),
                               "first_ms": round(min(round_latencies) * 1000, 1),
                               "confirm_request_ms": round(answered * 1000, 1)})  # fmt: skip
                time.sleep(1.0)
        rss = rss_mb(hub.pid)
    finally:
        for process in swarms:
            if process.poll() is None and process.stdin is not None:
                process.stdin.close()
        for process in swarms:
            process.wait(60)
        rig.stop()
        shutil.rmtree(root, ignore_errors=True)
    return {"machine": machine(), "devices": args.devices, "processes": args.processes,
            "rounds": rounds, "all": summary(latencies), "hub_rss_mb": round(rss, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.console_bench")
    sub = parser.add_subparsers(dest="bench", required=True)
    pages = sub.add_parser("pages")
    pages.add_argument("--devices", type=int, default=200)
    pages.add_argument("--days", type=int, default=365)
    pages.add_argument("--staff", type=int, default=20)
    pages.add_argument("--requests", type=int, default=40)
    pages.add_argument(
        "--pace", type=float, default=0.0, help="each staff member's pause between requests (s)"
    )
    pages.add_argument(
        "--lockstep",
        action="store_true",
        help="paced: every member starts at once and pauses exactly --pace (bursts)",
    )
    emergency = sub.add_parser("emergency")
    emergency.add_argument("--rounds", type=int, default=10)
    fanout = sub.add_parser("fanout")
    fanout.add_argument("--devices", type=int, default=200)
    fanout.add_argument("--processes", type=int, default=4)
    fanout.add_argument("--rounds", type=int, default=5)
    sw = sub.add_parser("swarm", help="(internal) a process of simulated devices")
    sw.add_argument("--rig", required=True)
    sw.add_argument("--first", type=int, required=True)
    sw.add_argument("--count", type=int, required=True)
    args = parser.parse_args()
    if args.bench == "swarm":
        swarm(args)
        return
    result = {"pages": bench_pages, "emergency": bench_emergency, "fanout": bench_fanout}[
        args.bench
    ](args)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
