"""Benchmarks of the console's content pages: a real Mosquitto, the hub as ``village hub``
(console included) in its own process, a real agent.

    python -m bench.console_content_bench calendar --staff 20 --requests 15 --pace 1
    python -m bench.console_content_bench calendar --devices 200 --days 365 --staff 20 --requests 20
    python -m bench.console_content_bench upload --mb 100

``calendar``: 200 devices holding the commune's plans (three commune-wide, one for a tenth
of the devices), a year of play logs with a record for every slot each device aired or
missed; 20 staff signed in, each requesting the Schedule page one after another (this
month, a month three months ago, this week) and, in the same run from the same clients, a
static file of the same server (the baseline): p50/p99 and the ratio. Before the load, one
client alone: each view's first request after the hub started (nothing cached), then the
median of ten more.
``upload``: one 100 MB WAV segment sent as the page's script sends it (8 MB chunks), saved
as a draft (decoded in full and measured), published to one device: seconds from the first
byte sent until the device has applied the version; against ``curl`` sending the same
bytes to the same server as one plain file (one chunk of a resumable upload, nothing
imported), in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zoneinfo
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from bench import machine, rss_mb  # noqa: E402
from bench.console_bench import ConsoleRig, browse, sign_in, summary  # noqa: E402
from bench.sync_bench import make_audio, start_agent, wait_for  # noqa: E402
from village.library import import_segment  # noqa: E402
from village.plan import Plan, Policy, build_schedule  # noqa: E402

ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CHUNK = 8 * 1024 * 1024


def console_rig(root: Path, devices: list[str]) -> ConsoleRig:
    """The console benchmark's rig, its console switched on whatever the sync rig says."""
    rig = ConsoleRig(root, devices)
    text = rig.hub_config.read_text(encoding="utf-8")
    rig.hub_config.write_text(text.replace("[console]\nenabled = false\n", ""), "utf-8")
    return rig


# --- calendar ----------------------------------------------------------------------------------


