"""Broadcasts with real parts: gpiozero's MockFactory relay and pygame writing SDL disk audio."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ControllerRun, add_segments, add_slot, rms_db, sound_runs, tone_frequency
from village.store import ContentStore

RATE = 44100


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def relay_cycles(factory, pin: int = 17) -> list[tuple[float, float]]:
    """(on, off) times in seconds since the pin was made, for an active-low relay."""
    t = 0.0
    cycles, on_at = [], None
    for state in factory.pin(pin).states[1:]:  # the first entry is the pin's creation
        t += state.timestamp
        if state.state is False and on_at is None:  # active-low: low closes the relay
            on_at = t
        elif state.state is True and on_at is not None:
            cycles.append((on_at, t))
            on_at = None
    assert on_at is None, "relay left on"
    return cycles


def last_pin_state(factory, pin: int = 17) -> bool:
    return factory.pin(pin).states[-1].state


@pytest.fixture
def three_tones(make_tone, data_dir: Path) -> dict[str, float]:
    """A quiet OGG, a loud stereo WAV at 48 kHz and an MP3, imported as a, b, c."""
    quiet = make_tone("a.ogg", freq=440, seconds=1.5, amplitude=0.03, rate=22050)
    loud = make_tone("b.wav", freq=880, seconds=1.2, amplitude=0.6, rate=48000, channels=2)
    mid = make_tone("c.mp3", freq=660, seconds=1.0, amplitude=0.2)
    add_segments(data_dir, (quiet, "a"), (loud, "b"), (mid, "c"))
    segments = ContentStore(data_dir).snapshot().segments
    return {sid: s.duration_s for sid, s in segments.items()}


def test_relay_wraps_gapless_normalised_audio(config, mock_pins, disk_audio, three_tones, data_dir):
    start = now() + dt.timedelta(seconds=1.5)
    add_slot(data_dir, ["a", "b", "c"], start, seconds=20)
    run = ControllerRun(config, mock_pins, stop_when=lambda k, d: k == "logged").start()
    run.thread.join(60)
    run.stop()
    (record,) = run.records()

    # the log: aired, in order, relay on before the first sample and off after the last
    assert record["outcome"] == "aired", record
    assert [s["id"] for s in record["segments"]] == ["a", "b", "c"]
    assert all(s["complete"] for s in record["segments"])
    relay_on = dt.datetime.fromisoformat(record["relay_on"])
    relay_off = dt.datetime.fromisoformat(record["relay_off"])
    first = dt.datetime.fromisoformat(record["segments"][0]["start"])
    last = dt.datetime.fromisoformat(record["segments"][-1]["end"])
    assert abs((relay_on - start).total_seconds()) < 0.25
    assert (first - relay_on).total_seconds() == pytest.approx(config.relay.warmup_s, abs=0.1)
    assert (relay_off - last).total_seconds() == pytest.approx(config.relay.tail_s, abs=0.25)

    # the pin: one on/off cycle as long as the logged one, and left off
    (cycle,) = relay_cycles(mock_pins)
    assert cycle[1] - cycle[0] == pytest.approx((relay_off - relay_on).total_seconds(), abs=0.1)
    assert last_pin_state(mock_pins) is True

    # the audio: silence during warm-up, then one unbroken run of the three tones
    mono = disk_audio.mono()
    runs = sound_runs(mono, RATE, min_gap_s=0.025)
    assert len(runs) == 1, f"gaps in the audio: {runs[:5]}"
    begin, end = runs[0]
    assert 0.2 < begin / RATE <= config.relay.warmup_s + 0.05  # nothing at relay-on
    expected = sum(three_tones.values())
    assert (end - begin) / RATE == pytest.approx(expected, abs=0.05)
    assert len(mono) - end > 0.15 * RATE  # the tail is silent
    inner = sound_runs(mono[begin:end], RATE, threshold=1e-3, min_gap_s=0.002)
    assert len(inner) == 1  # not even 2 ms of silence at the joins

    bounds = np.cumsum([0, *three_tones.values()])
    freqs, levels = [], []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        middle = mono[begin + int((lo + 0.2) * RATE) : begin + int((hi - 0.2) * RATE)]
        freqs.append(tone_frequency(middle, RATE))
        levels.append(rms_db(middle))
    assert freqs == pytest.approx([440, 880, 660], abs=5)
    # recorded 26 dB apart, played within 1.5 dB of each other
    assert max(levels) - min(levels) < 1.5
    assert levels[0] == pytest.approx(config.audio.target_lufs - 3, abs=3)


def test_silence_when_nothing_is_scheduled(config, mock_pins, disk_audio, three_tones, data_dir):
    add_slot(data_dir, ["a"], now() + dt.timedelta(hours=3), seconds=60)
    run = ControllerRun(config, mock_pins).start()
    run.wait_for("ready")
    time.sleep(2.0)
    run.stop()
    assert run.records() == []
    assert relay_cycles(mock_pins) == []
    samples = disk_audio.samples()
    assert not np.any(samples), "audio output while nothing was scheduled"


def test_corrupt_segment_is_skipped_and_relay_goes_off(
    config, mock_pins, disk_audio, three_tones, data_dir
):
    store = ContentStore(data_dir)
    media = store.media_path(store.snapshot().segments["b"].sha256)
    media.write_bytes(media.read_bytes()[:200] + b"\x00garbage" * 500)  # damaged on disk
    add_slot(data_dir, ["a", "b", "c"], now() + dt.timedelta(seconds=1), seconds=20)
    run = ControllerRun(config, mock_pins, stop_when=lambda k, d: k == "logged").start()
    run.thread.join(60)
    run.stop()
    (record,) = run.records()
    assert record["outcome"] == "partial"
    assert "b" in record["reason"]
    by_id = {s["id"]: s for s in record["segments"]}
    assert by_id["a"]["complete"] and by_id["c"]["complete"]
    assert by_id["b"]["error"]
    assert len(relay_cycles(mock_pins)) == 1 and last_pin_state(mock_pins) is True
    mono = disk_audio.mono()
    (begin, end), *_ = sound_runs(mono, RATE, min_gap_s=0.025)
    heard = mono[begin:]
    assert tone_frequency(heard[int(0.3 * RATE) : int(1.2 * RATE)], RATE) == pytest.approx(
        440, abs=5
    )
    assert 880 not in [
        round(tone_frequency(heard[i : i + 8000], RATE) / 10) * 10
        for i in range(0, len(heard) - 8000, 8000)
    ]


def test_slot_end_fades_out_a_long_segment(config, mock_pins, disk_audio, make_tone, data_dir):
    add_segments(data_dir, (make_tone("long.ogg", freq=500, seconds=12, amplitude=0.3), "long"))
    config = config.replace("audio", fade_s=1.0)
    start = now() + dt.timedelta(seconds=1)
    add_slot(data_dir, ["long"], start, seconds=4)
    run = ControllerRun(config, mock_pins, stop_when=lambda k, d: k == "logged").start()
    run.thread.join(60)
    run.stop()
    (record,) = run.records()
    assert record["outcome"] == "aired" and "faded" in record["reason"]
    assert record["segments"][0]["complete"] is False
    relay_off = dt.datetime.fromisoformat(record["relay_off"])
    slot_end = start + dt.timedelta(seconds=4)
    assert relay_off <= slot_end + dt.timedelta(seconds=0.1)  # never past the slot's end
    mono = disk_audio.mono()
    (begin, end), *_ = sound_runs(mono, RATE, min_gap_s=0.025)
    played = (end - begin) / RATE
    assert played == pytest.approx(4 - config.relay.warmup_s - config.relay.tail_s, abs=0.2)
    steady = rms_db(mono[begin : begin + int(0.5 * RATE)])
    quarters = [
        rms_db(mono[end - int(q * RATE) : end - int((q - 0.25) * RATE)])
        for q in (1.0, 0.75, 0.5, 0.25)
    ]
    assert quarters == sorted(quarters, reverse=True)  # the last second falls steadily
    assert quarters[-1] < steady - 10


def test_guard_turns_the_relay_off_whatever_happens(
    config, mock_pins, disk_audio, make_tone, data_dir
):
    add_segments(data_dir, (make_tone("long.wav", freq=500, seconds=30), "long"))
    config = config.replace("relay", max_on_minutes=0.05)  # 3 s
    add_slot(data_dir, ["long"], now() + dt.timedelta(seconds=1), seconds=60)
    run = ControllerRun(config, mock_pins, stop_when=lambda k, d: k == "logged").start()
    run.thread.join(60)
    run.stop()
    (record,) = run.records()
    assert record["outcome"] == "partial"
    assert "maximum on-time" in record["reason"]
    (cycle,) = relay_cycles(mock_pins)
    assert cycle[1] - cycle[0] == pytest.approx(3.0, abs=0.2)


def test_button_starts_and_stops_a_manual_broadcast_and_led_follows(
    config, mock_pins, disk_audio, make_tone, data_dir
):
    add_segments(data_dir, (make_tone("long.wav", freq=500, seconds=20), "long"))
    config = config.replace("button", pin=5).replace("led", pin=6)
    run = ControllerRun(config, mock_pins).start()
    run.wait_for("ready")
    button, led = mock_pins.pin(5), mock_pins.pin(6)
    button.drive_low()  # pressed (wired to ground, internal pull-up)
    button.drive_high()
    run.wait_for("segment-start")
    assert led.state is True  # steady while on air
    time.sleep(0.5)
    button.drive_low()  # pressed again: stop
    button.drive_high()
    data = run.wait_for("logged")
    run.stop()
    record = data["record"]
    assert record["trigger"] == "button"
    assert record["outcome"] == "partial" and "button" in record["reason"]
    assert len(relay_cycles(mock_pins)) == 1 and last_pin_state(mock_pins) is True
    assert led.state is False


def test_missing_audio_device_is_logged_and_relay_goes_off(
    config, mock_pins, three_tones, data_dir, monkeypatch
):
    """A Pi whose configured sound card is absent (ALSA, as on the Pi, with no card here)."""
    monkeypatch.setenv("SDL_AUDIODRIVER", "alsa")
    config = config.replace("audio", device="No Such Sound Card")
    add_slot(data_dir, ["a"], now() + dt.timedelta(seconds=1), seconds=10)
    run = ControllerRun(config, mock_pins, stop_when=lambda k, d: k == "logged").start()
    run.thread.join(30)
    run.stop()
    (record,) = run.records()
    assert record["outcome"] == "missed"
    assert "No Such Sound Card" in record["reason"]
    assert last_pin_state(mock_pins) is True


def test_sdl_environment_wins_over_the_configured_driver(
    config, mock_pins, disk_audio, three_tones, data_dir
):
    config = config.replace("audio", driver="dummy")  # SDL_AUDIODRIVER=disk is set
    add_slot(data_dir, ["c"], now() + dt.timedelta(seconds=1), seconds=10)
    run = ControllerRun(config, mock_pins, stop_when=lambda k, d: k == "logged").start()
    run.thread.join(30)
    run.stop()
    assert run.records()[0]["outcome"] == "aired"
    assert np.abs(disk_audio.mono()).max() > 0.05  # the audio went to the disk file
