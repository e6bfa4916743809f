"""Switching the content store to a new version, all at once, and only if it fits.

The new version's records land in one store transaction (one ``os.replace``): the kiosk
and the next broadcast see all of the old version or all of the new. Media no version
needs any more are deleted afterwards, except what the broadcast on air is playing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path
from typing import Any

from controller.airing.scheduler import expansion_window
from village.atomic import atomic_write_bytes
from village.plan import DEFAULT_BUDGET, ExpansionBudget, Plan, Policy, Quarantined, build_schedule
from village.store import ContentStore, utc_now_iso
from village.wire.errors import Refused
from village.wire.manifest import Manifest, MediaRef

log = logging.getLogger(__name__)

MB = 1_000_000
MAX_REFUSAL_DETAIL = 600
TARGET_FILE = "target.json"  # the version being fetched: its media are not orphans


def plan_problems(
    records: list[dict[str, Any]] | tuple[dict[str, Any], ...],
    durations: dict[str, float],
    policy: Policy,
    now: dt.datetime,
    budget: ExpansionBudget = DEFAULT_BUDGET,
) -> list[Quarantined]:
    """The plans the controller could not expand: each is validated, then all are expanded
    once over the window the controller uses, within the expansion budget."""
    plans: list[Plan] = []
    problems: list[Quarantined] = []
    for record in records:
        try:
            plans.append(Plan.from_dict(record))
        except Exception as exc:  # a signed record can still be nonsense
            problems.append(
                Quarantined(str(record.get("id", "?")), str(record.get("title", "")), str(exc))
            )
    begin, end = expansion_window(now)
    schedule = build_schedule(plans, begin, end, durations, policy, budget=budget)
    return problems + schedule.quarantined


class ContentApplier:
    def __init__(
        self,
        store: ContentStore,
        reserve_bytes: int,
        target_file: Path | None = None,
        budget: ExpansionBudget = DEFAULT_BUDGET,
    ) -> None:
        self.store = store
        self.reserve_bytes = reserve_bytes
        self.target_file = target_file or store.data_dir / "sync" / TARGET_FILE
        self.budget = budget

    def meta(self) -> dict[str, Any]:
        return self.store.snapshot().meta

    def current_version(self) -> int:
        return int(self.meta().get("content_version", 0) or 0)

    def missing_media(self, manifest: Manifest) -> list[MediaRef]:
        """Media the manifest needs that the store lacks (the procedures document counts as
        held when the store already has those procedures)."""
        held_procedures = self.meta().get("procedures_sha256")
        missing = []
        for ref in manifest.media:
            is_doc = manifest.procedures and ref.sha256 == manifest.procedures.sha256
            if is_doc and held_procedures == ref.sha256:
                continue
            if not self.store.has_media(ref.sha256):
                missing.append(ref)
        return missing

    def check_space(self, missing: list[MediaRef], already_held: int) -> None:
        """Refuse (``disk-full``) a version whose media would eat into the reserve."""
        need = max(0, sum(ref.size for ref in missing) - already_held)
        self.store.data_dir.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(self.store.data_dir).free
        if free - need < self.reserve_bytes:
            raise Refused(
                "disk-full",
                f"needs {need / MB:.1f} MB of media, {free / MB:.1f} MB free and "
                f"{self.reserve_bytes / MB:.0f} MB must stay free",
            )

    def check_plans(self, manifest: Manifest, policy: Policy, now: dt.datetime) -> None:
        """Refuse (``bad-plan``) a version with a plan this device could not expand, before
        anything of it is fetched or switched to."""
        durations = {str(r["id"]): float(r.get("duration_s") or 0.0) for r in manifest.segments}
        bad = plan_problems(manifest.plans, durations, policy, now, self.budget)
        if bad:
            detail = "; ".join(f"«{q.title}» ({q.plan_id}): {q.reason}" for q in bad)
            if len(detail) > MAX_REFUSAL_DETAIL:
                detail = detail[: MAX_REFUSAL_DETAIL - 1] + "…"
            raise Refused("bad-plan", detail)

    def note_target(self, manifest: Manifest | None) -> None:
        """Remember which version is being fetched (None: none is), so that the media it
        already has are not taken for orphans at the next start."""
        path = self.target_file
        try:
            if manifest is None:
                path.unlink(missing_ok=True)
                return
            media = sorted(ref.sha256 for ref in manifest.media)
            record = {"version": manifest.version, "media": media}
            atomic_write_bytes(path, json.dumps(record).encode())
        except Exception as exc:  # worst case, a file is fetched again
            log.warning("version being fetched not noted: %s", exc)

    def apply(self, manifest: Manifest, procedures: list[dict[str, Any]] | None) -> int:
        """Switch the store to ``manifest``; ``procedures`` None keeps those held.

        Returns the store's new revision.
        """
        for ref in manifest.media:
            is_doc = manifest.procedures and ref.sha256 == manifest.procedures.sha256
            if not is_doc and not self.store.has_media(ref.sha256):
                raise Refused("malformed", f"media {ref.sha256} is not in the store")
        with self.store.transaction() as tables:
            tables.replace_all("segments", [dict(r) for r in manifest.segments])
            tables.replace_all("clips", [dict(r) for r in manifest.clips])
            tables.replace_all("plans", [dict(r) for r in manifest.plans])
            if manifest.procedures is None:
                tables.replace_all("procedures", [])
            elif procedures is not None:
                tables.replace_all("procedures", procedures)
            tables.set_meta(
                content_version=manifest.version,
                content_issued_at=manifest.issued_at,
                procedures_sha256=manifest.procedures.sha256 if manifest.procedures else None,
                content_applied_at=utc_now_iso(),
            )
        return self.store.revision()

    def collect_garbage(self, keep: set[str], in_use: set[str]) -> list[str]:
        """Delete media neither the current version nor the broadcast on air uses."""
        removed: list[str] = []
        if not self.store.media_dir.is_dir():
            return removed
        for entry in self.store.media_dir.iterdir():
            name = entry.name
            if len(name) == 64 and name not in keep and name not in in_use:
                entry.unlink(missing_ok=True)
                removed.append(name)
        if removed:
            log.info("removed %d media file(s) no longer used", len(removed))
        return removed
