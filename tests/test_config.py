"""The configuration file: declared schema, every error at once, secrets masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_village, write_config
from village.config import load_config, parse_config, render_config
from village.errors import ConfigError


def test_defaults_are_valid_and_complete() -> None:
    config = parse_config({})
    assert config.relay.warmup_s == 3.0
    assert config.relay.active_high is False  # most relay boards are active-low
    assert config.schedule.timezone == "Asia/Ho_Chi_Minh"
    assert str(config.data_dir) == "/var/lib/village"


def test_every_error_is_listed_with_its_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[relay]\npin = 99\nwarmup_s = "long"\nbogus = 1\n'
        '[schedule]\ntimezone = "Mars/Olympus"\nquiet_hours = "9pm-5am"\n'
        "[nonsense]\nx = 1\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(bad)
    keys = {key for key, _ in caught.value.problems}
    assert keys == {
        "relay.pin",
        "relay.warmup_s",
        "relay.bogus",
        "schedule.timezone",
        "schedule.quiet_hours",
        "nonsense",
    }

    proc = run_village("--config", str(bad), "config", "show")
    assert proc.returncode == 2
    for key in keys:
        assert key in proc.stderr
    assert proc.stdout == ""


def test_syntax_error_and_missing_file_are_clear(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[relay\npin = 4\n", encoding="utf-8")
    proc = run_village("--config", str(broken), "config", "show")
    assert proc.returncode == 2 and "syntax" in proc.stderr
    proc = run_village("--config", str(tmp_path / "absent.toml"), "config", "show")
    assert proc.returncode == 2 and "không đọc được" in proc.stderr


def test_show_masks_secrets_and_honours_data_option(tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path / "v.toml",
        {
            "mqtt": {"host": "hub.local", "password": "s3cret-pass"},
            "relay": {"pin": 27, "active_high": True},
        },
    )
    proc = run_village(
        "--config", str(cfg), "--data", str(tmp_path / "state"), "config", "show", check=True
    )
    assert "s3cret-pass" not in proc.stdout
    assert 'password = "********"' in proc.stdout
    assert "pin = 27" in proc.stdout and "active_high = true" in proc.stdout
    assert f'data = "{tmp_path / "state"}"' in proc.stdout
    # what it prints is itself a valid configuration
    shown = tmp_path / "shown.toml"
    shown.write_text(proc.stdout, encoding="utf-8")
    again = load_config(shown)
    assert again.relay.pin == 27 and again.mqtt.host == "hub.local"


def test_render_round_trip() -> None:
    config = parse_config({"schedule": {"holidays": ["2021-04-21", "09-02"]}})
    text = render_config(config, mask_secrets=False)
    import tomllib

    assert parse_config(tomllib.loads(text)).schedule.holidays == ["2021-04-21", "09-02"]
