"""How the hub serves the console: HTTPS with a certificate from the commune CA (Secure,
``__Host-`` cookie, HSTS), and never plain HTTP on an address other than loopback."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest

from commune.ca import make_ca, make_server_cert
from tests.browser import *  # noqa: F403 - the fixtures
from tests.browser import PASSWORD, ConsoleHub, ManualClock, login, needs_browser_stack
from tests.conftest import run_village, write_config
from tests.sync_helpers import Broker

pytestmark = needs_browser_stack


@pytest.fixture
def https_hub(tmp_path: Path, broker: Broker, clock: ManualClock):
    ca_dir = tmp_path / "ca"
    make_ca(ca_dir, "xa-mau")
    cert = make_server_cert(ca_dir, ["localhost"], ["127.0.0.1"], name="console")
    running = ConsoleHub(
        tmp_path / "hub", broker, clock, cert_file=str(cert), key_file=str(cert.with_suffix(".key"))
    ).start()
    yield running, ca_dir / "ca.crt"
    running.stop()


def test_https_with_the_commune_ca_certificate(https_hub: tuple[ConsoleHub, Path], browser) -> None:
    hub, ca = https_hub
    assert hub.url().startswith("https://")
    trusted = ssl.create_default_context(cafile=str(ca))
    response = httpx.get(hub.url("/dang-nhap"), verify=trusted)
    assert response.status_code == 200
    assert response.headers["strict-transport-security"].startswith("max-age=")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-village=") and "Secure" in cookie and "HttpOnly" in cookie
    with pytest.raises(httpx.ConnectError):  # a client that does not trust the CA stops
        httpx.get(hub.url("/dang-nhap"))
    context = browser.new_context(ignore_https_errors=True)
    tab = context.new_page()
    hub.add_user("can-bo", "viewer")
    login(tab, hub, "can-bo", PASSWORD)
    assert tab.url.endswith("/thiet-bi")
    (session,) = [c for c in context.cookies() if c["name"] == "__Host-village"]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Strict"
    context.close()


def test_plain_http_beyond_loopback_is_refused(tmp_path: Path, broker: Broker) -> None:
    run_village("hub", "init", "--data", str(tmp_path / "hub"), "--commune", "xa-mau", check=True)
    config = write_config(
        tmp_path / "village.toml",
        {
            "hub": {"data": str(tmp_path / "hub")},
            "mqtt": broker.mqtt_settings("hub-xa-mau"),
            "console": {"host": "0.0.0.0", "port": 18443},
        },
    )
    done = run_village("--config", str(config), "hub", timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Lỗi:" in done.stderr and "chỉ được dùng HTTP trên địa chỉ loopback" in done.stderr
    assert "cert_file" in done.stderr


def test_without_the_console_libraries_the_hub_runs_on(tmp_path: Path) -> None:
    """A hub installed without the ``console`` extra logs why and serves no console."""
    import subprocess
    import sys

    code = (
        "import sys, logging\n"
        "sys.modules['uvicorn'] = None  # as if not installed\n"
        "logging.basicConfig(level=logging.ERROR)\n"
        "from commune.hubdata import HubData\n"
        "from commune.console.service import console_service\n"
        "from village.config import parse_config\n"
        f"hub = HubData.init({str(tmp_path / 'hub')!r}, 'xa-mau', [])\n"
        "service = console_service(parse_config({}), hub)\n"
        "service.start()\n"
        "print('failed' if service.failed and service.alive() else 'served')\n"
        "service.stop()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "failed"
    assert "uvicorn is not installed" in done.stderr
