"""Staff work on the hub: pushing content and queueing commands (the daemon sends them).

Each push imports the file into the hub's library (checked whole first, by the same
importers the device side uses), then records one new version of the desired state for the
chosen devices, or for every device of the commune.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from commune.catalogue import say
from commune.desired import PROCEDURES_KEY, desired_state, devices_of
from commune.errors import HubError
from commune.hubdata import HubData
from commune.repository import Version
from village.text import clean_line
from village.wire.commands import EVERY_DEVICE, Command
from village.wire.manifest import procedures_document

if TYPE_CHECKING:
    from village.config import Config
    from village.plan_import import CalendarChanges


@dataclass
class PushResult:
    version: Version
    devices: list[str]  # the devices the version reaches now
    items: list[str] = field(default_factory=list)  # what was pushed, for the message
    warnings: list[str] = field(default_factory=list)


def resolve_targets(hub: HubData, devices: Sequence[str]) -> list[str]:
    """``["*"]`` for the whole commune, or the chosen devices (which must be known)."""
    if not devices:
        return [EVERY_DEVICE]
    known = set(hub.repository.device_ids())
    unknown = sorted(set(devices) - known)
    if unknown:
        listed = ", ".join(sorted(known)) or say("push_no_devices_yet")
        raise HubError(say("push_unknown_devices", devices=", ".join(unknown), known=listed))
    return sorted(set(devices))


def _record(
    hub: HubData, changes: list[tuple[str, str, dict | None]], targets: list[str], summary: str
) -> PushResult:
    version = hub.repository.add_version(changes, targets, summary)
    return PushResult(version, devices_of(hub.repository, targets))


def push_segment(
    hub: HubData,
    path: str | Path,
    title: str,
    *,
    segment_id: str | None = None,
    topic: str = "",
    devices: Sequence[str] = (),
) -> PushResult:
    from village.library import import_segment

    targets = resolve_targets(hub, devices)
    segment = import_segment(hub.library, path, title, segment_id=segment_id, topic=topic)
    result = _record(
        hub, [("segments", segment.id, segment.to_dict())], targets, f"segment {segment.id}"
    )
    result.items = [f"{segment.id} «{segment.title}»"]
    return result


def push_clip(
    hub: HubData,
    path: str | Path,
    title: str,
    *,
    clip_id: str | None = None,
    description: str = "",
    devices: Sequence[str] = (),
) -> PushResult:
    from village.clips import import_clip

    targets = resolve_targets(hub, devices)
    clip = import_clip(hub.library, path, title, clip_id=clip_id, description=description)
    result = _record(hub, [("clips", clip.id, clip.to_dict())], targets, f"clip {clip.id}")
    result.items = [f"{clip.id} «{clip.title}»"]
    return result


def held_plans(hub: HubData, targets: Sequence[str]) -> dict[str, dict]:
    """The plans the targets' desired states hold now (id -> record), all devices merged."""
    entries = hub.repository.entries()
    devices = devices_of(hub.repository, list(targets)) or list(targets)
    held: dict[str, dict] = {}
    for device in devices:
        held.update(desired_state(entries, device).items["plans"])
    return held


def preview_plans(
    hub: HubData, path: str | Path, timezone: str, *, devices: Sequence[str] = ()
) -> CalendarChanges:
    """What pushing the calendar would change on the targets; nothing is written."""
    from village.ics import read_calendar
    from village.plan_import import compare

    targets = resolve_targets(hub, devices)
    return compare(read_calendar(path, timezone), held_plans(hub, targets), Path(path).name)


def print_plan_preview(
    hub: HubData, path: str | Path, config: Config, *, devices: Sequence[str] = ()
) -> int:
    """``village push plan --dry-run``: what the push would change, and the first slots."""
    from village.messages import say
    from village.plan import Policy
    from village.plan_import import describe_changes, first_slots

    changes = preview_plans(hub, path, config.schedule.timezone, devices=devices)
    durations = {sid: s.duration_s for sid, s in hub.library.snapshot().segments.items()}
    policy = Policy.from_config(config)
    slots, upcoming = first_slots(changes.plans, policy, durations, dt.datetime.now(dt.UTC))
    for line in describe_changes(changes, slots, upcoming, policy.zone):
        print(line)
    print(say("plan_dry_run"))
    return 0


