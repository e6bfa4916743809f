"""The kiosk's configuration section ``[kiosk]``.

The opening hours are checked by the one parser that reads them (``kiosk.hours``).
Registered with the core's schema through the entry-point group ``village.config``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.catalogue import t
from kiosk.hours import HoursError, OpeningHours
from village.config import SectionRegistry, between, one_of, setting


def opening_hours_rules(value: str) -> str | None:
    """Rules such as ``T2-T6 07:00-11:30,13:30-17:00; T7 07:00-11:30``, read by kiosk.hours."""
    try:
        OpeningHours.parse(value)
    except HoursError:
        return t("config_opening_hours")
    return None


def pin_digits(value: str) -> str | None:
    if value == "" or re.fullmatch(r"\d{4,8}", value):
        return None
    return t("config_staff_pin")


def screen_size(value: str) -> str | None:
    if re.fullmatch(r"[1-9]\d{2,3}x[1-9]\d{2,3}", value):
        return None
    return t("config_window_size")


@dataclass(frozen=True)
class KioskSettings:
    idle_return_s: float = setting(
        90.0,
        "Seconds without a touch before the kiosk returns to the home screen",
        check=between(1, 86400),
    )
    attract_after_s: float = setting(
        180.0,
        "Seconds without a touch before the attract loop starts (clips and slides)",
        check=between(1, 86400),
    )
    attract_slide_s: float = setting(
        8.0, "Seconds each slide of the attract loop stays on screen", check=between(1, 3600)
    )
    opening_hours: str = setting(
        "T2-T6 07:00-17:00; T7 07:00-11:30",
        "When the screen is lit: days (T2..T7, CN) and hours; the schedule's holidays are "
        "closed; empty: always",
        check=opening_hours_rules,
    )
    outside_hours: str = setting(
        "dim",
        "Outside opening hours the screen is 'dim' (dark, shows the hours), 'blank' (black) "
        "or 'on'; a touch wakes it until the next idle return",
        check=one_of("dim", "blank", "on"),
    )
    staff_pin: str = setting(
        "",
        "PIN of the staff panel (long press on the header); empty: staff panel disabled",
        secret=True,
        check=pin_digits,
    )
    shares_broadcast_output: bool = setting(
        True,
        "The kiosk's speakers share the broadcast output: mute clips while the relay is on",
    )
    fullscreen: bool = setting(True, "Full screen with no window decorations")
    window_size: str = setting(
        "1280x800", "Window size when not full screen (and of screenshots)", check=screen_size
    )
    text_scale_large: float = setting(
        1.3, "Text size factor of the 'larger text' toggle", check=between(1.0, 2.0)
    )
    synonyms_file: str = setting(
        "", "Citizens' words for procedures, editable by staff (empty: the shipped list)"
    )
    recent_count: int = setting(
        6,
        "How many newly published or amended procedures the home screen lists",
        check=between(0, 20),
    )
    journal_flush_s: float = setting(
        300.0,
        "Seconds between two checkpoints of the day's usage counts (a power cut loses at most "
        "this much; the journal gets one usage record a day)",
        check=between(5, 86400),
    )
    content_poll_s: float = setting(
        1.0,
        "Seconds between two checks of the content store for changes",
        check=between(0.2, 5),
    )


def register(sections: SectionRegistry) -> None:
    sections.add("kiosk", KioskSettings, order=90)
