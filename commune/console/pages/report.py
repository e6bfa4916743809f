"""Report: choose the period and format, download the document; conferences in a form."""

from __future__ import annotations

import datetime as dt
import shutil

from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from commune.console import reporting
from commune.console.catalogue import t
from commune.console.errors import ConsoleError
from commune.console.formatting import vn_day
from commune.console.nav import NavItem
from commune.console.web import Visit, page
from commune.report.conference import new_conference, record_conference

SHOWN_CONFERENCES = 30


def _today(visit: Visit) -> dt.date:
    return visit.console.now().astimezone(visit.console.zone).date()


def _day(text: str) -> str:
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ConsoleError(t("broadcasts_bad_date", text=text[:40])) from None


def _page(visit: Visit, status: int = 200, error: str = "", message: str = "") -> Response:
    today = _today(visit)
    first = today.replace(day=1) if today.day > 1 else (today - dt.timedelta(days=1)).replace(day=1)
    conferences = sorted(
        visit.console.hub.repository.conferences(), key=lambda c: c.get("day", ""), reverse=True
    )
    return visit.render(
        "report.html",
        status=status,
        error=error,
        message=message,
        first=first.isoformat(),
        last=(today - dt.timedelta(days=1)).isoformat() if today.day > 1 else today.isoformat(),
        today=today.isoformat(),
        formats=list(reporting.FORMATS),
        conferences=conferences[:SHOWN_CONFERENCES],
    )


@page("report.view")
def report_form(visit: Visit) -> Response:
    note = visit.request.query_params.get("tb", "")
    message = t("conference_added", day=vn_day(note)) if note[:4].isdigit() else ""
    return _page(visit, message=message)


@page("report.view")
def report_make(visit: Visit) -> Response:
    form = visit.form
    first, last = _day(form.get("from")), _day(form.get("to"))
    kind = form.get("format")
    try:
        made = reporting.make_report(
            visit.console, first, last, kind, form.get("number"), form.get("allow_empty") == "1"
        )
    except ConsoleError as exc:
        return _page(visit, 400, error=str(exc))
    visit.audit("report", f"{first}..{last}", kind)
    return FileResponse(
        made.path,
        media_type=made.media_type,
        filename=made.name,
        background=BackgroundTask(shutil.rmtree, made.folder, ignore_errors=True),
    )


@page("report.conference")
def conference_add(visit: Visit) -> Response:
    form = visit.form
    try:
        attendees = int(form.get("attendees") or "0")
    except ValueError:
        attendees = 0
    day = _day(form.get("day"))
    conference = new_conference(day, attendees, form.get("topic"), form.get("place"), _today(visit))
    record_conference(visit.console.hub.repository, conference)
    visit.audit("conference", day, f"{conference.attendees} · {conference.topic}")
    return visit.redirect(f"/bao-cao?tb={day}")


routes = [
    Route("/bao-cao", report_form, methods=["GET"]),
    Route("/bao-cao", report_make, methods=["POST"]),
    Route("/bao-cao/hoi-nghi", conference_add, methods=["POST"]),
]
menu = [NavItem("/bao-cao", "nav_report", "report.view", 70)]