def push_plans(
    hub: HubData, path: str | Path, timezone: str, *, devices: Sequence[str] = ()
) -> PushResult:
    """Push a calendar's plans; the plans the same calendar gave the targets before and that
    are no longer in it are removed from them."""
    from village.ics import read_calendar
    from village.plan_import import compare, import_parsed

    targets = resolve_targets(hub, devices)
    parsed = read_calendar(path, timezone)
    changes = compare(parsed, held_plans(hub, targets), Path(path).name)
    plans = import_parsed(hub.library, parsed, Path(path).name).plans
    if not plans:
        raise HubError(say("push_no_plan", file=path))
    result = _record(
        hub,
        [("plans", plan.id, plan.to_dict()) for plan in plans]
        + [("plans", plan_id, None) for plan_id in changes.removed_ids],
        targets,
        f"{len(plans)} plan(s) from {Path(path).name}",
    )
    result.items = [f"{plan.id} «{plan.title}»" for plan in plans]
    result.items += [f"- {r.get('id')} «{r.get('title', '')}»" for r in changes.removed]
    entries = hub.repository.entries()
    for device in result.devices:
        held = desired_state(entries, device).items["segments"]
        for plan in plans:
            named = {*plan.segments, *plan.intro, *plan.outro} - {"*"}
            missing = sorted(named - set(held))
            if missing:
                result.warnings.append(
                    f"{device}: plan {plan.id} names segment(s) it does not hold: "
                    + ", ".join(missing)
                )
    return result


def push_procedures(
    hub: HubData, path: str | Path, *, devices: Sequence[str] = (), skip_bad_rows: bool = False
):  # returns (PushResult, village.procedures.ImportReport)
    """Merge the file into the commune's procedures and send the whole set to the targets."""
    from village.procedures import import_procedures

    targets = resolve_targets(hub, devices)
    report = import_procedures(hub.library, path, skip_bad_rows=skip_bad_rows)
    records = sorted(hub.library.snapshot().procedures.values(), key=lambda r: r["code"])
    document = procedures_document(records)
    with tempfile.NamedTemporaryFile(dir=hub.root, suffix=".json") as handle:
        handle.write(document)
        handle.flush()
        sha = hub.library.add_media(Path(handle.name))
    result = _record(
        hub,
        [("procedures", PROCEDURES_KEY, {"sha256": sha, "count": len(records)})],
        targets,
        f"{len(records)} procedure(s) from {Path(path).name}",
    )
    result.items = [f"{len(records)} thủ tục"]
    return result, report


MAX_COMMAND_TITLE = 200  # what village.wire.commands accepts


def queue_command(
    hub: HubData,
    action: str,
    *,
    devices: Sequence[str] = (),
    segments: Sequence[str] = (),
    priority: str = "ordinary",
    title: str = "",
    ttl_s: int = 300,
) -> list[Command]:
    """Queue a command for the daemon to sign and send: one for the commune, or one per
    chosen device."""
    targets = resolve_targets(hub, devices)
    commune = hub.commune
    ttl = dt.timedelta(seconds=ttl_s)
    # the title goes into the devices' play logs and the report: one clean line, no
    # invisible characters, within what a device accepts
    title = clean_line(title)[:MAX_COMMAND_TITLE]
    entries = hub.repository.entries()
    if segments:
        for device in devices_of(hub.repository, targets):
            held = desired_state(entries, device).items["segments"]
            missing = [s for s in segments if s not in held]
            if missing:
                raise HubError(
                    say("push_missing_segments", device=device, segments=", ".join(missing))
                )
    commands = [
        Command.create(
            commune,
            target,  # a device id, or "*" (the same in both modules)
            action,
            ttl=ttl,
            priority=priority,
            segments=tuple(segments),
            title=title,
        )
        for target in targets
    ]
    for command in commands:
        hub.repository.queue_command(command)
    return commands
