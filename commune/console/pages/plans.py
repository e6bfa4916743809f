"""A recurring plan made or changed in a form, its next slots previewed as staff type
(htmx, debounced), then published to chosen devices with their progress."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from commune.console.catalogue import t
from commune.console.content import plan_form as forms
from commune.console.content.place import schedule_source
from commune.console.content.plan_list import held_plans
from commune.console.content.publishing import Change, chosen_devices, publish
from commune.console.web import Visit, page
from village.library import save_plan
from village.plan import Plan, Policy, read_plans

BASE = "/lich/ke-hoach"


def _editing(visit: Visit) -> tuple[Plan | None, bool]:
    """(the plan named by ``ma``, whether one was named)."""
    key = visit.request.query_params.get("ma", "") or visit.form.get("ma")
    if not key:
        return None, False
    record = held_plans(schedule_source(visit.console).holdings()).get(key)
    if record is None:
        return None, True
    plans, _ = read_plans([record])
    return (plans[0] if plans else None), True


def _holders(visit: Visit, plan_id: str) -> list[str]:
    held = schedule_source(visit.console).holdings()
    holders = [d for d, h in held.items() if any(r.get("id") == plan_id for r in h.plans)]
    return [] if len(holders) == len(held) else holders


def _segments(visit: Visit) -> list:  # village.content.Segment
    segments = visit.console.hub.library.snapshot().segments.values()
    return sorted(segments, key=lambda s: s.title)


def _form_page(
    visit: Visit,
    values: forms.PlanForm,
    editing: Plan | None,
    problems: list[str],
    status: int = 200,
) -> Response:
    chosen = set(visit.form.getlist("device")) or set(
        _holders(visit, editing.id) if editing else []
    )
    return visit.render(
        "plan_form.html",
        status=status,
        values=values,
        editing=editing,
        problems=problems,
        weekdays=forms.WEEKDAYS,
        priorities=forms.PRIORITIES,
        segments=_segments(visit),
        devices=visit.console.hub.repository.device_ids(),
        chosen=chosen,
        preview=_preview(visit, values, editing),
    )


def _preview(visit: Visit, values: forms.PlanForm, editing: Plan | None) -> dict:
    console = visit.console
    try:
        plan = forms.make_plan(values, editing, console.config.schedule.timezone)
    except forms.PlanFormError as exc:
        return {"problems": exc.problems, "slots": None}
    targets = chosen_devices(console.hub, visit.form.getlist("device")) or None
    others, _ = read_plans(held_plans(schedule_source(console).holdings(), targets).values())
    durations = {sid: s.duration_s for sid, s in console.hub.library.snapshot().segments.items()}
    policy = Policy.from_config(console.config)
    return {
        "problems": [],
        "slots": forms.preview(plan, others, durations, policy, console.now()),
        "zone": policy.zone,
    }


@page("schedule.publish")
def plan_form(visit: Visit) -> Response:
    editing, named = _editing(visit)
    if named and editing is None:
        return visit.render("refused.html", status=404, message=t("refused_not_found"))
    values = forms.PlanForm.from_plan(editing) if editing else forms.PlanForm()
    if editing is None:
        values.first_day = visit.console.now().astimezone(visit.console.zone).date().isoformat()
    return _form_page(visit, values, editing, [])


@page("schedule.publish")
def slots_preview(visit: Visit) -> Response:
    editing, _ = _editing(visit)
    query = visit.request.query_params
    visit.form.fields = {key: query.getlist(key) for key in query}
    values = forms.PlanForm.from_form(visit.form, editing)
    return visit.render("_plan_preview.html", preview=_preview(visit, values, editing))


@page("schedule.publish")
def save(visit: Visit) -> Response:
    console = visit.console
    editing, named = _editing(visit)
    if named and editing is None:
        return visit.render("refused.html", status=404, message=t("refused_not_found"))
    values = forms.PlanForm.from_form(visit.form, editing)
    try:
        plan = forms.make_plan(values, editing, console.config.schedule.timezone)
    except forms.PlanFormError as exc:
        return _form_page(visit, values, editing, exc.problems, status=400)
    devices = chosen_devices(console.hub, visit.form.getlist("device"))
    library = console.hub.library.snapshot().segments
    named_segments = sorted({*plan.segments, *plan.intro, *plan.outro} & set(library))
    save_plan(console.hub.library, plan)
    changes: list[Change] = [("plans", plan.id, plan.to_dict())]
    changes += [("segments", s, library[s].to_dict()) for s in named_segments]
    result = publish(console.hub, changes, devices, f"plan {plan.id}")
    version = result.version.version
    visit.audit("publish", target=f"plan {plan.id} v{version}", detail=plan.title)
    return visit.redirect(f"/tien-do/{version}")


routes = [
    Route(BASE, plan_form, methods=["GET"]),
    Route(BASE, save, methods=["POST"]),
    Route(f"{BASE}/xem-truoc", slots_preview, methods=["GET"]),
]
