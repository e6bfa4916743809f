"""The controller as a process: control channel, SIGTERM mid-broadcast, relay off when dead."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, VILLAGE, add_segments, add_slot, run_village, write_config


@pytest.fixture
def daemon_env(tmp_path: Path, data_dir: Path) -> dict[str, str]:
    cfg = write_config(
        tmp_path / "village.toml",
        {
            "paths": {"data": str(data_dir)},
            "relay": {"warmup_s": 0.5, "tail_s": 0.3},
            "schedule": {"clock_sync": "assume", "quiet_hours": ""},
        },
    )
    return {
        **os.environ,
        "VILLAGE_CONFIG": str(cfg),
        "GPIOZERO_PIN_FACTORY": "mock",
        "SDL_AUDIODRIVER": "disk",
        "SDL_DISKAUDIOFILE": str(tmp_path / "out.raw"),
    }


def start_daemon(env: dict[str, str]) -> subprocess.Popen:
    proc = subprocess.Popen(
        [*VILLAGE, "controller"],
        env=env,
        cwd=REPO,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if run_village("status", "--json", env=env).returncode == 0:
            return proc
        if proc.poll() is not None:
            raise AssertionError(f"controller died: {proc.communicate()}")
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("controller did not answer")


def runtime_state(data_dir: Path) -> dict:
    return json.loads((data_dir / "run" / "state.json").read_text(encoding="utf-8"))


def wait_until(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.05)


def log_records(env) -> list[dict]:
    return json.loads(run_village("log", "--json", env=env, check=True).stdout)


def test_sigterm_mid_broadcast_ends_with_relay_off(daemon_env, data_dir, make_tone) -> None:
    add_segments(data_dir, (make_tone("long.ogg", seconds=30), "long"))
    add_slot(data_dir, ["long"], dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1), seconds=60)
    proc = start_daemon(daemon_env)
    try:
        wait_until(lambda: runtime_state(data_dir)["relay"] is True)
        time.sleep(1.5)  # audio under way
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert runtime_state(data_dir)["relay"] is False
    assert "relay off" in err
    (record,) = log_records(daemon_env)
    assert record["outcome"] == "partial"
    assert "SIGTERM" in record["reason"]
    assert record["relay_off"] is not None
    assert not (data_dir / "state" / "onair.json").exists()


def test_control_commands_play_stop_status(daemon_env, data_dir, make_tone) -> None:
    add_segments(
        data_dir,
        (make_tone("a.wav", freq=440, seconds=20), "a"),
        (make_tone("b.wav", freq=880, seconds=1), "b"),
    )
    proc = start_daemon(daemon_env)
    try:
        status = json.loads(run_village("status", "--json", env=daemon_env, check=True).stdout)
        assert status["state"] == "idle" and status["relay"] is False
        assert status["segments"] == 2

        unknown = run_village("play-now", "nope", env=daemon_env)
        assert unknown.returncode == 3 and "nope" in unknown.stderr

        played = run_village("play-now", "a", env=daemon_env, check=True)
        assert "a" in played.stdout
        wait_until(lambda: runtime_state(data_dir)["relay"] is True)
        busy = json.loads(run_village("status", "--json", env=daemon_env, check=True).stdout)
        assert busy["state"] == "on air" and busy["relay"] is True

        stopped = run_village("stop", env=daemon_env, check=True)
        assert "Đã dừng" in stopped.stdout
        wait_until(lambda: runtime_state(data_dir)["relay"] is False, timeout=10)
        wait_until(lambda: len(log_records(daemon_env)) == 1)
        (record,) = log_records(daemon_env)
        assert record["trigger"] == "manual"
        assert record["outcome"] == "partial" and record["reason"] == "stopped by operator"

        human = run_village("status", env=daemon_env, check=True).stdout
        assert "Trạng thái: idle" in human and "Buổi gần nhất" in human
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
    assert proc.returncode == 0


def test_relay_off_and_status_when_the_daemon_is_dead(daemon_env) -> None:
    status = run_village("status", env=daemon_env)
    assert status.returncode == 3 and "không chạy" in status.stderr
    for cmd in (["play-now"], ["stop"]):
        proc = run_village(*cmd, env=daemon_env)
        assert proc.returncode == 3 and "không chạy" in proc.stderr
    off = run_village("relay", "off", env=daemon_env)
    assert off.returncode == 0, off.stderr
    assert "GPIO17" in off.stdout
    no_gpio = run_village("relay", "off", env={**daemon_env, "GPIOZERO_PIN_FACTORY": ""})
    assert no_gpio.returncode == 1 and "GPIOZERO_PIN_FACTORY=mock" in no_gpio.stderr


def test_a_second_controller_refuses_to_start(daemon_env) -> None:
    proc = start_daemon(daemon_env)
    try:
        second = subprocess.run(
            [*VILLAGE, "controller"],
            env=daemon_env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode != 0
        assert "bộ điều khiển khác đang chạy" in second.stderr
        # the first one is unharmed
        assert run_village("status", "--json", env=daemon_env).returncode == 0
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)


def test_interrupted_broadcast_is_logged_after_sigkill(daemon_env, data_dir, make_tone) -> None:
    """A pulled power cord mid-broadcast: the next start logs the broadcast as interrupted."""
    add_segments(data_dir, (make_tone("long.ogg", seconds=30), "long"))
    add_slot(data_dir, ["long"], dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1), seconds=60)
    proc = start_daemon(daemon_env)
    wait_until(lambda: (data_dir / "state" / "onair.json").exists())
    proc.kill()
    proc.communicate(timeout=10)
    assert log_records(daemon_env) == []
    proc = start_daemon(daemon_env)
    try:
        wait_until(lambda: len(log_records(daemon_env)) >= 1)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
    first = log_records(daemon_env)[0]
    assert first["outcome"] == "partial" and "interrupted" in first["reason"]
    assert first["relay_on"] is not None


def test_systemd_readiness_and_watchdog(daemon_env, tmp_path) -> None:
    """Started as a Type=notify service, the controller says READY and feeds the watchdog."""
    import socket

    address = str(tmp_path / "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(address)
    listener.settimeout(15)
    env = {**daemon_env, "NOTIFY_SOCKET": address, "WATCHDOG_USEC": "400000"}
    proc = subprocess.Popen(
        [*VILLAGE, "controller"],
        env=env,
        cwd=REPO,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    messages: list[str] = []
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and messages.count("WATCHDOG=1") < 3:
            messages.extend(listener.recv(4096).decode().split("\n"))
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
        listener.settimeout(1)
        with contextlib.suppress(TimeoutError):
            while True:
                messages.extend(listener.recv(4096).decode().split("\n"))
    finally:
        if proc.poll() is None:
            proc.kill()
        listener.close()
    assert messages.index("READY=1") < messages.index("WATCHDOG=1")
    assert messages.count("WATCHDOG=1") >= 3
    assert "STOPPING=1" in messages
    assert any(m.startswith("STATUS=idle") for m in messages)


def test_play_now_right_after_an_import(daemon_env, data_dir, make_tone) -> None:
    proc = start_daemon(daemon_env)
    try:
        tone = make_tone("new.wav", seconds=1)
        run_village("import", "segment", str(tone), "--title", "Mới", env=daemon_env, check=True)
        played = run_village("play-now", "new", env=daemon_env)
        assert played.returncode == 0, played.stderr
        wait_until(lambda: len(log_records(daemon_env)) == 1)
        assert log_records(daemon_env)[0]["segments"][0]["id"] == "new"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
