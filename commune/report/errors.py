"""Errors of the report commands (messages in Vietnamese, from the hub catalogue)."""

from commune.errors import HubError


class ReportError(HubError):
    """Base of the report's errors; the message is what staff read."""


class BadInput(ReportError):
    """A date, a number or a file name staff gave cannot be used."""

    exit_code = 2


class NoData(ReportError):
    """The period holds nothing at all to report on."""

    exit_code = 1
