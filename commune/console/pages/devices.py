"""Devices: the commune's devices, live (the table reloads itself every few seconds)."""

from __future__ import annotations

import datetime as dt

from starlette.responses import Response
from starlette.routing import Route

from commune.console.nav import NavItem
from commune.console.status_board import RECENT, Board, build_board
from commune.console.web import Visit, page

REFRESH_S = 5


def board(visit: Visit) -> Board:
    console = visit.console
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


@page("devices.view")
def devices(visit: Visit) -> Response:
    return visit.render("devices.html", board=board(visit), refresh_s=REFRESH_S)


@page("devices.view")
def devices_table(visit: Visit) -> Response:
    return visit.render("devices_table.html", board=board(visit), refresh_s=REFRESH_S)


routes = [
    Route("/thiet-bi", devices, methods=["GET"]),
    Route("/thiet-bi/bang", devices_table, methods=["GET"]),
]
menu = [NavItem("/thiet-bi", "nav_devices", "devices.view", 10)]
