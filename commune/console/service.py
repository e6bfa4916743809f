"""The console as one of the hub daemon's services (started after the daemon, stopped
before it): what ``village hub`` runs besides its MQTT session.

A console that cannot listen (its port taken) is logged and left out: the hub's work for
the loudspeakers goes on without it. A console configured to serve plain HTTP beyond
loopback is refused before anything starts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from commune.console.app import build_app
from commune.console.context import Console
from commune.console.errors import ConsoleError
from commune.console.memory import keep_small
from commune.console.server import ConsoleServer, check_transport
from commune.hubdata import HubData
from village.config import Config

log = logging.getLogger(__name__)


class ConsoleService:
    def __init__(self, server: ConsoleServer) -> None:
        self.server = server
        self.failed = False

    def start(self) -> None:
        try:
            self.server.start()
        except ConsoleError as exc:
            log.error("web console not served: %s", exc)
            self.failed = True

    def alive(self) -> bool:
        return self.failed or self.server.alive()

    def stop(self) -> None:
        self.server.stop()


def console_service(
    config: Config, hub: HubData, on_command: Callable[[], None] | None = None
) -> ConsoleService:
    """Checks the transport settings now (raises ConsoleError); listens on start().

    ``on_command`` is called when staff queue a command (the daemon's wake-up: it sends the
    command at once instead of at its next poll).
    """
    check_transport(config.console)
    keep_small()
    console = Console.open(config, hub, on_command=on_command)
    from commune.site.serve import site_routes  # the public site at /cong-khai/

    return ConsoleService(ConsoleServer(build_app(console, site_routes(hub.root)), config.console))
