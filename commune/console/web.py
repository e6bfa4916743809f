"""How a console page is served: the ``page`` decorator and the ``Visit`` it hands over.

``@page("permission")`` wraps a plain (synchronous) function ``handler(visit) -> Response``
that runs in the thread pool, so it may use the hub's store directly. Before the handler
runs, in this order: the session is loaded from its cookie; a state-changing request
(POST…) must come from this site (``Origin`` / ``Sec-Fetch-Site``); the visitor must be
signed in (unless ``public=True``) and hold the permission; the body is read within its
limits; the CSRF token (form field ``csrf`` or header ``X-CSRF-Token``) must match the
session's. Any of these failing gives a refusal page and the handler never runs.
"""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from commune.console.accounts import User
from commune.console.catalogue import t
from commune.console.context import Console
from commune.console.errors import UploadRefused
from commune.console.forms import Form, read_form
from commune.console.nav import visible_nav
from commune.console.roles import grants
from commune.console.sessions import Session
from village.errors import VillageError

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD"})
HANDLER_THREADS = 4  # pages are CPU work under one GIL: more threads only add memory
LOGIN_PATH = "/dang-nhap"
PASSWORD_PATH = "/tai-khoan/mat-khau"
MUST_CHANGE_ALLOWED = frozenset({PASSWORD_PATH, "/dang-xuat"})

Handler = Callable[["Visit"], Response]


