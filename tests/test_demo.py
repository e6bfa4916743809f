"""``village demo --headless``: one real, compressed broadcast with the sample content."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.conftest import run_village


def test_headless_demo_plays_one_broadcast(tmp_path) -> None:
    audio = tmp_path / "demo.raw"
    proc = run_village(
        "demo",
        "--headless",
        timeout=240,
        env={
            "SDL_AUDIODRIVER": "disk",
            "SDL_DISKAUDIOFILE": str(audio),
            "GPIOZERO_PIN_FACTORY": "",
        },
    )
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    steps = [line for line in out.splitlines() if line.startswith("[")]
    kinds = [s.split("] ", 1)[1][:12] for s in steps]
    on = next(i for i, k in enumerate(kinds) if k.startswith("RƠ-LE BẬT"))
    off = next(i for i, k in enumerate(kinds) if k.startswith("RƠ-LE TẮT"))
    starts = [i for i, k in enumerate(kinds) if k.startswith("▶")]
    assert on < starts[0] and starts[-1] < off
    assert len(starts) >= 2
    assert "Nhạc hiệu" in out
    assert "Nhật ký phát thanh" in out and "đã phát" in out
    assert "thấp → cao → thấp → cao" in out  # the mock relay pin went on and off once
    kiosk = next(line for line in out.splitlines() if line.startswith("Kiosk:"))
    assert "50 thủ tục" in kiosk  # the kiosk shows the sample procedures the device holds
    shot = Path(kiosk.rsplit(": ", 1)[1])
    assert shot.stat().st_size > 20_000  # a drawn screen, not an empty picture
    samples = np.fromfile(audio, dtype="<i2")
    assert samples.size > 44100 * 2 * 10 and np.abs(samples).max() > 3000
