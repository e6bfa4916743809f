"""Commands from the hub: checked (signature, address, expiry, replay), then carried out.

A command's nonce is written to ``sync/commands.json`` before the command runs, so not even
a crash right after can make it run twice. Nonces are kept until their command expires,
which bounds the file (a command lives at most a day).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from controller.sync.host import DeviceHost
from village.atomic import atomic_write_bytes
from village.plan import Priority, Slot
from village.wire import limits
from village.wire.commands import EVERY_DEVICE, Command
from village.wire.errors import Refused
from village.wire.signing import VerifyKey
from village.wire.status import Reply, utc_iso

log = logging.getLogger(__name__)

CLOCK_SKEW = dt.timedelta(minutes=5)
HUB_TITLE = "Phát thanh từ xã"


class CommandRefused(Refused):
    """A correctly signed command that may not run (its id is known, so it gets a reply)."""

    def __init__(self, command: Command, code: str, detail: str) -> None:
        super().__init__(code, detail)
        self.command = command


class CommandGate:
    """Admits a command only once, only if signed by the hub, addressed here and current."""

    def __init__(
        self, state_path: Path, commune: str, device: str, key: VerifyKey, host: DeviceHost
    ) -> None:
        self.state_path = state_path
        self.commune = commune
        self.device = device
        self.key = key
        self.host = host
        self.seen: dict[str, str] = self._load()

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.state_path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.error("command nonces unreadable (%s): starting a new list", exc)
            return {}
        return {k: v for k, v in data.get("seen", {}).items() if isinstance(v, str)}

    def _remember(self, command: Command, now: dt.datetime) -> None:
        self.seen = {
            nonce: expires
            for nonce, expires in self.seen.items()
            if dt.datetime.fromisoformat(expires) > now - CLOCK_SKEW
        }
        self.seen[command.id] = command.expires_at.isoformat()
        atomic_write_bytes(self.state_path, json.dumps({"seen": self.seen}).encode())

    def admit(self, payload: bytes) -> Command:
        """The command if it may run now; raises ``Refused`` with the reason otherwise."""
        message = self.key.open(payload, limit=limits.COMMAND, what="command")
        command = Command.parse(message)
        if command.commune != self.commune:
            raise Refused("wrong-address", f"command for commune {command.commune}")
        if command.device not in (EVERY_DEVICE, self.device):
            raise Refused("wrong-address", f"command addressed to device {command.device}")
        now = self.host.now()
        if command.expires_at <= now:
            raise CommandRefused(
                command, "expired", f"command expired at {command.expires_at.isoformat()}"
            )
        if command.issued_at > now + CLOCK_SKEW:
            raise CommandRefused(
                command, "expired", f"command issued in the future ({command.issued_at})"
            )
        if command.id in self.seen:
            raise Refused("replayed", f"command {command.id} was already received")
        self._remember(command, now)
        return command


def carry_out(command: Command, host: DeviceHost, device: str) -> Reply:
    """Run an admitted command; the reply says whether it started and why not."""

    def reply(ok: bool, code: str = "", detail: str = "") -> Reply:
        return Reply(command.id, device, ok, code, detail, utc_iso(host.now()))

    if command.action == "stop":
        stopped = host.stop_broadcast("stopped from the commune hub")
        return reply(True, "" if stopped else "idle", "" if stopped else "nothing was on air")
    segments = list(command.segments)
    known = host.store.snapshot().segments
    unknown = [s for s in segments if s not in known]
    if unknown:
        return reply(False, "unknown-segment", f"not on this device: {', '.join(unknown)}")
    level = command.level
    if level < Priority.EMERGENCY:
        blocked = _policy_block(host, segments, known, level)
        if blocked:
            return reply(False, blocked[0], blocked[1])
    answer: dict[str, Any] = host.play_now(segments, level, command.title or HUB_TITLE)
    if not answer.get("ok"):
        return reply(False, "busy", str(answer.get("error", "")))
    return reply(True, "", f"{level.label} broadcast started")


def _policy_block(
    host: DeviceHost, segments: list[str], known: dict, level: Priority
) -> tuple[str, str] | None:
    """Quiet hours and holidays apply to ordinary and priority broadcasts (not emergency)."""
    now = host.now()
    length = sum(known[s].duration_s for s in segments) if segments else 60.0
    slot = Slot("hub", "", now, now + dt.timedelta(seconds=length), level, tuple(segments), 0)
    reason = host.policy().blocks(slot)
    if reason == "quiet hours":
        return "quiet-hours", "quiet hours: only an emergency broadcast may air now"
    if reason == "holiday":
        return "holiday", "a holiday: no ordinary broadcast today"
    return None
