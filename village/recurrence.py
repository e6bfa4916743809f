"""Recurrence rules of broadcast plans (RFC 5545 RRULE): parsed, checked, expanded cheaply.

A rule that came in a file is checked before anything expands it: its frequency, interval
and BY parts must give at most ``MAX_SLOTS_PER_DAY`` starts a day, never closer together
than one slot, and the rule must match at least once (a rule that never matches makes
dateutil search day after day up to the year 9999). All of this is worked out from the
rule's parts, without listing its starts.

Expanding a window starts near the window rather than at DTSTART whenever the rule repeats
with a fixed period (``period_of``: most hourly, daily, weekly, monthly and yearly rules):
the starts skipped are counted per period, so each start keeps the index it has from
DTSTART (the rotation of segments depends on it) and COUNT still holds. Other rules are
walked from DTSTART, which the expansion budget bounds.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import cast

from dateutil import rrule
from dateutil.relativedelta import relativedelta

from village.errors import PlanError
from village.messages import say

MAX_SLOTS_PER_DAY = 24
MAX_RULE_CHARS = 1000
FIRST_YEAR, LAST_YEAR = 1970, 2199  # a DTSTART outside these years is a mistake
FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY")
TOO_DENSE = {"MINUTELY": "phút", "SECONDLY": "giây"}
MAX_INTERVAL = {"YEARLY": 10, "MONTHLY": 120, "WEEKLY": 520, "DAILY": 3660, "HOURLY": 87840}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NUMBER_PARTS = {  # part: (lowest, highest, zero allowed)
    "BYSECOND": (0, 59, True),
    "BYMINUTE": (0, 59, True),
    "BYHOUR": (0, 23, True),
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (-31, 31, False),
    "BYYEARDAY": (-366, 366, False),
    "BYWEEKNO": (-53, 53, False),
    "BYSETPOS": (-366, 366, False),
}
RULE_PARTS = frozenset({"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "WKST", *NUMBER_PARTS})
CALENDAR_PARTS = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO")  # no fixed period
_BYDAY_RE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# the Gregorian calendar repeats every 400 years; dateutil stops searching after 9999
_CYCLE_YEARS, _PROBE_YEAR = 400, 9599


def parse_rule(text: str) -> dict[str, str]:
    """The parts of an RRULE value (``FREQ=WEEKLY;BYDAY=MO``), checked; raises PlanError."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if len(body) > MAX_RULE_CHARS:
        raise PlanError(say("rrule_parse_rule", max_rule_chars=MAX_RULE_CHARS))
    parts: dict[str, str] = {}
    for chunk in body.split(";"):
        if not chunk.strip():
            continue
        key, sep, value = chunk.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if not sep or not value:
            raise PlanError(say("rrule_parse_rule_2", chunk=chunk))
        if key not in RULE_PARTS:
            raise PlanError(say("rrule_parse_rule_3", key=key))
        if key in parts:
            raise PlanError(say("rrule_parse_rule_4", key=key))
        parts[key] = value
    _check_frequency(parts)
    _check_limits(parts)
    _check_lists(parts)
    return parts


def _check_lists(parts: dict[str, str]) -> None:
    for key in NUMBER_PARTS:
        if key in parts:
            numbers(parts, key)
    for day in parts.get("BYDAY", "").split(",") if "BYDAY" in parts else ():
        if not _BYDAY_RE.match(day):
            raise PlanError(say("rrule_check_lists", value=parts["BYDAY"], day=day))
    if parts.get("WKST", "MO") not in WEEKDAYS:
        raise PlanError(say("rrule_check_lists_2", value=parts["WKST"]))


def _check_frequency(parts: dict[str, str]) -> None:
    freq = parts.get("FREQ")
    if not freq:
        raise PlanError(say("rrule_check_frequency"))
    if freq in TOO_DENSE:
        raise PlanError(
            say(
                "rrule_check_frequency_2",
                freq=freq,
                value=TOO_DENSE[freq],
                max_slots_per_day=MAX_SLOTS_PER_DAY,
            )
        )
    if freq not in FREQUENCIES:
        raise PlanError(say("rrule_check_frequency_3", freq=freq))


