"""Time zones of calendar files: the TZID a calendar application wrote, as an IANA zone.

Google Calendar writes IANA names (``Asia/Ho_Chi_Minh``); Outlook and Exchange write
Windows names (``SE Asia Standard Time``) or, in older versions, display names
(``(UTC+07:00) Bangkok, Hanoi, Jakarta``) with a VTIMEZONE block; Thunderbird and libical
once prefixed IANA names with a vendor path (``/mozilla.org/20070129_1/Asia/Ho_Chi_Minh``).

A TZID is resolved in that order: an IANA name of the tz database (looked up in the list
of names, so a path such as ``../../etc/passwd`` is never opened), a vendor-prefixed IANA
name, a Windows name (``WINDOWS_ZONES``), and last the file's own VTIMEZONE when it has
one fixed offset. Anything else is refused with the TZID named: a time is never taken
as local time because its zone was not understood.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable
from typing import Any

from village.errors import PlanError
from village.messages import say
from village.plan import NOT_ZONES

# Windows time zone ids (as Outlook and Exchange write them) to IANA zones, after CLDR's
# windowsZones mapping for the whole world ("001"); SE Asia Standard Time is given the
# Vietnamese zone (same offset, no daylight saving) since that is where it is used here.
WINDOWS_ZONES: dict[str, str] = {
    # Asia
    "Afghanistan Standard Time": "Asia/Kabul",
    "Altai Standard Time": "Asia/Barnaul",
    "Arab Standard Time": "Asia/Riyadh",
    "Arabian Standard Time": "Asia/Dubai",
    "Arabic Standard Time": "Asia/Baghdad",
    "Armenian Standard Time": "Asia/Yerevan",
    "Azerbaijan Standard Time": "Asia/Baku",
    "Bangladesh Standard Time": "Asia/Dhaka",
    "Caucasus Standard Time": "Asia/Yerevan",
    "Central Asia Standard Time": "Asia/Bishkek",
    "China Standard Time": "Asia/Shanghai",
    "Ekaterinburg Standard Time": "Asia/Yekaterinburg",
    "Georgian Standard Time": "Asia/Tbilisi",
    "India Standard Time": "Asia/Kolkata",
    "Iran Standard Time": "Asia/Tehran",
    "Israel Standard Time": "Asia/Jerusalem",
    "Jordan Standard Time": "Asia/Amman",
    "Kamchatka Standard Time": "Asia/Kamchatka",
    "Korea Standard Time": "Asia/Seoul",
    "Magadan Standard Time": "Asia/Magadan",
    "Middle East Standard Time": "Asia/Beirut",
    "Myanmar Standard Time": "Asia/Yangon",
    "N. Central Asia Standard Time": "Asia/Novosibirsk",
    "Nepal Standard Time": "Asia/Kathmandu",
    "North Asia East Standard Time": "Asia/Irkutsk",
    "North Asia Standard Time": "Asia/Krasnoyarsk",
    "North Korea Standard Time": "Asia/Pyongyang",
    "Omsk Standard Time": "Asia/Omsk",
    "Pakistan Standard Time": "Asia/Karachi",
    "Qyzylorda Standard Time": "Asia/Qyzylorda",
    "Russia Time Zone 10": "Asia/Srednekolymsk",
    "Russia Time Zone 11": "Asia/Kamchatka",
    "SE Asia Standard Time": "Asia/Ho_Chi_Minh",
    "Sakhalin Standard Time": "Asia/Sakhalin",
    "Singapore Standard Time": "Asia/Singapore",
    "Sri Lanka Standard Time": "Asia/Colombo",
    "Syria Standard Time": "Asia/Damascus",
    "Taipei Standard Time": "Asia/Taipei",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Tomsk Standard Time": "Asia/Tomsk",
    "Transbaikal Standard Time": "Asia/Chita",
    "Ulaanbaatar Standard Time": "Asia/Ulaanbaatar",
    "Vladivostok Standard Time": "Asia/Vladivostok",
    "W. Mongolia Standard Time": "Asia/Hovd",
    "West Asia Standard Time": "Asia/Tashkent",
    "West Bank Standard Time": "Asia/Hebron",
    "Yakutsk Standard Time": "Asia/Yakutsk",
    # Oceania
    "AUS Central Standard Time": "Australia/Darwin",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "Aus Central W. Standard Time": "Australia/Eucla",
    "Bougainville Standard Time": "Pacific/Bougainville",
    "Cen. Australia Standard Time": "Australia/Adelaide",
    "Central Pacific Standard Time": "Pacific/Guadalcanal",
    "Chatham Islands Standard Time": "Pacific/Chatham",
    "E. Australia Standard Time": "Australia/Brisbane",
    "Fiji Standard Time": "Pacific/Fiji",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Line Islands Standard Time": "Pacific/Kiritimati",
    "Lord Howe Standard Time": "Australia/Lord_Howe",
    "Marquesas Standard Time": "Pacific/Marquesas",
    "New Zealand Standard Time": "Pacific/Auckland",
    "Norfolk Standard Time": "Pacific/Norfolk",
    "Samoa Standard Time": "Pacific/Apia",
    "Tasmania Standard Time": "Australia/Hobart",
    "Tonga Standard Time": "Pacific/Tongatapu",
    "W. Australia Standard Time": "Australia/Perth",
    "West Pacific Standard Time": "Pacific/Port_Moresby",
    # Europe and Africa
    "Astrakhan Standard Time": "Europe/Astrakhan",
    "Belarus Standard Time": "Europe/Minsk",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "E. Africa Standard Time": "Africa/Nairobi",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Egypt Standard Time": "Africa/Cairo",
    "FLE Standard Time": "Europe/Kyiv",
    "GMT Standard Time": "Europe/London",
    "GTB Standard Time": "Europe/Bucharest",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "Kaliningrad Standard Time": "Europe/Kaliningrad",
    "Libya Standard Time": "Africa/Tripoli",
    "Mauritius Standard Time": "Indian/Mauritius",
    "Morocco Standard Time": "Africa/Casablanca",
    "Namibia Standard Time": "Africa/Windhoek",
    "Romance Standard Time": "Europe/Paris",
    "Russia Time Zone 3": "Europe/Samara",
    "Russian Standard Time": "Europe/Moscow",
    "Sao Tome Standard Time": "Africa/Sao_Tome",
    "Saratov Standard Time": "Europe/Saratov",
    "South Africa Standard Time": "Africa/Johannesburg",
    "South Sudan Standard Time": "Africa/Juba",
    "Sudan Standard Time": "Africa/Khartoum",
    "Turkey Standard Time": "Europe/Istanbul",
    "Volgograd Standard Time": "Europe/Volgograd",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "W. Europe Standard Time": "Europe/Berlin",
    "Azores Standard Time": "Atlantic/Azores",
    "Cape Verde Standard Time": "Atlantic/Cape_Verde",
    # the Americas
    "Alaskan Standard Time": "America/Anchorage",
    "Aleutian Standard Time": "America/Adak",
    "Argentina Standard Time": "America/Argentina/Buenos_Aires",
    "Atlantic Standard Time": "America/Halifax",
    "Bahia Standard Time": "America/Bahia",
    "Canada Central Standard Time": "America/Regina",
    "Central America Standard Time": "America/Guatemala",
    "Central Brazilian Standard Time": "America/Cuiaba",
    "Central Standard Time": "America/Chicago",
    "Central Standard Time (Mexico)": "America/Mexico_City",
    "Cuba Standard Time": "America/Havana",
    "E. South America Standard Time": "America/Sao_Paulo",
    "Easter Island Standard Time": "Pacific/Easter",
    "Eastern Standard Time": "America/New_York",
    "Eastern Standard Time (Mexico)": "America/Cancun",
    "Greenland Standard Time": "America/Nuuk",
    "Haiti Standard Time": "America/Port-au-Prince",
    "Magallanes Standard Time": "America/Punta_Arenas",
    "Montevideo Standard Time": "America/Montevideo",
    "Mountain Standard Time": "America/Denver",
    "Mountain Standard Time (Mexico)": "America/Mazatlan",
    "Newfoundland Standard Time": "America/St_Johns",
    "Pacific SA Standard Time": "America/Santiago",
    "Pacific Standard Time": "America/Los_Angeles",
    "Pacific Standard Time (Mexico)": "America/Tijuana",
    "Paraguay Standard Time": "America/Asuncion",
    "SA Eastern Standard Time": "America/Cayenne",
    "SA Pacific Standard Time": "America/Bogota",
    "SA Western Standard Time": "America/La_Paz",
    "Saint Pierre Standard Time": "America/Miquelon",
    "Tocantins Standard Time": "America/Araguaina",
    "Turks And Caicos Standard Time": "America/Grand_Turk",
    "US Eastern Standard Time": "America/Indiana/Indianapolis",
    "US Mountain Standard Time": "America/Phoenix",
    "Venezuela Standard Time": "America/Caracas",
    "Yukon Standard Time": "America/Whitehorse",
    # offsets with no place
    "Dateline Standard Time": "Etc/GMT+12",
    "UTC-11": "Etc/GMT+11",
    "UTC-09": "Etc/GMT+9",
    "UTC-08": "Etc/GMT+8",
    "UTC-02": "Etc/GMT+2",
    "Mid-Atlantic Standard Time": "Etc/GMT+2",
    "UTC": "Etc/UTC",
    "Coordinated Universal Time": "Etc/UTC",
    "UTC+12": "Etc/GMT-12",
    "UTC+13": "Etc/GMT-13",
}

# fixed offsets that are not whole hours, to a zone that keeps that offset all year
_FRACTIONAL_OFFSETS = {
    (3, 30): "Asia/Tehran",
    (4, 30): "Asia/Kabul",
    (5, 30): "Asia/Kolkata",
    (5, 45): "Asia/Kathmandu",
    (6, 30): "Asia/Yangon",
    (8, 45): "Australia/Eucla",
    (9, 30): "Australia/Darwin",
    (-9, -30): "Pacific/Marquesas",
}
MAX_TZID_CHARS = 200


@functools.cache
def _zone_names() -> dict[str, str]:
    """Every IANA name of the tz database, by its lower-case spelling."""
    return {name.lower(): name for name in zoneinfo.available_timezones() - NOT_ZONES}


@functools.cache
def _windows_names() -> dict[str, str]:
    return {name.lower(): zone for name, zone in WINDOWS_ZONES.items()}


def iana_name(text: str) -> str | None:
    """The tz database's spelling of an IANA name, or None (never a path on disk)."""
    return _zone_names().get(text.strip().lower())


