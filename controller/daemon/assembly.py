"""The controller daemon's composition root: builds its parts, starts them in order and stops
them in the exact reverse (``Lifecycle``). The relay is off on every way out: the first undo
of the shutdown switches it off, before anything else is stopped.

Start-up, in order: the play log, the relay (through its guard), the status LED, the button,
the audio player, the broadcaster, the scheduler, the schedule's keeper and the station (a
broadcast a power cut interrupted logged first), the leftovers of a killed run swept, the
control socket, the sync agent, the first schedule, systemd's watchdog, READY.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from controller.airing.broadcast import Broadcaster
from controller.airing.keeper import ScheduleKeeper
from controller.airing.planner import Planner
from controller.airing.scheduler import Scheduler
from controller.airing.station import MANUAL_TITLE, Station
from controller.audio.player import Player
from controller.control import ControlServer
from controller.daemon.cleanup import GRACE_S, Sweeper
from controller.daemon.commands import ControlCommands
from controller.daemon.host import ControllerHost
from controller.daemon.lifecycle import Lifecycle
from controller.daemon.loop import IDLE_RECHECK_S, MainLoop
from controller.daemon.runtime import RuntimeState
from controller.errors import ControllerError, RelayError
from controller.gpio.indicators import ManualButton, StatusLed
from controller.gpio.relay import GuardClient, Relay
from controller.gpio.relay_guard import Trip, guard_socket, trip_for, trip_journal
from village.clock import Clock, SystemClock
from village.config import Config
from village.errors import VillageError
from village.plan import DEFAULT_BUDGET, ExpansionBudget, Plan, Policy, Priority
from village.playlog import PlayLog
from village.store import ContentStore, Snapshot
from village.systemd import Watchdog, notify

if TYPE_CHECKING:
    from controller.sync.agent import DeviceAgent

log = logging.getLogger(__name__)

Step = Callable[[str, dict[str, Any]], None]
FIRST_SCHEDULE_WAIT_S = 1.0  # READY waits this long at most for the first schedule
RELAY_OFF_WITHIN_S = 0.8  # after SIGTERM, the relay is off by then whatever the audio does


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
        self.clock: Clock = clock or SystemClock(config.schedule.clock_sync)
        self.pin_factory = pin_factory
        self.player = player
        self.on_step: Step = on_step or (lambda kind, data: None)
        self.budget = budget
        self.store = ContentStore(config.data_dir)
        self.playlog = PlayLog(config.data_dir)
        self.runtime_dir = config.control_socket.parent
        self.state_dir = config.data_dir / "state"
        self.sweep_grace_s = GRACE_S
        self.shutdown = threading.Event()
        self.wake = threading.Event()
        self.lifecycle = Lifecycle()
        self.runtime = RuntimeState(self.runtime_dir, self.clock, self._on_air_title)
        self.watchdog = Watchdog(max_silence_s=IDLE_RECHECK_S + 30)
        self.led = StatusLed(None)
        self.button = ManualButton(None, lambda: None)
        self.relay: Relay | None = None
        self.broadcaster: Broadcaster | None = None
        self.scheduler: Scheduler | None = None
        self.keeper: ScheduleKeeper | None = None
        self.station: Station | None = None
        self.commands: ControlCommands | None = None
        self.server: ControlServer | None = None
        self.agent: DeviceAgent | None = None  # when a broker is configured
        self.loop: MainLoop | None = None
        self._phase = "starting"  # starting, running, stopping

    # -- what the tests, the demo and the benchmarks look at ---------------------------------

    @property
    def state(self) -> str:
        """starting, idle, on air, waiting for clock, stopping."""
        if self._phase != "running" or self.station is None:
            return self._phase
        return self.station.state

    @property
    def snapshot(self) -> Snapshot:
        return self.keeper.snapshot if self.keeper else Snapshot()

    @property
    def plans(self) -> list[Plan]:
        return self.keeper.plans if self.keeper else []

    @property
    def planner(self) -> Planner:
        assert self.keeper is not None, "the controller has not started"
        return self.keeper.planner

    def status(self) -> dict[str, Any]:
        assert self.commands is not None, "the controller has not started"
        return self.commands.status()

    def handle_command(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.commands is not None, "the controller has not started"
        return self.commands.handle(request)

    def play_now(
        self,
        segments: list[str],
        *,
        priority: Priority = Priority.ORDINARY,
        trigger: str = "manual",
        title: str = MANUAL_TITLE,
        wait: bool = True,
    ) -> dict[str, Any]:
        assert self.station is not None, "the controller has not started"
        return self.station.play_now(
            segments, priority=priority, trigger=trigger, title=title, wait=wait
        )

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
            assert self.loop is not None
            self.loop.run()
            return 0
        finally:
            self._phase = "stopping"
            self.lifecycle.close()
            log.info("controller stopped; relay off")

    # -- start-up, in order; each step's undo is registered as it succeeds ---------------------

    def _start(self) -> None:
        cfg = self.config
        for folder in (cfg.data_dir, self.state_dir, self.runtime_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.lifecycle.started_step("play log", self.playlog.close)
        relay = self._start_relay()
        self._start_indicators()
        player = self._start_player()
        station = self._start_station(relay, player)
        sweeper = Sweeper(
            self.store,
            cfg.data_dir / "sync",
            self._temp_dirs(),
            self.clock.monotonic,
            grace_s=self.sweep_grace_s,
        )
        sweeper.sweep()  # a killed run's leftovers, before the agent fetches anything
        # the control socket and the sync agent before any plan is expanded: whatever the
        # plans cost, staff can reach the controller and the hub can send a fix
        self._start_control(station, relay)
        self._start_agent(station, relay)
        self._phase = "running"
        self._first_schedule()
        self.loop = self._make_loop(station, sweeper)
        self.watchdog.start()
        self.lifecycle.started_step("watchdog", self.watchdog.stop)
        notify("READY=1", self._status_line())
        self.lifecycle.started_step("on air", self._off_air)
        log.info(
            "controller %s ready: data %s, control %s",
            cfg.device.id,
            cfg.data_dir,
            cfg.control_socket,
        )
        self.on_step("ready", {"at": self.clock.now()})

    def _start_relay(self) -> Relay:
        cfg = self.config
        relay = Relay(
            cfg.relay.pin,
            active_high=cfg.relay.active_high,
            max_on_s=cfg.relay.max_on_minutes * 60,
            pin_factory=self.pin_factory,
            on_change=self._relay_changed,
            link=self._relay_link(),
            clock=self.clock,
        )
        self.relay = relay
        self.lifecycle.started_step("relay", self._close_relay)
        self.runtime.write(relay=False)
        return relay

    def _start_indicators(self) -> None:
        cfg = self.config
        self.led = StatusLed(cfg.led.pin, self.pin_factory)
        self.lifecycle.started_step("led", self.led.close)
        self.button = ManualButton(
            cfg.button.pin, self._button_pressed, cfg.button.pull_up, self.pin_factory
        )
        self.lifecycle.started_step("button", self.button.close)

    def _start_player(self) -> Player:
        player = self.player
        if player is None:
            from controller.audio.pygame_player import PygamePlayer

            player = PygamePlayer(self.config.audio, now=self.clock.now)
            self.player = player
        self.lifecycle.started_step("player", player.close)
        return player

    def _start_station(self, relay: Relay, player: Player) -> Station:
        """The broadcaster, the play log's history (a broadcast a power cut interrupted
        logged first), the scheduler, the schedule's keeper and the station."""
        cfg = self.config
        broadcaster = Broadcaster(
            relay,
            player,
            self.clock,
            warmup_s=cfg.relay.warmup_s,
            tail_s=cfg.relay.tail_s,
            device=cfg.device.id,
            state_dir=self.state_dir,
            on_step=self._step,
        )
        self.broadcaster = broadcaster
        interrupted = broadcaster.recover_interrupted(self._guard_trip)
        records = list(self.playlog.records())
        scheduler = self._make_scheduler([*records, *([interrupted] if interrupted else [])])
        self.scheduler = scheduler
        keeper = ScheduleKeeper(
            self.store,
            scheduler,
            self.clock,
            target_lufs=cfg.audio.target_lufs,
            max_gain_db=cfg.audio.max_gain_db,
            on_ready=self.wake.set,
            budget=self.budget,
        )
        self.keeper = keeper
        station = Station(
            broadcaster,
            scheduler,
            keeper,
            self.playlog,
            self.clock,
            device=cfg.device.id,
            max_on_s=cfg.relay.max_on_minutes * 60,
            led=self.led,
            watchdog=self.watchdog,
            wake=self.wake,
            on_step=self._step,
        )
        station.load_history(records)
        self.station = station
        if interrupted:
            station.log_record(interrupted)
            broadcaster.clear_marker()
        return station

    def _make_scheduler(self, records: list[dict[str, Any]]) -> Scheduler:
        cfg = self.config
        scheduler = Scheduler(
            Policy.from_config(cfg),
            grace=dt.timedelta(minutes=cfg.schedule.late_grace_minutes),
            started_at=self.clock.now(),
        )
        scheduled = [r for r in records if r.get("planned_start") and r.get("slot")]
        if scheduled:  # slots since the last logged one and today are written off as missed
            scheduler.backfill_from = dt.datetime.fromisoformat(scheduled[-1]["planned_start"])
        return scheduler

    def _start_control(self, station: Station, relay: Relay) -> None:
        assert self.scheduler is not None and self.keeper is not None
        self.commands = ControlCommands(
            device=self.config.device.id,
            clock=self.clock,
            scheduler=self.scheduler,
            keeper=self.keeper,
            station=station,
            relay=relay,
            wake=self.wake,
            state=lambda: self.state,
            sync_summary=lambda: self.agent.summary() if self.agent is not None else None,
        )
        server = ControlServer(self.config.control_socket, self.commands.handle)
        server.start()
        self.server = server
        self.lifecycle.started_step("control socket", server.close)

    def _start_agent(self, station: Station, relay: Relay) -> None:
        """The sync agent (controller/sync/), if ``mqtt.host`` is set; offline otherwise."""
        if not self.config.mqtt.host:
            return
        assert self.keeper is not None
        host = ControllerHost(
            self.store,
            station,
            self.keeper,
            relay,
            self.clock,
            Policy.from_config(self.config),
            state=lambda: self.state,
            wake=self.wake,
        )
        try:
            from controller.sync.agent import DeviceAgent

            agent = DeviceAgent(self.config, host)
        except (ImportError, VillageError) as exc:
            log.error("sync disabled, the device works offline: %s", exc)
            return
        self.agent = agent
        agent.start()
        self.lifecycle.started_step("sync agent", agent.stop)

    def _first_schedule(self) -> None:
        """Start the first expansion (on its own thread) and wait a little for it."""
        assert self.keeper is not None
        if self.keeper.reload(force=True):
            self._schedule_installed()
        if self.wake.wait(FIRST_SCHEDULE_WAIT_S) and self.keeper.install_ready():
            self._schedule_installed()

    def _make_loop(self, station: Station, sweeper: Sweeper) -> MainLoop:
        assert self.scheduler is not None and self.keeper is not None
        return MainLoop(
            clock=self.clock,
            scheduler=self.scheduler,
            keeper=self.keeper,
            station=station,
            sweeper=sweeper,
            led=self.led,
            watchdog=self.watchdog,
            shutdown=self.shutdown,
            wake=self.wake,
            on_step=self._step,
            on_schedule=self._schedule_installed,
        )

    # -- shutdown steps ----------------------------------------------------------------------

    def _off_air(self) -> None:
        """The first undo: nothing airs any more and the relay is off."""
        notify("STOPPING=1")
        if self.broadcaster is not None:
            self.broadcaster.stop("controller stopping")
        if self.relay is not None:
            self.relay.off()

    def _close_relay(self) -> None:
        if self.relay is not None:
            self.relay.close()
            self.runtime.write(relay=False)

    # -- helpers -----------------------------------------------------------------------------

    def _step(self, kind: str, data: dict[str, Any]) -> None:
        """What the parts report: to the caller's callback, and a note to the sync agent."""
        self.on_step(kind, data)
        if self.agent is not None:
            self.agent.notify(kind)

    def _schedule_installed(self) -> None:
        if self.state == "idle":
            notify(self._status_line())

    def _status_line(self) -> str:
        assert self.keeper is not None
        return self.keeper.status_line(self.state)

    def _temp_dirs(self) -> list[Path]:
        sync = self.config.data_dir / "sync"
        return [self.state_dir, self.runtime_dir, sync, sync / "partial"]

    def _relay_link(self) -> GuardClient | None:
        """The relay guard process to drive the relay through, or None to drive it here."""
        mode = self.relay_guard
        if mode == "in-process" or (mode == "auto" and self.pin_factory is not None):
            return None
        client = GuardClient(guard_socket(self.config), now=self.clock.now)
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
        except Exception as exc:  # the record is written either way
            log.warning("relay guard journal not read: %s", exc)
            return None

    def _on_air_title(self) -> str:
        job = self.broadcaster.current if self.broadcaster else None
        return job.title if job else ""

    def _relay_changed(self, on: bool, when: dt.datetime) -> None:
        self.runtime.write(relay=on, since=when)

    def _button_pressed(self) -> None:
        if self.station is not None:
            self.station.button_pressed()


def run_controller(config: Config, on_step: Step | None = None, relay_guard: str = "auto") -> int:
    """Entry point of ``village controller``."""
    controller = Controller(config, on_step=on_step, relay_guard=relay_guard)
    controller.install_signal_handlers()
    try:
        return controller.run()
    except ControllerError as exc:
        log.error("%s", exc)
        raise
