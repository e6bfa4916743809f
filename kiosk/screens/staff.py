"""The hidden staff panel: a PIN pad (long press on the header to reach it), then content
version, storage, last broadcast and today's use of the kiosk."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.utils import escape_markup

from kiosk.catalogue import t
from kiosk.screens import KioskScreen
from kiosk.staff import staff_rows
from kiosk.widgets import BigButton, WrapLabel

PIN_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK")


class StaffPinScreen(KioskScreen):
    typed = StringProperty("")

    def on_kv_post(self, base_widget: object) -> None:
        for key in PIN_KEYS:
            label = {"⌫": t("key_backspace"), "OK": t("pin_ok")}.get(key, key)
            button = BigButton(text=label)
            button.key = key
            button.bind(on_release=lambda b: self.press(b.key))
            self.ids.pad.add_widget(button)

    def enter(self, arg: str) -> bool:
        if not self.app.pin_gate.enabled:
            return False
        self.typed = ""
        self.ids.message.text = t("pin_locked") if self.app.pin_gate.locked() else ""
        return True

    def press(self, key: str) -> None:
        if key == "⌫":
            self.typed = self.typed[:-1]
        elif key == "OK":
            if self.app.pin_gate.check(self.typed):
                self.typed = ""
                self.app.show("staff", replace=True)
                return
            self.typed = ""
            self.ids.message.text = (
                t("pin_locked") if self.app.pin_gate.locked() else t("pin_wrong")
            )
        elif len(self.typed) < 8:
            self.typed += key


class StaffScreen(KioskScreen):
    def enter(self, arg: str) -> bool:
        self.build_rows()
        return True

    def refresh(self, old: object) -> None:
        self.build_rows()

    def build_rows(self) -> None:
        app = self.app
        grid = self.ids.rows
        grid.clear_widgets()
        for label, value in staff_rows(app.settings, app.content, app.journal, app.relay_state):
            grid.add_widget(WrapLabel(text=f"[b]{escape_markup(label)}[/b]"))
            grid.add_widget(WrapLabel(text=escape_markup(value)))
