"""One procedure edited in a form, checked exactly as a file would be.

The form's values become a one-record JSON file that goes through the importer's preview
and then the import itself (``procedure_preview``, ``commune.push.push_procedures``): the
same caps, the same text cleaning, the same problems by column, and publishing it sends a
new version of the commune's procedures to the devices, like any import. Marking a
procedure abolished (or replaced) is the same: its whole record with the new status and
effective date.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commune.console.content.procedure_preview import ProcedurePreview, preview_procedures
from commune.console.forms import Form
from village.procedures import COLUMNS, LIST_KEYS, Procedure
from village.store import ContentStore

FORM_KEYS = tuple(c.key for c in COLUMNS)
CHOSEN_STATUSES = ("", "new", "amended", "replaced", "abolished", "current")  # "": importer's
ENDED_STATUSES = ("abolished", "replaced")


def form_values(procedure: Procedure | None) -> dict[str, str]:
    """What the form shows for a procedure (lists one item a line), or an empty form."""
    if procedure is None:
        return dict.fromkeys(FORM_KEYS, "")
    data = procedure.to_dict()
    values = {}
    for key in FORM_KEYS:
        value = data.get(key, "")
        values[key] = "\n".join(value) if key in LIST_KEYS else str(value or "")
    values["status"] = ""  # the importer decides unless staff choose
    return values


def record_from_form(form: Form) -> dict[str, Any]:
    """The record the form describes, as a file row would give it (empty cells left out)."""
    record: dict[str, Any] = {}
    for key in FORM_KEYS:
        text = form.get(key)
        if key in LIST_KEYS:
            items = [line for line in text.splitlines() if line.strip()]
            if items:
                record[key] = items
        elif key == "status":
            if text in CHOSEN_STATUSES and text:
                record[key] = text
        elif text.strip():
            record[key] = text
    return record


def ended_record(procedure: Procedure, status: str, effective_date: str) -> dict[str, Any]:
    """The whole record of ``procedure``, no longer in force from ``effective_date``."""
    record = procedure.to_dict()
    record.pop("updated", None)
    record["status"] = status if status in ENDED_STATUSES else "abolished"
    record["effective_date"] = effective_date
    return {k: v for k, v in record.items() if v not in ("", [], None)}


@contextmanager
def one_record_file(record: dict[str, Any], folder: Path) -> Iterator[Path]:
    """``record`` as a JSON procedure file, removed afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix="form-") as scratch:
        path = Path(scratch) / "thu-tuc.json"
        path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
        yield path


@dataclass
class Checked:
    preview: ProcedurePreview
    errors: dict[str, list[str]] = field(default_factory=dict)  # form field -> problems
    general: list[str] = field(default_factory=list)  # problems of no one field

    @property
    def ok(self) -> bool:
        return not self.preview.rejected and not self.preview.problems


def check(library: ContentStore, path: Path) -> Checked:
    """The importer's verdict on a one-record file, problems placed by form field."""
    preview = preview_procedures(library, path, path.name)
    checked = Checked(preview)
    for problem in preview.problems:
        if problem.column in FORM_KEYS:
            checked.errors.setdefault(problem.column, []).append(problem.text)
        else:
            checked.general.append(problem.text)
    return checked
