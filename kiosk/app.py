"""The kiosk app: a header always in reach, a screen manager, an overlay for the hours when
the office is closed, and a notice line. Navigation, idle return, the attract loop, screen
power, clip muting and live content reload are driven from here; what to decide is in plain
modules (``session``, ``content``, ``journal``); the screens only lay things out.

Import through ``kiosk.launch.build_app``: Kivy must be configured before this module loads.
"""

from __future__ import annotations

import logging
import shutil
import signal
import tempfile
import traceback
import zoneinfo
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock as KivyClock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.catalogue import t
from kiosk.content import ContentWatcher, KioskContent, resolve_screen
from kiosk.errors import DisplayError, ScreenSpecError
from kiosk.hours import OpeningHours, describe_hours
from kiosk.journal import KioskJournal
from kiosk.memory import drop_text_surfaces, map_large_buffers, release_free_memory
from kiosk.screens import KV_DIR, SCREEN_NAMES, KioskScreen, screen_classes
from kiosk.session import (
    ATTRACT,
    HOME,
    IdleTimer,
    PinGate,
    ScreenPower,
    SearchTracker,
    clips_muted,
    read_broadcast_state,
)
from kiosk.widgets import Header, Notice, Overlay
from village.clock import Clock, SystemClock
from village.config import Config
from village.search import synonyms_path
from village.store import ContentStore
from village.systemd import Watchdog, notify

log = logging.getLogger(__name__)

TICK_S = 0.5
WATCHDOG_SILENCE_S = 10.0  # the main loop stuck this long: systemd restarts the kiosk
NOTICE_S = 6.0
RELEASE_AFTER_S = 1.0  # after a screen change: the new screen is drawn, the citizen reads
# Screens few citizens see: built when shown, dropped (and freed) once left, instead of
# holding their widgets and textures for the life of the kiosk.
ON_DEMAND = frozenset({"clip", "feedback", "attract", "staff_pin", "staff"})


class KioskRoot(FloatLayout):
    """Sees every touch first: a touch wakes a resting screen or ends the attract loop."""

    def on_touch_down(self, touch: Any) -> bool:
        app = App.get_running_app()
        if app is not None and app.citizen_touched():
            return True
        return super().on_touch_down(touch)


class _KeepRunning(ExceptionHandler):
    """An error in one callback is logged; the kiosk keeps serving (no dialog, no exit)."""

    def __init__(self, app: KioskApp) -> None:
        super().__init__()
        self.app = app

    def handle_exception(self, exception: BaseException) -> int:
        if isinstance(exception, KeyboardInterrupt | SystemExit):
            return ExceptionManager.RAISE
        text = "".join(traceback.format_exception(exception))
        log.error("error in the kiosk, carrying on:\n%s", text)
        self.app.errors.append(text)
        return ExceptionManager.PASS


