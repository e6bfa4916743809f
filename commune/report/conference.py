"""Outreach conferences entered by staff (``village record conference``)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from commune.catalogue import say
from commune.report.errors import BadInput
from commune.report.period import Period, parse_day, vn_date
from commune.repository import HubRepository

MAX_TOPIC = 300
MAX_ATTENDEES = 1_000_000


@dataclass(frozen=True)
class Conference:
    id: str
    day: dt.date
    topic: str
    attendees: int
    place: str = ""

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "day": self.day.isoformat(),
            "topic": self.topic,
            "attendees": self.attendees,
            "place": self.place,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Conference:
        return cls(
            id=str(record["id"]),
            day=dt.date.fromisoformat(str(record["day"])),
            topic=str(record.get("topic", "")),
            attendees=int(record.get("attendees", 0)),
            place=str(record.get("place", "")),
        )


def new_conference(
    day_text: str, attendees: int, topic: str, place: str, today: dt.date
) -> Conference:
    """A conference staff entered, checked; refusals are in Vietnamese."""
    day = parse_day(day_text, "--date")
    if day > today:
        raise BadInput(say("conference_future", day=vn_date(day), today=vn_date(today)))
    if not 1 <= attendees <= MAX_ATTENDEES:
        raise BadInput(say("conference_bad_attendees", value=attendees))
    topic = " ".join(topic.split())
    if not topic:
        raise BadInput(say("conference_no_topic"))
    if len(topic) > MAX_TOPIC:
        raise BadInput(say("conference_long_topic", limit=MAX_TOPIC))
    return Conference(uuid.uuid4().hex, day, topic, attendees, " ".join(place.split()))


def record_conference(repository: HubRepository, conference: Conference) -> None:
    repository.add_conference(conference.to_record())


def conferences(repository: HubRepository, period: Period) -> list[Conference]:
    """The period's conferences, in date order."""
    found = [Conference.from_record(r) for r in repository.conferences()]
    return sorted(
        (c for c in found if period.contains_day(c.day)), key=lambda c: (c.day, c.topic, c.id)
    )
