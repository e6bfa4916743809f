"""The hub's exception base."""

from village.errors import VillageError


class HubError(VillageError):
    """Base of the hub's errors (its store, its key, staff commands)."""


class NotInitialised(HubError):
    """The hub folder has no store or key yet."""

    exit_code = 2


class HubNotRunning(HubError):
    """The hub daemon is not running, so nothing reaches the devices now."""

    exit_code = 3
