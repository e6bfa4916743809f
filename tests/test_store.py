"""The content store: atomic writes, all-or-nothing transactions, clear errors, media by hash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_village
from village.errors import StoreError
from village.store import ContentStore, file_sha256


def test_transaction_lands_whole_or_not_at_all(data_dir: Path) -> None:
    store = ContentStore(data_dir)
    with store.transaction() as tables:
        tables.upsert("plans", {"id": "a", "title": "A"})
    assert store.revision() == 1
    with pytest.raises(RuntimeError), store.transaction() as tables:
        tables.upsert("plans", {"id": "b", "title": "B"})
        tables.remove("plans", "a")
        raise RuntimeError("crash in the middle")
    snapshot = store.snapshot()
    assert set(snapshot.plans) == {"a"}
    assert snapshot.revision == 1


def test_corrupt_store_gives_a_clear_error_and_is_not_overwritten(data_dir: Path) -> None:
    store = ContentStore(data_dir)
    store.path.write_text('{"plans": {"1": {"id": "a"', encoding="utf-8")
    before = store.path.read_bytes()
    with pytest.raises(StoreError, match="bị hỏng"):
        store.snapshot()
    with pytest.raises(StoreError, match="bị hỏng"), store.transaction() as tables:
        tables.upsert("plans", {"id": "b"})
    assert store.path.read_bytes() == before  # kept for recovery, not replaced

    proc = run_village("--data", str(data_dir), "segments")
    assert proc.returncode == 1
    assert "bị hỏng" in proc.stderr and "Traceback" not in proc.stderr


def test_unreadable_store_is_reported(data_dir: Path) -> None:
    store = ContentStore(data_dir)
    store.path.mkdir()  # a folder where the file should be
    with pytest.raises(StoreError, match="không đọc được"):
        store.snapshot()


FULL_DISK_WRITER = """
import resource, signal, sys
sys.path.insert(0, {repo!r})
from village.store import ContentStore
from village.errors import StoreError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
store = ContentStore({data!r})
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # the disk is now "full"
try:
    with store.transaction() as tables:
        tables.upsert("plans", {{"id": "big", "title": "x" * 20000}})
except StoreError as exc:
    print("ERROR", exc)
"""


def test_full_disk_keeps_the_previous_version(data_dir: Path) -> None:
    store = ContentStore(data_dir)
    with store.transaction() as tables:
        tables.upsert("plans", {"id": "small", "title": "kept"})
    before = store.path.read_bytes()
    repo = str(Path(__file__).resolve().parent.parent)
    proc = subprocess.run(
        [sys.executable, "-c", FULL_DISK_WRITER.format(repo=repo, data=str(data_dir))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.startswith("ERROR"), proc.stderr
    assert store.path.read_bytes() == before
    assert not [p for p in data_dir.iterdir() if p.name.endswith(".tmp")]  # no litter


def test_media_named_by_content_hash(data_dir: Path, make_tone) -> None:
    store = ContentStore(data_dir)
    tone = make_tone("x.wav")
    digest = store.add_media(tone)
    assert digest == file_sha256(tone)
    assert store.media_path(digest).read_bytes() == tone.read_bytes()
    with pytest.raises(StoreError):
        store.media_path("../../etc/passwd")
    with pytest.raises(StoreError, match="không khớp"):
        store.add_media(tone, expected_sha256="0" * 64)


@pytest.mark.parametrize(
    ("name", "rate", "channels"),
    [("a.ogg", 22050, 1), ("b.mp3", 44100, 2), ("c.wav", 48000, 2), ("d.wav", 8000, 1)],
)
def test_import_segment_formats(data_dir: Path, make_tone, name, rate, channels) -> None:
    tone = make_tone(name, seconds=3.0, amplitude=0.2, rate=rate, channels=channels)
    proc = run_village(
        "--data",
        str(data_dir),
        "import",
        "segment",
        str(tone),
        "--title",
        "Đăng ký khai sinh",
        check=True,
    )
    assert "Đăng ký khai sinh" in proc.stdout
    segments = json.loads(
        run_village("--data", str(data_dir), "segments", "--json", check=True).stdout
    )
    (segment,) = segments
    assert segment["id"] == Path(name).stem
    assert segment["duration_s"] == pytest.approx(3.0, abs=0.08)
    assert segment["sample_rate"] == rate and segment["channels"] == channels
    # a sine at amplitude 0.2 (-14 dBFS peak, -17 dBFS RMS) measures near -17 LUFS
    assert -21 < segment["loudness_lufs"] < -13
    assert ContentStore(data_dir).has_media(segment["sha256"])


def _state(data_dir: Path) -> tuple[bytes | None, list[str]]:
    store = ContentStore(data_dir)
    content = store.path.read_bytes() if store.path.exists() else None
    media = sorted(p.name for p in store.media_dir.iterdir()) if store.media_dir.exists() else []
    return content, media


@pytest.mark.parametrize("kind", ["truncated", "garbage", "text", "image", "silent", "missing"])
def test_bad_audio_is_refused_and_changes_nothing(
    data_dir: Path, make_tone, tmp_path, kind: str
) -> None:
    good = make_tone("good.ogg")
    run_village(
        "--data", str(data_dir), "import", "segment", str(good), "--title", "Tốt", check=True
    )
    before = _state(data_dir)
    if kind == "truncated":
        whole = make_tone("whole.wav", seconds=4).read_bytes()
        bad = tmp_path / "cut.wav"
        bad.write_bytes(whole[: len(whole) // 3])
    elif kind == "garbage":
        bad = tmp_path / "noise.mp3"
        bad.write_bytes(bytes(range(256)) * 40)
    elif kind == "text":
        bad = tmp_path / "notes.ogg"
        bad.write_text("Đây không phải âm thanh", encoding="utf-8")
    elif kind == "image":
        bad = tmp_path / "logo.png"
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "color=red:s=32x32",
                "-frames:v",
                "1",
                str(bad),
            ],
            check=True,
        )
    elif kind == "silent":
        bad = make_tone("quiet.wav", amplitude=0.0)
    else:
        bad = tmp_path / "absent.wav"
    proc = run_village("--data", str(data_dir), "import", "segment", str(bad), "--title", "Xấu")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("Lỗi:") and bad.name in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _state(data_dir) == before


def test_put_many_replaces_and_adds_in_one_transaction(data_dir: Path) -> None:
    store = ContentStore(data_dir)
    with store.transaction() as tables:
        tables.put_many("procedures", [{"code": c, "name": c, "old": 1} for c in "abc"], "code")
    with store.transaction() as tables:
        tables.put_many(
            "procedures", [{"code": "b", "name": "B"}, {"code": "d", "name": "D"}], "code"
        )
    snapshot = store.snapshot()
    assert snapshot.revision == 2
    assert list(snapshot.procedures) == ["a", "b", "c", "d"]  # order kept, new ones last
    assert snapshot.procedures["b"] == {"code": "b", "name": "B"}  # replaced whole
    assert snapshot.procedures["a"] == {"code": "a", "name": "a", "old": 1}
