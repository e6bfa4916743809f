"""Broadcasts: the as-run log with filters, and its CSV download."""

from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup
from starlette.responses import Response
from starlette.routing import Route

from commune.console import as_run
from commune.console.catalogue import t
from commune.console.context import Console
from commune.console.nav import NavItem
from commune.console.snapshots import Snapshots, bucket
from commune.console.web import Visit, page

SHARED_S = 15.0
# the rendered table (how many match, the rows shown), shared for a few seconds by everyone
# asking the same: rendered once, not once per visitor
_tables: Snapshots[str] = Snapshots(max_entries=8)


def _table(console: Console, filters: as_run.Filters) -> str:
    def build() -> str:
        records = as_run.select(console.hub.repository, filters, console.zone)
        rows = as_run.rows(records[: as_run.SHOWN], console.zone)
        template = console.templates.get_template("broadcasts_table.html")
        return template.render(total=len(records), rows=rows)

    return _tables.get(
        (id(console), filters), bucket(console.now(), SHARED_S), build, background=True
    )


def _filters(visit: Visit) -> as_run.Filters:
    console = visit.console
    today = console.now().astimezone(console.zone).date()
    devices = console.hub.repository.device_ids()
    return as_run.parse_filters(dict(visit.request.query_params), today, devices)


@page("broadcasts.view")
def broadcasts(visit: Visit) -> Response:
    console = visit.console
    filters = _filters(visit)
    query = urlencode(
        {
            "thiet-bi": filters.device,
            "tu": filters.first.isoformat(),
            "den": filters.last.isoformat(),
            "ket-qua": filters.outcome,
        }
    )
    return visit.render(
        "broadcasts.html",
        filters=filters,
        devices=console.hub.repository.device_ids(),
        outcomes=as_run.OUTCOMES,
        table=Markup(_table(console, filters)),
        csv_url=f"/phat-thanh.csv?{query}",
    )


@page("broadcasts.view")
def broadcasts_csv(visit: Visit) -> Response:
    console = visit.console
    filters = _filters(visit)
    records = as_run.select(console.hub.repository, filters, console.zone)
    body = as_run.to_csv(as_run.rows(records, console.zone))
    name = t("csv_name", first=filters.first.isoformat(), last=filters.last.isoformat())
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


routes = [
    Route("/phat-thanh", broadcasts, methods=["GET"]),
    Route("/phat-thanh.csv", broadcasts_csv, methods=["GET"]),
]
menu = [NavItem("/phat-thanh", "nav_broadcasts", "broadcasts.view", 60)]
