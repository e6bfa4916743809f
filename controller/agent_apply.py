"""Switching the content store to a new version, all at once, and only if it fits.

The new version's records land in one store transaction (one ``os.replace``): the kiosk
and the next broadcast see all of the old version or all of the new. Media no version
needs any more are deleted afterwards, except what the broadcast on air is playing.
"""

from __future__ import annotations

import logging
import shutil
from typing import Any

from village.store import ContentStore, utc_now_iso
from village.wire.errors import Refused
from village.wire.manifest import Manifest, MediaRef

log = logging.getLogger(__name__)

MB = 1_000_000


class ContentApplier:
    def __init__(self, store: ContentStore, reserve_bytes: int) -> None:
        self.store = store
        self.reserve_bytes = reserve_bytes

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
        removed = []
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
