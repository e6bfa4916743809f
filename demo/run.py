"""``village demo``: the sample content, mock GPIO pins and one real, compressed broadcast.

When Mosquitto is installed the content takes the commune's road: a private broker on a
free loopback port (its configuration generated like a commune's), a hub that pushes the
samples, and the device fetching them over MQTT; the play log then goes back up to the hub.
Without Mosquitto the samples are imported locally, as before.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from village.cli import print_log_table
from village.clock import kernel_clock_synchronized
from village.config import Config
from village.content import Segment
from village.errors import VillageError
from village.library import default_plan_file, import_plans, import_sample_segments, save_plan
from village.messages import say
from village.plan import Plan
from village.playlog import PlayLog
from village.store import ContentStore

if TYPE_CHECKING:
    from controller.daemon import Controller

DEMO_DELAY_S = 6.0
SYNC_DELAY_S = 4.0  # more time before the slot: the content comes over MQTT first
UPLOAD_WAIT_S = 20.0
DEMO_SLOT_S = 30.0
DEMO_SEGMENTS = ["nhac-hieu", "loi-chao", "cchc-01-*"]


def _pick(segment_ids: list[str]) -> list[str]:
    chosen = []
    for pattern in DEMO_SEGMENTS:
        prefix = pattern.rstrip("*")
        match = [
            s
            for s in segment_ids
            if (s.startswith(prefix) if pattern.endswith("*") else s == pattern)
        ]
        chosen.extend(match[:1])
    return chosen or segment_ids[:3]


def _printer(zone: zoneinfo.ZoneInfo) -> Callable[[str, dict[str, Any]], None]:
    def on_step(kind: str, data: dict[str, Any]) -> None:
        at = data.get("at")
        stamp = at.astimezone(zone).strftime("%H:%M:%S.%f")[:-3] if at else ""
        key = "step_" + kind.replace("-", "_")
        values: dict[str, Any] = {"at": stamp}
        if kind in ("relay-on",):
            values["title"] = data["job"].title
        elif kind.startswith("segment"):
            values.update(title=data["title"], segment=data["segment"], detail=data["detail"])
        elif kind == "missed":
            values.update(slot=data["slot"].key, reason=data["reason"])
        elif kind == "clock-wait":
            values.update(slot=data["slot"].key)
        elif kind == "logged":
            record = data["record"]
            values.update(
                outcome=say(f"outcome_{record['outcome']}"),
                reason=f" ({record['reason']})" if record.get("reason") else "",
            )
        print(say(key, **values), flush=True)

    return on_step


def _start_sync(config: Config) -> Any:
    """A running ``DemoSync`` (broker and hub), or None to stay offline."""
    if shutil.which("mosquitto") is None:
        print(_hub_say("demo_no_mosquitto"), flush=True)
        return None
    try:
        from commune.catalogue import say as hub_say
        from demo.sync import DemoSync
    except ImportError:  # the hub is not installed here: stay offline
        return None
    sync = DemoSync(Path(tempfile.mkdtemp(prefix="village-demo-hub-")), config.device.id, hub_say)
    try:
        sync.start(config)
    except (VillageError, OSError) as exc:
        sync.stop()
        print(hub_say("demo_sync_failed", detail=exc), flush=True)
        return None
    return sync


def _hub_say(key: str, **values: Any) -> str:
    try:
        from commune.catalogue import say as hub_say
    except ImportError:
        return ""
    return hub_say(key, **values)


def _show_kiosk(data_dir: Path) -> None:
    """Render the kiosk's home screen from the content the device now holds (no display)."""
    if importlib.util.find_spec("kivy") is None:
        return
    shot = Path(tempfile.mkdtemp(prefix="village-demo-kiosk-")) / "kiosk-home.png"
    command = [
        sys.executable,
        "-m",
        "village.cli",
        "--data",
        str(data_dir),
        "kiosk",
        "--screenshot",
        str(shot),
        "--screen",
        "home",
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=120, check=True)
    except (subprocess.SubprocessError, OSError) as exc:
        print(say("demo_kiosk_failed", detail=exc), flush=True)
        return
    procedures = len(ContentStore(data_dir).snapshot().procedures)
    print(say("demo_kiosk", procedures=procedures, path=shot), flush=True)


