"""Power loss: writers killed with SIGKILL at random moments, hundreds of times.

After every kill the store must open and hold every change that was acknowledged, and the
play log must hold every acknowledged record, once.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO
from village.jsonlog import AppendLog
from village.playlog import PlayLog
from village.store import ContentStore

ROUNDS = 200

WRITER = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
from village.store import ContentStore
from village.playlog import PlayLog
data, first = sys.argv[1], int(sys.argv[2])
store, log = ContentStore(data), PlayLog(data)
i = first
while True:
    with store.transaction() as tables:
        tables.upsert("plans", {{"id": f"p{{i}}", "title": "x" * (i % 300)}})
    print("S", i, flush=True)
    log.append({{"id": f"r{{i}}", "outcome": "aired", "note": "y" * (i % 500)}})
    print("L", i, flush=True)
    i += 1
"""


def test_sigkill_during_writes_loses_no_acknowledged_change(data_dir: Path) -> None:
    rng = random.Random(20210301)
    acked_store: set[str] = set()
    acked_log: list[str] = []
    next_id = 0
    for _ in range(ROUNDS):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data_dir), str(next_id)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # writing is under way
        assert first.startswith("S"), first
        time.sleep(rng.uniform(0, 0.06))
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        complete = (first + rest).split("\n")[:-1]  # a half-printed line is no ack
        for line in complete:
            kind, number = line.split()
            (acked_store.add(f"p{number}") if kind == "S" else acked_log.append(f"r{number}"))
            next_id = max(next_id, int(number) + 1)

        snapshot = ContentStore(data_dir).snapshot()  # always opens
        missing = acked_store - set(snapshot.plans)
        assert not missing, f"acknowledged store changes lost: {sorted(missing)[:5]}"
        ids = [r["id"] for r in PlayLog(data_dir).records()]
        assert len(ids) == len(set(ids)), "a record appears twice"
        lost = set(acked_log) - set(ids)
        assert not lost, f"acknowledged log records lost: {sorted(lost)[:5]}"
    assert len(acked_log) > ROUNDS  # the kills really landed in the middle of work
    with ContentStore(data_dir).transaction():
        pass
    assert not list(data_dir.glob(".content.json.*.tmp"))  # crash litter is cleared


def test_torn_last_line_is_cut_before_the_next_append(tmp_path: Path) -> None:
    log = AppendLog(tmp_path, "playlog")
    log.append({"id": "a"})
    log.close()
    (path,) = log.files()
    with open(path, "ab") as handle:
        handle.write(b'{"id": "b", "outcome": "ai')  # the power went here
    assert [r["id"] for r in AppendLog(tmp_path, "playlog").read()] == ["a"]
    again = AppendLog(tmp_path, "playlog")
    again.append({"id": "c"})
    again.close()
    assert [r["id"] for r in AppendLog(tmp_path, "playlog").read()] == ["a", "c"]
    assert path.read_bytes().count(b"\n") == 2


def test_a_corrupt_line_in_the_middle_is_skipped_not_fatal(tmp_path: Path) -> None:
    log = AppendLog(tmp_path, "playlog")
    log.append({"id": "a"})
    log.close()
    (path,) = log.files()
    with open(path, "ab") as handle:
        handle.write(b"\x00\x00\x00garbage\n")
    log = AppendLog(tmp_path, "playlog")
    log.append({"id": "b"})
    log.close()
    assert [r["id"] for r in AppendLog(tmp_path, "playlog").read()] == ["a", "b"]
