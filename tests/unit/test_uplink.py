"""The uplink on its own: the play log goes up in batches within the window, an ack moves
the watermark (kept across a restart), an unacknowledged batch goes again, deferred
records wait out the hub's delay, a line still being written waits. What it sends is
recorded; acks are handed to it as the hub would send them."""

from __future__ import annotations

import json
from pathlib import Path

from controller.sync.uplink import ACK_TIMEOUT_S, WINDOW, LogUplink, device_streams
from tests.unit.doubles import FakeMonotonic
from village.wire.uplink import Ack, Deferred, LogBatch


class Hub:
    """Where the batches go: every one sent, and whether the connection takes them."""

    def __init__(self) -> None:
        self.batches: list[LogBatch] = []
        self.reachable = True

    def send(self, batch: LogBatch) -> bool:
        if not self.reachable:
            return False
        self.batches.append(batch)
        return True

    def ids(self, batch: LogBatch) -> list[str]:
        return [r["id"] for r in batch.records]


def write_log(data_dir: Path, ids: list[str], tail: str = "") -> None:
    folder = data_dir / "log"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "playlog-2030-03.jsonl", "a", encoding="utf-8") as handle:
        for rid in ids:
            handle.write(json.dumps({"id": rid, "kind": "broadcast", "outcome": "aired"}) + "\n")
        handle.write(tail)


def uplink(data_dir: Path, hub: Hub, clock: FakeMonotonic, batch: int = 2) -> LogUplink:
    return LogUplink(
        device_streams(data_dir),
        data_dir / "sync" / "uplink.json",
        hub.send,
        batch_records=batch,
        monotonic=clock,
    )


def ack(batch: LogBatch) -> Ack:
    return Ack(batch.stream, batch.batch, tuple(r["id"] for r in batch.records))


def test_records_go_up_in_batches_and_acks_are_kept_across_a_restart(tmp_path) -> None:
    hub, clock = Hub(), FakeMonotonic()
    write_log(tmp_path, [f"r{i}" for i in range(5)])
    up = uplink(tmp_path, hub, clock)
    assert up.pump(True) == 3
    assert [hub.ids(b) for b in hub.batches] == [["r0", "r1"], ["r2", "r3"], ["r4"]]
    assert up.pending == 5
    for batch in hub.batches:
        assert up.on_ack(ack(batch)) == len(batch.records)
    assert up.pump(True) == 0 and up.pending == 0 and not up.in_flight

    again = uplink(tmp_path, Hub(), clock)  # the controller restarted
    assert again.pump(True) == 0 and again.pending == 0


def test_no_more_than_the_window_is_in_flight(tmp_path) -> None:
    hub, clock = Hub(), FakeMonotonic()
    write_log(tmp_path, [f"r{i}" for i in range(10)])
    up = uplink(tmp_path, hub, clock, batch=1)
    assert up.pump(True) == WINDOW
    assert up.pending == 10 and len(up.in_flight) == WINDOW
    up.on_ack(ack(hub.batches[0]))
    assert up.pump(True) == 1
    assert hub.ids(hub.batches[-1]) == [f"r{WINDOW}"]


def test_an_unacknowledged_batch_goes_again_after_the_timeout(tmp_path) -> None:
    hub, clock = Hub(), FakeMonotonic()
    write_log(tmp_path, ["a", "b"])
    up = uplink(tmp_path, hub, clock)
    up.pump(True)
    (first,) = hub.batches
    clock.value += ACK_TIMEOUT_S - 1
    assert not up.resend_due() and up.pump(True) == 0 and len(hub.batches) == 1
    clock.value += 2
    assert up.resend_due()
    up.pump(True)
    assert [b.batch for b in hub.batches] == [first.batch, first.batch]  # the same batch
    hub.reachable = False
    clock.value += ACK_TIMEOUT_S + 1
    up.pump(False)  # nothing goes out while the hub cannot be reached
    assert len(hub.batches) == 2 and up.pending == 2


def test_deferred_records_stay_and_go_again_after_the_hubs_delay(tmp_path) -> None:
    hub, clock = Hub(), FakeMonotonic()
    write_log(tmp_path, ["a", "b"])
    up = uplink(tmp_path, hub, clock)
    up.pump(True)
    (batch,) = hub.batches
    up.on_ack(Ack("playlog", batch.batch, ("a",)))
    assert up.on_deferred(Deferred("playlog", batch.batch, ("b",), "over-quota", 60)) == 1
    assert not up.in_flight
    clock.value += 59
    assert up.pump(True) == 0 and up.pending == 1  # kept, not offered yet
    clock.value += 2
    assert up.resend_due() and up.pump(True) == 1
    assert hub.ids(hub.batches[-1]) == ["b"] and hub.batches[-1].batch != batch.batch


def test_a_line_still_being_written_waits_and_a_bad_line_is_passed_over(tmp_path) -> None:
    hub, clock = Hub(), FakeMonotonic()
    write_log(tmp_path, ["a"], tail='not json\n{"id": "b", "kind": "broad')
    up = uplink(tmp_path, hub, clock)
    up.pump(True)
    assert [hub.ids(b) for b in hub.batches] == [["a"]]
    up.on_ack(ack(hub.batches[0]))
    with open(tmp_path / "log" / "playlog-2030-03.jsonl", "a", encoding="utf-8") as handle:
        handle.write('cast"}\n')  # the writer finishes the line
    assert up.changed()
    up.pump(True)
    assert hub.ids(hub.batches[-1]) == ["b"]
