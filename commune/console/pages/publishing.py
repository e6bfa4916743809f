"""A publication's progress: each device the version reaches, until it has applied it
(the table reloads itself every second while a device is still on its way)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from commune.console.catalogue import t
from commune.console.content.publishing import progress
from commune.console.web import Visit, page

BASE = "/tien-do"
REFRESH_S = 1


def _progress(visit: Visit, template: str) -> Response:
    try:
        number = int(str(visit.request.path_params["version"]))
    except ValueError:
        number = 0
    found = progress(visit.console.hub, number) if number > 0 else None
    if found is None:
        return visit.render("refused.html", status=404, message=t("refused_not_found"))
    return visit.render(
        template,
        progress=found,
        refresh_s=REFRESH_S,
        running=visit.console.hub.daemon_running(),
    )


@page("devices.view")
def publication(visit: Visit) -> Response:
    return _progress(visit, "publish_progress.html")


@page("devices.view")
def publication_table(visit: Visit) -> Response:
    return _progress(visit, "_publish_progress.html")


routes = [
    Route(BASE + "/{version:str}", publication, methods=["GET"]),
    Route(BASE + "/{version:str}/bang", publication_table, methods=["GET"]),
]
