"""Publishing from the console: one new version of the desired state, then each device's
progress until it has applied it (``commune.progress.push_progress``, polled by the page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from commune.console.catalogue import t
from commune.console.errors import ConsoleError
from commune.desired import devices_of
from commune.hubdata import HubData
from commune.progress import DeviceProgress, push_progress
from commune.push import PushResult, resolve_targets
from commune.repository import Version

Change = tuple[str, str, dict[str, Any] | None]  # (kind, key, record or None to remove)


def chosen_devices(hub: HubData, chosen: Sequence[str]) -> list[str]:
    """The devices ticked on a form, or none (the whole commune); unknown ones refused."""
    devices = [d for d in dict.fromkeys(chosen) if d]
    unknown = sorted(set(devices) - set(hub.repository.device_ids()))
    if unknown:
        raise ConsoleError(t("publish_unknown_device", devices=", ".join(unknown)[:200]))
    return devices


def publish(
    hub: HubData, changes: list[Change], devices: Sequence[str], summary: str
) -> PushResult:
    """Record one version holding ``changes`` for the chosen devices (or all of them)."""
    targets = resolve_targets(hub, chosen_devices(hub, devices))
    version = hub.repository.add_version(changes, targets, summary)
    return PushResult(version, devices_of(hub.repository, targets))


@dataclass(frozen=True)
class Progress:
    version: Version
    rows: list[DeviceProgress]

    @property
    def done(self) -> bool:
        return all(row.final for row in self.rows)

    @property
    def applied(self) -> int:
        return sum(1 for row in self.rows if row.state == "applied")


def progress(hub: HubData, number: int) -> Progress | None:
    """Where each device the version reaches stands with it (None: no such version)."""
    version = hub.repository.version(number)
    if version is None:
        return None
    devices = devices_of(hub.repository, list(version.targets))
    rows = {row.device: row for row in hub.repository.devices()}
    found = []
    for device in devices:
        row = rows.get(device)
        if row is None:
            found.append(DeviceProgress(device, "offline"))
        else:
            found.append(push_progress(row.status, row.online, device, number))
    return Progress(version, found)