def _check_limits(parts: dict[str, str]) -> None:
    freq = parts["FREQ"]
    interval = _integer(parts, "INTERVAL", 1)
    if interval < 1:
        raise PlanError(say("rrule_check_limits", interval=interval))
    if interval > MAX_INTERVAL[freq]:
        raise PlanError(say("rrule_check_limits_2", interval=interval, freq=freq))
    if "COUNT" in parts:
        if "UNTIL" in parts:
            raise PlanError(say("rrule_check_limits_3"))
        if _integer(parts, "COUNT", 1) < 1:
            raise PlanError(say("rrule_check_limits_4", value=parts["COUNT"]))


def _integer(parts: dict[str, str], key: str, default: int) -> int:
    if key not in parts:
        return default
    try:
        return int(parts[key])
    except ValueError:
        raise PlanError(say("rrule_integer", key=key, value=parts[key])) from None


def numbers(parts: dict[str, str], key: str) -> list[int]:
    """The values of a numeric BY part, checked against RFC 5545's ranges."""
    if key not in parts:
        return []
    low, high, zero = NUMBER_PARTS[key]
    values = []
    for item in parts[key].split(","):
        try:
            value = int(item)
        except ValueError:
            raise PlanError(say("rrule_numbers", key=key, value=parts[key], item=item)) from None
        if not low <= value <= high or (value == 0 and not zero):
            raise PlanError(
                say("rrule_numbers_2", key=key, value=parts[key], value2=value, low=low, high=high)
            )
        values.append(value)
    return values


def interval(parts: dict[str, str]) -> int:
    return _integer(parts, "INTERVAL", 1)


# --- density, checked from the parts ---------------------------------------------------------


def _times(parts: dict[str, str], start: dt.datetime, with_hours: bool) -> list[int]:
    """Seconds after midnight (or after the hour) of the starts within a day (or an hour)."""
    hours = (numbers(parts, "BYHOUR") or [start.hour]) if with_hours else [0]
    minutes = numbers(parts, "BYMINUTE") or [start.minute]
    seconds = numbers(parts, "BYSECOND") or [start.second]
    return sorted({h * 3600 + m * 60 + s for h in hours for m in minutes for s in seconds})


