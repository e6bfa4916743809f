"""What a killed controller leaves behind is cleaned at the next start, offline included,
without touching a resumable download or a file an import is writing."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from tests.conftest import REPO, VILLAGE, ControllerRun, add_segments, run_village, write_config
from tests.sync_helpers import wait_until
from village.store import ContentStore

OLD = time.time() - 3600  # an hour ago: long before this start


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leave(path: Path, data: bytes, mtime: float | None = OLD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


class Leftovers:
    """The files a run killed at the wrong moment leaves, named as the code names them."""

    def __init__(self, data_dir: Path) -> None:
        store = ContentStore(data_dir)
        media, sync = store.media_dir, data_dir / "sync"
        orphan = os.urandom(2 << 20)  # a version's file that was never recorded (2 MB)
        fetched = os.urandom(4096)  # the version being fetched: this file already arrived
        pending = os.urandom(8192)  # and this one is half-way
        self.orphan = leave(media / sha(orphan), orphan)
        self.copy_tmp = leave(media / f".{sha(orphan)}.k3j_9x.tmp", orphan[:1000])
        self.fresh_tmp = leave(media / f".{sha(b'new')}.a1b2c3.tmp", b"an import writing", None)
        self.fetched = leave(media / sha(fetched), fetched)
        leave(
            sync / "target.json",
            json.dumps({"version": 7, "media": [sha(fetched), sha(pending)]}).encode(),
        )
        self.part = leave(sync / "partial" / f"{sha(pending)}.part", pending[:4096] + bytes(4096))
        self.blocks = leave(
            sync / "partial" / f"{sha(pending)}.blocks",
            json.dumps({"size": 8192, "block_size": 4096, "have": [[0, 1]]}).encode(),
        )
        self.map_tmp = leave(sync / "partial" / f".{sha(pending)}.blocks.q8w7.tmp", b"{")
        self.marker_tmp = leave(data_dir / "state" / ".onair.json.zz91.tmp", b'{"id"')
        self.store_tmp = leave(data_dir / ".content.json.p0o9.tmp", b'{"segm')

    def removed(self) -> list[Path]:
        return [self.orphan, self.copy_tmp, self.map_tmp, self.marker_tmp, self.store_tmp]

    def kept(self) -> list[Path]:
        return [self.fresh_tmp, self.fetched, self.part, self.blocks]


def test_a_start_offline_cleans_what_a_killed_run_left(
    tmp_path: Path, data_dir: Path, make_tone
) -> None:
    add_segments(data_dir, (make_tone("s.wav", seconds=1), "s"))
    in_use = ContentStore(data_dir).snapshot().segments["s"].sha256
    left = Leftovers(data_dir)
    cfg = write_config(
        tmp_path / "village.toml",
        {"paths": {"data": str(data_dir)}, "schedule": {"clock_sync": "assume"}},
    )  # no [mqtt]: offline
    env = {**os.environ, "VILLAGE_CONFIG": str(cfg), "GPIOZERO_PIN_FACTORY": "mock"}
    env["SDL_AUDIODRIVER"] = "dummy"
    proc = subprocess.Popen(
        [*VILLAGE, "controller"], env=env, cwd=REPO, text=True, stderr=subprocess.PIPE
    )
    try:
        wait_until(lambda: run_village("status", env=env).returncode == 0, 30, "the controller")
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    assert [p for p in left.removed() if p.exists()] == []
    assert [p for p in left.kept() if not p.exists()] == []
    assert (ContentStore(data_dir).media_dir / in_use).exists()  # the store's own
    assert "removed 5 leftover file(s)" in err


def test_what_was_too_recent_to_judge_goes_a_little_later(
    config, mock_pins, data_dir: Path, make_tone
) -> None:
    add_segments(data_dir, (make_tone("s.wav", seconds=1), "s"))
    young = leave(ContentStore(data_dir).media_dir / sha(b"young"), b"young", None)
    run = ControllerRun(config, mock_pins)
    run.controller.sweep_grace_s = 5.0
    run.start()
    try:
        run.wait_for("ready")
        assert young.exists()  # written a moment ago: perhaps an import about to record it

        def swept() -> bool:
            run.controller.wake.set()  # the loop's next turn, rather than in 30 s
            return not young.exists()

        wait_until(swept, 15, "the second sweep")
    finally:
        run.stop()
