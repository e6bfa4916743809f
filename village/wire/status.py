"""Presence and outcomes: the device's status (retained), the hub's status, command replies.

A device's status is one retained JSON object on ``device/<id>/status``; its last will on
the same topic says ``online: false``, so the hub (and anyone allowed to read) always sees
the latest state. Fields are documented in ``docs/protocol.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from village.wire.codec import Fields
from village.wire.errors import Refused

STATUS_TYPE = "status"
HUB_TYPE = "hub"
REPLY_TYPE = "reply"
SYNC_STATES = ("idle", "fetching", "applied", "refused")


def utc_iso(value: dt.datetime | None = None) -> str:
    return (value or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")


def offline_status(device: str, reason: str) -> dict[str, Any]:
    """The last will, and what a device says before a clean disconnect."""
    return {"type": STATUS_TYPE, "device": device, "online": False, "reason": reason}


def parse_status(message: dict[str, Any], device: str) -> dict[str, Any]:
    """Light checks on a device status (the hub stores it as sent, keyed by the topic)."""
    f = Fields(message, "status")
    if f.text("type", max_len=20) != STATUS_TYPE:
        raise Refused("malformed", "not a status")
    if f.text("device", max_len=63) != device:
        raise Refused("wrong-address", "status names another device than its topic")
    f.flag("online")
    sync = f.obj("sync", None)
    if sync is not None and sync.text("state", "idle", max_len=20) not in SYNC_STATES:
        raise Refused("malformed", "status.sync.state is unknown")
    return message


def hub_status(online: bool) -> dict[str, Any]:
    return {"type": HUB_TYPE, "online": online, "at": utc_iso()}


def hub_is_online(message: dict[str, Any]) -> bool:
    return message.get("type") == HUB_TYPE and message.get("online") is True


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
            command=f.text("command", max_len=64),
            device=f.text("device", max_len=63),
            ok=f.flag("ok"),
            code=f.text("code", "", max_len=40),
            detail=f.text("detail", "", max_len=2000),
            at=f.text("at", "", max_len=40),
        )
        f.finish()
        return reply
