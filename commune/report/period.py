"""The report's period: whole local days, checked, and cut into ISO weeks."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

from commune.catalogue import say
from commune.report.errors import BadInput


@dataclass(frozen=True)
class Week:
    """An ISO week (Monday to Sunday), clipped to the period."""

    year: int
    number: int
    first: dt.date
    last: dt.date

    @property
    def key(self) -> str:
        return week_key(self.first)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def moment(text: str) -> dt.datetime:
    """An ISO 8601 instant as the devices and the hub store it; no offset means UTC.
    Raises ValueError if ``text`` is not one."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def week_key(day: dt.date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date
    timezone: str

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @functools.cached_property
    def begin(self) -> dt.datetime:
        """Local midnight at the start of the first day."""
        return dt.datetime.combine(self.first, dt.time(), tzinfo=self.zone)

    @functools.cached_property
    def end(self) -> dt.datetime:
        """Local midnight after the last day (exclusive)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=self.zone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def contains(self, instant: dt.datetime) -> bool:
        return self.begin <= instant < self.end

    def contains_day(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def weeks(self) -> list[Week]:
        weeks: list[Week] = []
        day = self.first
        while day <= self.last:
            year, number, weekday = day.isocalendar()
            last = min(day + dt.timedelta(days=7 - weekday), self.last)
            weeks.append(Week(year, number, day, last))
            day = last + dt.timedelta(days=1)
        return weeks


def parse_day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        raise BadInput(say("report_bad_date", text=text, option=option)) from None


def parse_period(first: str, last: str, timezone: str, today: dt.date) -> Period:
    """The period from ``--from`` and ``--to`` texts; refuses bad or future dates."""
    begin = parse_day(first, "--from")
    end = parse_day(last, "--to")
    if end < begin:
        raise BadInput(say("report_to_before_from", first=vn_date(begin), last=vn_date(end)))
    for option, day in (("--from", begin), ("--to", end)):
        if day > today:
            raise BadInput(
                say("report_future", option=option, day=vn_date(day), today=vn_date(today))
            )
    return Period(begin, end, timezone)


def vn_date(day: dt.date) -> str:
    """A date as Vietnamese documents write it: 05/3/2025, 15/01/2025 (0 before months 1-2)."""
    return f"{day.day:02d}/{vn_month(day.month)}/{day.year}"


def vn_month(month: int) -> str:
    """A month in a date: 01 and 02 with a leading zero (Nghị định 30/2020), 3 to 12 without."""
    return f"{month:02d}" if month < 3 else str(month)