def run_demo(config: Config, *, headless: bool, keep: bool, data_given: bool) -> int:
    from gpiozero.pins.mock import MockFactory

    data_dir = config.data_dir if data_given else Path(tempfile.mkdtemp(prefix="village-demo-"))
    config = _demo_config(config, data_dir, headless)
    zone = zoneinfo.ZoneInfo(config.schedule.timezone)
    _say_start(data_dir)
    store = ContentStore(data_dir)
    sync = _start_sync(config)
    segments, plans = _import_samples(store, sync, config.schedule.timezone)
    _say_imported(segments, plans, config.schedule.timezone, zone)

    delay = DEMO_DELAY_S + (SYNC_DELAY_S if sync is not None else 0.0)
    start = (dt.datetime.now(zone) + dt.timedelta(seconds=delay)).replace(microsecond=0)
    demo_plan = _demo_plan(start, config.schedule.timezone, segments)
    if sync is not None:
        sync.push(segments, [*plans, demo_plan])
        config = sync.device_config(config)
    else:
        save_plan(store, demo_plan)
    seconds = (start - dt.datetime.now(zone)).total_seconds()
    print(
        say("demo_slot", start=start.strftime("%H:%M:%S"), seconds=seconds, length=DEMO_SLOT_S),
        flush=True,
    )

    factory = MockFactory()
    finish = _Finish(_printer(zone), sync)
    hub_records = _broadcast(config, factory, finish, sync, delay, keep)
    return _report(config, factory, finish, sync, hub_records, keep=keep, data_given=data_given)


def _demo_config(config: Config, data_dir: Path, headless: bool) -> Config:
    """The configuration the demo runs with: its data folder, short warm-up and tail, no
    quiet hours; the system clock trusted; SDL's dummy audio when headless."""
    config = config.replace("paths", data=str(data_dir), control_socket="")
    config = config.replace(
        "relay", warmup_s=min(config.relay.warmup_s, 2.0), tail_s=min(config.relay.tail_s, 1.5)
    )
    config = config.replace("schedule", quiet_hours="", holidays=[])
    if config.schedule.clock_sync == "kernel" and not kernel_clock_synchronized():
        print(say("demo_clock"))
        config = config.replace("schedule", clock_sync="assume")
    if headless and "SDL_AUDIODRIVER" not in os.environ:
        os.environ["SDL_AUDIODRIVER"] = "dummy"
    return config


def _say_start(data_dir: Path) -> None:
    print(say("demo_start", data=data_dir), flush=True)
    driver = os.environ.get("SDL_AUDIODRIVER", "mặc định")
    where = ""
    if driver == "disk":
        where = f", ghi vào {os.path.abspath(os.environ.get('SDL_DISKAUDIOFILE', 'sdlaudio.raw'))}"
    print(say("demo_audio", driver=driver, where=where), flush=True)


def _import_samples(
    store: ContentStore, sync: Any, timezone: str
) -> tuple[list[Segment], list[Plan]]:
    """The sample content: into the hub's library when there is a hub, else into the
    device's store (the kiosk's samples too, when the kiosk is installed)."""
    if sync is not None:
        result: tuple[list[Segment], list[Plan]] = sync.import_samples(timezone)
        return result
    segments = import_sample_segments(store)
    plans = import_plans(store, default_plan_file(), timezone)
    if importlib.util.find_spec("kivy") is not None:
        from village.clips import import_sample_kiosk_content

        import_sample_kiosk_content(store)
    return segments, plans


def _say_imported(
    segments: list[Segment], plans: list[Plan], timezone: str, zone: zoneinfo.ZoneInfo
) -> None:
    from village.plan import Policy, build_schedule

    durations = {s.id: s.duration_s for s in segments}
    year = build_schedule(
        plans,
        dt.datetime(2021, 1, 1, tzinfo=zone),
        dt.datetime(2022, 1, 1, tzinfo=zone),
        durations,
        Policy(timezone=timezone, quiet_hours="", holidays=()),
    )
    print(say("demo_imported", count=len(segments), slots=len(year.slots)), flush=True)


