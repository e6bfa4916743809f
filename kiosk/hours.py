"""Opening hours of the one-stop office: when the kiosk's screen is lit.

``T2-T6 07:00-11:30,13:30-17:00; T7 07:00-11:30`` means Monday to Friday in two sessions and
Saturday morning (T2 = thứ Hai = Monday … T7 = Saturday, CN = Sunday; English day names work
too). An empty text means always open. Holidays (YYYY-MM-DD, or MM-DD every year) are closed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from kiosk.errors import KioskError

DAY_NAMES = {
    "t2": 0, "t3": 1, "t4": 2, "t5": 3, "t6": 4, "t7": 5, "cn": 6,
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_RULE = re.compile(r"^\s*(?P<days>[^\s]+)\s+(?P<times>.+?)\s*$")
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")

Span = tuple[dt.time, dt.time]


class HoursError(KioskError):
    """The opening hours text cannot be understood."""


def _days(text: str) -> list[int]:
    days: list[int] = []
    for part in text.lower().split(","):
        first, _, last = part.partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise HoursError(f"unknown day {part!r}")
        start, end = DAY_NAMES[first], DAY_NAMES[last or first]
        day = start
        while True:
            days.append(day)
            if day == end:
                break
            day = (day + 1) % 7
    return days


@dataclass(frozen=True)
class OpeningHours:
    spans: dict[int, tuple[Span, ...]] = field(default_factory=dict)
    holidays: frozenset[str] = frozenset()
    always: bool = False

    @classmethod
    def parse(cls, text: str, holidays: list[str] | tuple[str, ...] = ()) -> OpeningHours:
        holidays_set = frozenset(holidays)
        if not text.strip():
            return cls({}, holidays_set, always=True)
        spans: dict[int, list[Span]] = {}
        for rule in filter(None, (r.strip() for r in text.split(";"))):
            match = _RULE.match(rule)
            if not match:
                raise HoursError(f"not 'DAYS HH:MM-HH:MM': {rule!r}")
            days = _days(match["days"])
            for piece in match["times"].split(","):
                found = _SPAN.match(piece.strip())
                if not found:
                    raise HoursError(f"not a time span HH:MM-HH:MM: {piece.strip()!r}")
                h1, m1, h2, m2 = (int(g) for g in found.groups())
                span = (dt.time(h1, m1), dt.time(h2, m2))
                if span[1] <= span[0]:
                    raise HoursError(f"ends before it starts: {piece.strip()!r}")
                for day in days:
                    spans.setdefault(day, []).append(span)
        return cls({d: tuple(sorted(s)) for d, s in spans.items()}, holidays_set)

    def is_holiday(self, day: dt.date) -> bool:
        return day.isoformat() in self.holidays or day.strftime("%m-%d") in self.holidays

    def is_open(self, local: dt.datetime) -> bool:
        """Whether ``local`` (a time in the office's zone) is within opening hours."""
        if self.always:
            return True
        if self.is_holiday(local.date()):
            return False
        now = local.time()
        return any(start <= now < end for start, end in self.spans.get(local.weekday(), ()))

    def weekly(self) -> list[tuple[list[int], tuple[Span, ...]]]:
        """Days grouped by identical hours, Monday first: [([0..4], spans), ([5], spans)]."""
        groups: list[tuple[list[int], tuple[Span, ...]]] = []
        for day in range(7):
            spans = self.spans.get(day)
            if not spans:
                continue
            if groups and groups[-1][1] == spans and groups[-1][0][-1] == day - 1:
                groups[-1][0].append(day)
            else:
                groups.append(([day], spans))
        return groups


def describe_hours(hours: OpeningHours) -> str:
    """'Thứ Hai – Thứ Sáu: 07:00–17:00; Thứ Bảy: 07:00–11:30' for the screen."""
    from kiosk.catalogue import t

    if hours.always:
        return t("always_open")
    parts = []
    for days, spans in hours.weekly():
        names = t(f"weekday_{days[0]}")
        if len(days) > 1:
            names += f" – {t(f'weekday_{days[-1]}')}"
        times = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in spans)
        parts.append(f"{names}: {times}")
    return "; ".join(parts)
