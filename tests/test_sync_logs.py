"""Logs going up are bounded and believed only when plausible: one device's flood is stored
up to its daily quota (the rest it is told to keep, and staff see it), a genuine device's
month of backlog is all stored (nothing is ever lost, even what the quota or the pace holds
back for a while), and the report leaves implausible records out of its figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
import zoneinfo
from pathlib import Path
from typing import Any

import pytest

from commune.hubdata import HubData
from commune.intake import (
    DURATION,
    FUTURE,
    OUTCOME,
    RATING,
    SLOT,
    UNKNOWN_PLAN,
    UNKNOWN_SEGMENT,
    IntakeLimits,
    LogIntake,
)
from commune.push import push_segment
from commune.refusals import LOG_DEFERRED, LOG_FLAGGED, LOG_OVER_QUOTA
from commune.report.document import build_document
from commune.report.model import build_report
from commune.report.period import Period
from tests.sync_helpers import (
    AgentRun,
    Broker,
    HubRun,
    device_mqtt,
    hostile,
    make_config,
    needs_mosquitto,
    wait_until,
)
from village.config import parse_config
from village.jsonlog import AppendLog
from village.wire import codec
from village.wire.topics import CommuneTopics
from village.wire.uplink import MAX_BATCH_BYTES, LogBatch

T = CommuneTopics("xa-mau")
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def broadcast(
    device: str, on: dt.datetime, *, minutes: float = 2, segment: str = "tin", **changes: Any
) -> dict[str, Any]:
    off = on + dt.timedelta(minutes=minutes)
    record = {
        "id": uuid.uuid4().hex, "kind": "broadcast", "device": device, "slot": "", "plan": "",
        "title": "Tin", "priority": "ordinary", "trigger": "manual",
        "planned_start": on.isoformat(), "planned_end": off.isoformat(),
        "relay_on": on.isoformat(), "relay_off": off.isoformat(),
        "segments": [{"id": segment, "title": "Tin", "complete": True, "error": "",
                      "start": (on + dt.timedelta(seconds=3)).isoformat(),
                      "end": (off - dt.timedelta(seconds=2)).isoformat()}],
        "outcome": "aired", "reason": "", "content_revision": 1,
    }  # fmt: skip
    record.update(changes)
    return record


def batches(records: list[dict[str, Any]]) -> list[bytes]:
    """Log batches as a device makes them (at most 256 KiB of records each)."""
    out: list[bytes] = []
    chunk: list[dict[str, Any]] = []
    size = 0
    for record in records:
        encoded = len(codec.encode(record))
        if chunk and (size + encoded > MAX_BATCH_BYTES or len(chunk) == 1000):
            out.append(
                codec.encode(LogBatch("playlog", uuid.uuid4().hex, tuple(chunk)).to_message())
            )
            chunk, size = [], 0
        chunk.append(record)
        size += encoded
    out.append(codec.encode(LogBatch("playlog", uuid.uuid4().hex, tuple(chunk)).to_message()))
    return out


def month_report(hub: HubData, moment: dt.datetime):
    """The report of the month ``moment`` falls in (in the commune's time zone)."""
    config = parse_config({"hub": {"data": str(hub.root)}})
    day = moment.astimezone(zoneinfo.ZoneInfo(config.schedule.timezone)).date()
    period = Period(day.replace(day=1), day, config.schedule.timezone)
    return build_report(hub, config, period, NOW + dt.timedelta(days=1))


@needs_mosquitto
def test_a_log_flood_is_stored_up_to_the_quota_and_the_rest_is_kept_by_the_device(
    tmp_path: Path,
) -> None:
    broker = Broker(tmp_path / "broker").start()
    hub = HubRun(tmp_path / "hub", broker).start()
    try:
        # yesterday at noon: 100 minutes of records within one day, whatever the hour the test
        # runs (from NOW - 2 h they crossed midnight between 00:00 and 01:40, two days' quota)
        start = NOW.replace(hour=0, minute=0, second=0) - dt.timedelta(hours=12)
        flood = [
            broadcast("pi-02", start + dt.timedelta(seconds=2 * i), minutes=14, segment="gia")
            for i in range(3000)
        ]
        got = hostile(
            broker, "pi-02", T.device("pi-02", "log"), batches(flood), qos=1,
            listen=(T.device("pi-02", "ack"),), quiet_s=1.5,
        )  # fmt: skip
        answers = [m["body"] for m in got["messages"]]
        acked = sum(len(a["ids"]) for a in answers if a["type"] == "ack")
        kept = [a for a in answers if a["type"] == "deferred"]
        repository = hub.hub.repository
        quota = IntakeLimits().quota_per_day
        assert repository.count_records("playlog", "pi-02") == quota == acked
        assert sum(len(a["ids"]) for a in kept) == 3000 - quota
        assert {a["code"] for a in kept} == {"quota"}
        hub.daemon.save_refusals()
        counts = {r.kind: r.count for r in repository.refusals("pi-02")}
        assert counts[LOG_OVER_QUOTA] == 3000 - quota and counts[LOG_FLAGGED] == quota
        # the report does not take them as fact
        report = month_report(hub.hub, start)
        assert report.broadcasts.total.unplanned == 0
        assert len(report.broadcasts.implausible) == quota
        assert report.held_back == ["pi-02"]
        text = " ".join(getattr(b, "text", "") for b in build_document(report, False).blocks)
        assert f"{quota} bản ghi phát thanh bất thường không được tính" in text
        assert "bài chưa từng giao cho thiết bị: 200" in text
    finally:
        hub.stop()
        broker.stop()


@needs_mosquitto
def test_a_month_offline_all_arrives_even_what_the_quota_and_the_pace_held_back(
    tmp_path: Path, make_tone
) -> None:
    broker = Broker(tmp_path / "broker", devices=("pi-01",)).start()
    limits = IntakeLimits(
        quota_per_day=12, quota_retry_s=2, pace_burst=150, pace_per_hour=360_000,
        busy_retry_min_s=1,
    )  # fmt: skip
    hub = HubRun(tmp_path / "hub", broker, devices=("pi-01",), intake_limits=limits).start()
    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, hub, "pi-01"), device={"id": "pi-01"}
    )
    push_segment(hub.hub, make_tone("tin.wav", seconds=1.0), "Tin", segment_id="tin")
    # a month of backlog: 12 broadcasts a day for 30 days, and a 31st day with 15
    days = [NOW - dt.timedelta(days=d) for d in range(1, 32)]
    records = [
        broadcast("pi-01", day.replace(hour=0, minute=0, second=0) + dt.timedelta(hours=h))
        for index, day in enumerate(days)
        for h in range(15 if index == 30 else 12)
    ]
    log = AppendLog(config.data_dir / "log", "playlog")
    log.append_many(records)
    log.close()
    device = AgentRun(config).start()
    repository = hub.hub.repository
    try:
        stored = 30 * 12 + 12
        wait_until(lambda: repository.count_records("playlog") == stored, 60, "the backlog")
        uplink = device.agent.uplink
        wait_until(lambda: not uplink.in_flight and uplink.pending == 3, 20, "3 kept")
        hub.daemon.save_refusals()
        counts = {r.kind: r.count for r in repository.refusals("pi-01")}
        assert counts[LOG_OVER_QUOTA] >= 3 and counts[LOG_DEFERRED] > 0
        assert LOG_FLAGGED not in counts  # a genuine device's records are all plausible
        # staff raise the quota: the three the device kept come up on their own
        hub.daemon.intake.limits = dataclasses.replace(limits, quota_per_day=15)
        wait_until(lambda: repository.count_records("playlog") == len(records), 30, "the rest")
        wait_until(lambda: uplink.pending == 0 and not uplink.in_flight, 20, "all acked")
        assert {r["id"] for r in repository.records(device="pi-01")} == {r["id"] for r in records}
    finally:
        device.stop()
        hub.stop()
        broker.stop()


