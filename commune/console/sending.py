"""Sending from the console: play-now, stop and emergency, queued for the hub daemon (the
same ``commune.push.queue_command`` the command line uses), recorded in the send log and
the audit log; and each device's answer, for the result page."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

from commune.console.catalogue import reason, t
from commune.console.context import Console
from commune.console.errors import ConsoleError
from commune.console.sends import Send
from commune.desired import desired_state, devices_of
from commune.push import queue_command, resolve_targets
from village.text import clean_line
from village.wire.commands import EVERY_DEVICE
from village.wire.status import Reply

CONFIRM_S = 120.0
MAX_TITLE = 120
MAX_REASON = 500


@dataclass(frozen=True)
class Order:
    """What staff asked for, checked."""

    action: str  # play-now, stop
    priority: str  # ordinary, priority, emergency
    devices: tuple[str, ...]  # empty: the whole commune
    segments: tuple[str, ...]
    title: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {
            "action": self.action,
            "priority": self.priority,
            "devices": list(self.devices),
            "segments": list(self.segments),
            "title": self.title,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, value: dict[str, object]) -> Order:
        def items(key: str) -> tuple[str, ...]:
            raw = value.get(key)
            return tuple(str(v) for v in raw) if isinstance(raw, list) else ()

        return cls(
            str(value.get("action")),
            str(value.get("priority")),
            items("devices"),
            items("segments"),
            str(value.get("title", "")),
            str(value.get("reason", "")),
        )


def make_order(
    action: str,
    priority: str,
    devices: list[str],
    segments: list[str],
    title: str,
    why: str,
) -> Order:
    title = clean_line(title)[:MAX_TITLE]
    why = clean_line(why)[:MAX_REASON]
    if action == "stop":
        return Order("stop", "ordinary", tuple(devices), (), "", why)
    if not segments:
        raise ConsoleError(t("send_need_segments"))
    if priority == "emergency" and not why:
        raise ConsoleError(t("send_need_reason"))
    if priority not in ("ordinary", "priority", "emergency"):
        priority = "ordinary"
    return Order("play-now", priority, tuple(devices), tuple(segments), title, why)


def check_targets(console: Console, order: Order) -> list[str]:
    """The devices an order reaches; refuses, in staff words, unknown devices and segments
    a device does not hold (it would refuse them)."""
    repository = console.hub.repository
    known = set(repository.device_ids())
    unknown = sorted(set(order.devices) - known)
    if unknown:
        raise ConsoleError(t("send_unknown_devices", devices=", ".join(unknown)))
    reached = devices_of(repository, list(order.devices) or [EVERY_DEVICE])
    if order.segments:
        entries = repository.entries()
        for device in reached:
            held = desired_state(entries, device).items["segments"]
            missing = [s for s in order.segments if s not in held]
            if missing:
                raise ConsoleError(
                    t("send_missing_segments", device=device, segments=", ".join(missing))
                )
    return reached


def send(console: Console, order: Order, actor: str, address: str) -> Send:
    hub = console.hub
    check_targets(console, order)
    commands = queue_command(
        hub,
        order.action,
        devices=order.devices,
        segments=order.segments,
        priority=order.priority,
        title=order.title or (t("action_emergency") if order.priority == "emergency" else ""),
        ttl_s=console.config.hub.command_ttl_s,
    )
    console.on_command()  # the daemon in this process sends it now
    reached = devices_of(hub.repository, resolve_targets(hub, order.devices))
    now = console.now()
    record = Send(
        id=uuid.uuid4().hex,
        at=now.astimezone(dt.UTC).isoformat(timespec="seconds"),
        actor=actor,
        action=order.action,
        priority=order.priority,
        title=order.title or commands[0].title,
        reason=order.reason,
        devices=tuple(reached),
        commands=tuple(c.id for c in commands),
        expires_at=commands[0].expires_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        ended_at=None,
    )
    console.sends.add(record)
    if order.action == "stop":
        console.sends.end_emergencies(now)
    console.audit.record(
        actor,
        address,
        "emergency" if order.priority == "emergency" else "command",
        ",".join(order.devices) or "*",
        json.dumps(order.to_dict(), ensure_ascii=False),
    )
    return record


@dataclass(frozen=True)
class Answer:
    device: str
    state: str  # ok, bad, pending
    text: str


def answers(console: Console, record: Send) -> list[Answer]:
    """Each device's answer to a send so far (or why there is none yet)."""
    repository = console.hub.repository
    replies: dict[str, Reply] = {}
    outcomes: set[str | None] = set()
    for command_id in record.commands:
        for answered in repository.replies(command_id):
            replies[answered.device] = answered
        outcomes.add(repository.command_outcome(command_id))
    online = {row.device: row.online for row in repository.devices()}
    expired = console.now() >= dt.datetime.fromisoformat(record.expires_at)
    out = []
    for device in record.devices:
        reply = replies.get(device)
        if reply is not None:
            out.append(_answer(device, reply.ok, reply.code, reply.detail, record.action))
        elif "expired" in outcomes or expired:
            key = "send_answer_expired" if "expired" in outcomes else "send_answer_no_reply"
            out.append(Answer(device, "bad", t(key)))
        elif not online.get(device):
            out.append(Answer(device, "pending", t("send_answer_offline")))
        else:
            out.append(Answer(device, "pending", t("send_answer_waiting")))
    return out


def _answer(device: str, ok: bool, code: str, detail: str, action: str) -> Answer:
    if not ok:
        return Answer(device, "bad", t("send_answer_refused", reason=reason(code, detail)))
    if code == "idle":
        return Answer(device, "ok", t("send_answer_idle"))
    key = "send_answer_stopped" if action == "stop" else "send_answer_started"
    return Answer(device, "ok", t(key))
