"""The console's Starlette application: page modules, static files, security headers."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from commune.console.catalogue import t
from commune.console.context import STATIC, Console
from commune.console.headers import SecurityHeaders
from commune.console.nav import add_to_menu

# Each module has ``routes`` (a list of Starlette routes) and may have ``menu`` (NavItems).
PAGE_MODULES: tuple[str, ...] = (
    "commune.console.pages.auth",
    "commune.console.pages.account",
    "commune.console.pages.devices",
    "commune.console.pages.broadcasts",
    "commune.console.pages.send",
    "commune.console.pages.report",
    "commune.console.pages.users",
    "commune.console.pages.audit",
    "commune.console.pages.procedures",
    "commune.console.pages.publishing",
    "commune.console.pages.segments",
    "commune.console.pages.clips",
    "commune.console.pages.schedule",
    "commune.console.pages.plans",
    "commune.console.pages.calendar_import",
    "commune.console.pages.feeds",
)


def page_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for name in PAGE_MODULES:
        module = importlib.import_module(name)
        routes.extend(module.routes)
        add_to_menu(*getattr(module, "menu", ()))
    return routes


async def not_found(request: Request, exc: Exception) -> Response:
    html = request.app.state.console.templates.get_template("not_found.html").render(t=t)
    return HTMLResponse(html, status_code=404)


def build_app(console: Console, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The console app; ``extra_routes`` come first (e.g. the public site's mount)."""
    routes: list[BaseRoute] = [
        *extra_routes,
        *page_routes(),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found})
    app.state.console = console
    app.add_middleware(SecurityHeaders, https=console.https)
    return app
