"""The controller daemon: wires the relay, player, store, log and control channel, and runs
the schedule. Startup in order, shutdown in reverse inside ``finally``; the relay is off on
every way out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import queue
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from controller.airing.broadcast import Broadcaster, Job, missed_record
from controller.airing.planner import Planner, quarantine_summary
from controller.airing.scheduler import Miss, Scheduler, Start, Wait, WaitForClock, expansion_window
from controller.audio.player import Player, PlayItem, gain_for
from controller.cleanup import GRACE_S, sweep
from controller.control import ControlServer
from controller.errors import ControllerError, RelayError
from controller.gpio.indicators import ManualButton, StatusLed
from controller.gpio.relay import GuardClient, Relay
from controller.gpio.relay_guard import Trip, guard_socket, trip_for, trip_journal
from village.atomic import atomic_write_bytes
from village.clock import Clock, SystemClock
from village.config import Config
from village.errors import VillageError
from village.plan import (
    DEFAULT_BUDGET,
    ExpansionBudget,
    Plan,
    Policy,
    Priority,
    Quarantined,
    Schedule,
    Slot,
)
from village.playlog import PlayLog
from village.store import ContentStore, Snapshot
from village.systemd import Watchdog, notify

log = logging.getLogger(__name__)

Step = Callable[[str, dict[str, Any]], None]
IDLE_RECHECK_S = 30.0
CLOCK_RECHECK_S = 5.0
MANUAL_DEFAULT_MINUTES = 15.0
FIRST_SCHEDULE_WAIT_S = 1.0  # READY waits this long at most for the first schedule
EXPANSION_RETRY_S = 60.0  # after an expansion that failed outright
RELAY_OFF_WITHIN_S = 0.8  # after SIGTERM, the relay is off by then whatever the audio does


@dataclass
class ManualRequest:
    segments: list[str]
    priority: Priority
    trigger: str
    title: str
    reply: queue.Queue


class Controller:
    def __init__(
        self,
        config: Config,
        *,
        clock: Clock | None = None,
        pin_factory: object | None = None,
        player: Player | None = None,
        on_step: Step | None = None,
        relay_guard: str = "auto",
        budget: ExpansionBudget = DEFAULT_BUDGET,
    ) -> None:
        self.config = config
        # "process": the relay guard process drives the pin (the Pi); "in-process": this
        # process does (tests, laptops); "auto": the process if one answers, else in-process
        self.relay_guard = relay_guard
        self.clock = clock or SystemClock(config.schedule.clock_sync)
        self.pin_factory = pin_factory
        self._player = player
        self.on_step = on_step or (lambda kind, data: None)
        self.store = ContentStore(config.data_dir)
        self.playlog = PlayLog(config.data_dir)
        self.runtime_dir = config.control_socket.parent
        self.state_dir = config.data_dir / "state"
        self.shutdown = threading.Event()
        self.wake = threading.Event()
        self.requests: queue.Queue[ManualRequest] = queue.Queue()
        self.snapshot = Snapshot()
        self.plans: list[Plan] = []
        self.budget = budget
        self.planner = Planner(on_done=self.wake.set)
        self.invalid_plans: list[Quarantined] = []  # refused by Plan.validate on reading
        self.quarantined: list[Quarantined] = []  # left out of the schedule in force
        self.schedule_state = "computing"
        self._retry_at: dt.datetime | None = None
        self._sweep_again_at: float | None = None
        self.sweep_grace_s = GRACE_S
        self.handled: set[str] = set()
        self.state = "starting"
        self.last_record: dict[str, Any] | None = None
        self._store_stamp: tuple[int, int] | None = None
        self.relay: Relay | None = None
        self.broadcaster: Broadcaster | None = None
        self.scheduler: Scheduler | None = None
        self.server: ControlServer | None = None
        self.agent: Any = None  # controller.agent.DeviceAgent when a broker is configured
        self.led = StatusLed(None)
        self.button = ManualButton(None, lambda: None)
        self._start_mono = self.clock.monotonic()
        self._start_time_known = False
        self.watchdog = Watchdog(max_silence_s=IDLE_RECHECK_S + 30)

    # -- life cycle ------------------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        def handle(signum: int, _frame: object) -> None:
            name = signal.Signals(signum).name
            log.info("%s received: stopping", name)
            self.request_shutdown(f"controller stopping ({name})")

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

    def request_shutdown(self, reason: str) -> None:
        first = not self.shutdown.is_set()
        self.shutdown.set()
        if self.broadcaster is not None:
            self.broadcaster.stop(reason)
        self.wake.set()
        if first and self.relay is not None and self.relay.is_on:
            # the broadcast fades out and ends by itself; the relay does not wait for it
            timer = threading.Timer(RELAY_OFF_WITHIN_S, self._relay_off_now)
            timer.daemon = True
            timer.start()

    def _relay_off_now(self) -> None:
        if self.relay is not None and self.relay.is_on:
            log.warning(
                "relay still on %.1f s after the stop request: switching it off now",
                RELAY_OFF_WITHIN_S,
            )
            self.relay.off()

    def run(self) -> int:
        """Run until shut down; returns the exit status."""
        try:
            self._start()
            self._loop()
            return 0
        finally:
            self._stop()

    def _start(self) -> None:
        cfg = self.config
        for folder in (cfg.data_dir, self.state_dir, self.runtime_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.relay = Relay(
            cfg.relay.pin,
            active_high=cfg.relay.active_high,
            max_on_s=cfg.relay.max_on_minutes * 60,
            pin_factory=self.pin_factory,
            on_change=self._relay_changed,
            link=self._relay_link(),
        )
        self._write_state(relay=False)
        self.led = StatusLed(cfg.led.pin, self.pin_factory)
        self.button = ManualButton(
            cfg.button.pin, self._button_pressed, cfg.button.pull_up, self.pin_factory
        )
        if self._player is None:
            from controller.audio.pygame_player import PygamePlayer

            self._player = PygamePlayer(cfg.audio, now=self.clock.now)
        self._make_agent()  # before the broadcaster, which takes the (wrapped) on_step
        self.broadcaster = Broadcaster(
            self.relay,
            self._player,
            self.clock,
            warmup_s=cfg.relay.warmup_s,
            tail_s=cfg.relay.tail_s,
            device=cfg.device.id,
            state_dir=self.state_dir,
            on_step=self.on_step,
        )
        interrupted = self.broadcaster.recover_interrupted(self._guard_trip)
        if interrupted:
            self._log_record(interrupted)
            self.broadcaster.clear_marker()
        self._sweep()  # a killed run's leftovers, before the agent fetches anything
        records = list(self.playlog.records())
        self.handled = {r["slot"] for r in records if r.get("slot")}
        self.last_record = records[-1] if records else None
        now = self.clock.now()
        self.scheduler = Scheduler(
            Policy.from_config(cfg),
            grace=dt.timedelta(minutes=cfg.schedule.late_grace_minutes),
            started_at=now,
        )
        scheduled = [r for r in records if r.get("planned_start") and r.get("slot")]
        if scheduled:  # slots since the last logged one and today are written off as missed
            self.scheduler.backfill_from = dt.datetime.fromisoformat(scheduled[-1]["planned_start"])
        # the control socket and the sync agent before any plan is expanded: whatever the
        # plans cost, staff can reach the controller and the hub can send a fix
        self.server = ControlServer(cfg.control_socket, self.handle_command)
        self.server.start()
        if self.agent is not None:
            self.agent.start()
        self.state = "idle"
        self._reload(force=True)  # starts the first expansion, on its own thread
        if self.wake.wait(FIRST_SCHEDULE_WAIT_S):  # usually ready in milliseconds
            self._install_schedule()
        log.info(
            "controller %s ready: data %s, control %s",
            cfg.device.id,
            cfg.data_dir,
            cfg.control_socket,
        )
        self.watchdog.start()
        notify("READY=1", self._status_line())
        self.on_step("ready", {"at": now})

    def _stop(self) -> None:
        self.state = "stopping"
        notify("STOPPING=1")
        self.watchdog.stop()
        if self.broadcaster is not None:
            self.broadcaster.stop("controller stopping")
        with contextlib.suppress(Exception):
            if self.server is not None:
                self.server.close()
        if self.relay is not None:
            self.relay.close()
            self._write_state(relay=False)
        with contextlib.suppress(Exception):
            if self._player is not None:
                self._player.close()
        with contextlib.suppress(Exception):  # after the relay: the network never delays it
            if self.agent is not None:
                self.agent.stop()
        self.button.close()
        self.led.close()
        self.playlog.close()
        log.info("controller stopped; relay off")

    def _relay_link(self) -> GuardClient | None:
        """The relay guard process to drive the relay through, or None to drive it here."""
        mode = self.relay_guard
        if mode == "in-process" or (mode == "auto" and self.pin_factory is not None):
            return None
        client = GuardClient(guard_socket(self.config))
        try:
            client.connect()
        except RelayError as exc:
            if mode == "auto":
                log.warning(
                    "no relay guard process (%s): the relay and its maximum on-time are "
                    "handled in this process",
                    exc,
                )
                return None
            log.error("%s; broadcasts wait for the relay guard", exc)  # reconnects on use
            return client
        log.info("relay driven by the relay guard process (%s)", client.path)
        return client

    def _guard_trip(self, token: str) -> Trip | None:
        try:
            return trip_for(trip_journal(self.config), token)
        except Exception as exc:  # noqa: BLE001 - the record is written either way
            log.warning("relay guard journal not read: %s", exc)
            return None

    def _sweep(self) -> None:
        """Temporary files and orphan media a killed run left (controller/cleanup.py)."""
        sync = self.config.data_dir / "sync"
        dirs = [self.state_dir, self.runtime_dir, sync, sync / "partial"]
        sweep(self.store, sync, dirs, grace_s=self.sweep_grace_s)
        # once more when what was too recent to judge is old enough
        self._sweep_again_at = self.clock.monotonic() + self.sweep_grace_s

    def _sweep_if_due(self) -> None:
        due = self._sweep_again_at
        if due is not None and self.clock.monotonic() >= due:
            self._sweep()
            self._sweep_again_at = None

    def _make_agent(self) -> None:
        """The sync agent (controller/sync/agent.py), if ``mqtt.host`` is set; offline otherwise."""
        if not self.config.mqtt.host:
            return
        try:
            from controller.sync.agent import DeviceAgent
            from controller.sync.host import ControllerHost

            self.agent = DeviceAgent(self.config, ControllerHost(self))
        except (ImportError, VillageError) as exc:
            log.error("sync disabled, the device works offline: %s", exc)
            return
        self.on_step = self.agent.forward_steps(self.on_step)

    # -- content ---------------------------------------------------------------------------

    def _store_changed(self) -> bool:
        try:
            stat = self.store.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_ino)
        except FileNotFoundError:
            stamp = (0, 0)
        if stamp == self._store_stamp:
            return False
        self._store_stamp = stamp
        return True

    def _reload(self, force: bool = False) -> None:
        """Read the store if it changed and have it expanded; install a finished schedule."""
        assert self.scheduler is not None
        changed = self._store_changed()
        now = self.clock.now()
        if changed or force:
            if self._read_content():
                self._expand(now)
        elif self._rebuild_due(now):
            self._expand(now)
        self._install_schedule()

    def _rebuild_due(self, now: dt.datetime) -> bool:
        assert self.scheduler is not None
        if not self.scheduler.needs_rebuild(now) or self.planner.busy:
            return False
        return self._retry_at is None or now >= self._retry_at

    def _read_content(self) -> bool:
        try:
            self.snapshot = self.store.snapshot()
        except Exception as exc:  # noqa: BLE001 - keep the last good content on air
            log.error("cannot read the content store, keeping the last good one: %s", exc)
            return False
        plans: list[Plan] = []
        invalid: list[Quarantined] = []
        for record in self.snapshot.plans.values():
            try:
                plans.append(Plan.from_dict(record))
            except Exception as exc:  # noqa: BLE001 - one bad plan never stops the others
                plan_id, title = str(record.get("id", "?")), str(record.get("title", ""))
                log.error("plan %s («%s») quarantined: %s", plan_id, title, exc)
                invalid.append(Quarantined(plan_id, title, str(exc)))
        self.plans, self.invalid_plans = plans, invalid
        return True

    def _expand(self, now: dt.datetime) -> None:
        """Expand the plans on the planner's thread; the main loop goes on meanwhile."""
        assert self.scheduler is not None
        scheduler, budget = self.scheduler, self.budget
        plans, invalid = list(self.plans), list(self.invalid_plans)
        durations = {sid: s.duration_s for sid, s in self.snapshot.segments.items()}
        window = expansion_window(now)

        def expand() -> Schedule:
            schedule = scheduler.expand(plans, durations, window, budget)
            schedule.quarantined = invalid + schedule.quarantined
            return schedule

        self.schedule_state = "computing"
        self.planner.request(expand, self.snapshot.revision, window)

    def _install_schedule(self) -> None:
        assert self.scheduler is not None
        done = self.planner.take()
        if done is None:
            return
        if done.schedule is None:
            self.schedule_state = "failed"
            self._retry_at = self.clock.now() + dt.timedelta(seconds=EXPANSION_RETRY_S)
            return
        self._retry_at = None
        self.scheduler.install(done.schedule, done.window)
        self.quarantined = done.schedule.quarantined
        self.schedule_state = "ready"
        log.info(
            "schedule: %d slot(s) in the next 2 days and past week, %d suppressed, "
            "%d plan(s) quarantined (content revision %d, %.2f s)",
            len(done.schedule.slots),
            len(done.schedule.suppressed),
            len(self.quarantined),
            done.revision,
            done.took_s,
        )
        if self.quarantined:
            log.error(
                "plan(s) left out of the schedule, the others air: %s",
                quarantine_summary(self.quarantined),
            )
        if self.state == "idle":
            notify(self._status_line())

    def _status_line(self) -> str:
        assert self.scheduler is not None
        if self.schedule_state != "ready":
            return f"STATUS={self.state}; schedule {self.schedule_state}"
        line = f"STATUS={self.state}; {len(self.scheduler.schedule.slots)} slot(s) planned"
        if self.quarantined:
            line += f"; {len(self.quarantined)} plan(s) quarantined"
        return line

    def items_for(self, segment_ids: list[str] | tuple[str, ...]) -> tuple[PlayItem, ...]:
        audio = self.config.audio
        items = []
        for sid in segment_ids:
            segment = self.snapshot.segments.get(sid)
            if segment is None:
                log.warning("segment %s is not in the store; skipped", sid)
                continue
            items.append(
                PlayItem(
                    segment_id=sid,
                    title=segment.title,
                    path=self.store.media_path(segment.sha256),
                    gain_db=gain_for(segment.loudness_lufs, audio.target_lufs, audio.max_gain_db),
                    duration_s=segment.duration_s,
                )
            )
        return tuple(items)

    # -- the loop --------------------------------------------------------------------------

    def _loop(self) -> None:
        assert self.scheduler is not None
        waiting_clock_logged = False
        while not self.shutdown.is_set():
            self.watchdog.beat()
            self._reload()
            self._serve_requests()
            self._sweep_if_due()  # between broadcasts only
            if self.shutdown.is_set():
                break
            now = self.clock.now()
            synced = self.clock.is_synchronized()
            self.scheduler.note_clock(synced, now, self.clock.monotonic())
            if synced and not self._start_time_known:
                # the start time read at launch may predate clock sync: work it out again
                elapsed = self.clock.monotonic() - self._start_mono
                self.scheduler.started_at = now - dt.timedelta(seconds=elapsed)
                self._start_time_known = True
            decision = self.scheduler.decide(now, synced, self.handled)
            if isinstance(decision, Start):
                waiting_clock_logged = False
                self._air_slot(decision.slot)
            elif isinstance(decision, Miss):
                self._log_missed(decision.slot, decision.reason)
            elif isinstance(decision, WaitForClock):
                if not waiting_clock_logged:
                    log.warning(
                        "clock not synchronised: holding slot %s until it is", decision.slot.key
                    )
                    self.on_step("clock-wait", {"at": now, "slot": decision.slot})
                    waiting_clock_logged = True
                self.state = "waiting for clock"
                self.led.attention()
                self.clock.wait(CLOCK_RECHECK_S, self.wake)
                self.wake.clear()
            elif isinstance(decision, Wait):
                if self.state == "waiting for clock":
                    log.info("clock synchronised")
                self.state = "idle"
                self.led.idle()
                until = min(decision.until, now + dt.timedelta(seconds=IDLE_RECHECK_S))
                self.clock.wait_until(until, self.wake)
                self.wake.clear()

    def _serve_requests(self) -> None:
        while not self.shutdown.is_set():
            try:
                request = self.requests.get_nowait()
            except queue.Empty:
                return
            self._air_manual(request)

    def _air_slot(self, slot: Slot) -> None:
        job = Job(
            title=slot.title,
            items=self.items_for(slot.segments),
            priority=slot.priority,
            trigger="schedule",
            slot=slot.key,
            plan_id=slot.plan_id,
            planned_start=slot.start,
            planned_end=slot.end,
            content_revision=self.snapshot.revision,
        )
        self._air(job)

    def _air_manual(self, request: ManualRequest) -> None:
        ids = request.segments or self._default_manual_segments()
        items = self.items_for(ids)
        if not items:
            request.reply.put({"ok": False, "error": "không có bài này trong kho nội dung"})
            return
        now = self.clock.now()
        # ends by itself (fade, tail, relay off) before the relay guard's hard limit
        max_on_s = self.config.relay.max_on_minutes * 60
        limit = dt.timedelta(
            seconds=min(MANUAL_DEFAULT_MINUTES * 4 * 60, max_on_s - min(2.0, 0.1 * max_on_s))
        )
        job = Job(
            title=request.title,
            items=items,
            priority=request.priority,
            trigger=request.trigger,
            planned_start=now,
            planned_end=now + limit,
            content_revision=self.snapshot.revision,
        )
        request.reply.put({"ok": True, "segments": [i.segment_id for i in items]})
        self._air(job)

    def _default_manual_segments(self) -> list[str]:
        assert self.scheduler is not None
        upcoming = self.scheduler.next_slot(self.clock.now(), self.handled)
        if upcoming and upcoming.segments:
            return list(upcoming.segments)
        return list(self.snapshot.segments)

    def _air(self, job: Job) -> None:
        assert self.broadcaster is not None and self.scheduler is not None
        self.state = "on air"
        self.led.on_air()
        notify(f"STATUS=on air: {job.title}")
        started = self.clock.now()
        self.watchdog.busy.set()  # the relay's own guard bounds a broadcast
        try:
            record = self.broadcaster.run(job)
        finally:
            self.watchdog.busy.clear()
            self.watchdog.beat()
        self.scheduler.note_busy(started, self.clock.now(), job.title)
        self._log_record(record)
        self.broadcaster.clear_marker()
        self.state = "idle"
        self.led.idle()
        notify(f"STATUS=idle; last broadcast {record['outcome']}")

    def _log_missed(self, slot: Slot, reason: str) -> None:
        job = Job(
            title=slot.title,
            items=(),
            priority=slot.priority,
            slot=slot.key,
            plan_id=slot.plan_id,
            planned_start=slot.start,
            planned_end=slot.end,
            content_revision=self.snapshot.revision,
        )
        record = missed_record(job, reason, self.config.device.id)
        log.warning("slot %s missed: %s", slot.key, reason)
        self.on_step("missed", {"at": self.clock.now(), "slot": slot, "reason": reason})
        self._log_record(record)

    def _log_record(self, record: dict[str, Any]) -> None:
        try:
            self.playlog.append(record)
        except Exception as exc:  # noqa: BLE001 - a full disk must not stop the broadcasts
            log.error("play log not written (%s): %s", exc, json.dumps(record)[:400])
        if record.get("slot"):
            self.handled.add(record["slot"])
        self.last_record = record
        self.on_step("logged", {"at": self.clock.now(), "record": record})

    # -- hardware callbacks ----------------------------------------------------------------

    def _relay_changed(self, on: bool, when: dt.datetime) -> None:
        self._write_state(relay=on, since=when)

    def _write_state(self, relay: bool, since: dt.datetime | None = None) -> None:
        """Runtime state for the kiosk (mute clips while on air) and for status."""
        job = self.broadcaster.current if self.broadcaster else None
        state = {
            "relay": relay,
            "since": (since or self.clock.now()).isoformat(),
            "on_air": job.title if (relay and job) else "",
            "pid": os.getpid(),
        }
        try:
            atomic_write_bytes(
                self.runtime_dir / "state.json",
                json.dumps(state, ensure_ascii=False).encode(),
                durable=False,  # runtime state: /run on the Pi
            )
        except Exception as exc:  # noqa: BLE001
            log.warning("runtime state not written: %s", exc)

    def _button_pressed(self) -> None:
        if self.broadcaster and self.broadcaster.current is not None:
            self.broadcaster.stop("stopped with the button")
        else:
            self.play_now([], trigger="button", wait=False)

    # -- commands (any thread) -------------------------------------------------------------

    def play_now(
        self,
        segments: list[str],
        *,
        priority: Priority = Priority.ORDINARY,
        trigger: str = "manual",
        title: str = "Phát thanh trực tiếp",
        wait: bool = True,
    ) -> dict[str, Any]:
        current = self.broadcaster.current if self.broadcaster else None
        if current is not None:
            if priority <= current.priority:
                return {"ok": False, "error": f"đang bận: đang phát «{current.title}»"}
            self.broadcaster.stop(f"interrupted by {priority.label} broadcast")
        reply: queue.Queue = queue.Queue()
        self.requests.put(ManualRequest(list(segments), priority, trigger, title, reply))
        self.wake.set()
        if not wait:
            return {"ok": True}
        try:
            return reply.get(timeout=30)
        except queue.Empty:
            return {"ok": False, "error": "bộ điều khiển không kịp bắt đầu buổi phát"}

    def status(self) -> dict[str, Any]:
        assert self.scheduler is not None
        now = self.clock.now()
        upcoming = self.scheduler.next_slot(now, self.handled)
        current = self.broadcaster.current if self.broadcaster else None
        return {
            "ok": True,
            "device": self.config.device.id,
            "state": self.state,
            "relay": bool(self.relay and self.relay.is_on),
            "relay_guard": self._relay_guard_status(),
            "on_air": current.title if current else None,
            "clock_synchronized": self.clock.is_synchronized(),
            "now": now.isoformat(),
            "content_revision": self.snapshot.revision,
            "segments": len(self.snapshot.segments),
            "plans": len(self.plans),
            "schedule": {
                "state": self.schedule_state,
                "slots": len(self.scheduler.schedule.slots),
                "expansions_running": self.planner.running,
            },
            "quarantined": [q.to_json() for q in self.quarantined],
            "next_slot": upcoming.to_json() if upcoming else None,
            "last_broadcast": self.last_record,
            "sync": self.agent.summary() if self.agent is not None else None,
        }

    def _relay_guard_status(self) -> dict[str, Any] | None:
        relay = self.relay
        if relay is None:
            return None
        trip = relay.last_trip
        return {
            "mode": relay.mode,
            "connected": relay.link.connected,
            "last_trip": trip.to_json() if trip else None,
        }

    def handle_command(self, request: dict[str, Any]) -> dict[str, Any]:
        cmd = request["cmd"]
        if cmd == "status":
            return self.status()
        if cmd == "play-now":
            segments = request.get("segments") or []
            if not isinstance(segments, list) or not all(isinstance(s, str) for s in segments):
                return {"ok": False, "error": "danh sách bài phải là các mã bài"}
            unknown = [s for s in segments if s not in self.snapshot.segments]
            if unknown:  # maybe just imported: the main loop reloads before it plays
                unknown = [s for s in unknown if s not in self.store.snapshot().segments]
            if unknown:
                return {"ok": False, "error": f"không có bài: {', '.join(unknown)}"}
            return self.play_now(
                segments, priority=Priority.parse(request.get("priority", "ordinary"))
            )
        if cmd == "stop":
            stopped = bool(self.broadcaster and self.broadcaster.stop("stopped by operator"))
            return {"ok": True, "stopped": stopped}
        if cmd == "relay-off":
            if self.broadcaster:
                self.broadcaster.stop("relay switched off by operator")
            if self.relay:
                self.relay.off()
            return {"ok": True, "confirmed": bool(self.relay and self.relay.off_confirmed)}
        if cmd == "reload":
            self.wake.set()
            return {"ok": True}
        return {"ok": False, "error": f"lệnh không hợp lệ: {cmd!r}"}


def run_controller(config: Config, on_step: Step | None = None, relay_guard: str = "auto") -> int:
    """Entry point of ``village controller``."""
    controller = Controller(config, on_step=on_step, relay_guard=relay_guard)
    controller.install_signal_handlers()
    try:
        return controller.run()
    except ControllerError as exc:
        log.error("%s", exc)
        raise
