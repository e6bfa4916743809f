"""The one exception base of the public site and notice board."""

from village.errors import VillageError


class SiteError(VillageError):
    """The site or the notice board cannot be built (the message is for staff)."""


class BadSiteInput(SiteError):
    """A command-line value or folder staff gave is not usable."""

    exit_code = 2
