"""Starting the kiosk: Kivy's environment and settings must be in place before Kivy is first
imported, so this module imports no Kivy at the top.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from village.clock import Clock
from village.config import Config

if TYPE_CHECKING:
    from kiosk.app import KioskApp


def kivy_home(config: Config) -> str:
    """Kivy's own folder: inside the data folder when it can be written, else a temp one."""
    wanted = config.data_dir / "kivy"
    try:
        wanted.mkdir(parents=True, exist_ok=True)
        probe = wanted / ".probe"
        probe.write_bytes(b"")
        probe.unlink()
        return str(wanted)
    except OSError:
        return tempfile.mkdtemp(prefix="village-kivy-")


def window_size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


def prepare_kivy(config: Config, *, fullscreen: bool, size: tuple[int, int]) -> None:
    """Environment and ``kivy.config`` for a kiosk nobody can leave (DESIGN principle 8)."""
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_VIDEO", "ffpyplayer")
    # SDL2_image reads and writes the PNG/JPEG the kiosk needs; Kivy's other image loaders
    # (Pillow, ffpyplayer) would cost some 25 MB of resident memory and nothing else
    os.environ.setdefault("KIVY_IMAGE", "sdl2")
    # Mesa's software renderer (a machine with no GPU driver; not the Pi's V3D) keeps scene
    # memory per rasterizer thread: ~150 MB more for a screen that mostly stands still
    os.environ.setdefault("LP_NUM_THREADS", "0")
    if "KIVY_HOME" not in os.environ:
        os.environ["KIVY_HOME"] = kivy_home(config)
    quiet_kivy_log()
    from kivy.config import Config as KivyConfig

    KivyConfig.set("kivy", "exit_on_escape", "0")  # no keyboard exit
    KivyConfig.set("kivy", "pause_on_minimize", "0")
    KivyConfig.set("kivy", "keyboard_mode", "system")  # never Kivy's own pop-up keyboard
    KivyConfig.set("kivy", "log_level", "warning")
    KivyConfig.set("input", "mouse", "mouse,disable_multitouch")  # no red multitouch dots
    KivyConfig.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    KivyConfig.set("graphics", "borderless", "1" if fullscreen else "0")
    KivyConfig.set("graphics", "resizable", "0")
    KivyConfig.set("graphics", "show_cursor", "0" if fullscreen else "1")
    KivyConfig.set("graphics", "width", str(size[0]))
    KivyConfig.set("graphics", "height", str(size[1]))
    for module in list(KivyConfig.options("modules")) if KivyConfig.has_section("modules") else []:
        KivyConfig.remove_option("modules", module)  # no inspector, no screen emulator


class _DropHarmless(logging.Filter):
    """Kivy's start-up chatter, and a missing optional touch library (libmtdev) that Kivy
    reports as an error with a trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING and "MTDev" not in record.getMessage()


def quiet_kivy_log() -> None:
    kivy_log = logging.getLogger("kivy")
    if not any(isinstance(f, _DropHarmless) for f in kivy_log.filters):
        kivy_log.addFilter(_DropHarmless())


def build_app(
    config: Config,
    *,
    clock: Clock | None = None,
    screenshot: tuple[str, Path] | None = None,
    size: tuple[int, int] | None = None,
) -> KioskApp:
    """The kiosk app, ready to ``run()``; with ``screenshot`` (SCREEN, PNG path) it draws
    that screen once, saves it and stops (windowed, no display needed)."""
    settings = config.kiosk
    fullscreen = settings.fullscreen and screenshot is None
    prepare_kivy(config, fullscreen=fullscreen, size=size or window_size(settings.window_size))
    from kiosk.app import KioskApp

    return KioskApp(config, clock=clock, screenshot=screenshot)
