"""The console's guards, in a real browser against a real hub: no session, wrong role,
missing or wrong CSRF token, throttled logins, idle sessions, headers, rotation, TOTP."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from starlette.routing import Route

from tests.browser import *  # noqa: F403 - the fixtures
from tests.browser import PASSWORD, ConsoleHub, login, needs_browser_stack, signed_in

pytestmark = needs_browser_stack


def guarded_routes(hub: ConsoleHub) -> list[tuple[str, str, Any]]:
    """(method, path, endpoint) of every page and action of the console's app."""
    from commune.console.app import build_app

    found = []
    for route in build_app(hub.console).routes:
        if not isinstance(route, Route):
            continue
        path = re.sub(r"\{[^}]+\}", "x", route.path)
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, path, route.endpoint))
    return found


def test_every_page_and_action_is_refused_without_a_session(console_hub: ConsoleHub, page) -> None:
    routes = guarded_routes(console_hub)
    assert len(routes) > 10
    for method, path, endpoint in routes:
        if getattr(endpoint, "public", False):
            continue
        if method == "GET":
            page.goto(console_hub.url(path))
            assert "/dang-nhap" in page.url, f"GET {path} served without a session"
            assert page.locator("input[name=password]").count() == 1
        else:
            response = page.request.fetch(
                console_hub.url(path), method=method, form={"csrf": "x"}, max_redirects=0
            )
            assert response.status in (401, 403), f"{method} {path}: {response.status}"
    assert console_hub.audit("command") == [] and console_hub.audit("emergency") == []


def test_each_role_is_refused_what_it_does_not_hold(console_hub: ConsoleHub, browser) -> None:
    from commune.console.roles import ALL_ROLES, grants

    routes = [
        (m, p, e)
        for m, p, e in guarded_routes(console_hub)
        if m == "GET" and getattr(e, "permission", None)
    ]
    for role in ALL_ROLES:
        context = browser.new_context()
        tab = context.new_page()
        signed_in(tab, console_hub, role.value, name=f"chi-{role.value}")
        menu = set(tab.locator("nav.menu a").all_inner_texts())
        for _, path, endpoint in routes:
            response = tab.request.get(console_hub.url(path), max_redirects=0)
            if grants([role], endpoint.permission):
                assert response.status in (200, 404), f"{role} on {path}: {response.status}"
            else:
                assert response.status == 403, f"{role} reached {path}"
                assert "không có quyền" in response.text()
        assert menu, f"{role} sees no menu"
        context.close()


def test_a_form_without_or_with_a_wrong_csrf_token_is_refused(
    console_hub: ConsoleHub, page
) -> None:
    name = signed_in(page, console_hub, "viewer")
    for tamper in (
        "document.querySelector('form[action=\"/dang-xuat\"] input[name=csrf]').value = 'sai'",
        "document.querySelector('form[action=\"/dang-xuat\"] input[name=csrf]').remove()",
    ):
        page.evaluate(tamper)
        page.click("form[action='/dang-xuat'] button")
        assert "mã bảo vệ không khớp" in page.inner_text("main")
        page.goto(console_hub.url("/thiet-bi"))
        assert "/thiet-bi" in page.url  # still signed in: the logout did not happen
    assert [e.actor for e in console_hub.audit("logout")] == []
    page.click("form[action='/dang-xuat'] button")  # the page's own token works
    assert "/dang-nhap" in page.url
    assert [e.actor for e in console_hub.audit("logout")] == [name]


def test_a_post_from_another_site_is_refused(console_hub: ConsoleHub, page) -> None:
    signed_in(page, console_hub, "viewer")
    csrf = page.get_attribute("meta[name=csrf-token]", "content")
    response = page.request.post(
        console_hub.url("/dang-xuat"),
        form={"csrf": csrf},
        headers={"Origin": "http://evil.example"},
        max_redirects=0,
    )
    assert response.status == 403
    page.goto(console_hub.url("/thiet-bi"))
    assert "/thiet-bi" in page.url


def test_login_is_throttled_after_repeated_failures(console_hub: ConsoleHub, page, clock) -> None:
    console_hub.add_user("can-bo", "viewer")
    for _ in range(5):
        login(page, console_hub, "can-bo", "sai-mat-khau-roi")
        assert "Sai tên đăng nhập hoặc mật khẩu" in page.inner_text("main")
    login(page, console_hub, "can-bo")  # the right password, but too late
    assert "thử lại sau 15 phút" in page.inner_text("main")
    assert "/dang-nhap" in page.url
    clock.advance(15 * 60 + 1)
    login(page, console_hub, "can-bo")
    assert "/thiet-bi" in page.url
    failed = console_hub.audit("login-failed")
    assert len(failed) == 5 and {e.actor for e in failed} == {"can-bo"}
    assert console_hub.audit("login-throttled")


def test_a_session_expires_after_the_idle_time(console_hub: ConsoleHub, page, clock) -> None:
    signed_in(page, console_hub, "viewer")
    clock.advance(29 * 60)  # [console] idle_minutes = 30
    page.goto(console_hub.url("/thiet-bi"))
    assert "/thiet-bi" in page.url
    clock.advance(29 * 60)  # the visit above counted: 29 more minutes is still fine
    page.goto(console_hub.url("/thiet-bi"))
    assert "/thiet-bi" in page.url
    clock.advance(31 * 60)
    page.goto(console_hub.url("/thiet-bi"))
    assert "/dang-nhap" in page.url


