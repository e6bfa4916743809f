"""Topic names, version 1. Every topic of a commune lives under ``village/v1/<commune>/``.

Hub to devices: ``hub/status`` (retained), ``cmd`` (every device),
``device/<id>/media/<sha256>`` (blocks for one device; ``media/<sha256>``, shared by the
commune, only for devices of before per-device blocks), ``device/<id>/manifest``
(retained), ``device/<id>/cmd``, ``device/<id>/ack``. Device to hub:
``device/<id>/status`` (retained, last will), ``device/<id>/fetch``, ``device/<id>/log``,
``device/<id>/reply``. The broker's ACL lets a device write only the last four for its own
id, and read only what is addressed to it or to the commune.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROOT = "village"
VERSION = "v1"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")

DEVICE_TO_HUB = ("status", "fetch", "log", "reply")
HUB_TO_DEVICE = ("manifest", "cmd", "ack")


def _check_id(kind: str, value: str) -> str:
    if not ID_RE.match(value or ""):
        raise ValueError(f"{kind} id {value!r}: use 1-63 of a-z, 0-9, '-', '_'")
    return value


@dataclass(frozen=True)
class CommuneTopics:
    """The topics of one commune."""

    commune: str

    def __post_init__(self) -> None:
        _check_id("commune", self.commune)

    @property
    def prefix(self) -> str:
        return f"{ROOT}/{VERSION}/{self.commune}"

    # -- hub to everyone -------------------------------------------------------------------

    @property
    def hub_status(self) -> str:
        return f"{self.prefix}/hub/status"

    @property
    def commune_command(self) -> str:
        return f"{self.prefix}/cmd"

    def media(self, sha256: str) -> str:
        if not SHA256_RE.match(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return f"{self.prefix}/media/{sha256}"

    @property
    def all_media(self) -> str:
        return f"{self.prefix}/media/#"

    def device_media(self, device: str, sha256: str) -> str:
        """Blocks of one file for one device: only that device may read them."""
        if not SHA256_RE.match(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return f"{self.prefix}/device/{_check_id('device', device)}/media/{sha256}"

    def device_media_filter(self, device: str) -> str:
        return f"{self.prefix}/device/{_check_id('device', device)}/media/#"

    # -- one device ------------------------------------------------------------------------

    def device(self, device: str, leaf: str) -> str:
        if leaf not in DEVICE_TO_HUB + HUB_TO_DEVICE:
            raise ValueError(f"no device topic {leaf!r}")
        return f"{self.prefix}/device/{_check_id('device', device)}/{leaf}"

    def any_device(self, leaf: str) -> str:
        """Subscription filter for one leaf of every device (the hub's)."""
        if leaf not in DEVICE_TO_HUB + HUB_TO_DEVICE:
            raise ValueError(f"no device topic {leaf!r}")
        return f"{self.prefix}/device/+/{leaf}"

    def parse_device_topic(self, topic: str) -> tuple[str, str] | None:
        """``(device, leaf)`` for a device topic of this commune, None for anything else."""
        head = f"{self.prefix}/device/"
        if not topic.startswith(head):
            return None
        parts = topic[len(head) :].split("/")
        if len(parts) != 2 or not ID_RE.match(parts[0]):
            return None
        if parts[1] not in DEVICE_TO_HUB + HUB_TO_DEVICE:
            return None
        return parts[0], parts[1]

    def parse_media_topic(self, topic: str, device: str = "") -> str | None:
        """The SHA-256 of a block topic: the commune's shared one, or ``device``'s own."""
        heads = [f"{self.prefix}/media/"]
        if device:
            heads.append(f"{self.prefix}/device/{device}/media/")
        for head in heads:
            if topic.startswith(head):
                sha = topic[len(head) :]
                return sha if SHA256_RE.match(sha) else None
        return None
