"""Schedule: a month or week calendar of the planned slots of every plan on every device
(or one device), coloured by priority, with quiet hours, holidays, moved and quarantined
plans and the aired or missed marks of the play logs; below it, the plans themselves."""

from __future__ import annotations

from markupsafe import Markup
from starlette.responses import Response
from starlette.routing import Route

from commune.console.content.calendar_view import MONTH, WEEK, Calendar, build_calendar, period_of
from commune.console.content.place import schedule_source
from commune.console.content.plan_form import WEEKDAYS
from commune.console.content.plan_list import plan_rows
from commune.console.nav import NavItem
from commune.console.snapshots import Snapshots, bucket
from commune.console.web import Visit, page
from village.plan import Policy

BASE = "/lich"


SHARED_S = 5.0  # "today" and the slots gone by follow the clock within this
# (the marks and schedules it was built from, the calendar, its rendered grid)
_grids: Snapshots[tuple[object, object, Calendar, str]] = Snapshots(max_entries=16)


def calendar(visit: Visit) -> tuple[Calendar, str]:
    """The calendar the request asks for and its rendered grid, shared by everyone asking
    the same: built again at once when the content or the marks change (their objects are
    part of the key, and held by the entry so an id is never reused while it lives)."""
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
    marks = source.marks(begin, end)

    def build() -> tuple[object, object, Calendar, str]:
        shown = build_calendar(period, schedules, marks, policy, now, device)
        grid = console.templates.get_template("schedule_grid.html").render(
            calendar=shown, weekdays=WEEKDAYS, month=MONTH, week=WEEK
        )
        return schedules, marks, shown, grid

    key = (id(console), period, device, policy, id(schedules), id(marks))
    _schedules, _marks, shown, grid = _grids.get(key, bucket(now, SHARED_S), build)
    return shown, grid


@page("schedule.view")
def schedule(visit: Visit) -> Response:
    shown, grid = calendar(visit)
    source = schedule_source(visit.console)
    return visit.render(
        "schedule.html",
        calendar=shown,
        grid=Markup(grid),
        plans=plan_rows(source.holdings()),
        devices=visit.console.hub.repository.device_ids(),
        weekdays=WEEKDAYS,
        month=MONTH,
        week=WEEK,
    )


routes = [Route(BASE, schedule, methods=["GET"])]
menu = [NavItem(BASE, "nav_schedule", "schedule.view", 40)]
