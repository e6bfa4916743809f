"""Dates, sizes and durations as staff read them (Vietnamese conventions, local time)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from commune.console.catalogue import t


def parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def local_time(text: str | None, zone: zoneinfo.ZoneInfo, fmt: str = "%d/%m/%Y %H:%M") -> str:
    value = parse_time(text)
    return value.astimezone(zone).strftime(fmt) if value else t("unknown")


def human_bytes(value: float | None) -> str:
    if value is None:
        return t("unknown")
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            text = f"{value:.0f}" if unit == "B" else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
        value /= 1000
    return str(value)


def duration(seconds: float) -> str:
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return t("duration_minutes", n=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return t("duration_hours", h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return t("duration_days", d=days, h=hours)


def vn_day(text: str) -> str:
    """``2026-11-30`` as staff write it: ``30/11/2026`` (other text unchanged)."""
    try:
        return dt.date.fromisoformat(str(text)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(text)
