"""Text to segment: an announcement typed by staff, spoken by the configured engine
(``commune.console.tts``) into a WAV file kept as a staged file to listen to, then saved
as a draft segment like any upload."""

from __future__ import annotations

import tempfile
from pathlib import Path

from commune.console.catalogue import t
from commune.console.content.place import console_folder, staged_files
from commune.console.content.staging import Staged
from commune.console.context import Console
from commune.console.errors import ConsoleError
from commune.console.tts import MAX_TEXT_CHARS, engine_for
from village.text import clean_text

KIND = "speech"


def announcement_text(text: str) -> str:
    cleaned = clean_text(text)
    if not cleaned:
        raise ConsoleError(t("speech_empty"))
    if len(cleaned) > MAX_TEXT_CHARS:
        raise ConsoleError(t("speech_too_long", count=len(cleaned), limit=MAX_TEXT_CHARS))
    return cleaned


def speak(console: Console, text: str, owner: str) -> Staged:
    """The announcement spoken into a staged WAV file of ``owner``'s."""
    cleaned = announcement_text(text)
    settings = console.config.console
    engine = engine_for(settings.tts_engine, settings.tts_voice)
    scratch = console_folder(console) / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="speech-") as folder:
        spoken = engine.speak(cleaned, Path(folder) / "doc.wav")
        return staged_files(console).stage(
            spoken, ".wav", owner, "doc.wav", KIND, {"text": cleaned, "engine": engine.name}
        )
