"""Text to speech for the console's "text to segment": an engine turns an announcement
into a WAV file on the hub, which is then imported like any uploaded segment.

``SpeechEngine`` is what the console needs of a voice; ``EspeakEngine`` speaks with
espeak-ng's Vietnamese voice. ``engine_for`` picks the engine the configuration names
(``[console] tts_engine``), so a better offline voice plugs in by adding a class here and a
name to ``ENGINES``: nothing else in the console changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from commune.console.tts.errors import SpeechError
from commune.console.tts.espeak import EspeakEngine

__all__ = ["ENGINES", "MAX_TEXT_CHARS", "EspeakEngine", "SpeechEngine", "SpeechError", "engine_for"]

MAX_TEXT_CHARS = 3000  # about four minutes of speech: longer announcements are recorded


class SpeechEngine(Protocol):
    """A voice that speaks Vietnamese text into a WAV file."""

    @property
    def name(self) -> str:
        """The engine's name, as ``[console] tts_engine`` gives it."""
        ...

    def speak(self, text: str, target: Path) -> Path:
        """Write ``text`` spoken to ``target`` (WAV); raises SpeechError."""
        ...


ENGINES: dict[str, Callable[[str], SpeechEngine]] = {
    "espeak-ng": lambda voice: EspeakEngine(voice=voice or "vi"),
}


def engine_for(name: str, voice: str = "") -> SpeechEngine:
    """The engine called ``name`` in the configuration, with its voice."""
    make = ENGINES.get(name)
    if make is None:
        raise SpeechError(name, f"không có bộ đọc «{name}» (có: {', '.join(sorted(ENGINES))})")
    return make(voice)
