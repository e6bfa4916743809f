"""Hostile or mistaken configurations: refused when the configuration is loaded, every
problem named by its key, never a traceback (the command runs under a memory and CPU limit)."""

from __future__ import annotations

import dataclasses
import math
import os
import sys
import typing
from pathlib import Path

import pytest

from tests import hostile_files as hostile
from tests.conftest import REPO
from village.config import SECTIONS, Range, parse_config
from village.errors import ConfigError


def show(config: Path) -> tuple[int, str]:
    env = {**os.environ, "VILLAGE_CONFIG": os.devnull}
    args = [sys.executable, "-m", "village.cli", "--config", str(config), "config", "show"]
    proc = hostile.run_limited(args, env=env, cwd=REPO)
    assert "Traceback" not in proc.stderr and proc.stdout == "", proc.stderr[-2000:]
    return proc.returncode, proc.stderr


def test_every_number_has_a_declared_finite_range() -> None:
    for name, cls in SECTIONS.items():
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            kind = typing.get_args(hints[f.name]) or (hints[f.name],)
            if int in kind or float in kind:
                check = f.metadata.get("check")
                assert isinstance(check, Range), f"{name}.{f.name} has no declared range"
                assert math.isfinite(check.low) and math.isfinite(check.high)
                default = getattr(cls(), f.name)
                assert default is None or check(default) is None, f"{name}.{f.name}"


def test_non_finite_and_out_of_range_numbers_are_named(tmp_path: Path) -> None:
    config = tmp_path / "v.toml"
    config.write_text(
        "[relay]\nwarmup_s = inf\ntail_s = nan\nmax_on_minutes = 1e9\n"
        "[audio]\nfade_s = -inf\n[mqtt]\nport = 0\nreconnect_max_s = +inf\n"
        "[kiosk]\nidle_return_s = 1e400\n",
        encoding="utf-8",
    )
    code, stderr = show(config)
    assert code == 2
    for key in ("relay.warmup_s", "relay.tail_s", "audio.fade_s", "mqtt.reconnect_max_s"):
        assert f"{key}: phải là một số hữu hạn (không được là inf hay nan)" in stderr
    assert "kiosk.idle_return_s: phải là một số hữu hạn" in stderr  # 1e400 reads as inf
    assert "relay.max_on_minutes: phải trong khoảng 0.05 đến 180" in stderr
    assert "mqtt.port: phải trong khoảng 1 đến 65535" in stderr
    assert "có 7 lỗi" in stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[report]\nrecipients = " + "[" * 100_000 + "]" * 100_000, "lồng nhau quá sâu"),
        ("x = " + "{a = " * 5_000 + "1" + "}" * 5_000, "lồng nhau quá sâu"),
        ("[audio]\nfrequency = " + "9" * 10_000, "có số nguyên dài hơn 4.300 chữ số"),
        ("# " + "x" * (2 << 20), "tệp lớn hơn 1 MB"),
    ],
    ids=["arrays", "inline-tables", "huge-integer", "huge-file"],
)
def test_absurd_files_are_refused_whole(tmp_path: Path, body: str, message: str) -> None:
    config = tmp_path / "v.toml"
    config.write_text(body + "\n", encoding="utf-8")
    code, stderr = show(config)
    assert code == 2 and message in stderr, stderr[-2000:]


def test_nesting_below_the_parsers_limit_is_a_type_error() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"report": {"recipients": [[["x"]]]}, "relay": {"pin": [[1]]}})
    assert dict(caught.value.problems) == {
        "report.recipients": "mọi phần tử phải là chuỗi (trong dấu ngoặc kép)",
        "relay.pin": "phải là số nguyên",
    }


def test_strings_free_text_cleaned_names_refused() -> None:
    config = parse_config(
        {
            "device": {"name": "UBND xa\u0303\u200b Tân\u00a0Lập"},
            "report": {"recipients": ["\u202eLưu: VT", "  UBND huyện  "]},
            "mqtt": {"password": "p\u200bw"},  # a secret is kept as typed
        }
    )
    assert config.device.name == "UBND xã Tân Lập"
    assert config.report.recipients == ["Lưu: VT", "UBND huyện"]
    assert config.mqtt.password == "p\u200bw"
    with pytest.raises(ConfigError) as caught:
        parse_config({"device": {"id": "pi\u200b01"}, "paths": {"data": "/var/lib/\u202evillage"}})
    assert dict(caught.value.problems) == {
        "device.id": "chứa ký tự vô hình hoặc ký tự điều khiển U+200B ZERO WIDTH SPACE",
        "paths.data": "chứa ký tự vô hình hoặc ký tự điều khiển U+202E RIGHT-TO-LEFT OVERRIDE",
    }