class KioskApp(App):
    # sizes (pixels), recomputed with the window and the text size toggle
    fs_body = NumericProperty(24)
    fs_small = NumericProperty(20)
    fs_title = NumericProperty(34)
    fs_heading = NumericProperty(28)
    fs_button = NumericProperty(26)
    fs_key = NumericProperty(28)
    fs_header = NumericProperty(34)  # the header keeps its size when text is enlarged
    fs_header_small = NumericProperty(20)
    fs_header_button = NumericProperty(26)
    header_height = NumericProperty(96)
    keyboard_height = NumericProperty(340)
    staff_hold_s = NumericProperty(3.0)
    # state the screens show
    text_large = BooleanProperty(False)
    display_state = StringProperty("on")  # on | dim | blank
    current_screen_name = StringProperty("")
    can_go_back = BooleanProperty(False)
    muted = BooleanProperty(False)
    office_text = StringProperty("")
    title_text = StringProperty("")
    clock_text = StringProperty("")
    hours_text = StringProperty("")

    def __init__(
        self,
        config: Config,
        *,
        clock: Clock | None = None,
        screenshot: tuple[str, Path] | None = None,
    ) -> None:
        super().__init__()
        self.settings = config  # ``App.config`` is Kivy's own settings object
        self.kiosk = config.kiosk
        self.clock = clock or SystemClock("assume")
        self.zone = zoneinfo.ZoneInfo(config.schedule.timezone)
        self.screenshot = screenshot
        self.screenshot_mode = screenshot is not None
        self.screenshot_path: Path | None = None
        self.title = t("app_title")
        self.title_text = t("app_title")
        self.office_text = t("office", name=config.device.name)
        self.store = ContentStore(config.data_dir)
        self.watcher = ContentWatcher(
            self.store,
            synonyms_path(self.kiosk.synonyms_file),
            self.kiosk.recent_count,
            on_change=self._content_changed,
        )
        self.content: KioskContent = KioskContent()
        self.journal = KioskJournal(
            config.data_dir,
            device=config.device.id,
            timezone=config.schedule.timezone,
            clock=self.clock,
            flush_s=self.kiosk.journal_flush_s,
        )
        self.searches = SearchTracker(self.journal.record_search)
        self.idle = IdleTimer(
            self.clock.monotonic, self.kiosk.idle_return_s, self.kiosk.attract_after_s
        )
        self.power = ScreenPower(self.kiosk.outside_hours, self.idle)
        self.hours = OpeningHours.parse(self.kiosk.opening_hours, config.schedule.holidays)
        self.hours_text = t("closed_hours", hours=describe_hours(self.hours))
        self.pin_gate = PinGate(self.kiosk.staff_pin, self.clock.monotonic)
        self.relay_state: dict[str, Any] = {"relay": False}
        self.state_file = config.control_socket.parent / "state.json"
        self.history: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.first_frame_at: float | None = None
        self._allow_close = False
        self.watchdog = Watchdog(max_silence_s=WATCHDOG_SILENCE_S)  # fed by the Kivy clock
        self._notice_event = None
        self._release_event = None
        self._resettle_memory = True  # at start, and after each content change
        self._settled = 0  # how many times what is alive was set aside (gc.freeze)
        self.content_version = 0  # counts the content changes seen

    # -- building ------------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        return t(key, **values)

    def build(self) -> KioskRoot:
        ExceptionManager.add_handler(_KeepRunning(self))
        map_large_buffers()
        drop_text_surfaces()
        Builder.load_file(str(Path(__file__).with_name("widgets.kv")))
        for name in SCREEN_NAMES:
            Builder.load_file(str(KV_DIR / f"{name}.kv"))
        self.content = self.watcher.load()
        root = KioskRoot()
        column = BoxLayout(orientation="vertical")
        self.header = Header()
        self.manager = ScreenManager(transition=NoTransition())
        self.screen_classes = screen_classes()
        for name in self.screen_classes:
            if name not in ON_DEMAND:
                self._screen(name)
        column.add_widget(self.header)
        column.add_widget(self.manager)
        root.add_widget(column)
        self.notice = Notice(text="")
        root.add_widget(self.notice)
        self.overlay = Overlay()
        root.add_widget(self.overlay)
        Window.bind(size=self._update_metrics, on_request_close=self._on_request_close)
        self.bind(text_large=self._update_metrics)
        self._update_metrics()
        Window.clearcolor = (0.96, 0.95, 0.92, 1)
        return root

    def _update_metrics(self, *_: Any) -> None:
        width, height = Window.size
        unit = min(width / 1280, height / 800)
        scale = self.kiosk.text_scale_large if self.text_large else 1.0
        self.fs_body = round(max(22, 24 * unit) * scale)
        self.fs_small = round(max(19, 20 * unit) * scale)
        self.fs_heading = round(max(25, 28 * unit) * scale)
        self.fs_title = round(max(28, 34 * unit) * scale)
        self.fs_button = round(max(23, 26 * unit) * scale)
        self.fs_key = round(max(24, 30 * unit))
        self.fs_header = round(max(26, 34 * unit))
        self.fs_header_small = round(max(17, 20 * unit))
        self.fs_header_button = round(max(22, 26 * unit))
        self.header_height = max(72, round(96 * unit))
        self.keyboard_height = round(height * 0.44)

    def open_settings(self, *_: Any) -> bool:
        return False  # Kivy's settings panel (F1) is not for citizens

    def _on_request_close(self, *_: Any, **__: Any) -> bool:
        return not self._allow_close  # True keeps the window open (Alt+F4, close button)

    # -- running -------------------------------------------------------------------------

    def on_start(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, lambda *_: KivyClock.schedule_once(lambda _dt: self.stop()))
        Window.bind(on_flip=self._first_frame)
        if self.screenshot is not None:
            self._start_screenshot(*self.screenshot)
            return
        self.show(HOME)
        self.watchdog.start()
        KivyClock.schedule_interval(self.tick, TICK_S)
        KivyClock.schedule_interval(self._poll_content, self.kiosk.content_poll_s)
        self.tick(0)

    def _poll_content(self, _dt: float) -> None:
        self.watcher.poll()  # returns nothing: a False return would unschedule the interval

    def _first_frame(self, *_: Any) -> None:
        """The first frame is on the screen: tell systemd the kiosk is serving."""
        Window.unbind(on_flip=self._first_frame)
        self.first_frame_at = self.clock.monotonic()
        if self.screenshot is None:
            notify(
                "READY=1",
                f"STATUS=kiosk up: {self.content.in_force_count} procedures, "
                f"content revision {self.content.revision}",
            )

    def on_stop(self) -> None:
        notify("STOPPING=1")
        self.watchdog.stop()
        current = self.current_screen()
        if current is not None:
            current.leave()
        self.searches.done()
        self.journal.close()

    def quit_by_staff(self) -> None:
        self._allow_close = True
        self.stop()

    def tick(self, _dt: float) -> None:
        """Twice a second: screen power, idle return, attract loop, clip muting, journal."""
        self.watchdog.beat()
        local = self.clock.now().astimezone(self.zone)
        self.clock_text = local.strftime("%H:%M")
        state = self.power.state(self.hours.is_open(local))
        if state != self.display_state:
            self.display_state = state
            if state != "on":
                self.go_home()
        if state == "on":
            due = self.idle.due(self.current_screen_name)
            if due == HOME:
                self.go_home(reset=True)
            elif due == ATTRACT:
                self.go_home(reset=True)
                self.show(ATTRACT)
        self._update_relay()
        self.journal.maybe_flush()

    def _update_relay(self) -> None:
        self.relay_state = read_broadcast_state(self.state_file)
        muted = clips_muted(self.kiosk.shares_broadcast_output, self.relay_state)
        if muted != self.muted:
            self.muted = muted
            log.info("clips %s", "muted: the relay is on" if muted else "unmuted")
            if self.manager.has_screen("clip"):
                self.manager.get_screen("clip").set_muted(muted)

    def citizen_touched(self) -> bool:
        """Every touch: True when it only wakes the kiosk (it must not press anything)."""
        local = self.clock.now().astimezone(self.zone)
        is_open = self.hours.is_open(local)
        resting = self.display_state != "on"
        self.idle.touched()
        self.power.touched(is_open)
        if resting:
            self.display_state = self.power.state(is_open)
            return True
        if self.current_screen_name == ATTRACT:
            self.go_home()
            return True
        return False

    # -- navigation ----------------------------------------------------------------------

    def current_screen(self) -> KioskScreen | None:
        if not self.current_screen_name:
            return None
        return self.manager.get_screen(self.current_screen_name)

    def _screen(self, name: str) -> KioskScreen:
        """The screen called ``name``, built now if it is not there."""
        if self.manager.has_screen(name):
            return self.manager.get_screen(name)
        screen = self.screen_classes[name](name=name)
        screen.kiosk_app = self
        screen.settled = self._settled
        self.manager.add_widget(screen)
        return screen

    def _drop_on_demand(self, keep: str) -> None:
        """Screens built on demand, other than ``keep``, go (they were left)."""
        transition = self.manager.transition
        for screen in list(self.manager.screens):
            if screen.name in ON_DEMAND and screen.name != keep:
                self.manager.remove_widget(screen)
                if screen.parent is self.manager:  # still drawn by an unfinished transition
                    self.manager.real_remove_widget(screen)
                if transition.screen_out is screen and not transition.is_active:
                    # a finished transition holds the screen it left until the next one
                    transition.screen_out = self.manager.current_screen
                if getattr(screen, "settled", self._settled) != self._settled:
                    self._resettle_memory = True  # it was set aside: only a full pass frees it

    def show(self, name: str, arg: str = "", replace: bool = False) -> bool:
        """Go to screen ``name`` showing ``arg``; False (and stay) if ``arg`` names nothing."""
        screen = self._screen(name)
        previous = self.current_screen()
        if not screen.enter(arg):
            log.warning("cannot show %s %r", name, arg)
            if name in ON_DEMAND and name != self.current_screen_name:
                self.manager.remove_widget(screen)
            return False  # the citizen stays where they are
        if previous is not None and previous is not screen:
            previous.leave()  # a search counts, a clip stops
        if replace and self.history:
            self.history[-1] = (name, arg)
        elif not self.history or self.history[-1] != (name, arg):
            self.history.append((name, arg))
        self.manager.current = name
        self.current_screen_name = name
        self._release_memory_soon()  # and the screens built on demand that were left go
        self.can_go_back = len(self.history) > 1 and name != ATTRACT
        return True

    def go_back(self) -> None:
        if len(self.history) < 2:
            return
        self.history.pop()
        name, arg = self.history.pop()
        if not self.show(name, arg):
            self.go_home()

    def go_home(self, reset: bool = False) -> None:
        """Home; ``reset`` also forgets this citizen's choices (after the idle time)."""
        current = self.current_screen()
        if current is not None:
            current.leave()
        self.history = []
        self.current_screen_name = ""
        if reset:
            self.text_large = False
        self.show(HOME)

    def _release_memory_soon(self) -> None:
        """Once the new screen is drawn, give back the memory the pages just left used."""
        if self._release_event is not None:
            self._release_event.cancel()
        self._release_event = KivyClock.schedule_once(self._release_memory, RELEASE_AFTER_S)

    def _release_memory(self, _dt: float) -> None:
        self._drop_on_demand(keep=self.current_screen_name)  # the transition is over now
        release_free_memory(resettle=self._resettle_memory)
        if self._resettle_memory:
            self._settled += 1
        self._resettle_memory = False

    def toggle_text_size(self) -> None:
        self.text_large = not self.text_large
        screen = self.current_screen()
        if screen is not None and self.current_screen_name not in ("search",):
            screen.refresh(None)  # rebuild lists whose markup carries sizes

    def open_staff_pin(self) -> None:
        if self.pin_gate.enabled:
            self.show("staff_pin")

    def notify(self, text: str) -> None:
        self.notice.text = text
        if self._notice_event is not None:
            self._notice_event.cancel()
        self._notice_event = KivyClock.schedule_once(
            lambda _dt: setattr(self.notice, "text", ""), NOTICE_S
        )

    # -- content -------------------------------------------------------------------------

    def _content_changed(self, content: KioskContent, old: KioskContent | None) -> None:
        self.content = content
        self.content_version += 1
        self._resettle_memory = True  # the old content and the screens it built: garbage now
        if not hasattr(self, "manager") or not self.current_screen_name:
            return
        self._release_memory_soon()
        screen = self.current_screen()
        if screen is None:
            return
        if self.current_screen_name == "procedure":
            code = screen.code
            procedure = content.procedure(code)
            if procedure is None or not procedure.in_force:
                shown = screen.shown
                self.notify(
                    t("procedure_gone", name=shown.name) if shown else t("procedure_removed")
                )
                self.go_home()
                return
            if procedure != screen.shown:
                screen.refresh(old)
                self.notify(t("updated_here"))
            return
        screen.refresh(old)

    # -- screenshots ---------------------------------------------------------------------

    def _start_screenshot(self, spec: str, path: Path) -> None:
        name, arg = resolve_screen(spec, self.content)
        if name == "search":
            self.history = [(HOME, "")]
        if not self.show(name, arg):
            raise ScreenSpecError(f"cannot show {spec!r}")
        self.screenshot_path = path

        def snap(_dt: float) -> None:
            folder = Path(tempfile.mkdtemp(prefix="kiosk-shot-"))
            try:
                made = Window.screenshot(name=str(folder / "shot.png"))  # writes shot0001.png
                if not made:
                    raise DisplayError("the window could not be captured")
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(made, path)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
                self.stop()

        # one frame to lay out, one more to draw: a capture from on_start comes out black
        KivyClock.schedule_once(lambda _dt: KivyClock.schedule_once(snap, 0.6), 0)
