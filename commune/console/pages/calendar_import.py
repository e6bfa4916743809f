"""Importing a calendar file (.ics): uploaded, previewed (what it adds, replaces and
removes on the chosen devices, and its first slots), then pushed with its progress."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from commune.console.catalogue import t
from commune.console.content import calendar_import as calendars
from commune.console.content.place import staged_files
from commune.console.content.publishing import chosen_devices
from commune.console.errors import ConsoleError
from commune.console.web import Visit, page
from village.errors import PlanError

BASE = "/lich/nhap"


@page("schedule.publish")
def upload_form(visit: Visit) -> Response:
    return visit.render("calendar_upload.html", upload_cap=visit.console.upload_cap)


@page("schedule.publish")
def upload(visit: Visit) -> Response:
    file = visit.form.file("file")
    if file is None:
        raise ConsoleError(t("calendar_no_file"))
    staged = staged_files(visit.console).stage(
        file.path, file.suffix, visit.actor, file.filename, calendars.KIND
    )
    return visit.redirect(f"{BASE}/{staged.id}")


def _staged(visit: Visit):  # a staging.Staged or None
    staged_id = str(visit.request.path_params["staged"])
    return staged_files(visit.console).get(staged_id, visit.actor, calendars.KIND)


def _devices(visit: Visit) -> list[str]:
    chosen = visit.form.getlist("device") or visit.request.query_params.getlist("device")
    return chosen_devices(visit.console.hub, chosen)


@page("schedule.publish")
def preview(visit: Visit) -> Response:
    staged = _staged(visit)
    if staged is None:
        return visit.render("refused.html", status=404, message=t("refused_not_found"))
    devices = _devices(visit)
    try:
        found, error = calendars.preview(visit.console, staged, devices), ""
    except PlanError as exc:
        found, error = None, str(exc)
    return visit.render(
        "calendar_preview.html",
        status=400 if error else 200,
        staged=staged,
        preview=found,
        error=error,
        devices=visit.console.hub.repository.device_ids(),
        chosen=set(devices),
        zone=visit.console.zone,
        when=calendars.when,
    )


@page("schedule.publish")
def publish(visit: Visit) -> Response:
    staged = _staged(visit)
    if staged is None:
        return visit.render("refused.html", status=404, message=t("refused_not_found"))
    result = calendars.publish(visit.console, staged, _devices(visit))
    staged_files(visit.console).drop(staged)
    version = result.version.version
    visit.audit("publish", target=f"plans v{version}", detail=f"{staged.name}: {len(result.items)}")
    return visit.redirect(f"/tien-do/{version}")


routes = [
    Route(BASE, upload_form, methods=["GET"]),
    Route(BASE, upload, methods=["POST"]),
    Route(BASE + "/{staged:str}", preview, methods=["GET"]),
    Route(BASE + "/{staged:str}", publish, methods=["POST"]),
]
