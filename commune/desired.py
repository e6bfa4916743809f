"""What each device should hold: the pushes that concern it, folded into one manifest.

A push adds entries at a new version, for every device (``*``) or for chosen ones. A
device's desired state is every entry for ``*`` or for it, applied in version order (a
later entry for the same item wins); its manifest version is the latest such version.
The manifest is a pure function of the entries, so publishing it twice gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from commune.repository import Entry, HubRepository
from village.wire.commands import EVERY_DEVICE
from village.wire.manifest import Manifest, MediaRef, ProceduresRef

KINDS = ("segments", "clips", "plans", "procedures")
PROCEDURES_KEY = "all"


@dataclass
class DesiredState:
    device: str
    version: int = 0
    items: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )

    def media(self) -> set[str]:
        shas = {r["sha256"] for r in self.items["segments"].values()}
        shas |= {r["sha256"] for r in self.items["clips"].values()}
        procedures = self.items["procedures"].get(PROCEDURES_KEY)
        if procedures:
            shas.add(procedures["sha256"])
        return shas


def applies_to(entry: Entry, device: str) -> bool:
    return entry.target in (EVERY_DEVICE, device)


def desired_state(entries: list[Entry], device: str) -> DesiredState:
    state = DesiredState(device)
    for entry in entries:
        if not applies_to(entry, device):
            continue
        state.version = max(state.version, entry.version)
        table = state.items[entry.kind]
        if entry.record is None:
            table.pop(entry.key, None)
        else:
            table[entry.key] = entry.record
    return state


def build_manifest(
    state: DesiredState,
    commune: str,
    issued_at: str,
    block_size: int,
    size_of: Callable[[str], int],
) -> Manifest:
    """The manifest for a state; ``size_of(sha)`` gives a media file's size."""
    segments = tuple(sorted(state.items["segments"].values(), key=lambda r: r["id"]))
    clips = tuple(sorted(state.items["clips"].values(), key=lambda r: r["id"]))
    plans = tuple(sorted(state.items["plans"].values(), key=lambda r: r["id"]))
    procedures = None
    doc = state.items["procedures"].get(PROCEDURES_KEY)
    if doc:
        procedures = ProceduresRef(sha256=doc["sha256"], count=int(doc["count"]))
    media = tuple(
        MediaRef(sha256=sha, size=size_of(sha), block_size=block_size)
        for sha in sorted(state.media())
    )
    return Manifest(
        commune=commune,
        device=state.device,
        version=state.version,
        issued_at=issued_at,
        segments=segments,
        clips=clips,
        plans=plans,
        procedures=procedures,
        media=media,
    )


def devices_of(repository: HubRepository, targets: list[str]) -> list[str]:
    """The devices a push for ``targets`` reaches (every registered device for ``*``)."""
    if EVERY_DEVICE in targets:
        return repository.device_ids()
    return sorted(set(targets))
