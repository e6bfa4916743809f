"""The controller's configuration sections: ``[button]``, ``[led]`` and ``[audio]``.

Registered with the core's schema through the entry-point group ``village.config``
(``[relay]`` is the core's: the schedule's arithmetic uses its warm-up and tail).
"""

from __future__ import annotations

from dataclasses import dataclass

from village.config import SectionRegistry, between, gpio_pin, setting


@dataclass(frozen=True)
class ButtonSettings:
    pin: int | None = setting(
        None, "BCM pin of the manual start/stop button (unset: none)", check=gpio_pin
    )
    pull_up: bool = setting(True, "Button wired to ground with the internal pull-up")


@dataclass(frozen=True)
class LedSettings:
    pin: int | None = setting(None, "BCM pin of the status LED (unset: none)", check=gpio_pin)


@dataclass(frozen=True)
class AudioSettings:
    device: str = setting("", "Broadcast output device name as SDL lists it (empty: default)")
    driver: str = setting(
        "", "SDL audio driver to use when SDL_AUDIODRIVER is not set (empty: SDL's choice)"
    )
    frequency: int = setting(44100, "Mixer sample rate in Hz", check=between(8000, 96000))
    channels: int = setting(2, "Mixer channels (1 or 2)", check=between(1, 2))
    buffer: int = setting(2048, "Mixer buffer in samples (1024 or more)", check=between(512, 16384))
    target_lufs: float = setting(
        -18.0, "Loudness every segment is played at (LUFS)", check=between(-40, -5)
    )
    max_gain_db: float = setting(
        18.0, "Largest boost given to a quiet recording (dB)", check=between(0, 40)
    )
    fade_s: float = setting(3.0, "Fade-out when a slot's end cuts a segment", check=between(0, 60))


def register(sections: SectionRegistry) -> None:
    sections.add("button", ButtonSettings, order=40)
    sections.add("led", LedSettings, order=50)
    sections.add("audio", AudioSettings, order=60)
