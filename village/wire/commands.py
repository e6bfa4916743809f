"""Commands from the hub: an immediate broadcast or a stop, signed, addressed and expiring.

``device`` is one device id or ``*`` for every device of the commune. A command is valid
from ``issued_at`` until ``expires_at`` (at most ``MAX_TTL`` later); its ``id`` is a
random nonce a device remembers until the command expires, so a replay is refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from village.plan import Priority
from village.wire.codec import Fields
from village.wire.errors import Refused
from village.wire.topics import ID_RE

COMMAND_TYPE = "command"
ACTIONS = ("play-now", "stop")
EVERY_DEVICE = "*"
MAX_TTL = dt.timedelta(days=1)
MAX_SEGMENTS = 50
NONCE_RE = re.compile(r"^[0-9a-f]{32}$")
SEGMENT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _time(f: Fields, key: str) -> dt.datetime:
    text = f.text(key, max_len=40)
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise f.fail(key, "not an ISO 8601 time") from exc
    if value.tzinfo is None:
        raise f.fail(key, "has no UTC offset")
    return value


@dataclass(frozen=True)
class Command:
    id: str
    commune: str
    device: str  # a device id or "*"
    action: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    priority: str = "ordinary"
    segments: tuple[str, ...] = ()
    title: str = ""

    @classmethod
    def create(
        cls,
        commune: str,
        device: str,
        action: str,
        *,
        ttl: dt.timedelta,
        priority: str = "ordinary",
        segments: tuple[str, ...] = (),
        title: str = "",
        now: dt.datetime | None = None,
    ) -> Command:
        issued = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        command = cls(
            id=uuid.uuid4().hex,
            commune=commune,
            device=device,
            action=action,
            issued_at=issued,
            expires_at=issued + ttl,
            priority=Priority.parse(priority).label,
            segments=tuple(segments),
            title=title,
        )
        cls.parse(command.to_message())  # the same checks a device makes
        return command

    @property
    def level(self) -> Priority:
        return Priority.parse(self.priority)

    def to_message(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.update(
            type=COMMAND_TYPE,
            issued_at=self.issued_at.isoformat(),
            expires_at=self.expires_at.isoformat(),
            segments=list(self.segments),
        )
        return data

    @classmethod
    def parse(cls, message: dict[str, Any]) -> Command:
        f = Fields(message, "command")
        if f.text("type", max_len=20) != COMMAND_TYPE:
            raise Refused("malformed", "not a command")
        nonce = f.text("id", pattern=NONCE_RE, what="a 32-digit hex nonce")
        commune = f.text("commune", pattern=ID_RE, what="an id", max_len=63)
        device = f.text("device", max_len=63)
        if device != EVERY_DEVICE and not ID_RE.match(device):
            raise f.fail("device", "must be a device id or '*'")
        action = f.text("action", max_len=20)
        if action not in ACTIONS:
            raise f.fail("action", f"must be one of {', '.join(ACTIONS)}")
        issued = _time(f, "issued_at")
        expires = _time(f, "expires_at")
        if expires <= issued or expires - issued > MAX_TTL:
            raise f.fail("expires_at", f"must be after issued_at and at most {MAX_TTL} later")
        priority = f.text("priority", "ordinary", max_len=20)
        try:
            priority = Priority.parse(priority).label
        except Exception as exc:  # PlanError from the parser
            raise f.fail("priority", str(exc)) from exc
        segments = f.each(
            "segments", lambda s: isinstance(s, str) and bool(SEGMENT_RE.match(s)), "segment ids"
        )
        if len(segments) > MAX_SEGMENTS:
            raise f.fail("segments", f"more than {MAX_SEGMENTS}")
        title = f.text("title", "", max_len=200)
        f.finish()
        return cls(
            nonce, commune, device, action, issued, expires, priority, tuple(segments), title
        )
