"""My account: change my password, turn the TOTP second factor on or off."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from commune.console import totp
from commune.console.catalogue import t
from commune.console.errors import AccountError
from commune.console.sessions import SIGNED_IN
from commune.console.tokens import seal, unseal
from commune.console.web import PASSWORD_PATH, Visit, page

ENROL_S = 600.0


def _page(visit: Visit, status: int = 200, **values: object) -> Response:
    context: dict[str, object] = {"message": "", "error": "", "enrol": None}
    context.update(values)
    return visit.render("account.html", status=status, **context)


@page()
def account(visit: Visit) -> Response:
    return _page(visit)


def _password_ok(visit: Visit) -> bool:
    assert visit.user is not None
    return visit.console.accounts.verify(visit.user.name, visit.form.get("current")) is not None


@page()
def change_password(visit: Visit) -> Response:
    assert visit.user is not None
    name = visit.user.name
    if not _password_ok(visit):
        visit.console.throttle.failed(name, visit.address)
        return _page(visit, 400, error=t("account_password_wrong"))
    new, again = visit.form.get("new"), visit.form.get("again")
    if new != again:
        return _page(visit, 400, error=t("account_password_mismatch"))
    try:
        visit.console.accounts.set_password(name, new)
    except AccountError as exc:
        return _page(visit, 400, error=str(exc))
    visit.audit("password", name)
    visit.console.sessions.drop_user(name)  # every other browser signs in again
    visit.rotate(name, SIGNED_IN)
    return _page(visit, message=t("account_password_changed"))


@page()
def enrol_form(visit: Visit) -> Response:
    assert visit.user is not None
    secret = totp.new_secret()
    return _page(visit, enrol=_enrolment(visit, secret))


def _enrolment(visit: Visit, secret: str) -> dict[str, str]:
    assert visit.user is not None
    uri = totp.provisioning_uri(secret, visit.user.name, visit.console.hub.commune)
    expires = visit.console.now().timestamp() + ENROL_S
    return {
        "secret": secret,
        "qr": totp.qr_svg(uri),
        "sealed": seal(visit.csrf, "totp", {"secret": secret}, expires),
    }


@page()
def enrol_confirm(visit: Visit) -> Response:
    assert visit.user is not None
    now = visit.console.now()
    value = unseal(visit.csrf, "totp", visit.form.get("sealed"), now.timestamp())
    if value is None:
        return _page(visit, 400, error=t("send_confirm_expired"))
    secret = str(value["secret"])
    if totp.matching_step(secret, visit.form.get("code"), now) is None:
        return _page(visit, 400, error=t("totp_failed"), enrol=_enrolment(visit, secret))
    visit.console.accounts.set_totp(visit.user.name, secret)
    visit.audit("totp-on", visit.user.name)
    visit.user = visit.console.accounts.get(visit.user.name)
    return _page(visit, message=t("account_totp_enabled"))


@page()
def totp_off(visit: Visit) -> Response:
    assert visit.user is not None
    if not _password_ok(visit):
        return _page(visit, 400, error=t("account_password_wrong"))
    visit.console.accounts.set_totp(visit.user.name, None)
    visit.audit("totp-off", visit.user.name)
    visit.user = visit.console.accounts.get(visit.user.name)
    return _page(visit, message=t("account_totp_disabled"))


routes = [
    Route("/tai-khoan", account, methods=["GET"]),
    Route(PASSWORD_PATH, account, methods=["GET"]),
    Route(PASSWORD_PATH, change_password, methods=["POST"]),
    Route("/tai-khoan/xac-thuc", enrol_form, methods=["GET"]),
    Route("/tai-khoan/xac-thuc", enrol_confirm, methods=["POST"]),
    Route("/tai-khoan/xac-thuc/tat", totp_off, methods=["POST"]),
]
