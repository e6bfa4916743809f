"""The controller stops in the exact reverse of its start-up, each step guarded: the relay is
off first, and a part that fails to close (the LED) never keeps the relay on or its pin
held. The controller runs whole, on gpiozero's MockFactory with a recording player."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from controller.daemon import Controller
from controller.gpio.indicators import StatusLed
from tests.unit.doubles import RecordingPlayer
from village.config import Config
from village.content import Segment
from village.store import ContentStore

RELAY, LED, BUTTON = 17, 27, 22
START_UP = ["play log", "relay", "led", "button", "player", "control socket", "watchdog", "on air"]


@pytest.fixture
def pins() -> Iterator[MockFactory]:
    factory = MockFactory()
    yield factory
    factory.reset()
    factory.close()


@pytest.fixture
def device(config: Config) -> Config:
    return config.replace("led", pin=LED).replace("button", pin=BUTTON)


class Running:
    def __init__(self, controller: Controller) -> None:
        self.controller = controller
        self.ready = threading.Event()
        self.logged: list[dict] = []
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def step(self, kind: str, data: dict) -> None:
        if kind == "ready":
            self.ready.set()
        elif kind == "logged":
            self.logged.append(data["record"])

    def _run(self) -> None:
        try:
            self.controller.run()
        except BaseException as exc:  # reported by the test
            self.error = exc

    def start(self) -> Running:
        self.thread.start()
        assert self.ready.wait(10), f"the controller did not start: {self.error!r}"
        return self

    def stop(self) -> None:
        self.controller.request_shutdown("test finished")
        self.thread.join(10)
        assert not self.thread.is_alive() and self.error is None, self.error


def start(device: Config, pins: MockFactory, player: RecordingPlayer) -> Running:
    controller = Controller(device, pin_factory=pins, player=player)
    running = Running(controller)
    controller.on_step = running.step
    return running.start()


def add_segment(data_dir: Path, segment_id: str, seconds: float) -> None:
    segment = Segment(segment_id, f"Bài {segment_id}", "0" * 64, "wav", 1, seconds, "2030-01-01")
    with ContentStore(data_dir).transaction() as tables:
        tables.upsert("segments", segment.to_dict())


def test_shutdown_is_the_reverse_of_start_up_and_switches_the_relay_off_first(device, pins) -> None:
    running = start(device, pins, RecordingPlayer())
    lifecycle = running.controller.lifecycle
    assert lifecycle.started == START_UP
    running.stop()
    assert lifecycle.stopped == list(reversed(START_UP))
    assert lifecycle.failed == []
    for pin in (RELAY, LED, BUTTON):  # every pin let go, the relay's last driven off
        assert pins.pin(pin).function == "input"
    assert pins.pin(RELAY).state is True  # active-low: high is off


def test_an_led_that_fails_to_close_keeps_neither_the_relay_on_nor_its_pin(
    device, pins, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_close(self: StatusLed) -> None:
        raise OSError("the LED's line is gone")

    monkeypatch.setattr(StatusLed, "close", broken_close)
    add_segment(data_dir, "s", 600)
    player = RecordingPlayer(hold=True)  # on air until stopped
    running = start(device, pins, player)
    assert running.controller.play_now(["s"])["ok"]
    assert player.playing.wait(10)
    assert pins.pin(RELAY).state is False  # on air: the relay is on

    running.stop()

    lifecycle = running.controller.lifecycle
    assert lifecycle.failed == ["led"]
    assert lifecycle.stopped == list(reversed(START_UP))  # the undos after it still ran
    assert pins.pin(RELAY).state is True and pins.pin(RELAY).function == "input"
    assert not running.controller.relay or not running.controller.relay.is_on
    (record,) = running.logged
    assert record["outcome"] == "missed"
    assert record["reason"] == "test finished before the audio began"
    assert record["relay_on"] is not None and record["relay_off"] is not None
