"""The Devices page's content: each device's state as ``village devices`` shows it, and
the alerts staff must act on (offline too long, a missed or partial broadcast, a content
version not applied and why, a clock not synchronised)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from commune.console.catalogue import reason, t
from commune.console.formatting import duration, human_bytes, local_time, parse_time
from commune.repository import DeviceRow, Version

RECENT = dt.timedelta(hours=24)
PROBLEM_OUTCOMES = ("missed", "partial")


@dataclass(frozen=True)
class Alert:
    kind: str  # offline, missed, partial, version, clock
    text: str


@dataclass
class DeviceView:
    device: str
    online: bool
    last_seen: str
    version: str
    relay: bool
    on_air: str
    disk: str
    clock: bool | None
    last_broadcast: str
    last_outcome: str
    alerts: list[Alert] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    devices: list[DeviceView]
    updated: str

    @property
    def online(self) -> int:
        return sum(1 for d in self.devices if d.online)

    @property
    def alerts(self) -> int:
        return sum(len(d.alerts) for d in self.devices)


def wanted_versions(versions: list[Version], devices: list[str]) -> dict[str, int]:
    """The content version each device should hold (the last push that reaches it)."""
    every = max((v.version for v in versions if "*" in v.targets), default=0)
    wanted = dict.fromkeys(devices, every)
    for v in versions:
        for target in v.targets:
            if target in wanted and v.version > wanted[target]:
                wanted[target] = v.version
    return wanted


def _version_alert(status: dict[str, Any], online: bool, wanted: int) -> Alert | None:
    applied = int(status.get("content_version") or 0)
    if wanted <= applied:
        return None
    sync = status.get("sync") or {}
    if sync.get("version") == wanted and sync.get("state") == "refused":
        why = reason(str(sync.get("code", "")), str(sync.get("detail", "")))
        return Alert("version", t("alert_refused", version=wanted, reason=why))
    if not online:
        return Alert("version", t("alert_waiting_offline", version=wanted))
    if sync.get("version") == wanted and sync.get("state") == "fetching":
        total = int(sync.get("total_bytes") or 0)
        percent = round(100 * int(sync.get("have_bytes") or 0) / total) if total else 0
        return Alert("version", t("alert_fetching", version=wanted, percent=percent))
    return Alert("version", t("alert_waiting", version=wanted))


def _broadcast_alert(record: dict[str, Any], zone: zoneinfo.ZoneInfo) -> Alert:
    outcome = str(record.get("outcome"))
    why = t("alert_why", reason=record["reason"]) if record.get("reason") else ""
    return Alert(
        outcome,
        t(
            f"alert_{outcome}",
            title=record.get("title") or "",
            time=local_time(record.get("planned_start"), zone, "%d/%m %H:%M"),
            why=why,
        ),
    )


def _last_broadcast(last: dict[str, Any], zone: zoneinfo.ZoneInfo) -> str:
    if not last:
        return t("unknown")
    when = local_time(last.get("planned_start"), zone, "%d/%m %H:%M")
    return f"{when} «{last.get('title', '')}»"


def device_view(
    row: DeviceRow,
    wanted: int,
    problems: list[dict[str, Any]],
    now: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    offline_after: dt.timedelta,
) -> DeviceView:
    s = row.status
    last = s.get("last_broadcast") or {}
    applied = int(s.get("content_version") or 0)
    clock = s.get("clock_synchronized")
    view = DeviceView(
        device=row.device,
        online=row.online,
        last_seen=local_time(row.last_seen, zone),
        version=(
            t("version_pending", applied=applied or t("unknown"), wanted=wanted)
            if wanted > applied
            else t("version_applied", version=applied or t("unknown"))
        ),
        relay=bool(s.get("relay")),
        on_air=str(s.get("on_air") or ""),
        disk=human_bytes(s.get("disk_free_bytes")),
        clock=None if clock is None else bool(clock),
        last_broadcast=_last_broadcast(last, zone),
        last_outcome=str(last.get("outcome") or ""),
    )
    seen = parse_time(row.last_seen)
    if not row.online and seen is not None and now - seen >= offline_after:
        since = local_time(row.last_seen, zone)
        view.alerts.append(
            Alert(
                "offline",
                t("alert_offline", since=since, duration=duration((now - seen).total_seconds())),
            )
        )
    version = _version_alert(s, row.online, wanted)
    if version:
        view.alerts.append(version)
    for record in problems:
        view.alerts.append(_broadcast_alert(record, zone))
    if clock is False:
        view.alerts.append(Alert("clock", t("alert_clock")))
    return view


def build_board(
    rows: list[DeviceRow],
    versions: list[Version],
    recent_records: list[dict[str, Any]],
    now: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    offline_after: dt.timedelta,
) -> Board:
    wanted = wanted_versions(versions, [r.device for r in rows])
    problems: dict[str, list[dict[str, Any]]] = {}
    for record in recent_records:
        if record.get("outcome") in PROBLEM_OUTCOMES:
            problems.setdefault(str(record.get("device")), []).append(record)
    views = [
        device_view(
            row, wanted[row.device], problems.get(row.device, [])[-3:], now, zone, offline_after
        )
        for row in rows
    ]
    return Board(views, local_time(now.isoformat(), zone, "%H:%M:%S"))
