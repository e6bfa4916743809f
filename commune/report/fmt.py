"""Numbers, dates and durations as Vietnamese documents write them."""

from __future__ import annotations

import datetime as dt

from commune.catalogue import say
from commune.report.period import vn_date

__all__ = ["vn_date", "vn_int", "vn_dec", "vn_time", "vn_duration", "vn_percent", "vn_short"]


def vn_int(value: int) -> str:
    """1.234.567 (dots group the thousands)."""
    return f"{value:,d}".replace(",", ".")


def vn_dec(value: float, places: int = 1) -> str:
    """12,5 — a comma before the decimals, dots between thousands."""
    text = f"{value:,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vn_percent(part: float, whole: float) -> str:
    return vn_dec(100 * part / whole, 1) if whole else "—"


def vn_short(day: dt.date) -> str:
    """05/3 (a date in the report's year context)."""
    return vn_date(day).rsplit("/", 1)[0]


def vn_time(moment: dt.datetime) -> str:
    """05/3/2025 06:30."""
    return f"{vn_date(moment.date())} {moment:%H:%M}"


def vn_duration(seconds: float) -> str:
    """2 ngày 3 giờ 5 phút; rounded to the minute."""
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(say("unit_days", n=days))
    if hours:
        parts.append(say("unit_hours", n=hours))
    if mins or not parts:
        parts.append(say("unit_minutes", n=mins))
    return " ".join(parts)
