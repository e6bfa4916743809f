"""What publishing a procedure file would change, worked out by the importer itself.

The preview is a dry run of the very import that publishing does
(``village.procedures.import_procedures``), made on a copy of the hub's library in a
scratch folder: the same checks, the same caps, the same merge, so the preview can never
say something the import would not do. Each procedure comes out as new, amended, replaced,
abolished or unchanged; every problem keeps the row and column the importer gave it.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from village.procedures import (
    COLUMN_BY_KEY,
    ImportReport,
    Problem,
    Procedure,
    ProcedureImportError,
    import_procedures,
)
from village.procedures.wording import problem_text, where_word
from village.store import ContentStore

KINDS = ("new", "amended", "replaced", "abolished", "unchanged")


@dataclass(frozen=True)
class ProblemLine:
    row: int  # 0: the whole file
    column: str  # as the file names it ("" for none)
    key: str  # the problem's kind (importer's name), for tests and styling
    text: str  # in Vietnamese


@dataclass(frozen=True)
class Change:
    code: str
    name: str
    kind: str  # one of KINDS
    status: str
    effective_date: str
    fields: tuple[str, ...] = ()  # headers of what an amendment changes


@dataclass
class ProcedurePreview:
    file_name: str
    record_word: str  # "dòng" (sheet, CSV) or "mục" (JSON)
    problems: list[ProblemLine] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rejected: bool = False  # nothing in the file can be imported

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in KINDS}

    @property
    def changed(self) -> int:
        return sum(1 for c in self.changes if c.kind != "unchanged")

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems if p.row})

    @property
    def publishable(self) -> bool:
        return not self.rejected and self.changed > 0


def record_word(word: str) -> str:
    return where_word(word)


def problem_lines(problems: list[Problem], where: str) -> list[ProblemLine]:
    return [ProblemLine(p.row, p.column, p.kind, problem_text(p, where)) for p in problems]


def _kind(outcome: str, record: Procedure) -> str:
    if outcome == "added":
        return "new"
    if outcome == "unchanged":
        return "unchanged"
    if record.status in ("replaced", "abolished"):
        return record.status
    return "amended"


def _changed_fields(old: Procedure | None, new: Procedure) -> tuple[str, ...]:
    if old is None:
        return ()
    before, after = old.content(), new.content()
    return tuple(COLUMN_BY_KEY[k].header for k in after if after[k] != before.get(k))


def _changes(
    report: ImportReport, old: dict[str, dict[str, Any]], after: ContentStore
) -> list[Change]:
    new = after.snapshot().procedures
    outcomes = {
        code: name
        for name in ("added", "amended", "status_changed", "unchanged")
        for code in getattr(report, name)
    }
    changes = []
    for code, outcome in outcomes.items():
        record = Procedure.from_dict(new[code])
        previous = Procedure.from_dict(old[code]) if code in old else None
        changes.append(
            Change(
                code,
                record.name,
                _kind(outcome, record),
                record.status,
                record.effective_date,
                _changed_fields(previous, record) if outcome == "amended" else (),
            )
        )
    order = {kind: index for index, kind in enumerate(KINDS)}
    changes.sort(key=lambda c: (order[c.kind], c.code))
    return changes


def preview_procedures(library: ContentStore, path: Path, shown_name: str) -> ProcedurePreview:
    """What importing ``path`` into ``library`` would do; ``library`` is only read."""
    with tempfile.TemporaryDirectory(prefix="village-preview-") as scratch:
        copy = ContentStore(Path(scratch) / "library")
        copy.data_dir.mkdir()
        if library.path.is_file():
            shutil.copyfile(library.path, copy.path)
        before = copy.snapshot().procedures
        try:
            report = import_procedures(copy, path, skip_bad_rows=True)
        except ProcedureImportError as exc:
            word = record_word(exc.record_word)
            return ProcedurePreview(
                shown_name, word, problem_lines(exc.problems, word), rejected=True
            )
        word = record_word(report.record_word)
        return ProcedurePreview(
            shown_name,
            word,
            problem_lines(report.skipped, word),
            _changes(report, before, copy),
            list(report.ignored_columns),
        )
