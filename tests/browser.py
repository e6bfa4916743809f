"""Browser test harness for the staff web console (and the public site it serves).

A real hub: Mosquitto from the project's generated configuration, the hub daemon with the
console as its service (as ``village hub`` runs it), on a free loopback port, with an
injected clock. A real browser: Debian's Chromium driven by Playwright. A test module takes
the fixtures with ``from tests.browser import *  # noqa: F403`` and imports helpers by name.

Fixtures: ``broker``, ``clock``, ``console_hub`` (hub + console; ``console_hub.url(path)``,
``console_hub.add_user(name, roles)``), ``browser`` (one Chromium per test session),
``page`` (a fresh browser context per test: no cookies shared between tests).
Helpers: ``login(page, hub, name)``, ``signed_in(page, hub, *roles)``.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sync_helpers import DEVICES, Broker, HubRun, free_port, needs_mosquitto, wait_until

# the fixtures, for a star import in test modules (see the docstring)
__all__ = ["broker", "browser", "clock", "console_hub", "page"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PASSWORD = "mat-khau-thu-nghiem"  # every test account's password (tests only)
# Where the browser tests write their screenshots (to be looked at): a temporary folder, so a
# test run leaves the tree clean; `make screenshots` sets it to docs/screenshots for the README.
SCREENSHOTS = Path(
    os.environ.get("VILLAGE_SCREENSHOTS") or Path(tempfile.gettempdir()) / "village-screenshots"
)

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"
)
needs_browser_stack = [needs_mosquitto, needs_chromium]


class ManualClock:
    """The console's clock: real time plus whatever a test adds (no sleeping for minutes)."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += dt.timedelta(seconds=seconds)


class ConsoleHub(HubRun):
    """A hub daemon whose service is the console, on a free loopback port."""

    def __init__(
        self,
        folder: Path,
        broker: Broker,
        clock: ManualClock,
        devices: tuple[str, ...] = DEVICES,
        extra_routes: tuple[Any, ...] = (),
        **console: Any,
    ) -> None:
        super().__init__(folder, broker, devices)
        self.clock = clock
        self.extra_routes = extra_routes
        self.config = self.config.replace("console", host="127.0.0.1", port=free_port(), **console)
        self.console: Any = None
        self.service: Any = None

    def start(self) -> ConsoleHub:
        from commune.console.app import build_app
        from commune.console.context import Console
        from commune.console.server import ConsoleServer
        from commune.console.service import ConsoleService
        from commune.daemon import HubDaemon

        daemon = HubDaemon(self.config, self.hub, on_event=lambda k, d: self.events.append((k, d)))
        self.console = Console.open(
            self.config, self.hub, now=self.clock, on_command=daemon.wake.set
        )
        app = build_app(self.console, self.extra_routes)
        self.service = ConsoleService(ConsoleServer(app, self.config.console))
        daemon.services.append(self.service)
        self.daemon = daemon
        daemon.start()
        assert not self.service.failed, "the console did not start"
        wait_until(lambda: daemon.session.connected, 10, "the hub to connect")
        return self

    @property
    def base(self) -> str:
        scheme = "https" if self.config.console.cert_file else "http"
        return f"{scheme}://127.0.0.1:{self.config.console.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def add_user(self, name: str, *roles: str, password: str = PASSWORD, **kw: Any):
        from commune.console.roles import parse_roles

        return self.console.accounts.add(name, password, parse_roles(roles), **kw)

    def audit(self, action: str = "") -> list[Any]:
        return self.console.audit.entries(action=action, limit=1000)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    running = Broker(tmp_path / "broker").start()
    yield running
    running.stop()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def console_hub(tmp_path: Path, broker: Broker, clock: ManualClock) -> Iterator[ConsoleHub]:
    running = ConsoleHub(tmp_path / "hub", broker, clock).start()
    yield running
    running.stop()


_chromium: list[Any] = []  # (playwright, browser): one for the whole test run


def _shared_browser() -> Any:
    """One Chromium per test process, whichever modules take the fixture (each module that
    star-imports it holds its own copy of the fixture, so the instance lives here)."""
    if not _chromium:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _chromium.extend([playwright, chromium])

        def close() -> None:
            chromium.close()
            playwright.stop()

        atexit.register(close)
    return _chromium[1]


@pytest.fixture(scope="session")
def browser() -> Any:
    return _shared_browser()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def login(page: Any, hub: ConsoleHub, name: str, password: str = PASSWORD) -> None:
    page.goto(hub.url("/dang-nhap"))
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("form[action='/dang-nhap'] button[type=submit]")
    page.wait_for_load_state()


def signed_in(page: Any, hub: ConsoleHub, *roles: str, name: str = "") -> str:
    """Make an account holding ``roles`` and sign it in on ``page``; returns its name."""
    name = name or "-".join(roles) or "nobody"
    name = name.replace("_", "-")[:32]
    hub.add_user(name, *roles, display=f"Cán bộ {name}")
    login(page, hub, name)
    assert "/dang-nhap" not in page.url, f"{name} could not sign in: {page.url}"
    return name


def screenshot(page: Any, name: str) -> Path:
    """A screenshot of the console: SCREENSHOTS/console-NAME.png (see make screenshots)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"console-{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target
