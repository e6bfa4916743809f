"""Sending from the console to real devices: an emergency from the browser turns the relay
on at the device (real controller, gpiozero MockFactory) and every signed-in user sees the
banner; play-now and stop reach a device agent; the confirmation step cannot be forged."""

from __future__ import annotations

from pathlib import Path

from commune.push import push_segment
from tests.browser import *  # noqa: F403 - the fixtures
from tests.browser import ConsoleHub, needs_browser_stack, screenshot, signed_in
from tests.conftest import ControllerRun
from tests.sync_helpers import AgentRun, device_mqtt, make_config, wait_until

pytestmark = needs_browser_stack


def relay_switched_on(factory, pin: int = 17) -> int:
    return sum(1 for state in factory.pin(pin).states[1:] if state.state is False)


def start_controller(tmp_path: Path, broker, hub: ConsoleHub, mock_pins) -> ControllerRun:
    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, hub, "pi-01"), device={"id": "pi-01"}
    )
    run = ControllerRun(config, mock_pins).start()
    wait_until(lambda: hub.status("pi-01").get("online"), 15, "pi-01 online")
    return run


def choose(page, form: str, *values: str) -> None:
    for value in values:
        page.check(f"#{form} input[value='{value}']")


def test_an_emergency_from_the_browser_turns_the_relay_on_at_the_device(
    tmp_path: Path, broker, console_hub: ConsoleHub, browser, page, mock_pins, disk_audio, make_tone
) -> None:
    pushed = push_segment(
        console_hub.hub, make_tone("bao.wav", freq=880, seconds=1.0), "Báo bão", segment_id="bao"
    )
    device = start_controller(tmp_path, broker, console_hub, mock_pins)
    watcher = browser.new_context().new_page()
    try:
        wait_until(
            lambda: (
                device.controller.snapshot.meta.get("content_version") == pushed.version.version
            ),
            20,
            "the segment on the device",
        )
        signed_in(watcher, console_hub, "viewer", name="nguoi-xem")
        name = signed_in(page, console_hub, "emergency", name="truong-ban")
        page.goto(console_hub.url("/gui-lenh"))
        assert page.locator("#play-form").count() == 0  # no radio role: no play-now form
        choose(page, "emergency-form", "pi-01", "bao")
        page.fill("#emergency-form input[name=title]", "Bão số 3")
        page.fill("#emergency-form textarea[name=reason]", "Bão đổ bộ trong đêm")
        page.click("#emergency-form button[type=submit]")
        assert "Xác nhận phát khẩn cấp" in page.inner_text("h1")
        assert relay_switched_on(mock_pins) == 0  # nothing is sent before the confirmation
        assert console_hub.audit("emergency") == []
        screenshot(page, "emergency-confirm")
        page.click("#confirm-form button[type=submit]")
        page.wait_for_selector("tr[data-device='pi-01'] .answer.ok", timeout=20_000)
        wait_until(lambda: relay_switched_on(mock_pins) >= 1, 20, "the relay on at pi-01")
        assert "Đã bắt đầu phát" in page.inner_text("tr[data-device='pi-01']")
        # everyone signed in sees it as it happens, without reloading
        watcher.wait_for_selector(".banner.emergency", timeout=10_000)
        banner = watcher.inner_text(".banner.emergency")
        assert "Bão số 3" in banner and "truong-ban" in banner and "Bão đổ bộ" in banner
        screenshot(page, "send-result")
        device.wait_for("logged", timeout=20)
    finally:
        watcher.context.close()
        device.stop()
    (record,) = device.records()
    assert record["priority"] == "emergency" and record["outcome"] == "aired"
    assert record["title"] == "Bão số 3"
    (entry,) = console_hub.audit("emergency")
    assert entry.actor == name and "Bão đổ bộ trong đêm" in entry.detail


