"""The speech engines' error."""

from commune.console.errors import ConsoleError


class SpeechError(ConsoleError):
    """An engine could not speak the text (missing program, refused text, failure)."""

    def __init__(self, engine: str, message: str) -> None:
        super().__init__(message)
        self.engine = engine
