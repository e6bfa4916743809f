"""Presence and outcomes: the device's status (retained), the hub's status, command replies.

A device's status is one retained JSON object on ``device/<id>/status``; its last will on
the same topic says ``online: false``, so the hub (and anyone allowed to read) always sees
the latest state. Fields are documented in ``docs/protocol.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from village.wire.codec import Fields
from village.wire.errors import Refused
from village.wire.topics import ID_RE

STATUS_TYPE = "status"
HUB_TYPE = "hub"
REPLY_TYPE = "reply"
SYNC_STATES = ("idle", "fetching", "applied", "refused")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
CODE_OR_EMPTY_RE = re.compile(r"^(?:[a-z0-9][a-z0-9-]{0,39})?$")
NONCE_RE = re.compile(r"^[0-9a-f]{32}$")
MAX_QUARANTINED = 100
# the fields of the last play-log record a status carries (controller.daemon.host)
LAST_BROADCAST_FIELDS = (
    "id",
    "title",
    "outcome",
    "reason",
    "priority",
    "trigger",
    "planned_start",
    "relay_on",
    "relay_off",
)
_REQUIRED = object()


def utc_iso(value: dt.datetime | None = None) -> str:
    return (value or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")


def offline_status(device: str, reason: str) -> dict[str, Any]:
    """The last will, and what a device says before a clean disconnect."""
    return {"type": STATUS_TYPE, "device": device, "online": False, "reason": reason}


def _iso_time(f: Fields, key: str, default: Any = _REQUIRED) -> str:
    """An ISO 8601 time with a UTC offset (or the default when absent)."""
    text = f.text(key, max_len=40) if default is _REQUIRED else f.text(key, default, max_len=40)
    if text == default:
        return text
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise f.fail(key, "not an ISO 8601 time") from exc
    if value.tzinfo is None:
        raise f.fail(key, "has no UTC offset")
    return text


def _nullable(f: Fields, key: str, read: Callable[[str], Any]) -> Any:
    """``read(key)`` unless the field is absent or null."""
    if f.data.get(key) is None:
        f.raw(key, None)
        return None
    return read(key)


def _status_sync(f: Fields | None) -> None:
    if f is None:
        return
    if f.text("state", max_len=20) not in SYNC_STATES:
        raise f.fail("state", f"must be one of {', '.join(SYNC_STATES)}")
    f.integer("version", 0)
    f.integer("have_bytes", 0)
    f.integer("total_bytes", 0)
    _iso_time(f, "at", "")
    f.text("code", "", pattern=CODE_OR_EMPTY_RE, max_len=40, what="a refusal code")
    f.text("detail", "", max_len=2000)
    f.finish()


def _status_refusal(f: Fields | None) -> None:
    if f is None:
        return
    f.text("what", max_len=200)
    f.text("code", pattern=CODE_RE, max_len=40, what="a refusal code")
    f.text("detail", "", max_len=2000)
    _iso_time(f, "at", "")
    f.finish()


def _status_broadcast(f: Fields | None) -> None:
    """``last_broadcast``: the fields of the device's last play-log record."""
    if f is None:
        return
    for key in LAST_BROADCAST_FIELDS:
        _nullable(f, key, lambda k: f.text(k, max_len=2000))
    f.finish()


def _status_quarantined(f: Fields) -> None:
    """``quarantined``: plans the device could not expand, and why (``Quarantined.to_json``)."""
    for item in f.objects("quarantined", [], max_items=MAX_QUARANTINED):
        item.text("plan", max_len=200)
        item.text("title", "", max_len=2000)
        item.text("reason", max_len=2000)
        item.finish()


def parse_status(message: dict[str, Any], device: str) -> dict[str, Any]:
    """Check a device status field by field (``docs/protocol.md``); an unknown field, a
    wrong type or another device's name refuses the whole status. Returns it as sent."""
    f = Fields(message, "status")
    if f.text("type", max_len=20) != STATUS_TYPE:
        raise Refused("malformed", "not a status")
    if f.text("device", max_len=63) != device:
        raise Refused("wrong-address", "status names another device than its topic")
    f.flag("online")
    f.text("reason", "", max_len=200)
    _iso_time(f, "at", "")
    for key in ("content_version", "content_revision", "disk_free_bytes", "pending_logs"):
        _nullable(f, key, lambda k: f.integer(k, low=0))
    for key in ("relay", "clock_synchronized"):
        _nullable(f, key, f.flag)
    _nullable(f, "state", lambda k: f.text(k, max_len=40))
    _nullable(f, "on_air", lambda k: f.text(k, max_len=2000))
    _nullable(f, "agent", lambda k: f.text(k, max_len=100))
    _status_sync(f.obj("sync", None))
    _status_broadcast(f.obj("last_broadcast", None))
    _status_refusal(f.obj("last_refusal", None))
    _status_quarantined(f)
    f.finish()
    return message


def hub_status(online: bool) -> dict[str, Any]:
    return {"type": HUB_TYPE, "online": online, "at": utc_iso()}


def parse_hub_status(message: dict[str, Any]) -> bool:
    """Whether the hub says it is online; raises ``Refused`` for anything but a hub status."""
    f = Fields(message, "hub status")
    if f.text("type", max_len=20) != HUB_TYPE:
        raise Refused("malformed", "not a hub status")
    online = f.flag("online")
    _iso_time(f, "at", "")
    f.finish()
    return online


def hub_is_online(message: dict[str, Any]) -> bool:
    """False for an offline hub and for anything that is not a hub status."""
    try:
        return parse_hub_status(message)
    except Refused:
        return False


@dataclass(frozen=True)
class Reply:
    """A device's answer to a command."""

    command: str
    device: str
    ok: bool
    code: str = ""
    detail: str = ""
    at: str = ""

    def to_message(self) -> dict[str, Any]:
        return {
            "type": REPLY_TYPE,
            "command": self.command,
            "device": self.device,
            "ok": self.ok,
            "code": self.code,
            "detail": self.detail,
            "at": self.at or utc_iso(),
        }

    @classmethod
    def parse(cls, message: dict[str, Any]) -> Reply:
        f = Fields(message, "reply")
        if f.text("type", max_len=20) != REPLY_TYPE:
            raise Refused("malformed", "not a reply")
        reply = cls(
            command=f.text("command", pattern=NONCE_RE, what="a command's nonce", max_len=32),
            device=f.text("device", pattern=ID_RE, what="a device id", max_len=63),
            ok=f.flag("ok"),
            code=f.text("code", "", pattern=CODE_OR_EMPTY_RE, what="a reason code", max_len=40),
            detail=f.text("detail", "", max_len=2000),
            at=_iso_time(f, "at", ""),
        )
        f.finish()
        return reply
