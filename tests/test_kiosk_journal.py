"""The kiosk's journal: counted per day, written in compact records, every record with an id,
small whatever the number of touches."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest

from kiosk.journal import KioskJournal
from village.clock import ManualClock

START = dt.datetime(2025, 3, 3, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
CODES = [f"1.{n:06d}" for n in range(1000, 1050)]


def journal_at(folder: Path, clock: ManualClock, flush_s: float = 300) -> KioskJournal:
    return KioskJournal(folder, device="pi-01", clock=clock, flush_s=flush_s)


def test_a_days_counts_become_one_record(tmp_path: Path) -> None:
    clock = ManualClock(START)
    journal = journal_at(tmp_path, clock)
    for _ in range(3):
        journal.record_view("1.001193")
    journal.record_view("1.000894")
    journal.record_search("ket hon", 2)
    journal.record_search("ly  hôn ", 0)
    journal.record_search("ly hôn", 0)
    journal.record_clip("bo-phan-mot-cua")
    assert not journal.maybe_flush()  # not yet: five minutes have not passed
    clock.advance(300)
    assert journal.maybe_flush()
    assert list(journal.records()) == []  # the day is not over: counts are checkpointed
    checkpoint = json.loads((tmp_path / "journal" / "kiosk-today.json").read_text("utf-8"))
    assert checkpoint["2025-03-03"]["views"] == {"1.000894": 1, "1.001193": 3}
    journal.record_view("1.001193")
    clock.advance(24 * 3600)  # the next morning
    journal.maybe_flush()
    (record,) = list(journal.records())
    assert record["type"] == "usage" and record["day"] == "2025-03-03"
    assert record["views"] == {"1.000894": 1, "1.001193": 4}
    assert (record["searches"], record["found"]) == (3, 1)
    assert record["not_found"] == {"ly hôn": 2}  # kept word for word (spaces tidied)
    assert record["clips"] == {"bo-phan-mot-cua": 1}
    assert record["device"] == "pi-01" and len(record["id"]) == 32
    assert not (tmp_path / "journal" / "kiosk-today.json").exists()


def test_a_crash_loses_at_most_the_checkpoint_interval(tmp_path: Path) -> None:
    clock = ManualClock(START)
    journal = journal_at(tmp_path, clock)
    journal.record_view("1.001193")
    clock.advance(300)
    journal.maybe_flush()
    journal.record_view("1.000894")  # after the checkpoint: lost in the crash
    # power cut: no close(); the next start resumes from the checkpoint
    again = journal_at(tmp_path, clock)
    again.record_view("1.001193")
    again.close()
    (record,) = list(KioskJournal(tmp_path).records())
    assert record["views"] == {"1.001193": 2}


def test_a_day_appended_twice_across_a_crash_counts_once(tmp_path: Path) -> None:
    clock = ManualClock(START)
    journal = journal_at(tmp_path, clock)
    journal.record_view("1.001193")
    clock.advance(300)
    journal.maybe_flush()
    checkpoint = (tmp_path / "journal" / "kiosk-today.json").read_bytes()
    journal.close()  # appends the day ...
    (tmp_path / "journal" / "kiosk-today.json").write_bytes(checkpoint)  # ... crash before
    journal_at(tmp_path, clock).close()  # the restart appends it again, same id
    assert len(list(KioskJournal(tmp_path).records())) == 1
    assert KioskJournal(tmp_path, clock=clock).summary()["views"] == 1


def test_feedback_is_written_at_once_and_checked(tmp_path: Path) -> None:
    clock = ManualClock(START)
    journal = journal_at(tmp_path, clock)
    record = journal.record_feedback(2, ["long_wait", "text_too_small"], procedure="1.001193")
    (stored,) = list(journal.records())
    assert stored == record and stored["reasons"] == ["long_wait", "text_too_small"]
    with pytest.raises(ValueError):
        journal.record_feedback(6)
    with pytest.raises(ValueError):
        journal.record_feedback(5, ["bad_coffee"])


def test_days_are_kept_apart_and_shutdown_writes_what_is_pending(tmp_path: Path) -> None:
    clock = ManualClock(START.replace(hour=23, minute=58))
    journal = journal_at(tmp_path, clock)
    journal.record_view("1.001193")
    clock.advance(240)  # past midnight, local time
    journal.record_view("1.001193")
    journal.close()
    days = [(r["day"], r["views"]) for r in KioskJournal(tmp_path).records()]
    assert days == [("2025-03-03", {"1.001193": 1}), ("2025-03-04", {"1.001193": 1})]


def test_summary_adds_written_and_pending(tmp_path: Path) -> None:
    clock = ManualClock(START)
    journal = journal_at(tmp_path, clock)
    journal.record_view("a")
    journal.flush()
    journal.record_view("b")
    journal.record_search("zzz", 0)
    journal.record_feedback(5)
    summary = journal.summary()
    assert summary["views"] == 2 and summary["procedures_viewed"] == 2
    assert summary["not_found"] == {"zzz": 1} and summary["feedback"] == {5: 1}


def simulate(folder: Path, days: int, touches_per_citizen: int, seed: int = 7) -> tuple[int, int]:
    """A commune office's working days: 40 citizens a day between 7:00 and 17:00."""
    rng = random.Random(seed)
    clock = ManualClock(START)
    journal = journal_at(folder, clock)
    for day in range(days):
        clock.set(START + dt.timedelta(days=day))
        for _ in range(40):
            clock.advance(rng.uniform(0, 900))
            for _ in range(touches_per_citizen):
                journal.record_view(rng.choice(CODES[: rng.choice((5, 15, 50))]))
                clock.advance(2)
                journal.maybe_flush()
            journal.record_search(rng.choice(["khai sinh", "so do", "ly hon"]), rng.randint(0, 3))
    journal.close()
    return journal.size_bytes(), len(list(journal.records()))


def test_size_grows_with_days_not_with_touches(tmp_path: Path) -> None:
    light, light_records = simulate(tmp_path / "light", days=10, touches_per_citizen=3)
    heavy, heavy_records = simulate(tmp_path / "heavy", days=10, touches_per_citizen=12)
    assert light_records == heavy_records == 10  # one record a day
    # four times the touches: only the extra distinct procedures viewed take room
    assert heavy < light * 1.3, (light, heavy)
    assert light / 10 < 2_000  # bytes a day: well under 1 MB a year
    for path in (tmp_path / "light" / "journal").glob("kiosk-*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert json.loads(line)["id"]
