"""Devices: the commune's devices, live (the table reloads itself every few seconds).

The table is the same for every visitor: it is built and rendered once per ``SHARED_S``
seconds and shared (``snapshots``), so twenty staff watching cost about one build.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from commune.console.context import Console
from commune.console.nav import NavItem
from commune.console.snapshots import Snapshots, bucket
from commune.console.status_board import RECENT, Board, build_board
from commune.console.web import Visit, page

REFRESH_S = 5
SHARED_S = 2.0
_tables: Snapshots[str] = Snapshots()


def board(console: Console) -> Board:
    repository = console.hub.repository
    now = console.now()
    since = (now - RECENT).astimezone(dt.UTC).isoformat()
    return build_board(
        repository.devices(),
        repository.versions(),
        repository.records(stream="playlog", since=since),
        now,
        console.zone,
        dt.timedelta(minutes=console.config.console.offline_alert_minutes),
    )


def table_html(console: Console) -> str:
    def build() -> str:
        template = console.templates.get_template("devices_table.html")
        return template.render(board=board(console), refresh_s=REFRESH_S)

    return _tables.get(id(console), bucket(console.now(), SHARED_S), build, background=True)


@page("devices.view")
def devices(visit: Visit) -> Response:
    return visit.render("devices.html", table=Markup(table_html(visit.console)))


@page("devices.view", passive=True)
def devices_table(visit: Visit) -> Response:
    return HTMLResponse(table_html(visit.console), headers={"Cache-Control": "no-store"})


routes = [
    Route("/thiet-bi", devices, methods=["GET"]),
    Route("/thiet-bi/bang", devices_table, methods=["GET"]),
]
menu = [NavItem("/thiet-bi", "nav_devices", "devices.view", 10)]
