"""How the content pages write dates, durations and loudness (Jinja filters and globals,
installed on the console's template environment)."""

from __future__ import annotations

import datetime as dt

import jinja2

from commune.console.catalogue import reason, t


def vn_date(value: str | dt.date | None) -> str:
    """'2024-07-01' -> '01/07/2024' (how dates are written in Vietnam); other text as is."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    try:
        return dt.date.fromisoformat(str(value or "")).strftime("%d/%m/%Y")
    except ValueError:
        return str(value or "")


def clock_length(seconds: float | None) -> str:
    """A media file's length as minutes and seconds: '3:07'."""
    if seconds is None:
        return t("unknown")
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def loudness(lufs: float | None) -> str:
    if lufs is None:
        return t("unknown")
    return t("loudness_lufs", value=f"{lufs:.1f}".replace(".", ","))


def install(env: jinja2.Environment) -> None:
    env.filters["vndate"] = vn_date
    env.filters["clock_length"] = clock_length
    env.filters["loudness"] = loudness
    env.globals["reason"] = reason
