"""espeak-ng's Vietnamese voice (Debian package ``espeak-ng``): small, offline, robotic.

The text goes in on standard input (never on the command line, where a text starting with
``-`` would be read as an option); the program runs with a timeout.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from commune.console.catalogue import t
from commune.console.tts.errors import SpeechError

TIMEOUT_S = 60.0


@dataclass(frozen=True)
class EspeakEngine:
    voice: str = "vi"
    words_per_minute: int = 150  # a little slower than espeak's 175: easier on loudspeakers
    name: str = "espeak-ng"

    def speak(self, text: str, target: Path) -> Path:
        program = shutil.which("espeak-ng")
        if program is None:
            raise SpeechError(self.name, t("tts_no_espeak"))
        command = [
            program,
            "-v",
            self.voice,
            "-s",
            str(self.words_per_minute),
            "-b",
            "1",  # UTF-8 input
            "-w",
            str(target),
            "--stdin",
        ]
        try:
            done = subprocess.run(
                command,
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise SpeechError(self.name, t("tts_timeout")) from exc
        if done.returncode != 0 or not target.is_file() or target.stat().st_size <= 44:
            detail = done.stderr.decode("utf-8", "replace").strip()[:200] or t("tts_no_audio")
            raise SpeechError(self.name, t("tts_failed", detail=detail))
        return target
