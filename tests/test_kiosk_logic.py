"""What the kiosk decides without a window: opening hours, idle return and attract loop,
screen power, the staff PIN, clip muting, the on-screen keyboard, the content it shows."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from kiosk import keyboard
from kiosk.content import ContentWatcher, KioskContent, resolve_screen
from kiosk.errors import ScreenSpecError
from kiosk.hours import HoursError, OpeningHours, describe_hours
from kiosk.qr import qr_matrix, qr_rgba
from kiosk.session import (
    ATTRACT,
    HOME,
    IdleTimer,
    PinGate,
    ScreenPower,
    SearchTracker,
    clips_muted,
    read_broadcast_state,
)
from kiosk.settings import opening_hours_rules
from tests.kiosk_helpers import fill_store, write_fixture
from village.config import parse_config
from village.errors import ConfigError
from village.procedures import import_procedures
from village.store import ContentStore

MONDAY = dt.date(2025, 3, 3)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute))


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


# --- opening hours ------------------------------------------------------------------------------


def test_default_hours_include_saturday_morning() -> None:
    hours = OpeningHours.parse(parse_config({}).kiosk.opening_hours)
    saturday, sunday = MONDAY + dt.timedelta(days=5), MONDAY + dt.timedelta(days=6)
    assert hours.is_open(at(MONDAY, "07:00")) and hours.is_open(at(MONDAY, "16:59"))
    assert not hours.is_open(at(MONDAY, "17:00")) and not hours.is_open(at(MONDAY, "06:59"))
    assert hours.is_open(at(saturday, "09:00")) and not hours.is_open(at(saturday, "13:00"))
    assert not hours.is_open(at(sunday, "09:00"))


def test_lunch_break_holidays_and_english_day_names() -> None:
    hours = OpeningHours.parse(
        "Mon-Fri 07:30-11:30,13:30-17:00; Sat 08:00-11:00", ["09-02", "2025-03-04"]
    )
    assert not hours.is_open(at(MONDAY, "12:00"))
    assert hours.is_open(at(MONDAY, "13:30"))
    assert not hours.is_open(at(MONDAY + dt.timedelta(days=1), "09:00"))  # a dated holiday
    assert not hours.is_open(at(dt.date(2025, 9, 2), "09:00"))  # national day, every year
    assert describe_hours(hours) == (
        "Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00; Thứ Bảy: 08:00–11:00"
    )
    assert OpeningHours.parse("").is_open(at(MONDAY, "03:00"))


@pytest.mark.parametrize("text", ["T2-T6 7:00-17:00", "T8 07:00-17:00", "T2 17:00-07:00", "x"])
def test_bad_hours_are_refused_by_the_config_and_the_parser(text: str) -> None:
    with pytest.raises(HoursError):
        OpeningHours.parse(text)
    if text != "T2 17:00-07:00":  # the config checks the form; the order is the parser's
        assert opening_hours_rules(text) is not None
        with pytest.raises(ConfigError):
            parse_config({"kiosk": {"opening_hours": text}})


def test_config_accepts_what_the_parser_reads() -> None:
    for text in ("T2-T6 07:00-11:30, 13:30-17:00; T7 07:00-11:30", "CN 08:00-10:00", ""):
        assert opening_hours_rules(text) is None
        OpeningHours.parse(text)


# --- idle, attract, screen power ----------------------------------------------------------------


def test_idle_return_then_attract_loop() -> None:
    ticker = Ticker()
    idle = IdleTimer(ticker, idle_return_s=90, attract_after_s=180)
    ticker.now = 89
    assert idle.due("procedure") is None
    ticker.now = 90
    assert idle.due("procedure") == HOME
    assert idle.due(HOME) is None
    ticker.now = 180
    assert idle.due(HOME) == ATTRACT
    assert idle.due(ATTRACT) is None
    idle.touched()
    assert idle.due(HOME) is None


def test_a_playing_clip_counts_as_use() -> None:
    ticker = Ticker()
    idle = IdleTimer(ticker, 90, 180)
    idle.set_busy(True)
    ticker.now = 500
    assert idle.due("clip") is None
    idle.set_busy(False)  # the clip ended: idle time starts now
    ticker.now = 589
    assert idle.due("clip") is None
    ticker.now = 590
    assert idle.due("clip") == HOME


@pytest.mark.parametrize("mode", ["dim", "blank"])
def test_outside_hours_the_screen_rests_until_touched(mode: str) -> None:
    ticker = Ticker()
    idle = IdleTimer(ticker, 90, 180)
    power = ScreenPower(mode, idle)
    assert power.state(is_open=True) == "on"
    assert power.state(is_open=False) == mode
    idle.touched()
    power.touched(is_open=False)
    assert power.state(is_open=False) == "on"  # a citizen after hours can still use it
    ticker.now = 90
    assert power.state(is_open=False) == mode
    assert ScreenPower("on", idle).state(is_open=False) == "on"


def test_a_search_counts_once_when_done() -> None:
    recorded: list[tuple[str, int]] = []
    tracker = SearchTracker(lambda q, n: recorded.append((q, n)))
    for typed in ("k", "ke", "ket", "ket hon"):
        tracker.typed(typed, 3)
    tracker.done()
    tracker.done()
    tracker.typed("", 0)
    tracker.done()
    assert recorded == [("ket hon", 3)]


def test_staff_pin_locks_after_five_wrong_tries() -> None:
    ticker = Ticker()
    gate = PinGate("2468", ticker)
    assert not gate.check("1111") and gate.check("2468")
    for _ in range(5):
        assert not gate.check("0000")
    assert gate.locked() and not gate.check("2468")
    ticker.now = 61
    assert gate.check("2468")
    assert not PinGate("", ticker).enabled and not PinGate("", ticker).check("")


# --- clips and the broadcast relay --------------------------------------------------------------


def test_clips_are_muted_only_while_a_shared_output_is_on_air(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    assert read_broadcast_state(state) == {"relay": False}  # no controller yet
    state.write_text(json.dumps({"relay": True, "on_air": "Bản tin", "pid": os.getpid()}))
    on_air = read_broadcast_state(state)
    assert clips_muted(True, on_air) and not clips_muted(False, on_air)
    state.write_text(json.dumps({"relay": False, "pid": os.getpid()}))
    assert not clips_muted(True, read_broadcast_state(state))
    state.write_text("{not json")
    assert read_broadcast_state(state) == {"relay": False}


def test_a_dead_controllers_relay_is_off(tmp_path: Path) -> None:
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"relay": True, "pid": child.pid}))
    assert not clips_muted(True, read_broadcast_state(state))


# --- keyboard -----------------------------------------------------------------------------------


def type_keys(keys: list[str], text: str = "") -> str:
    for key in keys:
        text = keyboard.press(text, key)
    return text


def test_keyboard_types_vietnamese_and_plain_letters() -> None:
    assert type_keys(list("ket") + [keyboard.SPACE, keyboard.SPACE] + list("hon")) == "ket hon"
    assert type_keys(["đ", "ă", "n", "g"]) == "đăng"
    assert type_keys(list("ky") + [keyboard.BACKSPACE]) == "k"
    assert type_keys(list("abc") + [keyboard.CLEAR]) == ""
    assert type_keys(list("x" * 80)) == "x" * keyboard.MAX_LENGTH
    assert all(len(key) == 1 for row in keyboard.LAYOUT for key in row)


@pytest.mark.parametrize(
    ("word", "tone", "expected"),
    [
        ("khai", "sac", "khái"),
        ("sinh", "sac", "sính"),
        ("toan", "sac", "toán"),
        ("hoa", "huyen", "hòa"),
        ("gia", "sac", "giá"),
        ("qua", "huyen", "quà"),
        ("trương", "huyen", "trường"),
        ("ngươi", "huyen", "người"),
        ("ky", "sac", "ký"),
        ("dang ky", "sac", "dang ký"),
        ("tru", "sac", "trú"),
    ],
)
def test_tone_keys_mark_the_right_vowel(word: str, tone: str, expected: str) -> None:
    assert keyboard.apply_tone(word, tone) == expected


def test_the_same_tone_twice_removes_it() -> None:
    assert keyboard.apply_tone(keyboard.apply_tone("khai", "sac"), "sac") == "khai"
    assert keyboard.apply_tone(keyboard.apply_tone("khai", "sac"), "huyen") == "khài"
    assert keyboard.apply_tone("", "sac") == "" and keyboard.apply_tone("bcd", "sac") == "bcd"


# --- the content shown --------------------------------------------------------------------------


def test_qr_code_for_the_online_service() -> None:
    url = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma=1.001193"
    matrix = qr_matrix(url)
    side, pixels = qr_rgba(url, module_px=4)
    assert side == len(matrix) * 4 and len(pixels) == side * side * 4
    assert matrix[4][4] is True  # the finder pattern's corner, inside the quiet zone


def test_content_lists_fields_counts_and_recent_changes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill_store(data, write_fixture(tmp_path / "p.json"))
    content = KioskContent.from_snapshot(ContentStore(data).snapshot())
    assert [f.name for f in content.fields][:3] == ["Hộ tịch", "Chứng thực", "Cư trú"]
    assert {f.name: f.count for f in content.fields}["Hộ tịch"] == 3
    assert [p.code for p in content.recent] == ["1.004194", "1.001193"]
    assert content.field_named("ho tich") == "Hộ tịch"
    assert content.field_named("HỘ TỊCH") == "Hộ tịch"
    assert resolve_screen("field:dat dai", content) == ("field", "Đất đai")
    assert resolve_screen("procedure: 1.001193", content) == ("procedure", "1.001193")
    for spec in ("field:thue", "procedure:0.000000", "nowhere", "search:  "):
        with pytest.raises(ScreenSpecError):
            resolve_screen(spec, content)


def test_watcher_sees_imports_and_survives_a_corrupt_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill_store(data, write_fixture(tmp_path / "p.json"))
    store = ContentStore(data)
    changes: list[int] = []
    watcher = ContentWatcher(store, None, on_change=lambda new, old: changes.append(new.revision))
    first = watcher.load()
    assert not watcher.poll()
    extra = tmp_path / "extra.json"
    extra.write_text(
        json.dumps([{"code": "1.004837", "name": "Đăng ký giám hộ", "field": "Hộ tịch"}]),
        encoding="utf-8",
    )
    import_procedures(store, extra)
    assert watcher.poll()
    assert watcher.content is not None and watcher.content.revision == first.revision + 1
    assert changes == [first.revision, first.revision + 1]
    store.path.write_text('{"procedures": {"1": ', encoding="utf-8")  # a broken copy
    assert not watcher.poll()
    assert watcher.content.revision == first.revision + 1  # keeps showing what it had
