"""When each device was offline, from the presence history the hub keeps.

The hub adds a presence record whenever a device's status changes between online and
offline (the last will included). An offline spell runs from an ``offline`` record to the
next ``online`` one, clipped to the period: a device offline when the period starts counts
from the start, one still offline at its end (or now) counts to the end. Before a device's
first presence record its state is unknown and nothing is counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from commune.report.period import Period, moment
from commune.repository import Presence


@dataclass(frozen=True)
class OfflineSpell:
    device: str
    start: dt.datetime  # local
    end: dt.datetime  # local
    from_before: bool  # already offline when the period began
    still_offline: bool  # not back online at the period's end

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class DevicePresence:
    device: str
    known: bool  # the hub knows the device's state during the period
    spells: list[OfflineSpell] = field(default_factory=list)

    @property
    def offline_s(self) -> float:
        return sum(s.seconds for s in self.spells)

    @property
    def longest(self) -> OfflineSpell | None:
        return max(self.spells, key=lambda s: s.seconds, default=None)


def device_presence(
    device: str, history: list[Presence], period: Period, until: dt.datetime
) -> DevicePresence:
    zone = period.zone
    begin = period.begin
    end = min(period.end, until)
    events = sorted(((moment(p.at), p.online) for p in history), key=lambda e: e[0])
    before = [online for at, online in events if at < begin]
    state = before[-1] if before else None
    inside = [(at, online) for at, online in events if begin <= at < end]
    result = DevicePresence(device, known=state is not None or bool(inside))
    offline_since: dt.datetime | None = begin if state is False else None
    for at, online in inside:
        if not online and offline_since is None:
            offline_since = at
        elif online and offline_since is not None:
            result.spells.append(
                OfflineSpell(
                    device,
                    offline_since.astimezone(zone),
                    at.astimezone(zone),
                    offline_since == begin and state is False,
                    False,
                )
            )
            offline_since = None
    if offline_since is not None and end > offline_since:
        result.spells.append(
            OfflineSpell(
                device,
                offline_since.astimezone(zone),
                end.astimezone(zone),
                offline_since == begin and state is False,
                True,
            )
        )
    return result


def presence(
    devices: list[str], history: list[Presence], period: Period, until: dt.datetime
) -> list[DevicePresence]:
    by_device: dict[str, list[Presence]] = {d: [] for d in devices}
    for item in history:
        by_device.setdefault(item.device, []).append(item)
    return [
        device_presence(device, items, period, until) for device, items in sorted(by_device.items())
    ]
