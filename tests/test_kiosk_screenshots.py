"""``village kiosk --screenshot OUT.png --screen SCREEN``: every screen form renders with no
display, and the picture is a real screen, not a blank or uniform frame."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.kiosk_helpers import REPO, base_env, fill_store, kiosk_config, write_fixture

SCREENS = {
    "home": "home",
    "field": "field:ho tich",  # typed without accents
    "procedure": "procedure:1.001193",
    "search": "search:ket hon",
    "feedback": "feedback",
    "attract": "attract",
}


@pytest.fixture(scope="module")
def kiosk_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("kiosk-shots")
    data = folder / "data"
    fill_store(data, write_fixture(folder / "procedures.json"), clips=True)
    env = base_env(folder)
    env["VILLAGE_CONFIG"] = str(kiosk_config(folder, data))
    return folder, env


def village(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "village.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def picture_stats(path: Path) -> tuple[tuple[int, int], float, int]:
    """(size, standard deviation of the grey levels, number of distinct colours)."""
    from PIL import Image, ImageStat

    with Image.open(path) as image:
        rgb = image.convert("RGB")
        grey = ImageStat.Stat(rgb.convert("L")).stddev[0]
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        return rgb.size, grey, len(colours)


def test_every_screen_renders_without_a_display(kiosk_data) -> None:
    folder, env = kiosk_data
    assert "DISPLAY" not in env
    fingerprints = {}
    for name, spec in SCREENS.items():
        out = folder / f"{name}.png"
        proc = village(env, "kiosk", "--screenshot", str(out), "--screen", spec)
        assert proc.returncode == 0, f"{spec}: {proc.stdout}\n{proc.stderr}"
        size, spread, colours = picture_stats(out)
        assert size == (1280, 800), spec
        assert spread > 20, f"{spec}: nearly uniform picture (stddev {spread:.1f})"
        assert colours > 200, f"{spec}: only {colours} colours, text is missing"
        fingerprints[name] = out.read_bytes()
    assert len(set(fingerprints.values())) == len(SCREENS), "each screen looks different"


def test_small_screen_size(kiosk_data) -> None:
    folder, env = kiosk_data
    out = folder / "home-1024.png"
    proc = village(env, "kiosk", "--screenshot", str(out), "--size", "1024x600")
    assert proc.returncode == 0, proc.stderr
    size, spread, _ = picture_stats(out)
    assert size == (1024, 600) and spread > 20


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("field:Thuế", "Hộ tịch"),  # lists the fields there are
        ("procedure:9.999999", "9.999999"),
        ("settings", "home, field:NAME"),
        ("search:", "needs a query"),
    ],
)
def test_unknown_screen_is_refused_before_a_window_opens(
    kiosk_data,
    spec: str,
    message: str,
) -> None:
    folder, env = kiosk_data
    out = folder / "never.png"
    proc = village(env, "kiosk", "--screenshot", str(out), "--screen", spec)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not out.exists()


def test_the_kiosk_stops_cleanly_on_sigterm(kiosk_data) -> None:
    import signal
    import time

    folder, env = kiosk_data
    proc = subprocess.Popen(
        [sys.executable, "-m", "village.cli", "kiosk"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(5)  # up and drawing
        assert proc.poll() is None, proc.communicate()[1]
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
