"""Schedule: a month or week calendar of the planned slots of every plan on every device
(or one device), coloured by priority, with quiet hours, holidays, moved and quarantined
plans and the aired or missed marks of the play logs; below it, the plans themselves."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from commune.console.content.calendar_view import MONTH, WEEK, Calendar, build_calendar, period_of
from commune.console.content.place import schedule_source
from commune.console.content.plan_form import WEEKDAYS
from commune.console.content.plan_list import plan_rows
from commune.console.nav import NavItem
from commune.console.web import Visit, page
from village.plan import Policy

BASE = "/lich"


def calendar(visit: Visit) -> Calendar:
    console = visit.console
    policy = Policy.from_config(console.config)
    now = console.now()
    values = dict(visit.request.query_params)
    period = period_of(values, now.astimezone(policy.zone).date())
    known = console.hub.repository.device_ids()
    device = values.get("thiet-bi", "")
    device = device if device in known else ""
    source = schedule_source(console)
    begin, end = period.bounds(policy.zone)
    schedules = source.schedules(begin, end, policy, [device] if device else known)
    return build_calendar(period, schedules, source.marks(begin, end), policy, now, device)


@page("schedule.view")
def schedule(visit: Visit) -> Response:
    shown = calendar(visit)
    source = schedule_source(visit.console)
    return visit.render(
        "schedule.html",
        calendar=shown,
        plans=plan_rows(source.holdings()),
        devices=visit.console.hub.repository.device_ids(),
        weekdays=WEEKDAYS,
        month=MONTH,
        week=WEEK,
    )


routes = [Route(BASE, schedule, methods=["GET"])]
menu = [NavItem(BASE, "nav_schedule", "schedule.view", 40)]
