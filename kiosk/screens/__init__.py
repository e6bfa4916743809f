"""The kiosk's screens: one thin class and one ``.kv`` file each.

A screen shows what ``app.content`` holds; ``enter(arg)`` prepares it (False if ``arg``
names nothing) and ``refresh(old)`` redraws it after the content changed, keeping the
citizen where they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.uix.screenmanager import Screen

KV_DIR = Path(__file__).resolve().parent
SCREEN_NAMES = (
    "home",
    "field",
    "procedure",
    "search",
    "clip",
    "feedback",
    "attract",
    "staff_pin",
    "staff",
)


class KioskScreen(Screen):
    """Base of the kiosk's screens."""

    kiosk_app: Any = None  # the KioskApp, set by the app when it builds its screens

    @property
    def app(self):  # the KioskApp (also while it stops)
        if self.kiosk_app is not None:
            return self.kiosk_app
        from kivy.app import App

        return App.get_running_app()

    def enter(self, arg: str) -> bool:
        return True

    def refresh(self, old: object) -> None:
        """The content changed while this screen is shown (default: enter again)."""

    def leave(self) -> None:
        """The screen is being left (stop a video, count a search)."""


def screen_classes() -> dict[str, type[KioskScreen]]:
    from kiosk.screens.attract import AttractScreen
    from kiosk.screens.clip import ClipScreen
    from kiosk.screens.feedback import FeedbackScreen
    from kiosk.screens.field import FieldScreen
    from kiosk.screens.home import HomeScreen
    from kiosk.screens.procedure import ProcedureScreen
    from kiosk.screens.search import SearchScreen
    from kiosk.screens.staff import StaffPinScreen, StaffScreen

    return {
        "home": HomeScreen,
        "field": FieldScreen,
        "procedure": ProcedureScreen,
        "search": SearchScreen,
        "clip": ClipScreen,
        "feedback": FeedbackScreen,
        "attract": AttractScreen,
        "staff_pin": StaffPinScreen,
        "staff": StaffScreen,
    }
