"""Procedures: the list and search, a file's preview then its publication, one procedure
edited in a form or marked abolished; every publication is a new version for the devices
and an entry in the audit log."""

from __future__ import annotations

import datetime as dt

from starlette.responses import Response
from starlette.routing import Route

from commune.console.catalogue import t
from commune.console.content import procedure_form as forms
from commune.console.content.place import console_folder, staged_files
from commune.console.content.procedure_list import list_procedures
from commune.console.content.procedure_preview import preview_procedures
from commune.console.content.publishing import chosen_devices
from commune.console.errors import ConsoleError
from commune.console.nav import NavItem
from commune.console.web import Visit, page
from commune.push import push_procedures
from village.procedures import COLUMNS, Procedure, ProcedureImportError, load_procedures

BASE = "/thu-tuc"
KIND = "procedures"


def _listing(visit: Visit):  # a procedure_list.Listing
    query = visit.request.query_params.get("q", "")
    return list_procedures(
        visit.console.hub.library, query, visit.console.config.kiosk.synonyms_file
    )


def _not_found(visit: Visit) -> Response:
    return visit.render("refused.html", status=404, message=t("refused_not_found"))


@page("procedures.view")
def procedures(visit: Visit) -> Response:
    return visit.render(
        "procedures.html",
        listing=_listing(visit),
        upload_cap=visit.console.upload_cap,
    )


@page("procedures.view")
def search(visit: Visit) -> Response:
    return visit.render("_procedure_rows.html", listing=_listing(visit))


@page("procedures.publish")
def upload(visit: Visit) -> Response:
    file = visit.form.file("file")
    if file is None:
        raise ConsoleError(t("procedures_no_file"))
    staged = staged_files(visit.console).stage(
        file.path, file.suffix, visit.actor, file.filename, KIND
    )
    return visit.redirect(f"{BASE}/xem-truoc/{staged.id}")


def _preview_page(visit: Visit, staged_id: str, status: int = 200) -> Response:
    staged = staged_files(visit.console).get(staged_id, visit.actor, KIND)
    if staged is None:
        return _not_found(visit)
    with staged_files(visit.console).under_its_name(staged) as path:
        preview = preview_procedures(visit.console.hub.library, path, staged.name)
    return visit.render(
        "procedure_preview.html",
        status=status,
        preview=preview,
        staged=staged,
        devices=visit.console.hub.repository.device_ids(),
    )


@page("procedures.publish")
def preview(visit: Visit) -> Response:
    return _preview_page(visit, str(visit.request.path_params["staged"]))


@page("procedures.publish")
def publish(visit: Visit) -> Response:
    staged_id = str(visit.request.path_params["staged"])
    files = staged_files(visit.console)
    staged = files.get(staged_id, visit.actor, KIND)
    if staged is None:
        return _not_found(visit)
    hub = visit.console.hub
    devices = chosen_devices(hub, visit.form.getlist("device"))
    try:
        with files.under_its_name(staged) as path:
            skip = visit.form.get("skip") == "1"
            result, report = push_procedures(hub, path, devices=devices, skip_bad_rows=skip)
    except ProcedureImportError:
        return _preview_page(visit, staged_id, status=400)
    files.drop(staged)
    detail = t(
        "procedures_audit",
        file=staged.name,
        added=len(report.added),
        amended=len(report.amended),
        status=len(report.status_changed),
        skipped=len(report.skipped),
    )
    visit.audit("publish", target=f"procedures v{result.version.version}", detail=detail)
    return visit.redirect(f"/tien-do/{result.version.version}")


def _procedure(visit: Visit) -> Procedure | None:
    code = visit.request.query_params.get("ma", "") or visit.form.get("ma")
    return load_procedures(visit.console.hub.library).get(code) if code else None


