"""The command gate and what an admitted command does, on a recording host: signed by the
hub, addressed here, current and new (the nonce kept across a restart), then carried out
within quiet hours and holidays (an emergency is not held by them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from controller.sync.commands import HUB_TITLE, CommandGate, CommandRefused, carry_out
from tests.unit.doubles import RecordingHost
from village.clock import ManualClock
from village.content import Segment
from village.plan import Policy, Priority
from village.store import ContentStore
from village.wire.commands import Command
from village.wire.errors import Refused
from village.wire.signing import SigningKey
from village.wire.status import utc_iso

T0 = dt.datetime(2030, 3, 4, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
COMMUNE, DEVICE = "xa-a", "pi-01"
HUB = SigningKey.generate()


@pytest.fixture
def host(tmp_path: Path) -> RecordingHost:
    store = ContentStore(tmp_path / "data")
    with store.transaction() as tables:
        for sid in ("tin", "nhac"):
            segment = Segment(sid, f"Bài {sid}", "0" * 64, "wav", 1, 60.0, "2030-01-01")
            tables.upsert("segments", segment.to_dict())
    return RecordingHost(store, ManualClock(T0))


def gate(tmp_path: Path, host: RecordingHost) -> CommandGate:
    return CommandGate(tmp_path / "sync" / "commands.json", COMMUNE, DEVICE, HUB.public, host)


def command(action: str = "play-now", **kw) -> Command:
    kw.setdefault("ttl", dt.timedelta(minutes=10))
    kw.setdefault("now", T0)
    if action == "play-now":
        kw.setdefault("segments", ("tin",))
    return Command.create(kw.pop("commune", COMMUNE), kw.pop("device", DEVICE), action, **kw)


def test_a_signed_command_is_admitted_once_even_across_a_restart(tmp_path, host) -> None:
    sent = command()
    payload = HUB.seal(sent.to_message())
    assert gate(tmp_path, host).admit(payload) == sent
    with pytest.raises(Refused) as again:
        gate(tmp_path, host).admit(payload)  # a new gate reads the nonces kept on disk
    assert again.value.code == "replayed"


def test_commands_not_for_this_device_or_not_from_the_hub_are_refused(tmp_path, host) -> None:
    door = gate(tmp_path, host)
    for other, code in (
        (command(device="pi-02"), "wrong-address"),
        (command(commune="xa-b"), "wrong-address"),
    ):
        with pytest.raises(Refused) as refused:
            door.admit(HUB.seal(other.to_message()))
        assert refused.value.code == code and not isinstance(refused.value, CommandRefused)
    forged = SigningKey.generate().seal(command().to_message())
    with pytest.raises(Refused):
        door.admit(forged)
    assert door.admit(HUB.seal(command(device="*").to_message())).device == "*"


def test_an_expired_command_is_refused_with_a_reply(tmp_path, host) -> None:
    door = gate(tmp_path, host)
    old = command(now=T0 - dt.timedelta(minutes=11))
    with pytest.raises(CommandRefused) as refused:
        door.admit(HUB.seal(old.to_message()))
    assert refused.value.code == "expired" and refused.value.command.id == old.id
    early = command(now=T0 + dt.timedelta(minutes=6))  # the hub's clock far ahead of ours
    with pytest.raises(CommandRefused) as ahead:
        door.admit(HUB.seal(early.to_message()))
    assert ahead.value.code == "expired"


def test_nonces_are_forgotten_once_their_command_has_expired(tmp_path, host) -> None:
    door = gate(tmp_path, host)
    first = command()
    door.admit(HUB.seal(first.to_message()))
    clock = host.clock
    assert isinstance(clock, ManualClock)
    clock.advance(3600)
    door.admit(HUB.seal(command(now=host.now()).to_message()))
    assert first.id not in door.seen and len(door.seen) == 1


def test_play_now_and_stop_are_carried_out_on_the_host(host) -> None:
    sent = command(segments=("tin", "nhac"))
    reply = carry_out(sent, host, DEVICE)
    assert reply.ok and host.played == [(["tin", "nhac"], Priority.ORDINARY, HUB_TITLE)]
    assert (reply.command, reply.device, reply.at) == (sent.id, DEVICE, utc_iso(T0))
    host.busy = "Tin sáng"
    busy = carry_out(command(), host, DEVICE)
    assert not busy.ok and busy.code == "busy" and "Tin sáng" in busy.detail
    stopped = carry_out(command("stop"), host, DEVICE)
    assert stopped.ok and stopped.code == "" and host.stopped == ["stopped from the commune hub"]
    idle = carry_out(command("stop"), host, DEVICE)
    assert idle.ok and idle.code == "idle"


def test_a_segment_the_device_lacks_is_refused(host) -> None:
    reply = carry_out(command(segments=("tin", "moi")), host, DEVICE)
    assert not reply.ok and reply.code == "unknown-segment" and "moi" in reply.detail
    assert host.played == []


def test_quiet_hours_and_holidays_hold_all_but_an_emergency(host) -> None:
    host.policy_in_force = Policy(quiet_hours="08:00-10:00", holidays=())
    quiet = carry_out(command(priority="priority"), host, DEVICE)
    assert not quiet.ok and quiet.code == "quiet-hours"
    host.policy_in_force = Policy(quiet_hours="", holidays=("2030-03-04",))
    holiday = carry_out(command(), host, DEVICE)
    assert not holiday.ok and holiday.code == "holiday"
    assert carry_out(command(priority="priority"), host, DEVICE).ok  # a holiday holds ordinary
    host.policy_in_force = Policy(quiet_hours="08:00-10:00", holidays=("2030-03-04",))
    assert carry_out(command(priority="emergency", title="Bão"), host, DEVICE).ok
    assert host.played[-1] == (["tin"], Priority.EMERGENCY, "Bão")
