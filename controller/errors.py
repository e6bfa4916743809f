"""The controller's exception base."""

from village.errors import VillageError


class ControllerError(VillageError):
    """Base of the controller's errors."""


class AudioError(ControllerError):
    """The audio output cannot be opened or a segment cannot be decoded."""


class RelayError(ControllerError):
    """The relay cannot be driven (wrong pin, pin in use, no GPIO)."""


class ControlError(ControllerError):
    """The control channel cannot be reached or answered with an error."""

    exit_code = 3
