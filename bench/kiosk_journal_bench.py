"""Size of the kiosk's journal after a simulated year of use.

    python -m bench.kiosk_journal_bench --citizens 40 --touches 4

A year of office days (Monday to Friday 7:00–17:00, Saturday 7:00–11:30; 302 days): each
day ``--citizens`` people arrive at random, each opens ``--touches`` procedure pages chosen
with a Zipf-like preference among the sample's procedures, most search once (one in ten
finds nothing), one in twenty leaves a rating. The journal is the real one (fsync'd appends:
one usage record per day, every rating; today's counts checkpointed every ``--flush``
seconds), driven by a fake clock.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kiosk.journal import REASONS, KioskJournal  # noqa: E402
from village.clock import ManualClock  # noqa: E402

SAMPLE = REPO / "media" / "procedures" / "thu-tuc-cap-xa.json"
ZONE = dt.timezone(dt.timedelta(hours=7))
FIRST_DAY = dt.date(2025, 1, 6)
MISSED = ["ly hon", "the bhyt", "lam can cuoc", "xin viec", "dien nuoc", "so bao hiem"]
FOUND = ["khai sinh", "ket hon", "tam tru", "so do", "cong chung", "ho khau", "xay nha"]


def office_days(year_days: int = 365) -> list[tuple[dt.date, dt.time, dt.time]]:
    days = []
    for offset in range(year_days):
        day = FIRST_DAY + dt.timedelta(days=offset)
        if day.weekday() < 5:
            days.append((day, dt.time(7, 0), dt.time(17, 0)))
        elif day.weekday() == 5:
            days.append((day, dt.time(7, 0), dt.time(11, 30)))
    return days


def simulate(folder: Path, citizens: int, touches: int, flush_s: float, seed: int) -> dict:
    rng = random.Random(seed)
    codes = [r["code"] for r in json.loads(SAMPLE.read_text(encoding="utf-8"))]
    weights = [1 / (rank + 1) for rank in range(len(codes))]
    clock = ManualClock(dt.datetime.combine(FIRST_DAY, dt.time(7), tzinfo=ZONE))
    journal = KioskJournal(folder, device="pi-01", clock=clock, flush_s=flush_s)
    pages = searches = ratings = 0
    days = office_days()
    for day, opens, closes in days:
        start = dt.datetime.combine(day, opens, tzinfo=ZONE)
        length = (dt.datetime.combine(day, closes, tzinfo=ZONE) - start).total_seconds()
        arrivals = sorted(
            rng.uniform(0, length) for _ in range(citizens // (2 if day.weekday() == 5 else 1))
        )
        clock.set(start)
        for arrival in arrivals:
            target = start + dt.timedelta(seconds=arrival)
            while clock.now() < target:  # the app ticks: flushes happen as time passes
                clock.advance(min(60.0, (target - clock.now()).total_seconds()))
                journal.maybe_flush()
            if rng.random() < 0.7:
                missed = rng.random() < 0.1
                journal.record_search(rng.choice(MISSED if missed else FOUND), 0 if missed else 3)
                searches += 1
            for _ in range(touches):
                journal.record_view(rng.choices(codes, weights)[0])
                pages += 1
                clock.advance(rng.uniform(5, 40))
                journal.maybe_flush()
            if rng.random() < 0.05:
                journal.record_feedback(rng.randint(1, 5), rng.sample(REASONS, rng.randint(0, 2)))
                ratings += 1
        clock.set(dt.datetime.combine(day, closes, tzinfo=ZONE) + dt.timedelta(minutes=10))
        journal.maybe_flush()
    journal.close()
    records = list(journal.records())
    size = journal.size_bytes()
    return {
        "office_days": len(days),
        "citizens_per_day": citizens,
        "pages_viewed": pages,
        "searches": searches,
        "ratings": ratings,
        "records": len(records),
        "usage_records": sum(1 for r in records if r["type"] == "usage"),
        "bytes": size,
        "kib_per_year": round(size / 1024, 1),
        "bytes_per_office_day": round(size / len(days)),
        "bytes_per_page_view": round(size / pages, 1),
        "files": len(journal.log.files()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--citizens", type=int, default=40, help="citizens a weekday")
    parser.add_argument("--touches", type=int, default=4, help="pages each citizen opens")
    parser.add_argument("--flush", type=float, default=300.0, help="journal_flush_s")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="journal-bench-") as tmp:
        started = time.perf_counter()
        result = simulate(Path(tmp), args.citizens, args.touches, args.flush, args.seed)
        result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
