"""The kiosk's exception base."""

from village.errors import VillageError


class KioskError(VillageError):
    """Base of the kiosk's errors."""


class ScreenSpecError(KioskError):
    """A ``--screen`` argument names no screen, field or procedure of the content."""

    exit_code = 2


class DisplayError(KioskError):
    """The window could not be opened or a screenshot could not be written."""