@page("procedures.view")
def detail(visit: Visit) -> Response:
    procedure = _procedure(visit)
    if procedure is None:
        return _not_found(visit)
    today = visit.console.now().astimezone(visit.console.zone).date().isoformat()
    return visit.render(
        "procedure.html",
        procedure=procedure,
        columns=COLUMNS,
        today=today,
        devices=visit.console.hub.repository.device_ids(),
    )


def _form_page(
    visit: Visit,
    values: dict[str, str],
    editing: Procedure | None,
    checked: forms.Checked | None = None,
    status: int = 200,
) -> Response:
    return visit.render(
        "procedure_form.html",
        status=status,
        values=values,
        editing=editing,
        columns=COLUMNS,
        statuses=forms.CHOSEN_STATUSES,
        errors=checked.errors if checked else {},
        general=checked.general if checked else [],
        unchanged=checked is not None and checked.ok and not checked.preview.changed,
        devices=visit.console.hub.repository.device_ids(),
        chosen=set(visit.form.getlist("device")),
    )


@page("procedures.publish")
def edit_form(visit: Visit) -> Response:
    editing = _procedure(visit)
    if visit.request.query_params.get("ma") and editing is None:
        return _not_found(visit)
    return _form_page(visit, forms.form_values(editing), editing)


def _publish_record(visit: Visit, record: dict) -> Response | forms.Checked:
    """Check and publish a one-record file; the check's verdict when it cannot be."""
    hub = visit.console.hub
    devices = chosen_devices(hub, visit.form.getlist("device"))
    with forms.one_record_file(record, console_folder(visit.console) / "tmp") as path:
        checked = forms.check(hub.library, path)
        if not checked.ok or not checked.preview.changed:
            return checked
        result, _ = push_procedures(hub, path, devices=devices)
    (change,) = checked.preview.changes
    visit.audit(
        "publish",
        target=f"procedure {change.code} v{result.version.version}",
        detail=(t(f"preview_kind_{change.kind}") + f": {change.name}")[:300],
    )
    return visit.redirect(f"/tien-do/{result.version.version}")


@page("procedures.publish")
def save(visit: Visit) -> Response:
    editing = _procedure(visit)
    record = forms.record_from_form(visit.form)
    if editing is not None:
        record["code"] = editing.code  # the code is what identifies it: never edited
    elif record.get("code") in load_procedures(visit.console.hub.library):
        raise ConsoleError(t("procedure_code_exists", code=str(record["code"])[:80]))
    outcome = _publish_record(visit, record)
    if isinstance(outcome, forms.Checked):
        values = {key: visit.form.get(key) for key in forms.FORM_KEYS}
        if editing is not None:
            values["code"] = editing.code
        return _form_page(visit, values, editing, outcome, status=400)
    return outcome


@page("procedures.publish")
def end(visit: Visit) -> Response:
    procedure = _procedure(visit)
    if procedure is None:
        return _not_found(visit)
    day = visit.form.get("effective_date").strip()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise ConsoleError(t("procedure_bad_end_date", value=day[:40])) from None
    outcome = _publish_record(visit, forms.ended_record(procedure, visit.form.get("status"), day))
    if isinstance(outcome, forms.Checked):
        problems = [p.text for p in outcome.preview.problems] or [t("procedure_already_ended")]
        raise ConsoleError("; ".join(problems))
    return outcome


routes = [
    Route(BASE, procedures, methods=["GET"]),
    Route(f"{BASE}/tim", search, methods=["GET"]),
    Route(f"{BASE}/tai-len", upload, methods=["POST"]),
    Route(BASE + "/xem-truoc/{staged:str}", preview, methods=["GET"]),
    Route(BASE + "/xem-truoc/{staged:str}", publish, methods=["POST"]),
    Route(f"{BASE}/xem", detail, methods=["GET"]),
    Route(f"{BASE}/sua", edit_form, methods=["GET"]),
    Route(f"{BASE}/sua", save, methods=["POST"]),
    Route(f"{BASE}/ngung", end, methods=["POST"]),
]
menu = [NavItem(BASE, "nav_procedures", "procedures.view", 20)]
