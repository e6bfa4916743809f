"""Helpers for the kiosk tests: a small procedure set, stores filled with content, and a
harness that runs the real Kivy app (SDL offscreen) in a subprocess with a scripted citizen.

The scenario runner is this module run as a script::

    python -m tests.kiosk_helpers MODULE:FUNCTION RESULT.json

It builds the app from ``$VILLAGE_CONFIG`` (a TOML file), starts it, and drives the
generator ``FUNCTION(ui)`` from ``MODULE`` on the Kivy clock: the generator yields a number of
seconds to wait or a ``ui.until(...)`` condition; an AssertionError ends the run and is
reported back to the test with its traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PROCEDURES = REPO / "media" / "procedures" / "thu-tuc-cap-xa.json"
SAMPLE_CLIPS = REPO / "media" / "clips"


# A small procedure set for tests that must not depend on the shipped sample's details.
FIXTURE_PROCEDURES: list[dict[str, Any]] = [
    {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "level": "Cấp xã",
        "steps": [
            "Người đi đăng ký nộp tờ khai và giấy chứng sinh tại Bộ phận Một cửa",
            "Công chức tư pháp - hộ tịch kiểm tra giấy tờ, đối chiếu thông tin",
            "Ghi nội dung khai sinh vào Sổ đăng ký khai sinh",
            "Người đi đăng ký kiểm tra nội dung và cùng ký vào Sổ",
            "Chủ tịch Ủy ban nhân dân xã cấp Giấy khai sinh bản chính",
            "Trả kết quả cho người đi đăng ký",
        ],
        "channels": ["Trực tiếp", "Trực tuyến", "Qua dịch vụ bưu chính"],
        "result": "Giấy khai sinh (bản chính) và bản sao nếu có yêu cầu",
        "subjects": "Cha, mẹ, ông, bà, người thân thích khác của trẻ",
        "legal_basis": [
            "Luật Hộ tịch số 60/2014/QH13",
            "Nghị định số 123/2015/NĐ-CP",
            "Thông tư số 04/2020/TT-BTP",
        ],
        "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        "time_limit": "Ngay trong ngày làm việc",
        "fees": "Miễn lệ phí",
        "submit_place": "Bộ phận Một cửa, Ủy ban nhân dân xã",
        "online_url": "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
        "status": "amended",
        "effective_date": "2024-07-01",
    },
    {
        "code": "1.000894",
        "name": "Đăng ký kết hôn",
        "field": "Hộ tịch",
        "documents": ["Tờ khai đăng ký kết hôn"],
        "fees": "Miễn lệ phí",
    },
    {"code": "1.000656", "name": "Đăng ký khai tử", "field": "Hộ tịch"},
    {
        "code": "2.000815",
        "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "field": "Chứng thực",
        "fees": "2.000 đồng/trang",
    },
    {"code": "2.000884", "name": "Chứng thực chữ ký", "field": "Chứng thực"},
    {"code": "1.004222", "name": "Đăng ký thường trú", "field": "Cư trú"},
    {"code": "1.004194", "name": "Đăng ký tạm trú", "field": "Cư trú", "status": "new"},
    {
        "code": "1.001612",
        "name": "Đăng ký thành lập hộ kinh doanh",
        "field": "Hộ kinh doanh",
    },
    {
        "code": "1.003003",
        "name": "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        "field": "Đất đai",
    },
    {
        "code": "1.009994",
        "name": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "field": "Xây dựng",
    },
]


def write_fixture(path: Path, procedures: list[dict[str, Any]] | None = None) -> Path:
    path.write_text(
        json.dumps(procedures or FIXTURE_PROCEDURES, ensure_ascii=False), encoding="utf-8"
    )
    return path


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        KIVY_NO_ARGS="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_NO_FILELOG="1",
        KIVY_HOME=str(tmp_path / "kivy-home"),
        SDL_AUDIODRIVER="dummy",
        PYTHONPATH=str(REPO),
        PYGAME_HIDE_SUPPORT_PROMPT="1",
    )
    return env


def write_toml(path: Path, sections: dict[str, dict[str, Any]]) -> Path:
    from village.config import _toml_value

    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in values.items())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def kiosk_config(tmp_path: Path, data_dir: Path, **kiosk: Any) -> Path:
    """A config file for a test kiosk: windowed, always open, staff PIN 2468."""
    values = {
        "fullscreen": False,
        "window_size": "1280x800",
        "opening_hours": "",
        "staff_pin": "2468",
        "content_poll_s": 0.5,
        **kiosk,
    }
    return write_toml(
        tmp_path / "village.toml",
        {
            "paths": {"data": str(data_dir)},
            "schedule": {"holidays": []},
            "kiosk": values,
        },
    )


def fill_store(data_dir: Path, procedures: Path | None = None, clips: bool = False) -> None:
    """Import the sample procedures (and clips) into a fresh store, as staff would."""
    from village.procedures import import_procedures
    from village.store import ContentStore

    store = ContentStore(data_dir)
    import_procedures(store, procedures or SAMPLE_PROCEDURES)
    if clips:
        from village.clips import import_sample_clips

        import_sample_clips(store)


# --- the scenario runner (inside the app's process) -------------------------------------------


class Until:
    def __init__(self, check: Callable[[], bool], timeout: float, what: str) -> None:
        self.check = check
        self.deadline = time.monotonic() + timeout
        self.what = what


class UI:
    """What a scenario can do with the running app."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.notes: dict[str, Any] = {}

    # waiting
    def until(self, check: Callable[[], bool], timeout: float = 10.0, what: str = "") -> Until:
        return Until(check, timeout, what or getattr(check, "__name__", "condition"))

    def on(self, screen: str, timeout: float = 10.0) -> Until:
        return self.until(lambda: self.app.current_screen_name == screen, timeout, f"on {screen}")

    # finding widgets
    def widget(self, ident: str, root: Any = None) -> Any:
        """The widget with kv id ``ident`` on the current screen (or under ``root``)."""
        from kivy.uix.widget import Widget

        start = root or self.app.manager.current_screen
        found = self._by_id(start, ident) or self._by_id(self.app.root, ident)
        if found is None:
            raise AssertionError(f"no widget with id {ident!r}")
        assert isinstance(found, Widget)
        return found

    @staticmethod
    def _by_id(root: Any, ident: str) -> Any:
        for widget in root.walk(restrict=True):
            ids = getattr(widget, "ids", {})
            if ident in ids:
                return ids[ident]
        return None

    def buttons_with_text(self, text: str, root: Any = None) -> list[Any]:
        from kivy.uix.button import ButtonBehavior

        start = root or self.app.root
        return [
            w
            for w in start.walk(restrict=True)
            if isinstance(w, ButtonBehavior) and text in str(getattr(w, "text", ""))
        ]

    def labels_text(self, root: Any = None) -> str:
        from kivy.uix.label import Label

        start = root or self.app.manager.current_screen
        return "\n".join(str(w.text) for w in start.walk(restrict=True) if isinstance(w, Label))

    # touching
    def tap(self, widget: Any, hold: float = 0.0) -> Iterator[float]:
        """Touch the middle of ``widget`` as a finger would (down, then up)."""
        x, y = widget.to_window(*widget.center)
        yield from self.tap_at(x, y, hold)

    def tap_at(self, x: float, y: float, hold: float = 0.0) -> Iterator[float]:
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(x, y)
        touch.touch_down()
        if hold:
            yield hold
        touch.touch_up()
        yield 0.15

    def tap_text(self, text: str, root: Any = None) -> Iterator[float]:
        found = [w for w in self.buttons_with_text(text, root) if w.get_root_window()]
        if not found:
            raise AssertionError(f"no button showing {text!r}")
        yield from self.tap(found[0])

    def type_on_keyboard(self, text: str) -> Iterator[float]:
        """Press the on-screen keyboard's keys one by one."""
        keyboard = self.widget("keyboard")
        for char in text:
            label = "␣" if char == " " else char
            keys = [k for k in keyboard.walk(restrict=True) if getattr(k, "key", None) == label]
            if not keys:
                raise AssertionError(f"no key {char!r} on the on-screen keyboard")
            yield from self.tap(keys[0])

    def run_village(self, *args: str) -> Until:
        """Start a ``village`` command (as staff would, from another process) and wait for it."""
        proc = subprocess.Popen(
            [sys.executable, "-m", "village.cli", *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.notes.setdefault("commands", []).append(" ".join(args))

        def finished() -> bool:
            if proc.poll() is None:
                return False
            output = proc.stdout.read() if proc.stdout else ""
            assert proc.returncode == 0, f"village {' '.join(args)} failed:\n{output}"
            return True

        return self.until(finished, 60, f"village {' '.join(args)}")

    def screenshot(self, path: Path) -> Until:
        from kivy.core.window import Window

        done: dict[str, str] = {}

        def snap(*_: Any) -> None:
            done["path"] = Window.screenshot(name=str(path))

        from kivy.clock import Clock

        Clock.schedule_once(snap, 0.2)
        return self.until(lambda: "path" in done, 10, "screenshot")


def run_scenario(target: str, result_path: Path) -> int:
    import importlib

    from kivy.clock import Clock

    from kiosk.launch import build_app
    from village.config import load_config

    module_name, _, function_name = target.partition(":")
    scenario = getattr(importlib.import_module(module_name), function_name)
    config = load_config()
    clock = None
    if os.environ.get("KIOSK_TEST_CLOCK"):
        import datetime as dt

        from village.clock import ManualClock

        clock = ManualClock(dt.datetime.fromisoformat(os.environ["KIOSK_TEST_CLOCK"]))
    app = build_app(config, clock=clock)
    ui = UI(app)
    ui.clock = clock  # type: ignore[attr-defined]
    ui.work = Path(os.environ.get("KIOSK_TEST_DIR", "."))  # type: ignore[attr-defined]
    outcome: dict[str, Any] = {"ok": False, "error": "scenario did not finish"}
    steps: Iterator[Any] | None = None
    waiting: list[Until] = []

    def finish(ok: bool, error: str = "") -> None:
        outcome.update(ok=ok, error=error, notes=ui.notes)
        app.stop()

    def step(_dt: float) -> None:
        nonlocal steps
        try:
            if steps is None:
                steps = scenario(ui)
            if waiting:
                pending = waiting[0]
                if not pending.check():
                    if time.monotonic() > pending.deadline:
                        raise AssertionError(
                            f"timed out waiting for: {pending.what} "
                            f"(on screen {app.current_screen_name!r}, errors: {app.errors})"
                        )
                    Clock.schedule_once(step, 0.05)
                    return
                waiting.clear()
            request = next(steps)
        except StopIteration:
            finish(True)
            return
        except Exception:  # reported to the test
            finish(False, traceback.format_exc())
            return
        if isinstance(request, Until):
            waiting.append(request)
            Clock.schedule_once(step, 0.05)
        else:
            Clock.schedule_once(step, float(request or 0))

    def started(*_: Any) -> None:  # must return None, or Kivy skips the app's own on_start
        Clock.schedule_once(step, 0.5)

    app.bind(on_start=started)
    watchdog_s = float(os.environ.get("KIOSK_TEST_TIMEOUT", "90"))
    Clock.schedule_once(lambda *_: finish(False, "watchdog: scenario too slow"), watchdog_s)
    try:
        app.run()
    finally:
        result_path.write_text(json.dumps(outcome, ensure_ascii=False, default=str))
    return 0 if outcome["ok"] else 1


def run_app_scenario(
    tmp_path: Path,
    target: str,
    config_path: Path,
    *,
    clock: str = "",
    timeout: float = 120,
    extra_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run scenario ``target`` ("tests.test_x:scenario") in a fresh app process."""
    result = tmp_path / f"result-{target.rpartition(':')[2]}.json"
    env = base_env(tmp_path)
    env["VILLAGE_CONFIG"] = str(config_path)
    env["KIOSK_TEST_TIMEOUT"] = str(timeout - 15)
    env["KIOSK_TEST_DIR"] = str(tmp_path)
    if clock:
        env["KIOSK_TEST_CLOCK"] = clock
    env.update(extra_env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "tests.kiosk_helpers", target, str(result)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if not result.exists():
        raise AssertionError(
            f"the app died (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
        )
    outcome = json.loads(result.read_text(encoding="utf-8"))
    if not outcome["ok"]:
        raise AssertionError(f"scenario failed:\n{outcome['error']}\n{proc.stderr[-3000:]}")
    return outcome["notes"]


if __name__ == "__main__":
    sys.exit(run_scenario(sys.argv[1], Path(sys.argv[2])))
