"""The Segments and Clips pages against a real hub, Mosquitto and device, in Chromium: a
large upload sent in chunks that survives a broken connection and a reloaded page, then
listened to (byte ranges) and published until applied; a recording from the microphone
(Chromium's fake capture from a WAV file) aired by a real controller (SDL disk audio); text
spoken by espeak-ng saved as a segment of the right length; a clip."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from commune.console.content import chunks
from tests.browser import *  # noqa: F403 - the fixtures
from tests.browser import ConsoleHub, needs_browser_stack, screenshot, signed_in
from tests.sync_helpers import AgentRun, device_mqtt, make_config, wait_until
from village.store import ContentStore, file_sha256

pytestmark = needs_browser_stack
CHUNK = 256 * 1024


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", CHUNK)
    return CHUNK


@pytest.fixture
def agent(tmp_path: Path, broker, console_hub: ConsoleHub):
    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, console_hub, "pi-01"), device={"id": "pi-01"}
    )
    running = AgentRun(config).start()
    wait_until(lambda: console_hub.status("pi-01").get("online"), 15, "pi-01 online")
    yield running
    running.stop()


def offset_of(request) -> int | None:  # a Playwright request
    body = request.post_data_buffer or b""
    found = re.search(rb'name="offset"\r\n\r\n(\d+)\r\n', body)
    return int(found.group(1)) if found else None


def uploads_on_hub(hub: ConsoleHub) -> list[dict]:
    folder = hub.hub.root / "console" / "uploads"
    return [json.loads(p.read_text()) for p in folder.glob("*.json")]


def test_a_large_upload_survives_a_broken_connection_and_a_reloaded_page(
    console_hub: ConsoleHub, agent: AgentRun, page, make_tone, small_chunks: int
) -> None:
    wav = make_tone("ban-tin-sang.wav", freq=523, seconds=12, channels=2)  # 2.1 MB
    size = wav.stat().st_size
    signed_in(page, console_hub, "radio")
    offline = {"on": False}
    sent: list[int] = []

    def network(route, request) -> None:
        offset = offset_of(request) if request.method == "POST" else None
        if offset is not None:
            if offline["on"]:
                route.abort("internetdisconnected")
                return
            sent.append(offset)
            if len(sent) == 3:
                offline["on"] = True  # the line drops after the third chunk
        route.continue_()

    page.route("**/bai-phat/tai-len/*", network)
    page.goto(console_hub.url("/bai-phat"))
    form = "#segment-upload"
    page.evaluate(f"document.querySelector('{form}').setAttribute('data-pauses', '100,100')")
    page.set_input_files(f"{form} input[type=file]", str(wav))
    page.fill(f"{form} input[name=title]", "Bản tin sáng")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(f"{form} .upload-status:has-text('Mất kết nối')")
    page.wait_for_selector(f"{form} button[type=submit]:not([disabled])")
    (held,) = uploads_on_hub(console_hub)
    assert held["received"] == 3 * small_chunks < size
    assert sent == [0, small_chunks, 2 * small_chunks]
    # the line comes back; staff reload the page and choose the same file again
    offline["on"] = False
    page.reload()
    page.set_input_files(f"{form} input[type=file]", str(wav))
    page.fill(f"{form} input[name=title]", "Bản tin sáng")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("article[data-id='ban-tin-sang'][data-draft='yes']")
    assert sent[3] == 3 * small_chunks  # resumed where it stopped, not from the start
    assert sent == list(range(0, size, small_chunks))
    assert uploads_on_hub(console_hub) == []
    draft = ContentStore(console_hub.hub.root / "console" / "drafts").snapshot().segments
    segment = draft["ban-tin-sang"]
    assert segment.sha256 == file_sha256(wav) and segment.source_name == "ban-tin-sang.wav"
    item = page.locator("article[data-id='ban-tin-sang']")
    assert item.locator("[data-field=duration]").inner_text() == "0:12"
    assert "LUFS" in item.locator("[data-field=loudness]").inner_text()
    # listening in the browser: served by content hash, with byte ranges
    src = item.locator("audio").get_attribute("src")
    assert src == f"/bai-phat/nghe/{segment.sha256}"
    duration = page.evaluate(
        "a => new Promise(done => { a.onloadedmetadata = () => done(a.duration); a.load(); })",
        item.locator("audio").element_handle(),
    )
    assert 11.5 < duration < 12.5
    part = page.request.get(console_hub.url(src), headers={"Range": "bytes=100-199"})
    assert part.status == 206 and part.body() == wav.read_bytes()[100:200]
    assert page.request.get(console_hub.url("/bai-phat/nghe/" + "0" * 64)).status == 404
    screenshot(page, "segments")
    item.locator("summary").click()
    item.locator("input[value='pi-01']").check()
    item.locator("button:has-text('Đăng')").click()
    page.wait_for_selector("tr[data-device='pi-01'][data-state='applied']")
    store = ContentStore(agent.config.data_dir)
    assert store.snapshot().segments["ban-tin-sang"].sha256 == segment.sha256
    assert store.has_media(segment.sha256)
    assert "ban-tin-sang" in console_hub.hub.library.snapshot().segments
    assert [e.target for e in console_hub.audit("publish")][0].startswith("segment ban-tin-sang v")


def test_upload_refusals_are_clear_and_keep_nothing(
    console_hub: ConsoleHub, page, small_chunks: int
) -> None:
    signed_in(page, console_hub, "radio")
    page.goto(console_hub.url("/bai-phat"))
    csrf = page.get_attribute("meta[name=csrf-token]", "content")
    headers = {"X-CSRF-Token": csrf}
    cap = console_hub.console.upload_cap
    too_big = page.request.post(
        console_hub.url("/bai-phat/tai-len"),
        form={"name": "a.wav", "size": str(cap + 1)},
        headers=headers,
    )
    assert too_big.status == 413 and "Tệp quá lớn" in too_big.json()["error"]
    started = page.request.post(
        console_hub.url("/bai-phat/tai-len"),
        form={"name": "a.wav", "size": "1000"},
        headers=headers,
    ).json()
    url = console_hub.url(f"/bai-phat/tai-len/{started['id']}")
    chunk = {"name": "chunk", "mimeType": "application/octet-stream", "buffer": b"x" * 600}
    wrong = page.request.post(url, multipart={"offset": "10", "chunk": chunk}, headers=headers)
    assert wrong.status == 409 and wrong.json()["received"] == 0
    first = page.request.post(url, multipart={"offset": "0", "chunk": chunk}, headers=headers)
    assert first.json()["received"] == 600
    longer = page.request.post(url, multipart={"offset": "600", "chunk": chunk}, headers=headers)
    assert longer.status == 400 and "dài hơn kích thước đã báo" in longer.json()["error"]
    assert page.request.get(url).json()["received"] == 600
    # not someone else's upload, not a video page's
    other = page.context.browser.new_context().new_page()
    signed_in(other, console_hub, "radio", name="nguoi-khac")
    assert other.request.get(url).status == 404
    other.context.close()
    assert page.request.get(console_hub.url(f"/video/tai-len/{started['id']}")).status == 403
    finish = page.request.post(
        console_hub.url("/bai-phat/luu"),
        form={"csrf": csrf, "upload": started["id"], "title": "Dở dang"},
    )
    assert finish.status == 400 and "chưa tải lên xong (60%)" in finish.text()
    # a "recording" that is no audio at all: refused in words, nothing saved
    junk = {
        "name": "ghi-am.webm",
        "mimeType": "audio/webm",
        "buffer": b"\x1a\x45\xdf\xa3" + b"x" * 5000,
    }
    refused = page.request.post(
        console_hub.url("/bai-phat/ghi-am"),
        multipart={"csrf": csrf, "title": "Hỏng", "file": junk},
    )
    assert refused.status == 400 and "không đọc được bản ghi âm" in refused.text()
    assert ContentStore(console_hub.hub.root / "console" / "drafts").snapshot().segments == {}


def test_a_recording_from_the_microphone_is_aired_by_the_device(
    tmp_path: Path, broker, console_hub: ConsoleHub, browser, mock_pins, disk_audio, make_tone
) -> None:
    import numpy as np

    from tests.browser import CHROMIUM, CHROMIUM_ARGS
    from tests.conftest import ControllerRun, sound_runs, tone_frequency

    voice = make_tone("micro.wav", freq=880, seconds=5, amplitude=0.5, rate=48000)
    microphone = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={voice}",
        ],
    )
    config = make_config(
        tmp_path / "pi-01", device_mqtt(broker, console_hub, "pi-01"), device={"id": "pi-01"}
    )
    device = ControllerRun(config, mock_pins).start()
    try:
        page = microphone.new_context(permissions=["microphone"]).new_page()
        signed_in(page, console_hub, "radio")
        page.goto(console_hub.url("/bai-phat"))
        uploaded = make_tone("ban-tin.wav", freq=523, seconds=2, amplitude=0.5)
        page.set_input_files("#segment-upload input[type=file]", str(uploaded))
        page.fill("#segment-upload input[name=title]", "Bản tin tải lên")
        page.fill("#segment-upload input[name=id]", "ban-tin")
        page.click("#segment-upload button[type=submit]")
        first = page.locator("article[data-id='ban-tin'][data-draft='yes']")
        first.locator("summary").click()
        first.locator("input[value='pi-01']").check()
        first.locator("button:has-text('Đăng')").click()
        page.wait_for_selector("tr[data-device='pi-01'][data-state='applied']", timeout=30_000)
        page.goto(console_hub.url("/bai-phat"))
        page.click("#recorder [data-action=start]")
        page.wait_for_selector("#recorder .record-status:has-text('0:03')", timeout=10_000)
        page.click("#recorder [data-action=stop]")
        page.wait_for_selector("#recorder form:not([hidden])")
        assert page.get_attribute("#recorder audio", "src").startswith("blob:")
        page.fill("#recorder input[name=title]", "Thông báo họp dân")
        page.fill("#recorder input[name=id]", "hop-dan")
        page.click("#recorder button[type=submit]")
        item = page.locator("article[data-id='hop-dan'][data-draft='yes']")
        item.wait_for()
        length = item.locator("[data-field=duration]").inner_text()
        assert length in ("0:03", "0:04"), length
        item.locator("summary").click()
        item.locator("input[value='pi-01']").check()
        item.locator("button:has-text('Đăng')").click()
        page.wait_for_selector("tr[data-device='pi-01'][data-state='applied']", timeout=30_000)
        page.goto(console_hub.url("/gui-lenh"))
        page.check("#play-form input[value='pi-01']")
        page.check("#play-form input[value='ban-tin']")
        page.check("#play-form input[value='hop-dan']")
        page.click("#play-form button[type=submit]")
        page.wait_for_selector("tr[data-device='pi-01'] .answer.ok", timeout=20_000)
        record = device.wait_for("logged", timeout=30)["record"]
    finally:
        device.stop()
        microphone.close()
    assert record["outcome"] == "aired"
    assert [s["id"] for s in record["segments"]] == ["ban-tin", "hop-dan"]
    mono = disk_audio.mono().astype(np.float64)
    rate = disk_audio.rate
    runs = [r for r in sound_runs(mono, rate, min_gap_s=0.05) if r[1] - r[0] > rate // 2]
    start, end = runs[0][0], runs[-1][1]
    assert 4.5 < (end - start) / rate < 6.5  # the upload's 2 s, then what was recorded
    assert abs(tone_frequency(mono[start : start + rate], rate) - 523) < 15  # the upload
    heard = tone_frequency(mono[end - 2 * rate : end], rate)
    assert abs(heard - 880) < 15  # the microphone's tone reached the loudspeakers


def test_text_to_segment_speaks_an_announcement_of_the_right_length(
    console_hub: ConsoleHub, page
) -> None:
    text = (
        "Thông báo: sáng thứ bảy tuần này, Ủy ban nhân dân xã tổ chức tiêm phòng "
        "cho trẻ em dưới năm tuổi tại trạm y tế xã. Đề nghị các gia đình đưa trẻ đến đúng giờ."
    )
    words = len(text.split())
    signed_in(page, console_hub, "radio")
    page.goto(console_hub.url("/bai-phat"))
    page.fill("#speech textarea[name=text]", text)
    page.click("#speech button[type=submit]")
    audio = page.locator("#speech-preview audio")
    audio.wait_for()
    heard = page.evaluate(
        "a => new Promise(done => { a.onloadedmetadata = () => done(a.duration); a.load(); })",
        audio.element_handle(),
    )
    expected = words / 150 * 60  # espeak-ng at 150 words a minute; a syllable is a word
    assert 0.6 * expected < heard < 1.8 * expected, (heard, expected)
    screenshot(page, "segments-speech")
    page.fill("#speech-preview input[name=title]", "Thông báo tiêm phòng")
    page.fill("#speech-preview input[name=id]", "tiem-phong")
    page.click("#speech-preview button[type=submit]")
    page.locator("article[data-id='tiem-phong'][data-draft='yes']").wait_for()
    draft = ContentStore(console_hub.hub.root / "console" / "drafts").snapshot().segments
    segment = draft["tiem-phong"]
    assert abs(segment.duration_s - heard) < 0.2 and segment.loudness_lufs > -40
    assert segment.title == "Thông báo tiêm phòng"
    # nothing to say, or too much: a clear message, nothing spoken
    page.fill("#speech textarea[name=text]", "\u200b  ")
    page.evaluate("document.querySelector('#speech textarea').removeAttribute('required')")
    page.click("#speech button[type=submit]")
    page.wait_for_selector("#speech-result .error:has-text('Hãy gõ nội dung thông báo')")


def test_a_clip_is_uploaded_watched_and_published(
    tmp_path: Path, console_hub: ConsoleHub, agent: AgentRun, page
) -> None:
    from tests.conftest import MEDIA

    clip = shutil.copy(MEDIA / "clips" / "bo-phan-mot-cua.mp4", tmp_path / "Bộ phận một cửa.mp4")
    signed_in(page, console_hub, "publisher")
    page.goto(console_hub.url("/video"))
    page.set_input_files("#clip-upload input[type=file]", clip)
    page.fill("#clip-upload input[name=title]", "Bộ phận một cửa")
    page.click("#clip-upload button[type=submit]")
    item = page.locator("article[data-id='bo-phan-mot-cua'][data-draft='yes']")
    item.wait_for()
    sha = file_sha256(Path(clip))
    assert item.locator("video").get_attribute("src") == f"/video/xem/{sha}"
    width = page.evaluate(
        "v => new Promise(done => { v.onloadedmetadata = () => done(v.videoWidth); v.load(); })",
        item.locator("video").element_handle(),
    )
    assert f"{width}×" in item.locator(".meta").inner_text()
    assert page.request.get(console_hub.url(f"/bai-phat/nghe/{sha}")).status == 403  # radio's
    item.locator("summary").click()
    item.locator("button:has-text('Đăng')").click()  # no device chosen: the whole commune
    page.wait_for_selector("tr[data-device='pi-01'][data-state='applied']")
    assert page.locator("tr[data-device='pi-02']").get_attribute("data-state") == "offline"
    held = ContentStore(agent.config.data_dir).snapshot().clips["bo-phan-mot-cua"]
    assert held.sha256 == sha and held.source_name == "bo-phan-mot-cua.mp4"
