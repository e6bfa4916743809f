"""The emergency banner every signed-in page shows while an emergency broadcast is on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from commune.console.context import Console
from commune.console.sends import Send

LOOK_BACK = dt.timedelta(hours=2)


@dataclass(frozen=True)
class Emergency:
    send: Send
    on_air: tuple[str, ...]  # devices whose status says the relay is on


def active_emergencies(console: Console) -> list[Emergency]:
    """Emergencies sent from the console and not stopped: shown while the command is valid
    and while a device it was sent to still has its relay on."""
    now = console.now()
    sends = [
        s
        for s in console.sends.recent(now - LOOK_BACK)
        if s.priority == "emergency" and s.ended_at is None
    ]
    if not sends:
        return []
    relay_on = {row.device for row in console.hub.repository.devices() if row.status.get("relay")}
    shown = []
    for send in sends:
        on_air = tuple(d for d in send.devices if d in relay_on)
        if on_air or send.active(now):
            shown.append(Emergency(send, on_air))
    return shown