class Refusal(Exception):
    """Stops a visit with a response (login redirect, 403 page…)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def cookie_name(console: Console) -> str:
    return "__Host-village" if console.https else "village"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


@dataclass
class Visit:
    console: Console
    request: Request
    session: Session | None
    user: User | None
    form: Form = field(default_factory=Form)
    new_token: str | None = None
    clear_cookie: bool = False

    @property
    def address(self) -> str:
        return client_address(self.request)

    @property
    def actor(self) -> str:
        return self.user.name if self.user else "-"

    @property
    def csrf(self) -> str:
        return self.session.csrf if self.session else ""

    @property
    def htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"

    def may(self, permission: str) -> bool:
        return self.user is not None and grants(self.user.roles, permission)

    def audit(self, action: str, target: str = "", detail: str = "") -> None:
        self.console.audit.record(self.actor, self.address, action, target, detail)

    # -- session changes ---------------------------------------------------------------

    def rotate(self, user: str, stage: str) -> None:
        """Move to a new session (new token, new CSRF token) at ``stage``."""
        sessions = self.console.sessions
        if self.session is None:
            self.session = sessions.create(self.address, user, stage)
        else:
            self.session = sessions.advance(self.session, user, stage)
        self.new_token = self.session.token
        self.user = self.console.accounts.get(user)

    def end(self) -> None:
        """Log out: the session is deleted and a fresh anonymous one takes its place."""
        if self.session is not None:
            self.console.sessions.drop(self.session)
        self.session = self.console.sessions.create(self.address)
        self.new_token = self.session.token
        self.user = None

    def ensure_session(self) -> Session:
        if self.session is None:
            self.session = self.console.sessions.create(self.address)
            self.new_token = self.session.token
        return self.session

    # -- responses ---------------------------------------------------------------------

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        from commune.console.banner import active_emergencies

        env = self.console.templates
        values = {
            "visit": self,
            "user": self.user,
            "csrf": self.csrf,
            "nav": visible_nav(self) if self.user else [],
            "path": self.request.url.path,
            "emergencies": active_emergencies(self.console) if self.user else [],
            **context,
        }
        html = env.get_template(template).render(values)
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    def redirect(self, path: str) -> Response:
        if self.htmx:
            return Response(status_code=204, headers={"HX-Redirect": path})
        return RedirectResponse(path, status_code=303)


def _same_site(request: Request) -> bool:
    """A state-changing request must come from this site's own pages.

    ``Origin`` is compared when the browser sends a real one; with ``Referrer-Policy:
    no-referrer`` Chromium sends ``Origin: null`` on same-site form posts, so then
    ``Sec-Fetch-Site`` decides. A client sending neither (not a browser) relies on the
    CSRF token alone.
    """
    origin = request.headers.get("origin")
    if origin and origin != "null":
        parts = urlsplit(origin)
        own = request.url
        return (parts.scheme, parts.netloc) == (own.scheme, request.headers.get("host", ""))
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    return origin is None


def _refusal(visit: Visit, status: int, message_key: str) -> Refusal:
    response = visit.render("refused.html", status=status, message=t(message_key))
    return Refusal(response)


def _begin(
    console: Console, request: Request, permission: str | None, public: bool, passive: bool
) -> Visit:
    token = request.cookies.get(cookie_name(console), "")
    session = console.sessions.load(token, touch=not passive) if token else None
    user = None
    if session is not None and session.signed_in and session.user:
        user = console.accounts.get(session.user)
        if user is None or user.disabled:
            console.sessions.drop(session)
            session, user = None, None
    visit = Visit(console, request, session, user)
    if request.method not in SAFE_METHODS and not _same_site(request):
        raise _refusal(visit, 403, "refused_origin")
    if public:
        return visit
    if user is None:
        raise Refusal(_to_login(visit))
    if user.must_change and request.url.path not in MUST_CHANGE_ALLOWED:
        raise Refusal(visit.redirect(PASSWORD_PATH))
    if permission is not None and not visit.may(permission):
        raise _refusal(visit, 403, "refused_role")
    return visit


def _to_login(visit: Visit) -> Response:
    request = visit.request
    if request.method in SAFE_METHODS and not visit.htmx:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{LOGIN_PATH}?tiep={quote(target)}", status_code=303)
    if visit.htmx:
        return Response(status_code=401, headers={"HX-Redirect": f"{LOGIN_PATH}?tb=het-han"})
    return visit.render("refused.html", status=401, message=t("refused_session"))


def _check_csrf(visit: Visit) -> None:
    sent = visit.request.headers.get("x-csrf-token") or visit.form.get("csrf")
    expected = visit.session.csrf if visit.session else ""
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise _refusal(visit, 403, "refused_csrf")


def _set_cookie(visit: Visit, response: Response) -> None:
    name = cookie_name(visit.console)
    if visit.new_token:
        response.set_cookie(
            name,
            visit.new_token,
            httponly=True,
            samesite="strict",
            secure=visit.console.https,
            path="/",
        )
    elif visit.clear_cookie:
        response.delete_cookie(name, path="/", secure=visit.console.https, samesite="strict")


def _failure_page(visit: Visit, exc: BaseException) -> Response:
    if isinstance(exc, UploadRefused):
        return visit.render("refused.html", status=exc.status, message=str(exc))
    if isinstance(exc, VillageError):
        return visit.render("refused.html", status=400, message=str(exc))
    log.exception("console page %s failed", visit.request.url.path, exc_info=exc)
    return visit.render("refused.html", status=500, message=t("refused_internal"))


def _limiter(request: Request) -> anyio.CapacityLimiter:
    """The console's own thread pool (made in the server's event loop, on first use)."""
    state = request.app.state
    limiter = getattr(state, "limiter", None)
    if limiter is None:
        limiter = state.limiter = anyio.CapacityLimiter(HANDLER_THREADS)
    return limiter


def page(
    permission: str | None = None, *, public: bool = False, passive: bool = False
) -> Callable[[Handler], Callable[[Request], Any]]:
    """Make ``handler(visit) -> Response`` a Starlette endpoint guarded as described above.

    ``passive=True``: a fragment the page polls by itself (live tables, the banner); it
    does not keep the session alive, so the idle timeout counts from the person's last
    own request."""

    def wrap(handler: Handler) -> Callable[[Request], Any]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            console: Console = request.app.state.console
            limiter = _limiter(request)

            async def run(function: Callable[..., Any], *args: Any) -> Any:
                return await anyio.to_thread.run_sync(function, *args, limiter=limiter)

            visit: Visit | None = None
            try:
                visit = await run(_begin, console, request, permission, public, passive)
                if request.method not in SAFE_METHODS:
                    visit.form = await read_form(request, console.upload_cap, console.upload_dir)
                    await run(_check_csrf, visit)
                response = await run(handler, visit)
            except Refusal as refusal:
                response = refusal.response
            except Exception as exc:  # every failure gets a page
                if visit is None:
                    raise
                response = await run(_failure_page, visit, exc)
            finally:
                if visit is not None:
                    visit.form.discard()
            if visit is not None:
                _set_cookie(visit, response)
            return response

        endpoint.permission = permission  # type: ignore[attr-defined] # read by the tests
        endpoint.public = public  # type: ignore[attr-defined]
        return endpoint

    return wrap