def _demo_plan(start: dt.datetime, timezone: str, segments: list[Segment]) -> Plan:
    return Plan(
        id="demo",
        title="Buổi phát thử (rút gọn)",
        dtstart=start.replace(tzinfo=None).isoformat(),
        slot_minutes=DEMO_SLOT_S / 60,
        timezone=timezone,
        priority="ordinary",
        segments=_pick([s.id for s in segments]),
        window_start=start.date().isoformat(),
        window_end=start.date().isoformat(),
    )


class _Finish:
    """Prints each step, and stops the controller once the demo's broadcast is logged (with
    a hub, once its record has reached the hub)."""

    def __init__(self, printer: Callable[[str, dict[str, Any]], None], sync: Any) -> None:
        self.printer = printer
        self.sync = sync
        self.done = threading.Event()
        self.controller: Controller | None = None

    def on_step(self, kind: str, data: dict[str, Any]) -> None:
        self.printer(kind, data)
        if kind != "logged" or data["record"].get("plan") != "demo":
            return
        self.done.set()
        controller = self.controller
        if controller is None:
            return
        if self.sync is None:
            controller.request_shutdown("demo finished")
            return
        sync, record_id = self.sync, data["record"]["id"]

        def after_upload() -> None:
            sync.wait_for_record(record_id, UPLOAD_WAIT_S)
            controller.request_shutdown("demo finished")

        threading.Thread(target=after_upload, daemon=True).start()


def _broadcast(
    config: Config, factory: object, finish: _Finish, sync: Any, delay: float, keep: bool
) -> list[dict[str, Any]]:
    """Run the controller until the demo's broadcast is done; the records the hub got."""
    from controller.daemon import Controller

    controller = Controller(config, pin_factory=factory, on_step=finish.on_step)
    finish.controller = controller
    controller.install_signal_handlers()
    watchdog = threading.Timer(
        delay + DEMO_SLOT_S + 60, lambda: controller.request_shutdown("demo timed out")
    )
    watchdog.daemon = True
    watchdog.start()
    hub_records: list[dict[str, Any]] = []
    try:
        controller.run()
    finally:
        watchdog.cancel()
        if sync is not None:
            hub_records = [r for r in sync.hub_records() if r.get("plan") == "demo"]
            sync.stop()
            if not keep:
                shutil.rmtree(sync.root, ignore_errors=True)
    return hub_records


def _report(
    config: Config,
    factory: Any,
    finish: _Finish,
    sync: Any,
    hub_records: list[dict[str, Any]],
    *,
    keep: bool,
    data_given: bool,
) -> int:
    """The relay pin's history, the play log (the device's, and the hub's), the kiosk."""
    pin = factory.pin(config.relay.pin)
    levels = " → ".join(("cao" if s.state else "thấp") for s in pin.states)
    print(say("demo_pin_history", pin=config.relay.pin, states=levels))
    print(say("demo_log"))
    data_dir = config.data_dir
    records = [r for r in PlayLog(data_dir).records() if r.get("plan") == "demo"]
    print_log_table(records, config.schedule.timezone)
    if sync is not None:
        from commune.catalogue import say as hub_say

        print(hub_say("demo_hub_records", count=len(hub_records), device=sync.device))
        print_log_table(hub_records, config.schedule.timezone)
        if not hub_records:
            print(hub_say("demo_sync_failed", detail="no record reached the hub"), file=sys.stderr)
            return 1
    _show_kiosk(data_dir)
    if not keep and not data_given:
        shutil.rmtree(data_dir, ignore_errors=True)
    if not finish.done.is_set() or not records or records[-1]["outcome"] == "missed":
        print(
            say(
                "demo_failed",
                detail="no broadcast logged" if not records else records[-1].get("reason"),
            ),
            file=sys.stderr,
        )
        return 1
    print(say("demo_done"))
    return 0
