"""Widgets shared by the kiosk's screens (their look is in ``widgets.kv``)."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior, ToggleButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label

from kiosk import keyboard as keys
from kiosk.catalogue import t
from kiosk.qr import qr_rgba

BLUE = (0.06, 0.33, 0.6, 1)
RED = (0.66, 0.1, 0.1, 1)


class WrapLabel(Label):
    """A label that wraps to its width and grows to fit its text."""


class BigButton(ButtonBehavior, Label):
    """A large, high-contrast button: easy to hit for people new to touch screens."""

    bg = ColorProperty(BLUE)
    fg = ColorProperty((1, 1, 1, 1))
    radius = NumericProperty(14)


class ToggleBigButton(ToggleButtonBehavior, BigButton):
    pass


class FieldButton(BigButton):
    field_name = StringProperty("")


class ProcedureButton(BigButton):
    code = StringProperty("")


class ClipButton(BigButton):
    clip_id = StringProperty("")


class RatingButton(ToggleBigButton):
    rating = NumericProperty(0)


class ReasonButton(ToggleBigButton):
    reason = StringProperty("")


class KeyButton(BigButton):
    key = StringProperty("")


class LongPressArea(ButtonBehavior, BoxLayout):
    """Fires ``on_long_press`` when held for ``hold_s`` seconds (the staff panel's door)."""

    hold_s = NumericProperty(3.0)
    __events__ = ("on_long_press",)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._pending = None

    def on_press(self) -> None:
        self._pending = Clock.schedule_once(lambda _dt: self.dispatch("on_long_press"), self.hold_s)

    def on_release(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def on_long_press(self) -> None:
        self._pending = None


LETTER_KEY = (0.93, 0.93, 0.9, 1)
TONE_KEY = (0.2, 0.45, 0.3, 1)
DARK_TEXT = (0.08, 0.08, 0.08, 1)
WHITE = (1, 1, 1, 1)


def key_label(key: str) -> str:
    names = {keys.SPACE: "key_space", keys.BACKSPACE: "key_backspace", keys.CLEAR: "key_clear"}
    if key in names:
        return t(names[key])
    return keys.TONE_LABELS.get(key, key)


def key_style(key: str) -> tuple[float, tuple, tuple]:
    """(relative width, background, text colour) of a key."""
    if key == keys.SPACE:
        return 4.0, BLUE, WHITE
    if key in (keys.BACKSPACE, keys.CLEAR):
        return 1.6, BLUE, WHITE
    if key in keys.TONE_KEYS:
        return 1.0, TONE_KEY, WHITE
    return 1.0, LETTER_KEY, DARK_TEXT


class OnScreenKeyboard(BoxLayout):
    """The Vietnamese keyboard; every key press calls ``on_key(key)`` on its target."""

    target = ObjectProperty(None, allownone=True)
    __events__ = ("on_key",)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        Clock.schedule_once(lambda _dt: self._build())

    def _build(self) -> None:
        from kivy.app import App

        app = App.get_running_app()
        for row in keys.LAYOUT:
            line = BoxLayout(spacing=6)
            for key in row:
                button = KeyButton(key=key, text=key_label(key), radius=8)
                button.size_hint_x, button.bg, button.fg = key_style(key)
                if app is not None:
                    app.bind(fs_key=button.setter("font_size"))
                    button.font_size = app.fs_key
                button.bind(on_release=lambda b: self.dispatch("on_key", b.key))
                line.add_widget(button)
            self.add_widget(line)

    def on_key(self, key: str) -> None:
        pass


class QRCodeImage(Image):
    """The QR code of a web address, drawn crisp at any size."""

    url = StringProperty("")
    ready = BooleanProperty(False)

    def on_url(self, _instance: object, url: str) -> None:
        if not url:
            self.texture = None
            self.ready = False
            return
        side, pixels = qr_rgba(url)
        texture = Texture.create(size=(side, side), colorfmt="rgba")
        texture.blit_buffer(pixels, colorfmt="rgba", bufferfmt="ubyte")
        texture.mag_filter = "nearest"
        texture.min_filter = "nearest"
        self.texture = texture
        self.ready = True


class Header(BoxLayout):
    """The red band on top: office name (long press: staff panel), back, home, larger text,
    feedback. Always in reach."""


class Overlay(BoxLayout):
    """Dims or blanks the whole screen outside opening hours."""


class Notice(Label):
    """A short message at the bottom of the screen."""
