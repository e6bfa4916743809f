"""Send: play-now, stop and emergency to chosen devices, then each device's answer.

An emergency takes two steps: the form (with a reason), then a confirmation page whose
button carries the order sealed with the session's secret for two minutes; only the
confirmation queues the command.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from starlette.responses import Response
from starlette.routing import Route

from commune.console import sending
from commune.console.catalogue import t
from commune.console.errors import ConsoleError
from commune.console.nav import NavItem
from commune.console.tokens import seal, unseal
from commune.console.web import Visit, page

RESULT = "/gui-lenh/ket-qua"
RECENT = dt.timedelta(days=2)


def _form_page(visit: Visit, status: int = 200, error: str = "") -> Response:
    console = visit.console
    segments = console.hub.library.snapshot().segments
    since = console.now() - RECENT
    return visit.render(
        "send.html",
        status=status,
        error=error,
        devices=console.hub.repository.device_ids(),
        segments=sorted(segments.values(), key=lambda s: s.title),
        recent=console.sends.recent(since, limit=10),
    )


def _order(visit: Visit, priority: str) -> sending.Order:
    form = visit.form
    action = "stop" if form.get("action") == "stop" else "play-now"
    return sending.make_order(
        action,
        priority,
        form.getlist("device"),
        form.getlist("segment"),
        form.get("title"),
        form.get("reason"),
    )


@page("send.view")
def send_form(visit: Visit) -> Response:
    return _form_page(visit)


def _refused_here(handler: Callable[[Visit], Response]) -> Callable[[Visit], Response]:
    """A refusal (no segment, a device without it…) shows the form again with why."""

    @functools.wraps(handler)
    def wrapped(visit: Visit) -> Response:
        try:
            return handler(visit)
        except ConsoleError as exc:
            return _form_page(visit, 400, str(exc))

    return wrapped


@page("send.play")
@_refused_here
def send_play(visit: Visit) -> Response:
    priority = visit.form.get("priority")
    order = _order(visit, priority if priority in ("ordinary", "priority") else "ordinary")
    record = sending.send(visit.console, order, visit.actor, visit.address)
    return visit.redirect(f"{RESULT}/{record.id}")


@page("send.emergency")
@_refused_here
def emergency_step(visit: Visit) -> Response:
    order = _order(visit, "emergency")
    if order.action != "play-now":
        return _form_page(visit, 400, t("send_need_segments"))
    sending.check_targets(visit.console, order)  # refused now, not after the confirmation
    expires = visit.console.now().timestamp() + sending.CONFIRM_S
    sealed = seal(visit.csrf, "emergency", order.to_dict(), expires)
    segments = visit.console.hub.library.snapshot().segments
    titles = [segments[s].title if s in segments else s for s in order.segments]
    return visit.render("send_confirm.html", order=order, sealed=sealed, titles=titles)


@page("send.emergency")
@_refused_here
def emergency_confirm(visit: Visit) -> Response:
    now = visit.console.now().timestamp()
    value = unseal(visit.csrf, "emergency", visit.form.get("sealed"), now)
    if value is None:
        return _form_page(visit, 400, t("send_confirm_expired"))
    order = sending.Order.from_dict(value)
    if order.priority != "emergency" or not order.reason or not order.segments:
        return _form_page(visit, 400, t("send_confirm_expired"))
    record = sending.send(visit.console, order, visit.actor, visit.address)
    return visit.redirect(f"{RESULT}/{record.id}")


def _result(visit: Visit, template: str) -> Response:
    send_id = str(visit.request.path_params["send_id"])
    record = visit.console.sends.get(send_id)
    if record is None:
        return visit.render("refused.html", status=404, message=t("refused_not_found"))
    return visit.render(
        template,
        record=record,
        answers=sending.answers(visit.console, record),
        running=visit.console.hub.daemon_running(),
    )


@page("send.view")
def result(visit: Visit) -> Response:
    return _result(visit, "send_result.html")


@page("send.view", passive=True)
def result_table(visit: Visit) -> Response:
    return _result(visit, "send_answers.html")


routes = [
    Route("/gui-lenh", send_form, methods=["GET"]),
    Route("/gui-lenh", send_play, methods=["POST"]),
    Route("/gui-lenh/khan-cap", emergency_step, methods=["POST"]),
    Route("/gui-lenh/khan-cap/xac-nhan", emergency_confirm, methods=["POST"]),
    Route(RESULT + "/{send_id:str}", result, methods=["GET"]),
    Route(RESULT + "/{send_id:str}/bang", result_table, methods=["GET"]),
]
menu = [NavItem("/gui-lenh", "nav_send", "send.view", 50)]