def test_the_emergency_confirmation_cannot_be_forged_or_skipped(
    console_hub: ConsoleHub, browser, page, make_tone
) -> None:
    push_segment(console_hub.hub, make_tone("b.wav", seconds=0.5), "Tin", segment_id="tin")
    signed_in(page, console_hub, "emergency")
    page.goto(console_hub.url("/gui-lenh"))
    choose(page, "emergency-form", "tin")
    page.click("#emergency-form button[type=submit]")  # no reason: the browser refuses
    assert "/gui-lenh" in page.url and page.locator("#confirm-form").count() == 0
    page.fill("#emergency-form textarea[name=reason]", "Thử")
    # a segment only pi-01 holds cannot go to pi-02: refused before the confirmation
    push_segment(
        console_hub.hub, make_tone("c.wav", seconds=0.5), "Riêng", segment_id="rieng",
        devices=["pi-01"],
    )  # fmt: skip
    page.goto(console_hub.url("/gui-lenh"))
    choose(page, "emergency-form", "pi-02", "rieng")
    page.fill("#emergency-form textarea[name=reason]", "Thử")
    page.click("#emergency-form button[type=submit]")
    assert "Thiết bị pi-02 chưa có bài rieng" in page.inner_text(".error")
    assert page.locator("#emergency-form").count() == 1  # the form, to correct it
    page.goto(console_hub.url("/gui-lenh"))
    choose(page, "emergency-form", "tin")
    page.fill("#emergency-form textarea[name=reason]", "Thử")
    page.click("#emergency-form button[type=submit]")
    page.evaluate("document.querySelector('#confirm-form input[name=sealed]').value += 'x'")
    page.click("#confirm-form button[type=submit]")
    assert "hết hạn hoặc không hợp lệ" in page.inner_text("main")
    assert console_hub.hub.repository.unpublished_commands() == []
    assert console_hub.audit("emergency") == []
    # a radio officer may play and stop, not send an emergency
    radio = browser.new_context().new_page()
    signed_in(radio, console_hub, "radio")
    csrf = radio.get_attribute("meta[name=csrf-token]", "content")
    for path in ("/gui-lenh/khan-cap", "/gui-lenh/khan-cap/xac-nhan"):
        response = radio.request.post(
            console_hub.url(path), form={"csrf": csrf, "segment": "tin", "reason": "x"}
        )
        assert response.status == 403
    radio.context.close()
    assert console_hub.audit("emergency") == []


def test_play_now_and_stop_reach_the_device_with_its_answer(
    tmp_path: Path, broker, console_hub: ConsoleHub, page, make_tone
) -> None:
    pushed = push_segment(
        console_hub.hub, make_tone("t.wav", seconds=0.5), "Tin sáng", segment_id="tin-sang"
    )
    config = make_config(
        tmp_path / "pi-02", device_mqtt(broker, console_hub, "pi-02"), device={"id": "pi-02"}
    )
    agent = AgentRun(config).start()
    try:
        agent.wait_version(pushed.version.version)
        signed_in(page, console_hub, "radio")
        page.goto(console_hub.url("/gui-lenh"))
        screenshot(page, "send")
        choose(page, "play-form", "pi-02", "tin-sang")
        page.fill("#play-form input[name=title]", "Tin sáng nay")
        page.click("#play-form button[type=submit]")
        page.wait_for_selector("tr[data-device='pi-02'] .answer.ok", timeout=20_000)
        assert agent.host.played == [(["tin-sang"], agent.host.played[0][1], "Tin sáng nay")]
        assert agent.host.played[0][1].label == "ordinary"
        page.goto(console_hub.url("/gui-lenh"))
        choose(page, "stop-form", "pi-02")
        page.click("#stop-form button[type=submit]")
        page.wait_for_selector("tr[data-device='pi-02'] .answer.ok", timeout=20_000)
        assert len(agent.host.stopped) == 1
    finally:
        agent.stop()
    assert [e.target for e in console_hub.audit("command")] == ["pi-02", "pi-02"]
