"""Signing in and out, the start page and the emergency banner fragment."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response
from starlette.routing import Route

from commune.console import signin
from commune.console.catalogue import t
from commune.console.sessions import PASSWORD, SIGNED_IN
from commune.console.web import LOGIN_PATH, Visit, page

HOME = "/thiet-bi"


def local_target(value: str) -> str:
    """Where to go after signing in: a path on this site only."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return HOME


@page(public=True)
def login_form(visit: Visit) -> Response:
    if visit.user is not None:
        return visit.redirect(HOME)
    visit.ensure_session()
    notes = {"het-han": "login_expired", "da-thoat": "login_out"}
    note = notes.get(visit.request.query_params.get("tb", ""))
    return visit.render(
        "login.html",
        target=local_target(visit.request.query_params.get("tiep", "")),
        note=t(note) if note else "",
        error="",
        name="",
    )


@page(public=True)
def login_submit(visit: Visit) -> Response:
    name = visit.form.get("name").strip().lower()[:64]
    target = local_target(visit.form.get("tiep"))
    attempt = signin.check_password(visit.console, name, visit.form.get("password"), visit.address)
    if attempt.outcome == signin.OK:
        visit.rotate(name, SIGNED_IN)
        return visit.redirect(target)
    if attempt.outcome == signin.NEEDS_CODE:
        visit.rotate(name, PASSWORD)
        return visit.redirect(f"{LOGIN_PATH}/ma?tiep={quote(target)}")
    if attempt.outcome == signin.THROTTLED:
        error, status = t("login_throttled", minutes=attempt.wait_minutes), 429
    else:
        error, status = t("login_failed"), 401
    return visit.render("login.html", status=status, target=target, note="", error=error, name=name)


def _pending_user(visit: Visit) -> str | None:
    session = visit.session
    return session.user if session is not None and session.stage == PASSWORD else None


@page(public=True)
def code_form(visit: Visit) -> Response:
    if _pending_user(visit) is None:
        return visit.redirect(LOGIN_PATH)
    target = local_target(visit.request.query_params.get("tiep", ""))
    return visit.render("login_code.html", target=target, error="")


@page(public=True)
def code_submit(visit: Visit) -> Response:
    name = _pending_user(visit)
    if name is None:
        return visit.redirect(LOGIN_PATH)
    target = local_target(visit.form.get("tiep"))
    attempt = signin.check_code(visit.console, name, visit.form.get("code"), visit.address)
    if attempt.outcome == signin.OK:
        visit.rotate(name, SIGNED_IN)
        return visit.redirect(target)
    if attempt.outcome == signin.THROTTLED:
        error, status = t("login_throttled", minutes=attempt.wait_minutes), 429
    else:
        error, status = t("totp_failed"), 401
    return visit.render("login_code.html", status=status, target=target, error=error)


@page()
def logout(visit: Visit) -> Response:
    visit.audit("logout")
    visit.end()
    return visit.redirect(f"{LOGIN_PATH}?tb=da-thoat")


@page()
def home(visit: Visit) -> Response:
    return visit.redirect(HOME)


@page(passive=True)
def banner(visit: Visit) -> Response:
    return visit.render("banner.html")


routes = [
    Route("/", home),
    Route(LOGIN_PATH, login_form, methods=["GET"]),
    Route(LOGIN_PATH, login_submit, methods=["POST"]),
    Route(f"{LOGIN_PATH}/ma", code_form, methods=["GET"]),
    Route(f"{LOGIN_PATH}/ma", code_submit, methods=["POST"]),
    Route("/dang-xuat", logout, methods=["POST"]),
    Route("/canh-bao", banner, methods=["GET"]),
]
