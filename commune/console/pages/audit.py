"""Audit (admins): the append-only log of who did what, when and from where."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from commune.console.nav import NavItem
from commune.console.web import Visit, page

PAGE_SIZE = 100


@page("audit.view")
def audit(visit: Visit) -> Response:
    params = visit.request.query_params
    actor = params.get("nguoi", "")[:64]
    action = params.get("thao-tac", "")[:40]
    before_text = params.get("truoc", "")
    before = int(before_text) if before_text.isdigit() else None
    log = visit.console.audit
    entries = log.entries(limit=PAGE_SIZE, before=before, actor=actor, action=action)
    older = entries[-1].id if len(entries) == PAGE_SIZE else None
    return visit.render(
        "audit.html",
        entries=entries,
        actions=sorted(log.actions()),
        actor=actor,
        action=action,
        older=older,
    )


routes = [Route("/nhat-ky", audit, methods=["GET"])]
menu = [NavItem("/nhat-ky", "nav_audit", "audit.view", 90)]
