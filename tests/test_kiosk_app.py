"""The kiosk app itself, under SDL's offscreen driver: a scripted citizen touches the screen.

Each test starts one app process (``tests.kiosk_helpers``) that runs a scenario below and
reports back; what the citizen would see is asserted inside the scenario, what was written
(the journal) is asserted here after the app has stopped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kiosk_helpers import (
    fill_store,
    kiosk_config,
    run_app_scenario,
    write_fixture,
)

KHAI_SINH = "1.001193"
KET_HON = "1.000894"


def screen_text(ui) -> str:
    return ui.labels_text()


def procedure_buttons(ui) -> list:
    from kiosk.widgets import ProcedureButton

    screen = ui.app.manager.current_screen
    return [w for w in screen.walk(restrict=True) if isinstance(w, ProcedureButton)]


def field_button(ui, name: str):
    from kiosk.widgets import FieldButton

    found = [w for w in ui.app.root.walk() if isinstance(w, FieldButton) and w.field_name == name]
    assert found, f"no field button {name!r}"
    return found[0]


# --- scenario: browse, search, larger text, feedback ------------------------------------------


def scenario_browse(ui):
    app = ui.app
    yield ui.on("home")
    home = screen_text(ui)
    assert "Chọn lĩnh vực" in home
    button = field_button(ui, "Hộ tịch")
    assert "3 thủ tục" in button.text  # the field's count is on its button
    assert "Đăng ký khai sinh" in home  # amended: listed as new or changed

    # a field, then a procedure in it
    yield from ui.tap(button)
    yield ui.on("field")
    names = [b.text for b in procedure_buttons(ui)]
    assert len(names) == 3 and any("Đăng ký kết hôn" in n for n in names), names
    target = next(b for b in procedure_buttons(ui) if b.code == KHAI_SINH)
    yield from ui.tap(target)
    yield ui.on("procedure")
    page = screen_text(ui)
    for expected in ("Hồ sơ cần mang theo", "Giấy chứng sinh", "Miễn lệ phí", "Bước 1"):
        assert expected in page, expected
    assert "Đã sửa đổi, bổ sung" in page and "01/07/2024" in page
    assert ui.widget("qr").ready, "the QR code of the online service is drawn"
    document = next(w for w in ui.widget("body").children if "Giấy chứng sinh" in w.text)
    assert document.font_size >= 22  # readable without zooming

    # back to the field list
    yield from ui.tap(ui.widget("back_button"))
    yield ui.on("field")

    # larger text, from anywhere
    before = app.fs_body
    yield from ui.tap(ui.widget("text_size_button"))
    assert app.fs_body > before
    assert min(b.font_size for b in procedure_buttons(ui)) > before
    yield from ui.tap(ui.widget("text_size_button"))
    assert app.fs_body == before

    # search by typing on the on-screen keyboard, without accents
    yield from ui.tap(ui.widget("home_button"))
    yield ui.on("home")
    yield from ui.tap(ui.widget("search_box"))
    yield ui.on("search")
    yield from ui.type_on_keyboard("ket ho")
    assert ui.widget("query_box").text.startswith("ket ho")
    hits = procedure_buttons(ui)
    assert hits and hits[0].code == KET_HON, [h.code for h in hits]
    yield from ui.tap(hits[0])
    yield ui.on("procedure")
    assert "Tờ khai đăng ký kết hôn" in screen_text(ui)

    # a search that finds nothing says so, and is journaled word for word
    yield from ui.tap(ui.widget("home_button"))
    yield from ui.tap(ui.widget("search_box"))
    yield ui.on("search")
    yield from ui.type_on_keyboard("xyz")
    assert "Không tìm thấy thủ tục nào" in screen_text(ui)
    yield from ui.tap(ui.widget("home_button"))
    yield ui.on("home")

    # a search that matches only part of what was typed offers what it has, under
    # "Có thể bạn cần…", and is journaled as not found so staff can add the citizens' word
    yield from ui.tap(ui.widget("search_box"))
    yield ui.on("search")
    yield from ui.type_on_keyboard("chung thuc karaoke")
    text = screen_text(ui)
    assert "Không có thủ tục nào khớp hết «chung thuc karaoke»" in text
    assert "Có thể bạn cần…" in text and "Không tìm thấy" not in text
    offered = {b.code for b in procedure_buttons(ui)}
    assert offered == {"2.000815", "2.000884"}, offered  # the two Chứng thực procedures
    assert ui.widget("count").text == ""
    yield from ui.tap(ui.widget("home_button"))
    yield ui.on("home")

    # feedback: a rating and a reason, then thanks and back home by itself
    yield from ui.tap(ui.widget("feedback_button"))
    yield ui.on("feedback")
    yield from ui.tap_text("Hài lòng")
    yield from ui.tap_text("Chữ nhỏ khó đọc")
    yield from ui.tap(ui.widget("send"))
    assert "Cảm ơn" in ui.widget("message").text
    yield ui.on("home", timeout=8)
    assert not app.errors, app.errors


def test_citizen_browses_searches_and_rates(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill_store(data, write_fixture(tmp_path / "procedures.json"))
    run_app_scenario(tmp_path, "tests.test_kiosk_app:scenario_browse", kiosk_config(tmp_path, data))
    from kiosk.journal import KioskJournal

    records = list(KioskJournal(data).records())
    feedback = [r for r in records if r["type"] == "feedback"]
    assert len(feedback) == 1
    assert feedback[0]["rating"] == 4 and feedback[0]["reasons"] == ["text_too_small"]
    usage = [r for r in records if r["type"] == "usage"]
    views: dict[str, int] = {}
    not_found: dict[str, int] = {}
    searches = 0
    for record in usage:
        for code, count in record.get("views", {}).items():
            views[code] = views.get(code, 0) + count
        not_found.update(record.get("not_found", {}))
        searches += record["searches"]
    assert views == {KHAI_SINH: 1, KET_HON: 1}
    assert searches == 3  # one per search the citizen finished, not one per key
    assert not_found == {"xyz": 1, "chung thuc karaoke": 1}
    assert all(len(r["id"]) == 32 for r in records)


if __name__ == "__main__":
    pytest.main([__file__])


# --- scenario: idle return, attract loop, outside opening hours (a fake clock) -----------------


def scenario_idle(ui):
    import datetime as dt

    app, clock = ui.app, ui.clock
    yield ui.on("home")
    yield from ui.tap(field_button(ui, "Cư trú"))
    yield ui.on("field")
    yield from ui.tap(ui.widget("text_size_button"))
    assert app.text_large

    clock.advance(29)  # idle_return_s is 30
    yield 1.2
    assert app.current_screen_name == "field", "no return before the idle time"
    clock.advance(2)
    yield ui.on("home", timeout=3)
    assert not app.text_large, "the next citizen starts with normal text"

    clock.advance(30)  # 61 s without a touch: attract_after_s is 60
    where = field_button(ui, "Hộ tịch")
    where = where.to_window(*where.center)
    yield ui.on("attract", timeout=3)
    first = ui.widget("title").text
    yield 2.5  # attract_slide_s is 2
    assert ui.widget("title").text != first, "the attract loop moves on by itself"

    # a touch brings the citizen home, and does not press what is under the finger
    yield from ui.tap_at(*where)
    yield ui.on("home", timeout=3)
    yield 0.5
    assert app.current_screen_name == "home"

    # Sunday: outside opening hours the screen dims on the home screen
    clock.set(dt.datetime(2025, 3, 9, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    yield ui.until(lambda: app.display_state == "dim", 3, "screen dimmed")
    assert "Ngoài giờ làm việc" in ui.labels_text(ui.app.overlay)
    assert "Thứ Hai – Thứ Sáu: 07:00–17:00" in app.hours_text
    yield from ui.tap(field_button(ui, "Hộ tịch"))  # wakes it; opens nothing
    assert app.display_state == "on" and app.current_screen_name == "home"
    yield from ui.tap(field_button(ui, "Hộ tịch"))  # now the kiosk is usable
    yield ui.on("field")
    clock.advance(31)
    yield ui.until(lambda: app.display_state == "dim", 3, "dims again after the idle time")
    assert app.current_screen_name == "home"


def test_idle_return_attract_loop_and_closed_hours(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill_store(data, write_fixture(tmp_path / "procedures.json"))
    config = kiosk_config(
        tmp_path,
        data,
        idle_return_s=30.0,
        attract_after_s=60.0,
        attract_slide_s=2.0,
        opening_hours="T2-T6 07:00-17:00",
        outside_hours="dim",
    )
    run_app_scenario(
        tmp_path,
        "tests.test_kiosk_app:scenario_idle",
        config,
        clock="2025-03-03T09:00:00+07:00",  # a Monday morning
    )


# --- scenario: content changes while a citizen reads ------------------------------------------


def scenario_live_reload(ui):
    import json
    import time
    import weakref

    from tests.kiosk_helpers import FIXTURE_PROCEDURES

    app = ui.app
    yield ui.on("home")
    yield 1.5  # the kiosk has settled: what is alive now is set aside from collections
    home_button = weakref.ref(field_button(ui, "Hộ tịch"))
    yield from ui.tap(home_button())
    yield ui.on("field")
    yield from ui.tap(next(b for b in procedure_buttons(ui) if b.code == KHAI_SINH))
    yield ui.on("procedure")
    ui.widget("scroll").scroll_y = 0.4

    changed = [dict(p) for p in FIXTURE_PROCEDURES]
    changed[0]["documents"] = [*changed[0]["documents"], "Giấy tờ tùy thân của người đi đăng ký"]
    changed[0].pop("status")
    changed.append({"code": "1.004837", "name": "Đăng ký giám hộ", "field": "Hộ tịch"})
    update = ui.work / "update.json"
    update.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    yield ui.run_village("import", "procedures", str(update))
    imported = time.monotonic()
    yield ui.until(lambda: "Giấy tờ tùy thân" in ui.labels_text(), 5, "the amended page")
    ui.notes["reload_s"] = time.monotonic() - imported
    assert app.current_screen_name == "procedure", "the citizen stays on the page"
    assert ui.widget("scroll").scroll_y == pytest.approx(0.4, abs=0.05), "and at the same place"
    assert "vừa được cập nhật" in app.notice.text
    assert "Đã sửa đổi, bổ sung" in ui.labels_text()

    yield from ui.tap(ui.widget("back_button"))
    yield ui.on("field")
    assert any(b.code == "1.004837" for b in procedure_buttons(ui)), "the new one is listed"
    yield from ui.tap(next(b for b in procedure_buttons(ui) if b.code == KHAI_SINH))
    yield ui.on("procedure")

    changed[0]["status"] = "Bãi bỏ"
    update.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    yield ui.run_village("import", "procedures", str(update))
    imported = time.monotonic()
    yield ui.on("home", timeout=5)
    ui.notes["abolished_s"] = time.monotonic() - imported
    assert "bãi bỏ" in app.notice.text and "Đăng ký khai sinh" in app.notice.text
    assert "3 thủ tục" in field_button(ui, "Hộ tịch").text
    # the screens built for the old content are freed, not kept for the life of the kiosk
    yield ui.until(lambda: home_button() is None, 5, "the old home screen's buttons freed")


def test_new_content_shows_within_five_seconds_without_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill_store(data, write_fixture(tmp_path / "procedures.json"))
    notes = run_app_scenario(
        tmp_path, "tests.test_kiosk_app:scenario_live_reload", kiosk_config(tmp_path, data)
    )
    assert notes["reload_s"] < 5 and notes["abolished_s"] < 5


# --- scenario: no way out for citizens; the staff panel; clips muted during broadcasts --------


def scenario_staff_and_clip(ui):
    import json
    import os

    from kivy.core.window import Window

    app = ui.app
    yield ui.on("home")

    # Escape and the window's close request do not end the kiosk
    Window.dispatch("on_keyboard", 27, 0, "", [])
    assert Window.dispatch("on_request_close") is True
    yield 0.5
    assert app.current_screen_name == "home" and not app.errors

    # a short press on the header does nothing; a long one opens the PIN pad
    logo = ui.widget("logo")
    yield from ui.tap(logo, hold=0.5)
    assert app.current_screen_name == "home"
    yield from ui.tap(logo, hold=app.staff_hold_s + 0.3)
    yield ui.on("staff_pin")
    for key in "1111":
        yield from ui.tap_text(key)
    yield from ui.tap_text("Đồng ý")
    assert "Sai mã PIN" in ui.widget("message").text
    assert app.current_screen_name == "staff_pin"
    for key in "2468":
        yield from ui.tap_text(key)
    yield from ui.tap_text("Đồng ý")
    yield ui.on("staff")
    panel = ui.labels_text()
    assert f"{app.content.revision} (cập nhật" in panel  # content version
    assert "còn trống" in panel and "kho nội dung" in panel  # storage
    assert "Buổi phát thanh gần nhất" in panel and "Tuyên truyền cải cách" in panel
    assert "đã phát" in panel
    yield from ui.tap(ui.widget("close"))
    yield ui.on("home")

    # a clip plays with sound; the relay switching on mutes it
    from kiosk.widgets import ClipButton

    clip_button = next(w for w in app.root.walk() if isinstance(w, ClipButton))
    yield from ui.tap(clip_button)
    yield ui.on("clip")
    screen = app.manager.current_screen
    yield ui.until(lambda: screen.video is not None and screen.video.position > 0.5, 15, "plays")
    assert screen.video.volume == 1.0
    state_file = app.state_file
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps({"relay": True, "on_air": "Bản tin", "pid": os.getpid()}))
    yield ui.until(lambda: screen.video.volume == 0.0, 3, "muted while on air")
    assert "tạm tắt tiếng" in ui.widget("muted_note").text
    state_file.write_text(json.dumps({"relay": False, "pid": os.getpid()}))
    yield ui.until(lambda: screen.video.volume == 1.0, 3, "sound back after the broadcast")

    # pause and play
    yield from ui.tap(ui.widget("play_button"))
    yield 0.3
    assert screen.video.state == "pause"
    paused_at = screen.video.position
    yield 0.8
    assert screen.video.position == pytest.approx(paused_at, abs=0.05)
    yield from ui.tap(ui.widget("play_button"))
    yield ui.until(lambda: screen.video.position > paused_at + 0.3, 5, "plays again")
    yield from ui.tap(ui.widget("back_button"))
    yield ui.on("home")
    assert screen.video is None, "leaving the clip stops it"


def test_staff_panel_exit_guard_and_clip_muting(tmp_path: Path) -> None:
    from village.playlog import PlayLog

    data = tmp_path / "data"
    fill_store(data, write_fixture(tmp_path / "procedures.json"), clips=True)
    PlayLog(data).append(
        {
            "slot": "x",
            "title": "Tuyên truyền cải cách hành chính",
            "planned_start": "2025-03-03T06:30:00+07:00",
            "relay_on": "2025-03-03T06:29:57+07:00",
            "relay_off": "2025-03-03T06:45:00+07:00",
            "outcome": "aired",
        }
    )
    run_app_scenario(
        tmp_path,
        "tests.test_kiosk_app:scenario_staff_and_clip",
        kiosk_config(tmp_path, data),
    )


# --- scenario: what a kiosk keeps while citizens browse ---------------------------------------


def scenario_memory(ui):
    import collections
    import weakref

    from kivy.uix.label import Label

    app = ui.app
    yield ui.on("home")
    # procedure pages are the same label widgets with new text, however many are read
    screen = app.manager.get_screen("procedure")
    codes = [p.code for entries in app.content.by_field.values() for p in entries]
    seen: set[int] = set()
    most: collections.Counter[str] = collections.Counter()
    for code in codes * 2:
        assert app.show("procedure", code)
        yield 0.05
        shown = ui.widget("body").children
        seen |= {id(w) for w in shown}
        kinds = collections.Counter(type(w).__name__ for w in shown)
        most = most | kinds  # the most of each kind one page needed
    assert screen.labels.size == sum(most.values()), "no more labels than the longest pages"
    assert len(seen) == screen.labels.size, "every page drawn with the pool's labels"

    # a label keeps no copy of its pixels once its texture has them
    yield 0.3
    labels = [w for w in app.root.walk() if isinstance(w, Label) and w.text]
    assert labels and all(getattr(w._label, "_surface", None) is None for w in labels)

    # a screen few citizens see is built when shown and freed once left
    yield from ui.tap(ui.widget("home_button"))
    yield ui.on("home")
    assert not app.manager.has_screen("feedback")
    yield from ui.tap(ui.widget("feedback_button"))
    yield ui.on("feedback")
    feedback = weakref.ref(app.manager.get_screen("feedback"))
    yield from ui.tap(ui.widget("home_button"))
    yield ui.on("home")
    yield ui.until(lambda: feedback() is None, 5, "the feedback screen freed")
    assert not app.manager.has_screen("feedback")

    # the results of every keystroke are drawn with the same buttons
    yield from ui.tap(ui.widget("search_box"))
    yield ui.on("search")
    buttons: set[int] = set()
    for char in "dang ky k":
        yield from ui.type_on_keyboard(char)
        buttons |= {id(b) for b in procedure_buttons(ui)}
    assert 1 <= len(buttons) <= 10, len(buttons)  # at most one page of results, ever
    assert not app.errors, app.errors


def test_browsing_keeps_a_bounded_set_of_widgets(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill_store(data, write_fixture(tmp_path / "procedures.json"))
    run_app_scenario(tmp_path, "tests.test_kiosk_app:scenario_memory", kiosk_config(tmp_path, data))
