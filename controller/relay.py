"""The amplifier relay, through gpiozero, with a maximum on-time guard.

The guard is a timer thread of its own: if the relay has been on for ``max_on_s`` it turns
it off whatever the broadcast thread is doing, and reports the trip.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from gpiozero import Device, OutputDevice
from gpiozero.exc import GPIOZeroError

from controller.errors import RelayError

log = logging.getLogger(__name__)


class Relay:
    """Switches the amplifier's mains through a relay module."""

    def __init__(
        self,
        pin: int,
        *,
        active_high: bool = False,
        max_on_s: float = 1800.0,
        pin_factory: object | None = None,
        on_change: Callable[[bool, dt.datetime], None] | None = None,
        on_guard_trip: Callable[[], None] | None = None,
    ) -> None:
        self.pin = pin
        self.max_on_s = max_on_s
        self.on_change = on_change
        self.on_guard_trip = on_guard_trip
        self._lock = threading.RLock()
        self._guard: threading.Timer | None = None
        self.guard_tripped = False
        try:
            self._device = OutputDevice(
                pin, active_high=active_high, initial_value=False, pin_factory=pin_factory
            )
        except (GPIOZeroError, OSError, RuntimeError) as exc:
            raise RelayError(f"không điều khiển được rơ-le ở GPIO{pin}: {exc}") from exc

    @property
    def is_on(self) -> bool:
        with self._lock:
            return bool(self._device.value) if not self._device.closed else False

    def on(self) -> dt.datetime:
        with self._lock:
            self._device.on()
            when = dt.datetime.now(dt.UTC)
            self.guard_tripped = False
            self._cancel_guard()
            self._guard = threading.Timer(self.max_on_s, self._trip)
            self._guard.daemon = True
            self._guard.start()
        log.info("relay on (GPIO%d)", self.pin)
        if self.on_change:
            self.on_change(True, when)
        return when

    def off(self) -> dt.datetime:
        with self._lock:
            self._cancel_guard()
            was_on = not self._device.closed and bool(self._device.value)
            if not self._device.closed:
                self._device.off()
            when = dt.datetime.now(dt.UTC)
        if was_on:
            log.info("relay off (GPIO%d)", self.pin)
            if self.on_change:
                self.on_change(False, when)
        return when

    def _cancel_guard(self) -> None:
        if self._guard is not None:
            self._guard.cancel()
            self._guard = None

    def _trip(self) -> None:
        log.error("relay on for %.0f s: maximum on-time reached, forcing it off", self.max_on_s)
        self.guard_tripped = True
        self.off()
        if self.on_guard_trip:
            self.on_guard_trip()

    def close(self) -> None:
        """Turn off and release the pin; safe to call more than once."""
        with self._lock:
            if self._device.closed:
                return
            self.off()
            self._device.close()

    def __enter__(self) -> Relay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def force_off(pin: int, active_high: bool, pin_factory: object | None = None) -> None:
    """Drive the relay pin to off once (``village relay off`` when the daemon is dead)."""
    try:
        device = OutputDevice(
            pin, active_high=active_high, initial_value=False, pin_factory=pin_factory
        )
    except (GPIOZeroError, OSError, RuntimeError) as exc:
        raise RelayError(f"không điều khiển được rơ-le ở GPIO{pin}: {exc}") from exc
    try:
        device.off()
    finally:
        device.close()


def ensure_pin_factory() -> object:
    """The pin factory gpiozero would use (honours ``GPIOZERO_PIN_FACTORY``)."""
    try:
        return Device.ensure_pin_factory()
    except GPIOZeroError as exc:
        raise RelayError(
            f"không có GPIO ({exc}); trên máy tính thường hãy đặt GPIOZERO_PIN_FACTORY=mock"
        ) from exc