def _duration_text(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return say("rrule_duration_text", value=seconds / 3600)
    if seconds >= 60:
        return say("rrule_duration_text_2", value=seconds / 60)
    return say("rrule_duration_text_3", seconds=seconds)


def density_problems(parts: dict[str, str], start: dt.datetime, slot_s: float) -> list[str]:
    """Why the rule would give too many starts a day or starts closer than one slot.

    An upper bound on the starts in one day and a lower bound on the gap between two
    starts, both from the BY parts (no expansion). A start is assumed possible on two days
    in a row, which only over-refuses rules whose last start of a day runs into the first
    start of the next.
    """
    if parts["FREQ"] == "HOURLY":
        step = interval(parts)
        in_hour = _times(parts, start, with_hours=False)
        hours = -(-24 // step)
        if "BYHOUR" in parts:
            hours = min(hours, len(set(numbers(parts, "BYHOUR"))))
        per_day = hours * len(in_hour)
        gaps = [b - a for a, b in pairwise(in_hour)]
        gaps.append(step * 3600 - (in_hour[-1] - in_hour[0]))
    else:
        times = _times(parts, start, with_hours=True)
        per_day = len(times)
        gaps = [b - a for a, b in pairwise(times)] + [86400 - (times[-1] - times[0])]
    problems = []
    if per_day > MAX_SLOTS_PER_DAY:
        problems.append(
            say("rrule_density_problems", per_day=per_day, max_slots_per_day=MAX_SLOTS_PER_DAY)
        )
    closest = min(gaps)
    if closest < slot_s:
        problems.append(
            say(
                "rrule_density_problems_2",
                value=_duration_text(closest),
                value2=_duration_text(slot_s),
            )
        )
    return problems


def dates_problems(starts: Iterable[dt.datetime], slot_s: float) -> list[str]:
    """The same checks for a list of starts (RDATEs with DTSTART)."""
    ordered = sorted(set(starts))
    problems = []
    per_day: dict[dt.date, int] = {}
    for start in ordered:
        per_day[start.date()] = per_day.get(start.date(), 0) + 1
    busiest = max(per_day.items(), key=lambda kv: kv[1], default=None)
    if busiest and busiest[1] > MAX_SLOTS_PER_DAY:
        problems.append(
            say(
                "rrule_dates_problems",
                value=busiest[0].isoformat(),
                value2=busiest[1],
                max_slots_per_day=MAX_SLOTS_PER_DAY,
            )
        )
    for a, b in pairwise(ordered):
        if (b - a).total_seconds() < slot_s:
            problems.append(
                say(
                    "rrule_dates_problems_2",
                    a=a,
                    b=b,
                    value=_duration_text((b - a).total_seconds()),
                )
            )
            break
    return problems


# --- rules that never match ------------------------------------------------------------------


def _impossible_month_days(parts: dict[str, str]) -> bool:
    days = numbers(parts, "BYMONTHDAY")
    if not days:
        return False
    months = numbers(parts, "BYMONTH") or list(range(1, 13))
    return not any(abs(d) <= _DAYS_IN_MONTH[m - 1] for m in months for d in days)


def _set_too_small(parts: dict[str, str], start: dt.datetime) -> bool:
    """BYSETPOS asks for positions past the largest set one period can hold."""
    positions = numbers(parts, "BYSETPOS")
    if not positions:
        return False
    freq = parts["FREQ"]
    days = {"HOURLY": 1, "DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}[freq]
    times = _times(parts, start, with_hours=freq != "HOURLY")
    return min(abs(p) for p in positions) > days * len(times)


@functools.lru_cache(maxsize=4096)
def _ever_matches(rule_text: str, start: dt.datetime) -> bool:
    """Whether the endless rule matches within 400 years of ``start`` (naive local).

    The same rule from ``start`` moved by whole 400-year cycles has the same starts moved by
    those cycles, so it is tried from the 9200s: if it never matches, dateutil's search
    ends at the year 9999 after at most 800 years rather than 8,000.
    """
    cycles = (_PROBE_YEAR - start.year) // _CYCLE_YEARS
    probe = start.replace(year=start.year + cycles * _CYCLE_YEARS)
    try:
        rule = rrule.rrulestr(rule_text, dtstart=probe)
        return next(iter(rule), None) is not None
    except ValueError:  # "byxxx generates an empty set"
        return False


def never_matches(parts: dict[str, str], start: dt.datetime) -> bool:
    """Whether the rule has no start at all (checked cheaply where the parts tell)."""
    if _impossible_month_days(parts) or _set_too_small(parts, start):
        return True
    endless = ";".join(f"{k}={v}" for k, v in parts.items() if k not in ("COUNT", "UNTIL"))
    return not _ever_matches(endless, start.replace(tzinfo=None))


def year_problem(start: dt.datetime) -> str | None:
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        return say(
            "rrule_year_problem", year=start.year, first_year=FIRST_YEAR, last_year=LAST_YEAR
        )
    return None


# --- expansion -------------------------------------------------------------------------------


def _month_days_fixed(parts: dict[str, str], start: dt.datetime) -> bool:
    """The days a month gives are the same in every month (all on or before the 28th)."""
    days = numbers(parts, "BYMONTHDAY") or [start.day]
    return all(1 <= day <= 28 for day in days)


@dataclass(frozen=True)
class Period:
    """A span of wall time: whole months, or whole hours."""

    months: int = 0
    hours: int = 0

    def times(self, count: int) -> relativedelta | dt.timedelta:
        if self.months:
            return relativedelta(months=self.months * count)
        return dt.timedelta(hours=self.hours * count)

    def whole_between(self, start: dt.datetime, wall: dt.datetime) -> int:
        """Whole periods from ``start`` to ``wall`` (naive wall times)."""
        if self.months:
            return ((wall.year - start.year) * 12 + wall.month - start.month) // self.months
        return int((wall - start) / dt.timedelta(hours=self.hours))


def period_of(parts: dict[str, str], start: dt.datetime) -> Period | None:
    """The fixed period (wall time) after which the rule's starts repeat, if it has one.

    Hourly, daily and weekly rules repeat after their interval (a whole number of days,
    or weeks when BYDAY is given); monthly and yearly rules whose days are the same in
    every month (no BYDAY, BYSETPOS, year or week parts, month days up to the 28th) repeat
    after their interval in months (a year when BYMONTH picks some months).
    """
    freq, step = parts["FREQ"], interval(parts)
    if freq in ("HOURLY", "DAILY", "WEEKLY"):
        if any(p in parts for p in CALENDAR_PARTS):
            return None
        if any(not day.isalpha() for day in parts.get("BYDAY", "").split(",") if day):
            return None  # "2MO" only means something monthly or yearly
        hours = step * {"HOURLY": 1, "DAILY": 24, "WEEKLY": 168}[freq]
        return Period(hours=math.lcm(hours, 168 if "BYDAY" in parts else 24))
    if any(p in parts for p in ("BYDAY", "BYSETPOS", "BYYEARDAY", "BYWEEKNO")):
        return None
    if not _month_days_fixed(parts, start):
        return None
    months = step * (12 if freq == "YEARLY" else 1)
    return Period(months=math.lcm(months, 12) if "BYMONTH" in parts else months)


@dataclass
class Expansion:
    """One rule from an aware DTSTART (local wall time of the plan's zone)."""

    rule: rrule.rrule
    start: dt.datetime
    period: Period | None
    count: int | None
    _per_period: int | None = None

    @classmethod
    def of(cls, rule_text: str, parts: dict[str, str], start: dt.datetime) -> Expansion:
        count = int(parts["COUNT"]) if "COUNT" in parts else None
        rule = rrule.rrulestr(rule_text, dtstart=start)  # one RRULE, never forceset: an rrule
        return cls(cast(rrule.rrule, rule), start, period_of(parts, start), count)

    def per_period(self) -> int:
        """Starts of the endless rule in one period from DTSTART (every period has as many)."""
        if self._per_period is None:
            assert self.period is not None
            stop = self.start + self.period.times(1)
            found = 0
            for start in self.rule.replace(count=None, until=None):
                if start >= stop:
                    break
                found += 1
            self._per_period = found
        return self._per_period

    def cursor(self, at: dt.datetime) -> tuple[int, Iterable[dt.datetime]]:
        """``(n, starts)``: the rule's starts from some point at or before ``at``, and how
        many starts come before that point."""
        if self.period is None or at <= self.start:
            return 0, self.rule
        wall = at.astimezone(self.start.tzinfo).replace(tzinfo=None)
        periods = self.period.whole_between(self.start.replace(tzinfo=None), wall) - 1
        if periods <= 0:
            return 0, self.rule
        skipped = periods * self.per_period()
        moved = self.start + self.period.times(periods)  # wall-clock arithmetic in the zone
        if self.count is None:
            return skipped, self.rule.replace(dtstart=moved)
        if skipped >= self.count:
            return self.count, ()
        return skipped, self.rule.replace(dtstart=moved, count=self.count - skipped)


def starts_between(
    expansion: Expansion,
    lo: dt.datetime,
    hi: dt.datetime,
    tick: Callable[[], None],
    found_one: Callable[[], None],
) -> tuple[int, list[dt.datetime]]:
    """``(n, starts)``: the rule's starts in [lo, hi) and how many come before ``lo``.

    ``tick`` is called at every step and ``found_one`` at every start in the window, so a
    budget can stop the expansion.
    """
    before, starts = expansion.cursor(lo)
    found: list[dt.datetime] = []
    iterator: Iterator[dt.datetime] = iter(starts)
    for start in iterator:
        tick()
        if start >= hi:
            break
        if start < lo:
            before += 1
        else:
            found_one()
            found.append(start)
    return before, found
