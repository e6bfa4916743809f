"""Shared fixtures: test audio made with sox, SDL disk audio, gpiozero mock pins, configs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")

REPO = Path(__file__).resolve().parent.parent
MEDIA = REPO / "media"
VILLAGE = [sys.executable, "-m", "village.cli"]


@pytest.fixture
def make_tone(tmp_path: Path) -> Callable[..., Path]:
    """Write a sine tone file: make_tone("a.ogg", freq=440, seconds=2, amplitude=0.3)."""
    made = tmp_path / "tones"
    made.mkdir(exist_ok=True)

    def make(
        name: str,
        freq: float = 440.0,
        seconds: float = 2.0,
        amplitude: float = 0.3,
        rate: int = 44100,
        channels: int = 1,
    ) -> Path:
        target = made / name
        wav = made / f"{target.stem}.src.wav"
        subprocess.run(
            [
                "sox",
                "-n",
                "-r",
                str(rate),
                "-c",
                str(channels),
                "-b",
                "16",
                str(wav),
                "synth",
                str(seconds),
                "sine",
                str(freq),
                "vol",
                str(amplitude),
            ],
            check=True,
            capture_output=True,
        )
        if target.suffix == ".wav":
            wav.rename(target)
        else:
            codec = {".ogg": "libvorbis", ".mp3": "libmp3lame", ".flac": "flac"}[target.suffix]
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-c:a", codec, str(target)],
                check=True,
                capture_output=True,
            )
            wav.unlink()
        return target

    return make


class DiskAudio:
    """What SDL's disk driver wrote: interleaved S16 at the mixer's rate."""

    def __init__(self, path: Path, rate: int = 44100, channels: int = 2) -> None:
        self.path = path
        self.rate = rate
        self.channels = channels

    def samples(self) -> np.ndarray:
        if not self.path.exists():
            return np.zeros((0, self.channels), dtype=np.float32)
        raw = np.fromfile(self.path, dtype="<i2")
        raw = raw[: len(raw) - len(raw) % self.channels]
        return raw.reshape(-1, self.channels).astype(np.float32) / 32768.0

    def mono(self) -> np.ndarray:
        return self.samples().mean(axis=1)


@pytest.fixture
def disk_audio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DiskAudio:
    target = tmp_path / "disk-audio.raw"
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(target))
    return DiskAudio(target)


@pytest.fixture
def mock_pins() -> Iterator[object]:
    from gpiozero.pins.mock import MockFactory

    factory = MockFactory()
    yield factory
    factory.reset()
    factory.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def config(data_dir: Path):
    """Defaults with a private data folder, a trusted clock, no quiet hours, short timings."""
    from village.config import parse_config

    cfg = parse_config({}).replace("paths", data=str(data_dir))
    cfg = cfg.replace("schedule", clock_sync="assume", quiet_hours="", holidays=[])
    return cfg.replace("relay", warmup_s=0.5, tail_s=0.3)


def write_config(path: Path, sections: dict[str, dict]) -> Path:
    """Write a TOML configuration file from {section: {key: value}}."""
    from village.config import _toml_value

    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in values.items())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_village(
    *args: str, env: dict | None = None, timeout: float = 120, check: bool = False
) -> subprocess.CompletedProcess:
    """Run the ``village`` command as staff would (no /etc config unless VILLAGE_CONFIG)."""
    full_env = {**os.environ, "VILLAGE_CONFIG": os.devnull, **(env or {})}
    proc = subprocess.run(
        [*VILLAGE, *args], capture_output=True, text=True, timeout=timeout, env=full_env, cwd=REPO
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"village {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def tone_frequency(samples: np.ndarray, rate: int) -> float:
    """The dominant frequency of a mono stretch."""
    window = samples * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(window))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


def rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-12))


def sound_runs(
    mono: np.ndarray, rate: int, threshold: float = 1e-4, min_gap_s: float = 0.005
) -> list[tuple[int, int]]:
    """(start, end) frames of stretches of sound separated by silences of at least min_gap_s."""
    loud = np.abs(mono) > threshold
    idx = np.flatnonzero(loud)
    if not len(idx):
        return []
    runs = []
    start = prev = idx[0]
    min_gap = int(min_gap_s * rate)
    for i in idx[1:]:
        if i - prev > min_gap:
            runs.append((int(start), int(prev) + 1))
            start = i
        prev = i
    runs.append((int(start), int(prev) + 1))
    return runs


class ControllerRun:
    """A Controller running in a thread, with every step it reports."""

    def __init__(self, config, pin_factory, clock=None, stop_when=None, **options) -> None:
        import threading

        from controller.daemon import Controller

        self.events: list[tuple[str, dict]] = []
        self.changed = threading.Condition()
        self.stop_when = stop_when
        self.controller = Controller(
            config, pin_factory=pin_factory, clock=clock, on_step=self._step, **options
        )
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.controller.run()
        except BaseException as exc:  # reported by the test
            self.error = exc

    def _step(self, kind: str, data: dict) -> None:
        with self.changed:
            self.events.append((kind, data))
            self.changed.notify_all()
        if self.stop_when and self.stop_when(kind, data):
            self.controller.request_shutdown("test finished")

    def start(self) -> ControllerRun:
        self.thread.start()
        return self

    def wait_for(self, kind: str, timeout: float = 30.0, **match) -> dict:
        import time

        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for k, data in self.events:
                    if k == kind and all(data.get(key) == value for key, value in match.items()):
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.thread.is_alive() and self.error:
                    raise AssertionError(
                        f"no {kind} step; saw {[k for k, _ in self.events]} error={self.error!r}"
                    )
                self.changed.wait(min(remaining, 0.2))

    def records(self) -> list[dict]:
        return [d["record"] for k, d in self.events if k == "logged"]

    def stop(self, timeout: float = 30.0) -> None:
        self.controller.request_shutdown("test finished")
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "controller did not stop"
        if self.error:
            raise self.error


def add_segments(data_dir: Path, *files: tuple[Path, str]) -> None:
    """Import (file, id) pairs into the store as staff would."""
    from village.library import import_segment
    from village.store import ContentStore

    store = ContentStore(data_dir)
    for path, sid in files:
        import_segment(store, path, f"Bài {sid}", segment_id=sid)


def add_slot(
    data_dir: Path,
    segments: list[str],
    start,
    seconds: float,
    plan_id: str = "t",
    priority: str = "ordinary",
) -> None:
    """A one-off plan whose single slot starts at ``start`` (aware) and lasts ``seconds``."""
    import zoneinfo

    from village.library import save_plan
    from village.plan import Plan
    from village.store import ContentStore

    zone = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    local = start.astimezone(zone).replace(tzinfo=None)
    save_plan(
        ContentStore(data_dir),
        Plan(
            id=plan_id,
            title=f"Buổi {plan_id}",
            dtstart=local.isoformat(timespec="microseconds"),
            slot_minutes=seconds / 60,
            segments=segments,
            priority=priority,
        ),
    )
