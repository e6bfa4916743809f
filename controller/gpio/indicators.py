"""The optional manual button and status LED."""

from __future__ import annotations

import logging
from collections.abc import Callable

from gpiozero import LED, Button
from gpiozero.exc import GPIOZeroError

from controller.errors import RelayError

log = logging.getLogger(__name__)


class StatusLed:
    """Steady on while on air, fast blink when something needs attention, off when idle."""

    def __init__(self, pin: int | None, pin_factory: object | None = None) -> None:
        self._led: LED | None = None
        if pin is None:
            return
        try:
            self._led = LED(pin, pin_factory=pin_factory)
        except (GPIOZeroError, OSError) as exc:
            raise RelayError(f"không điều khiển được đèn báo ở GPIO{pin}: {exc}") from exc

    def on_air(self) -> None:
        if self._led:
            self._led.on()

    def idle(self) -> None:
        if self._led:
            self._led.off()

    def attention(self) -> None:
        if self._led:
            self._led.blink(on_time=0.2, off_time=0.2)

    def close(self) -> None:
        if self._led:
            self._led.close()
            self._led = None


class ManualButton:
    """A push button: a press starts a manual broadcast, or stops the one on air."""

    def __init__(
        self,
        pin: int | None,
        on_press: Callable[[], None],
        pull_up: bool = True,
        pin_factory: object | None = None,
    ) -> None:
        self._button: Button | None = None
        if pin is None:
            return
        try:
            self._button = Button(pin, pull_up=pull_up, bounce_time=0.05, pin_factory=pin_factory)
        except (GPIOZeroError, OSError) as exc:
            raise RelayError(f"không đọc được nút bấm ở GPIO{pin}: {exc}") from exc
        self._button.when_pressed = lambda: on_press()

    def close(self) -> None:
        if self._button:
            self._button.close()
            self._button = None
