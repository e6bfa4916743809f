"""The console's web server: uvicorn in its own thread, inside the hub process.

The hub's main thread keeps its signals and watchdog; MQTT stays the daemon's one session.
Plain HTTP is refused on any address but loopback: elsewhere the console needs the
certificate and key the commune CA issues (``village broker ca server --name console``).
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
import threading
import time

import uvicorn
from starlette.applications import Starlette

from commune.console.catalogue import t
from commune.console.errors import ConsoleError
from commune.settings import ConsoleSettings

log = logging.getLogger(__name__)

START_TIMEOUT_S = 15.0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport(settings: ConsoleSettings) -> None:
    """Refuse a configuration that would serve passwords in clear over the network."""
    if bool(settings.cert_file) != bool(settings.key_file):
        raise ConsoleError(t("server_cert_pair"))
    if not settings.cert_file:
        if not is_loopback(settings.host):
            raise ConsoleError(t("server_plain_http", host=settings.host))
        return
    try:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(settings.cert_file, settings.key_file)
    except (OSError, ssl.SSLError) as exc:
        raise ConsoleError(t("server_cert_missing", path=settings.cert_file, detail=exc)) from exc


class ConsoleServer:
    """start() returns once the port is open; stop() waits for open requests to finish."""

    def __init__(self, app: Starlette, settings: ConsoleSettings) -> None:
        check_transport(settings)
        self.settings = settings
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=settings.host,
                port=settings.port,
                ssl_certfile=settings.cert_file or None,
                ssl_keyfile=settings.key_file or None,
                log_level="warning",
                access_log=False,
                lifespan="off",
                server_header=False,
                limit_concurrency=200,
                timeout_keep_alive=15,
                timeout_graceful_shutdown=5,
            )
        )
        self.thread = threading.Thread(target=self._run, name="console-web", daemon=True)

    def _run(self) -> None:
        try:
            self.server.run()
        except SystemExit:  # uvicorn exits when it cannot bind
            log.error("the console could not listen on %s", self.address)

    @property
    def address(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    @property
    def port(self) -> int:
        """The port actually listened on (``port = 0`` picks a free one, for tests)."""
        servers = getattr(self.server, "servers", [])
        for server in servers:
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return self.settings.port

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise ConsoleError(
                    t("server_cannot_listen", host=self.settings.host, port=self.settings.port)
                )
            time.sleep(0.02)
        scheme = "https" if self.settings.cert_file else "http"
        log.info("console on %s://%s:%d/", scheme, self.settings.host, self.port)

    def alive(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(10)