def _vendor_suffix(tzid: str) -> str | None:
    """``/mozilla.org/20070129_1/Asia/Ho_Chi_Minh`` -> ``Asia/Ho_Chi_Minh``."""
    pieces = [p for p in tzid.split("/") if p]
    for count in (3, 2):
        if len(pieces) > count:
            found = iana_name("/".join(pieces[-count:]))
            if found:
                return found
    return None


def _offset_zone(offset: dt.timedelta) -> str | None:
    minutes = int(offset.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = -1 if minutes < 0 else 1
    if rest == 0 and hours <= 14:
        return "Etc/UTC" if hours == 0 else f"Etc/GMT{'-' if sign > 0 else '+'}{hours}"
    return _FRACTIONAL_OFFSETS.get((sign * hours, sign * rest))


def fixed_offset(vtimezone: Any) -> dt.timedelta | None:
    """The one offset of a VTIMEZONE whose every part has the same offset, else None."""
    offsets: set[dt.timedelta] = set()
    for part in vtimezone.subcomponents:
        for key in ("TZOFFSETTO", "TZOFFSETFROM"):
            value = part.get(key)
            if value is not None:
                offsets.add(getattr(value, "td", value))
    return offsets.pop() if len(offsets) == 1 else None


class ZoneResolver:
    """Resolves the TZIDs of one calendar file (with its VTIMEZONE blocks)."""

    def __init__(self, vtimezones: Iterable[Any] = ()) -> None:
        self.vtimezones: dict[str, Any] = {}
        for vtimezone in vtimezones:
            tzid = str(vtimezone.get("TZID") or "").strip()
            if tzid:
                self.vtimezones[tzid.strip('"')] = vtimezone
        self._found: dict[str, str] = {}

    def resolve(self, tzid: str) -> str:
        """The IANA zone for a TZID; raises PlanError naming it."""
        text = str(tzid).strip().strip('"').strip()
        if text not in self._found:
            self._found[text] = self._lookup(text)
        return self._found[text]

    def _lookup(self, text: str) -> str:
        if not text or len(text) > MAX_TZID_CHARS:
            raise PlanError(say("zone_lookup", value=text[:60]))
        found = iana_name(text)
        if found:
            return found
        if text.startswith("/"):
            found = _vendor_suffix(text)
            if found:
                return found
        found = _windows_names().get(text.lower())
        if found:
            return found
        vtimezone = self.vtimezones.get(text)
        if vtimezone is not None:
            offset = fixed_offset(vtimezone)
            found = _offset_zone(offset) if offset is not None else None
            if found:
                return found
            raise PlanError(say("zone_lookup_2", text=text))
        if "/" in text or "\\" in text or ".." in text:
            raise PlanError(say("zone_lookup_3", text=text))
        raise PlanError(say("zone_lookup_4", text=text))