def test_a_page_polling_by_itself_does_not_keep_the_session_alive(
    console_hub: ConsoleHub, page, clock
) -> None:
    signed_in(page, console_hub, "viewer")
    page.goto(console_hub.url("/thiet-bi"))  # the live table polls every 5 s
    with page.expect_response(lambda r: r.url.endswith("/thiet-bi/bang"), timeout=15_000):
        pass
    clock.advance(31 * 60)  # nobody touched the page for 31 minutes, only its polling
    page.wait_for_url("**/dang-nhap?tb=het-han", timeout=15_000)
    assert "Phiên làm việc đã hết hạn" in page.inner_text("main")


def test_the_session_is_rotated_at_login_and_logout(console_hub: ConsoleHub, page) -> None:
    page.goto(console_hub.url("/dang-nhap"))
    before = {c["name"]: c for c in page.context.cookies()}["village"]
    assert before["httpOnly"] and before["sameSite"] == "Strict"
    signed_in(page, console_hub, "viewer")
    during = {c["name"]: c for c in page.context.cookies()}["village"]
    assert during["value"] != before["value"]
    page.click("form[action='/dang-xuat'] button")
    after = {c["name"]: c for c in page.context.cookies()}["village"]
    assert after["value"] not in (before["value"], during["value"])
    # the old signed-in token is dead: replaying it gets the login page
    page.context.add_cookies([{**during, "value": during["value"]}])
    page.goto(console_hub.url("/thiet-bi"))
    assert "/dang-nhap" in page.url


def test_pages_carry_security_headers_and_no_inline_script(console_hub: ConsoleHub, page) -> None:
    signed_in(page, console_hub, "viewer", "admin")
    for path in ("/thiet-bi", "/tai-khoan", "/dang-nhap", "/static/console.css"):
        response = page.request.get(console_hub.url(path))
        headers = response.headers
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        if path.startswith("/static"):
            continue
        html = response.text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), f"inline handler on {path}"


def test_totp_second_factor(console_hub: ConsoleHub, page, clock) -> None:
    name = signed_in(page, console_hub, "viewer")
    page.goto(console_hub.url("/tai-khoan/xac-thuc"))
    assert page.locator(".qr svg").count() == 1
    secret = page.inner_text("code.secret").strip()
    totp = pyotp.TOTP(secret)
    page.fill("input[name=code]", "000000" if totp.now() != "000000" else "111111")
    page.click("form[action='/tai-khoan/xac-thuc'] button")
    assert "không đúng" in page.inner_text("main")
    secret = page.inner_text("code.secret").strip()  # the same enrolment is offered again
    page.fill("input[name=code]", pyotp.TOTP(secret).at(clock()))
    page.click("form[action='/tai-khoan/xac-thuc'] button")
    assert "Đã bật xác thực hai bước" in page.inner_text("main")
    page.click("form[action='/dang-xuat'] button")
    login(page, console_hub, name)
    assert "/dang-nhap/ma" in page.url
    page.goto(console_hub.url("/thiet-bi"))  # a password alone is not a session
    assert urlsplit(page.url).path == "/dang-nhap"
    login(page, console_hub, name)
    code = pyotp.TOTP(secret).at(clock())
    page.fill("input[name=code]", code)
    page.click("form[action='/dang-nhap/ma'] button")
    assert "/thiet-bi" in page.url
    page.click("form[action='/dang-xuat'] button")
    login(page, console_hub, name)
    page.fill("input[name=code]", code)  # the same code twice is refused
    page.click("form[action='/dang-nhap/ma'] button")
    assert "đã dùng" in page.inner_text("main")
    assert console_hub.audit("totp-on") and console_hub.audit("totp-failed")


@pytest.mark.parametrize("display", ["<script>alert('x')</script>"])
def test_markup_in_content_is_shown_as_text(console_hub: ConsoleHub, page, display: str) -> None:
    console_hub.add_user("nguoi-la", "viewer", display=display)
    dialogs: list[str] = []

    def dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    login(page, console_hub, "nguoi-la", PASSWORD)
    assert display in page.inner_text("header")
    assert dialogs == []


def test_the_main_pages_run_without_a_content_security_policy_violation(
    console_hub: ConsoleHub, page
) -> None:
    """htmx and the console's script work under the policy: no blocked script or style."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(str(error)))
    signed_in(page, console_hub, "admin", "viewer", "radio", "emergency", name="moi-quyen")
    for path in ("/thiet-bi", "/gui-lenh", "/phat-thanh", "/bao-cao", "/nguoi-dung", "/nhat-ky"):
        page.goto(console_hub.url(path))
        page.wait_for_load_state("networkidle")
    page.goto(console_hub.url("/thiet-bi"))
    with page.expect_response(lambda r: r.url.endswith("/thiet-bi/bang"), timeout=15_000):
        pass  # htmx polls the live table: the script runs
    blocked = [m for m in messages if "Content Security Policy" in m or "Refused" in m]
    assert blocked == [], blocked