def commune_plans(first: dt.date, last: dt.date) -> tuple[list[Plan], Plan]:
    window: dict[str, Any] = {
        "window_start": str(first),
        "window_end": str(last),
        "segments": ["cchc"],
    }
    common = [
        Plan("sang", "Bản tin sáng", f"{first}T06:00:00", rrule="FREQ=DAILY", **window),
        Plan("trua", "Tuyên truyền CCHC", f"{first}T11:00:00",
             rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR", slot_minutes=20, **window),
        Plan("chieu", "Bản tin chiều", f"{first}T17:00:00", rrule="FREQ=DAILY",
             priority="priority", **window),
    ]  # fmt: skip
    hamlet = Plan("thon", "Thông báo của thôn", f"{first}T18:00:00",
                  rrule="FREQ=WEEKLY;BYDAY=SA", **window)  # fmt: skip
    return common, hamlet


def fill_calendar(rig: ConsoleRig, devices: list[str], days: int) -> int:
    """The plans on the devices, and a play-log record for every slot of the past year."""
    repository = rig.hub.repository
    tone = rig.root / "cchc.wav"
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "1", "-b", "16", str(tone),
                    "synth", "60", "sine", "440", "vol", "0.3"], check=True)  # fmt: skip
    segment = import_segment(rig.hub.library, tone, "Cải cách hành chính", segment_id="cchc")
    today = dt.datetime.now(ZONE).date()
    common, hamlet = commune_plans(today - dt.timedelta(days=days), today + dt.timedelta(days=183))
    repository.add_version(
        [("segments", "cchc", segment.to_dict())] + [("plans", p.id, p.to_dict()) for p in common],
        ["*"],
        "bench: the commune's plans",
    )
    hamlet_devices = devices[: max(1, len(devices) // 10)]
    repository.add_version([("plans", "thon", hamlet.to_dict())], hamlet_devices, "bench: a hamlet")
    begin = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(), tzinfo=ZONE)
    end = dt.datetime.now(dt.UTC)
    policy = Policy(quiet_hours="21:30-05:30", holidays=())
    durations = {"cchc": 60.0}
    slots = {
        False: build_schedule(common, begin, end, durations, policy).slots,
        True: build_schedule([*common, hamlet], begin, end, durations, policy).slots,
    }
    count = 0
    for index, device in enumerate(devices):
        records = []
        for number, slot in enumerate(slots[device in hamlet_devices]):
            outcome = "missed" if (number + index) % 23 == 0 else "aired"
            start = slot.start.isoformat()
            records.append(
                {"id": f"{device}-{number}", "slot": slot.key, "plan": slot.plan_id,
                 "planned_start": start, "relay_on": start,
                 "relay_off": slot.end.isoformat(), "outcome": outcome, "title": slot.title,
                 "priority": slot.priority.label, "trigger": "schedule",
                 "segments": [{"id": "cchc", "title": "Cải cách hành chính", "complete": True}]}
            )  # fmt: skip
        count += repository.store_records(device, "playlog", records)[1]
    return count


async def one_client(base: str, paths: list[str], rounds: int) -> list[dict[str, float]]:
    """One staff member alone: each view's first request (nothing cached, right after the
    hub started), then the median of ``rounds`` more, one after another."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        await sign_in(client, "bench")
        times: dict[str, list[float]] = {path: [] for path in paths}
        for _ in range(rounds + 1):
            for path in paths:
                start = time.perf_counter()
                response = await client.get(path)
                times[path].append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code}")
        first = {path: round(values[0], 1) for path, values in times.items()}
        alone = {path: round(sorted(values[1:])[rounds // 2], 1) for path, values in times.items()}
        return [first, alone]


def bench_calendar(args: argparse.Namespace) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="console-content-bench-"))
    devices = [f"dev-{i:03d}" for i in range(args.devices)]
    rig = console_rig(root, devices)
    today = dt.datetime.now(ZONE).date()
    earlier = (today.replace(day=1) - dt.timedelta(days=80)).strftime("%Y-%m")
    views = ["/lich", f"/lich?thang={earlier}", "/lich?xem=tuan"]
    try:
        started = time.perf_counter()
        records = fill_calendar(rig, devices, args.days)
        fill_s = time.perf_counter() - started
        hub = rig.start_hub()
        rig.wait_console()
        cold, alone = asyncio.run(one_client(rig.base, [*views, "/static/console.css"], 10))
        idle = rss_mb(hub.pid)
        peak = [idle]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                peak[0] = max(peak[0], rss_mb(hub.pid))

        threading.Thread(target=sample, daemon=True).start()
        names = [f"staff-{i:02d}" for i in range(args.staff)]
        paths = [*views, "/static/console.css"]
        started = time.perf_counter()
        times = asyncio.run(browse(rig.base, names, args.requests, paths, args.pace))
        wall = time.perf_counter() - started
        done.set()
    finally:
        rig.stop()
        shutil.rmtree(root, ignore_errors=True)
    times.pop("login")
    static = summary(times["/static/console.css"])
    pages = {path: summary(values) for path, values in times.items()}
    return {
        "machine": machine(),
        "devices": args.devices,
        "playlog_records": records,
        "store_fill_s": round(fill_s, 1),
        "staff": args.staff,
        "requests_per_page_per_staff": args.requests,
        "pause_between_requests_s": args.pace,
        "wall_s": round(wall, 1),
        "requests_per_s": round(sum(len(v) for v in times.values()) / wall, 1),
        "first_request_ms_nothing_cached": cold,
        "one_client_alone_p50_ms": alone,
        "pages": pages,
        "p99_ratio_to_static": {
            path: round(p["p99_ms"] / static["p99_ms"], 1) for path, p in pages.items()
        },
        "hub_rss_mb_idle": round(idle, 1),
        "hub_rss_mb_peak_under_load": round(peak[0], 1),
    }


# --- upload ------------------------------------------------------------------------------------


def send_chunked(client: httpx.Client, csrf: str, media: Path) -> str:
    """The page's script: announce the file, then send it in chunks; returns the upload id."""
    headers = {"X-CSRF-Token": csrf}
    size = media.stat().st_size
    started = client.post(
        "/bai-phat/tai-len", data={"name": media.name, "size": str(size)}, headers=headers
    ).json()
    with open(media, "rb") as handle:
        offset = 0
        while offset < size:
            block = handle.read(CHUNK)
            answer = client.post(
                f"/bai-phat/tai-len/{started['id']}",
                data={"offset": str(offset)},
                files={"chunk": ("chunk", block, "application/octet-stream")},
                headers=headers,
            )
            offset = answer.json()["received"]
    return str(started["id"])


def curl_plain(rig: ConsoleRig, client: httpx.Client, csrf: str, media: Path) -> float:
    """curl sending the same bytes to the same server, as one plain file: seconds."""
    headers = {"X-CSRF-Token": csrf}
    size = media.stat().st_size
    started = client.post(
        "/bai-phat/tai-len", data={"name": media.name, "size": str(size)}, headers=headers
    ).json()
    cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    done = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{http_code}",
         "-H", f"X-CSRF-Token: {csrf}", "-b", cookies, "-F", "offset=0",
         "-F", f"chunk=@{media};type=application/octet-stream",
         f"{rig.base}/bai-phat/tai-len/{started['id']}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    seconds, status = done.stdout.split()
    if status != "200":
        raise SystemExit(f"curl upload: HTTP {status}")
    return float(seconds)


def bench_upload(args: argparse.Namespace) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="console-content-bench-"))
    rig = console_rig(root, ["dev-000"])
    size = 0
    runs = []
    done = threading.Event()
    try:
        hub = rig.start_hub()
        rig.wait_console()
        agent = start_agent(rig, "dev-000", root / "dev")
        peak = [rss_mb(hub.pid)]

        def sample() -> None:
            while not done.wait(0.05):
                peak[0] = max(peak[0], rss_mb(hub.pid))

        threading.Thread(target=sample, daemon=True).start()
        with httpx.Client(base_url=rig.base, timeout=600, follow_redirects=True) as client:
            csrf = asyncio.run(_csrf(rig.base, client))
            for run in range(args.runs):
                # new noise each run: the device must fetch every byte, none held from before
                media = make_audio(root / f"media-{run}", args.mb)
                size = media.stat().st_size
                plain = curl_plain(rig, client, csrf, media)
                start = time.perf_counter()
                upload_id = send_chunked(client, csrf, media)
                sent = time.perf_counter()
                segment_id = f"ban-tin-{run}"
                saved = client.post(
                    "/bai-phat/luu",
                    data={
                        "csrf": csrf,
                        "upload": upload_id,
                        "title": "Bản tin dài",
                        "id": segment_id,
                    },
                )
                if saved.status_code != 200:
                    raise SystemExit(f"save: {saved.status_code}")
                imported = time.perf_counter()
                published = client.post(
                    "/bai-phat/dang", data={"csrf": csrf, "id": segment_id, "device": "dev-000"}
                )
                version = int(str(published.url).rsplit("/", 1)[1])
                wait_for(lambda v=version: agent.version >= v, 600, "the device applied", 0.02)
                applied = time.perf_counter()
                runs.append(
                    {
                        "curl_plain_file_s": round(plain, 2),
                        "chunked_upload_s": round(sent - start, 2),
                        "import_s": round(imported - sent, 2),
                        "publish_to_applied_s": round(applied - imported, 2),
                        "total_s": round(applied - start, 2),
                        "ratio_total_to_curl": round((applied - start) / plain, 1),
                        "ratio_upload_to_curl": round((sent - start) / plain, 2),
                    }
                )
        agent.stop()
    finally:
        done.set()
        rig.stop()
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return {"machine": machine(), "megabytes": round(size / 1e6, 1), "runs": runs,
            "hub_rss_mb_peak": round(peak[0], 1)}  # fmt: skip


async def _csrf(base: str, client: httpx.Client) -> str:
    """Sign ``client`` in (through an async client sharing its cookies)."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as signing:
        csrf = await sign_in(signing, "bench")
        client.cookies = signing.cookies
    return csrf


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.console_content_bench")
    sub = parser.add_subparsers(dest="bench", required=True)
    calendar = sub.add_parser("calendar")
    calendar.add_argument("--devices", type=int, default=200)
    calendar.add_argument("--days", type=int, default=365)
    calendar.add_argument("--staff", type=int, default=20)
    calendar.add_argument("--requests", type=int, default=20)
    calendar.add_argument(
        "--pace", type=float, default=0.0, help="each staff member's pause between requests (s)"
    )
    upload = sub.add_parser("upload")
    upload.add_argument("--mb", type=float, default=100)
    upload.add_argument("--runs", type=int, default=3)
    upload.add_argument("--keep", action="store_true", help="keep the rig's folder (logs)")
    args = parser.parse_args()
    result = {"calendar": bench_calendar, "upload": bench_upload}[args.bench](args)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