def intake_scene(tmp_path: Path, make_tone) -> tuple[HubData, LogIntake]:
    hub = HubData.init(tmp_path / "hub", "xa-mau", ["pi-01"])
    push_segment(hub, make_tone("tin.wav", seconds=1.0), "Tin", segment_id="tin")
    return hub, LogIntake(hub.repository, IntakeLimits())


IMPLAUSIBLE: dict[str, tuple[dict[str, Any], str]] = {
    "in the future": (dict(planned_start=(NOW + dt.timedelta(hours=3)).isoformat()), FUTURE),
    "a plan never pushed": (dict(trigger="schedule", plan="gia", slot="gia@x"), UNKNOWN_PLAN),
    "a slot that is not its plan's": (dict(trigger="schedule", slot="other@x"), SLOT),
    "a segment never pushed": (dict(segment="gia"), UNKNOWN_SEGMENT),
    "five hours on air": (dict(minutes=300), DURATION),
    "an outcome no device logs": (dict(outcome="great"), OUTCOME),
    "segments that are not a list": (dict(segments=5), UNKNOWN_SEGMENT),
}


@pytest.mark.parametrize("case", list(IMPLAUSIBLE))
def test_an_implausible_record_is_stored_flagged(tmp_path: Path, make_tone, case: str) -> None:
    hub, intake = intake_scene(tmp_path, make_tone)
    changes, flag = IMPLAUSIBLE[case]
    options = {k: changes.pop(k) for k in ("minutes", "segment") if k in changes}
    record = broadcast("pi-01", NOW - dt.timedelta(hours=1), **options, **changes)
    answers = intake.take("pi-01", batches([record])[0])
    assert answers.held == 1 and answers.flagged == 1  # stored: nothing is lost
    (stored,) = hub.repository.records(device="pi-01", flags=True)
    assert flag in stored["hub_flags"]


def test_the_report_counts_only_what_is_plausible(tmp_path: Path, make_tone) -> None:
    hub, intake = intake_scene(tmp_path, make_tone)
    start = NOW - dt.timedelta(hours=3)
    genuine = broadcast("pi-01", start)
    overlapping = [broadcast("pi-01", start + dt.timedelta(seconds=30 * i)) for i in (1, 2)]
    future = broadcast("pi-01", NOW + dt.timedelta(days=1))
    intake.take("pi-01", batches([genuine, *overlapping, future])[0])
    feedback = {"id": uuid.uuid4().hex, "type": "feedback", "rating": 9, "at": NOW.isoformat()}
    message = LogBatch("journal", "j1", (feedback,)).to_message()
    assert intake.take("pi-01", codec.encode(message)).flagged == 1
    assert RATING in hub.repository.records(stream="journal", flags=True)[0]["hub_flags"]
    report = month_report(hub, start)
    assert report.broadcasts.total.unplanned == 1  # the genuine one
    reasons = sorted(r for item in report.broadcasts.implausible for r in item.reasons)
    assert reasons == ["overlap", "overlap"] or reasons == ["future", "overlap", "overlap"]
