"""The console's exception base."""

from commune.errors import HubError


class ConsoleError(HubError):
    """Base of the console's errors; the message is Vietnamese, shown to staff as is."""

    exit_code = 2


class AccountError(ConsoleError):
    """An account cannot be made or changed as asked (bad name, weak password, unknown user)."""


class UploadRefused(ConsoleError):
    """A request body broke a limit (size, number of parts) or was malformed."""

    def __init__(self, message: str, status: int = 413) -> None:
        super().__init__(message)
        self.status = status
