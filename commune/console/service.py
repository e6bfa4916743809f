"""The console as one of the hub daemon's services (started after the daemon, stopped
before it): what ``village hub`` runs besides its MQTT session.

A console that cannot listen (its port taken), or whose libraries are not installed (the
``console`` extra), is logged and left out: the hub's work for the loudspeakers goes on
without it. A console configured to serve plain HTTP beyond loopback is refused before
anything starts. This module imports the web libraries only when the console is made.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from commune.console.errors import ConsoleError
from commune.hubdata import HubData
from village.config import Config

if TYPE_CHECKING:
    from commune.console.server import ConsoleServer

log = logging.getLogger(__name__)


class ConsoleService:
    def __init__(self, server: ConsoleServer | None) -> None:
        self.server = server
        self.failed = server is None

    def start(self) -> None:
        if self.server is None:
            return
        try:
            self.server.start()
        except ConsoleError as exc:
            log.error("web console not served: %s", exc)
            self.failed = True

    def alive(self) -> bool:
        return self.failed or self.server is None or self.server.alive()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def console_service(
    config: Config, hub: HubData, on_command: Callable[[], None] | None = None
) -> ConsoleService:
    """Checks the transport settings now (raises ConsoleError); listens on start().

    ``on_command`` is called when staff queue a command (the daemon's wake-up: it sends the
    command at once instead of at its next poll).
    """
    try:
        from commune.console.app import build_app
        from commune.console.context import Console
        from commune.console.memory import keep_small
        from commune.console.server import ConsoleServer, check_transport
    except ModuleNotFoundError as exc:
        log.error(
            "web console not served: %s is not installed (pip install 'village[console]', "
            "or [console] enabled = false)",
            exc.name,
        )
        return ConsoleService(None)
    check_transport(config.console)
    keep_small()
    console = Console.open(config, hub, on_command=on_command)
    return ConsoleService(ConsoleServer(build_app(console), config.console))
