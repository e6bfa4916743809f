"""What the hidden staff panel shows: content version, storage, the last broadcast, today's
use of the kiosk. Plain Python: the panel only lays these rows out.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import zoneinfo
from pathlib import Path
from typing import Any

from kiosk.catalogue import t
from kiosk.content import KioskContent, store_size_bytes
from kiosk.journal import KioskJournal
from village.config import Config
from village.errors import VillageError
from village.playlog import PlayLog
from village.store import ContentStore

log = logging.getLogger(__name__)


def human_bytes(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"


def _local(text: str | None, zone: zoneinfo.ZoneInfo, fmt: str = "%d/%m/%Y %H:%M") -> str:
    if not text:
        return t("unknown")
    try:
        return dt.datetime.fromisoformat(text).astimezone(zone).strftime(fmt)
    except ValueError:
        return text


def staff_rows(
    config: Config,
    content: KioskContent,
    journal: KioskJournal,
    broadcast_state: dict[str, Any],
) -> list[tuple[str, str]]:
    """(label, value) rows for the staff panel."""
    zone = zoneinfo.ZoneInfo(config.schedule.timezone)
    store = ContentStore(config.data_dir)
    rows = [
        (t("staff_device"), f"{config.device.name} ({config.device.id})"),
        (
            t("staff_revision"),
            t(
                "staff_revision_value",
                revision=content.revision,
                updated=_local(content.updated, zone),
            ),
        ),
        (
            t("staff_counts"),
            t("staff_counts_value", procedures=content.in_force_count, clips=len(content.clips)),
        ),
    ]
    try:
        disk = shutil.disk_usage(config.data_dir)
        rows.append(
            (
                t("staff_disk"),
                t(
                    "staff_disk_value",
                    free=human_bytes(disk.free),
                    total=human_bytes(disk.total),
                    store=human_bytes(store_size_bytes(store)),
                    journal=human_bytes(journal.size_bytes()),
                ),
            )
        )
    except OSError as exc:
        log.warning("disk usage unknown: %s", exc)
    rows.append((t("staff_broadcast"), last_broadcast_text(config.data_dir, zone)))
    relay = (
        t("relay_on", title=broadcast_state.get("on_air") or "")
        if broadcast_state.get("relay")
        else t("relay_off")
    )
    rows.append((t("staff_relay"), relay))
    today = journal.summary()
    rows.append(
        (
            t("staff_today"),
            t(
                "staff_today_value",
                views=today["views"],
                searches=today["searches"],
                missed=sum(today["not_found"].values()),
                feedback=sum(today["feedback"].values()),
            ),
        )
    )
    if today["not_found"]:
        rows.append((t("staff_not_found"), ", ".join(f"«{q}»" for q in today["not_found"])))
    return rows


def last_broadcast_text(data_dir: Path, zone: zoneinfo.ZoneInfo) -> str:
    try:
        record = PlayLog(data_dir).last()
    except VillageError as exc:
        log.warning("play log unreadable: %s", exc)
        record = None
    if not record:
        return t("staff_broadcast_none")
    outcome = record.get("outcome", "missed")
    text = t(
        "staff_broadcast_value",
        start=_local(record.get("relay_on") or record.get("planned_start"), zone),
        title=record.get("title", ""),
        outcome=t(f"outcome_{outcome}") if outcome in ("aired", "partial", "missed") else outcome,
    )
    if record.get("reason"):
        text += f" ({record['reason']})"
    return text
