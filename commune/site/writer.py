"""Writing the site into a folder, touching only what changed.

The folder holds a manifest, ``.village-site.json``: every file the build wrote and the
SHA-256 of its bytes. A page whose bytes are those of the manifest is left alone; a file
of an earlier build that this build does not make is deleted; a file the site never wrote
is never touched. The manifest is marked unfinished before the first write and finished
after the last, so a build cut short (a power cut) makes the next one rewrite everything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from commune.catalogue import say
from commune.site.audio import place
from commune.site.errors import BadSiteInput
from village.atomic import atomic_write_bytes

MANIFEST = ".village-site.json"
FORMAT = 1
MAX_MANIFEST_BYTES = 64 << 20


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    sizes: dict[str, int] = field(default_factory=dict)  # every page and asset, in bytes


def _safe_relative(rel: str) -> str:
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or not parts:
        raise ValueError(f"not a path inside the site: {rel!r}")
    return rel


class SiteWriter:
    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.manifest_path = self.out / MANIFEST
        self.before: dict[str, str] = {}
        self.files: dict[str, str] = {}
        self.inputs_before: dict[str, str] = {}  # what each page was made from (a hash)
        self.inputs: dict[str, str] = {}
        self.stats = WriteStats()

    def open(self) -> None:
        """Check the folder is ours (or empty), then mark the build unfinished."""
        if self.out.exists() and not self.out.is_dir():
            raise BadSiteInput(say("site_out_not_folder", out=self.out))
        if self.manifest_path.is_file():
            self.before, self.inputs_before = self._read_manifest()
        elif self.out.is_dir() and any(self.out.iterdir()):
            raise BadSiteInput(say("site_out_not_empty", out=self.out))
        self.out.mkdir(parents=True, exist_ok=True)
        self._write_manifest(self.before, {}, finished=False)

    def _read_manifest(self) -> tuple[dict[str, str], dict[str, str]]:
        try:
            if self.manifest_path.stat().st_size > MAX_MANIFEST_BYTES:
                return {}, {}  # not one of ours: every file is rewritten, none deleted
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}, {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}, {}
        files, inputs = data.get("files"), data.get("inputs")
        if not isinstance(files, dict):
            return {}, {}
        if not data.get("finished"):
            # an earlier build was cut short: its files are known, their content is not
            return {str(k): "" for k in files}, {}
        inputs = inputs if isinstance(inputs, dict) else {}
        return {str(k): str(v) for k, v in files.items()}, {
            str(k): str(v) for k, v in inputs.items()
        }

    def _write_manifest(
        self, files: dict[str, str], inputs: dict[str, str], finished: bool
    ) -> None:
        body = {
            "format": FORMAT,
            "finished": finished,
            "files": dict(sorted(files.items())),
            "inputs": dict(sorted(inputs.items())),
        }
        atomic_write_bytes(self.manifest_path, json.dumps(body, indent=0).encode())

    def reuse(self, rel: str, inputs: str) -> bool:
        """Keep a page made from the same inputs by the last build (it is not rendered again)."""
        rel = _safe_relative(rel)
        digest = self.before.get(rel)
        target = self.out / rel
        if not digest or self.inputs_before.get(rel) != inputs or not target.is_file():
            return False
        self.files[rel] = digest
        self.inputs[rel] = inputs
        self.stats.sizes[rel] = target.stat().st_size
        self.stats.unchanged += 1
        return True

    def write(self, rel: str, data: bytes, inputs: str = "") -> None:
        rel = _safe_relative(rel)
        digest = hashlib.sha256(data).hexdigest()
        self.files[rel] = digest
        if inputs:
            self.inputs[rel] = inputs
        self.stats.sizes[rel] = len(data)
        target = self.out / rel
        if self.before.get(rel) == digest and target.is_file():
            self.stats.unchanged += 1
            return
        atomic_write_bytes(target, data, durable=False)
        self.stats.written += 1

    def place(self, rel: str, source: Path, key: str) -> None:
        """A media file, known by ``key`` (its file name holds its content hash)."""
        rel = _safe_relative(rel)
        self.files[rel] = key
        target = self.out / rel
        if self.before.get(rel) == key and target.is_file():
            self.stats.unchanged += 1
            return
        place(source, target)
        self.stats.written += 1

    def finish(self) -> WriteStats:
        """Delete what earlier builds wrote and this one did not, then mark the build done."""
        for rel in sorted(set(self.before) - set(self.files)):
            with contextlib.suppress(OSError, ValueError):
                (self.out / _safe_relative(rel)).unlink()
                self.stats.removed += 1
        self._remove_empty_folders()
        os.sync()  # the pages were written without a sync each; one for all of them
        self._write_manifest(self.files, self.inputs, finished=True)
        return self.stats

    def _remove_empty_folders(self) -> None:
        folders = {(self.out / rel).parent for rel in self.before}
        for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
            if folder != self.out:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty
