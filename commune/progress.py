"""Following a push or a command until each device has answered (or the wait is over).

The daemon writes every status and reply it receives into the repository; these watchers
poll it, so they work from any process on the hub machine.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from commune.hubdata import HubData
from village.wire.commands import Command
from village.wire.status import Reply

POLL_S = 0.3


@dataclass(frozen=True)
class DeviceProgress:
    device: str
    state: str  # waiting, offline, fetching, applied, refused
    percent: float = 0.0
    have_bytes: int = 0
    total_bytes: int = 0
    code: str = ""
    detail: str = ""

    @property
    def final(self) -> bool:
        return self.state in ("applied", "refused")


def push_progress(status: dict, online: bool, device: str, version: int) -> DeviceProgress:
    if int(status.get("content_version") or 0) >= version:
        return DeviceProgress(device, "applied")
    sync = status.get("sync") or {}
    if sync.get("version") == version and sync.get("state") == "refused":
        return DeviceProgress(
            device, "refused", code=sync.get("code", ""), detail=sync.get("detail", "")
        )
    if not online:
        return DeviceProgress(device, "offline")
    if sync.get("version") == version and sync.get("state") == "fetching":
        have = int(sync.get("have_bytes") or 0)
        total = int(sync.get("total_bytes") or 0)
        percent = 100.0 * have / total if total else 0.0
        return DeviceProgress(device, "fetching", percent, have, total)
    return DeviceProgress(device, "waiting")


def watch_push(
    hub: HubData, version: int, devices: list[str], timeout: float
) -> Iterator[DeviceProgress]:
    """Yield each device's progress when it changes, until all are final or time is up."""
    last: dict[str, DeviceProgress] = {}
    deadline = time.monotonic() + timeout
    while True:
        rows = {row.device: row for row in hub.repository.devices()}
        for device in devices:
            row = rows.get(device)
            progress = (
                push_progress(row.status, row.online, device, version)
                if row
                else DeviceProgress(device, "offline")
            )
            previous = last.get(device)
            if previous is None or _differs(previous, progress):
                last[device] = progress
                yield progress
        if all(p.final for p in last.values()) or time.monotonic() > deadline:
            return
        time.sleep(POLL_S)


def _differs(a: DeviceProgress, b: DeviceProgress) -> bool:
    if a.state != b.state:
        return True
    return b.state == "fetching" and b.percent - a.percent >= 10


def watch_commands(
    hub: HubData, commands: list[Command], devices: list[str], timeout: float
) -> Iterator[tuple[str, Reply | None, str]]:
    """Yield (device, reply, outcome) as replies come in; reply None means offline or none
    in time. ``outcome`` is the daemon's note on sending (``published``, ``expired``…)."""
    deadline = time.monotonic() + timeout
    answered: set[str] = set()
    online = {row.device: row.online for row in hub.repository.devices()}
    while True:
        for command in commands:
            for reply in hub.repository.replies(command.id):
                if reply.device not in answered and reply.device in devices:
                    answered.add(reply.device)
                    yield reply.device, reply, "published"
        if answered >= set(devices) or time.monotonic() > deadline:
            break
        outcomes = {hub.repository.command_outcome(c.id) for c in commands}
        if outcomes and all(o and o != "published" for o in outcomes):
            for device in sorted(set(devices) - answered):
                yield device, None, next(iter(outcomes)) or ""
            return
        time.sleep(POLL_S)
    for device in sorted(set(devices) - answered):
        yield device, None, "offline" if not online.get(device) else "no-reply"
