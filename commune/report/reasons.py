"""Play-log reasons (English, as devices log them) in Vietnamese for the report.

The original text stays in the CSV; a reason no pattern knows is shown as logged.
"""

from __future__ import annotations

import re

from commune.catalogue import say

BEFORE_AUDIO = " before the audio began"
LEVELS = {"emergency": "priority_emergency", "priority": "priority_priority"}

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^the controller was not running at slot time", "why_not_running"),
        (r"^too late to start \((?P<seconds>\d+) s after", "why_too_late"),
        (r"^busy: another broadcast was on air \((?P<title>.*)\)$", "why_busy"),
        (r"^clock not synchronised", "why_clock"),
        (r"^interrupted: the controller stopped or lost power", "why_power"),
        (r"^interrupted by (?P<level>\w+) broadcast", "why_preempted"),
        (r"^maximum on-time reached", "why_max_on"),
        (r"^controller stopping", "why_stopping"),
        (r"^stopped by operator", "why_operator"),
        (r"^stopped with the button", "why_button"),
        (r"^relay switched off by operator", "why_relay_off"),
        (r"^nothing to play", "why_nothing"),
        (r"^no segment could be played", "why_unplayable"),
        (r"^skipped unplayable segment\(s\) (?P<ids>[^:]+):", "why_skipped"),
        (r"^started (?P<seconds>\d+) s late; faded out", "why_late_cut"),
        (r"^faded out at slot end", "why_cut"),
        (r"^started (?P<seconds>\d+) s late$", "why_late"),
    )
)


def reason_text(reason: str) -> str:
    """The Vietnamese wording of a logged reason."""
    text = reason.strip()
    suffix = ""
    if text.endswith(BEFORE_AUDIO):
        text = text[: -len(BEFORE_AUDIO)]
        suffix = say("why_before_audio")
    for pattern, key in PATTERNS:
        match = pattern.search(text)
        if match:
            values = match.groupdict()
            if "level" in values:
                values["level"] = say(LEVELS.get(values["level"], "priority_priority"))
            return say(key, **values) + suffix
    return reason
