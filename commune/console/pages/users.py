"""Users (admins): the accounts, a new account, roles, password reset, lock, second factor."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from commune.console import user_admin
from commune.console.catalogue import t
from commune.console.errors import AccountError
from commune.console.nav import NavItem
from commune.console.roles import ALL_ROLES
from commune.console.web import Visit, page

NOTES = {
    "them": "users_added",
    "vai-tro": "users_roles_saved",
    "mat-khau": "users_password_reset",
    "khoa": "users_disabled_done",
    "mo-khoa": "users_enabled_done",
    "tat-xac-thuc": "users_totp_reset_done",
}


def _list(visit: Visit, status: int = 200, error: str = "") -> Response:
    note = visit.request.query_params.get("tb", "")
    name = visit.request.query_params.get("ten", "")
    message = t(NOTES[note], name=name) if note in NOTES else ""
    return visit.render(
        "users.html",
        status=status,
        users=visit.console.accounts.all(),
        roles=ALL_ROLES,
        error=error,
        message=message,
    )


@page("users.manage")
def users(visit: Visit) -> Response:
    return _list(visit)


@page("users.manage")
def user_add(visit: Visit) -> Response:
    form = visit.form
    name = form.get("name").strip().lower()
    try:
        user_admin.add_user(
            visit.console,
            visit.actor,
            visit.address,
            name,
            form.get("password"),
            user_admin.roles_from(form.getlist("role")),
            form.get("display"),
        )
    except AccountError as exc:
        return _list(visit, 400, str(exc))
    return visit.redirect(f"/nguoi-dung?tb=them&ten={name}")


def _change(visit: Visit, note: str) -> Response:
    """Apply one change to the account in the path; back to the list with a note."""
    name = str(visit.request.path_params["name"])
    console, actor, address, form = visit.console, visit.actor, visit.address, visit.form
    try:
        console.accounts.require(name)
        if note == "vai-tro":
            roles = user_admin.roles_from(form.getlist("role"))
            user_admin.set_roles(console, actor, address, name, roles)
        elif note == "mat-khau":
            user_admin.reset_password(
                console, actor, address, name, form.get("password"), must_change=True
            )
        elif note in ("khoa", "mo-khoa"):
            user_admin.set_disabled(console, actor, address, name, note == "khoa")
        elif note == "tat-xac-thuc":
            user_admin.totp_off(console, actor, address, name)
    except AccountError as exc:
        return _list(visit, 400, str(exc))
    return visit.redirect(f"/nguoi-dung?tb={note}&ten={name}")


def _action(note: str):  # a Starlette endpoint
    @page("users.manage")
    def handler(visit: Visit) -> Response:
        return _change(visit, note)

    handler.__name__ = f"user_{note.replace('-', '_')}"
    return handler


routes = [
    Route("/nguoi-dung", users, methods=["GET"]),
    Route("/nguoi-dung", user_add, methods=["POST"]),
    *(
        Route(f"/nguoi-dung/{{name:str}}/{note}", _action(note), methods=["POST"])
        for note in ("vai-tro", "mat-khau", "khoa", "mo-khoa", "tat-xac-thuc")
    ),
]
menu = [NavItem("/nguoi-dung", "nav_users", "users.manage", 80)]
