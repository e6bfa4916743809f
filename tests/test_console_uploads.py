"""Uploads through the console's form reader, on a page made the way content pages are
(upload a segment, import it, publish it): a file over the cap is refused with a clear
message and nothing is stored; a name holding ``../`` never reaches the file system."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tests.browser import *  # noqa: F403 - the fixtures
from tests.browser import PASSWORD, ConsoleHub, ManualClock, needs_browser_stack, signed_in
from tests.sync_helpers import Broker

pytestmark = needs_browser_stack
UPLOAD_MB = 1


def upload_page():  # a Starlette route
    from commune.console.web import Visit, page
    from commune.push import push_segment

    @page("segments.publish")
    def upload(visit: Visit) -> Response:
        file = visit.form.file("file")
        assert file is not None
        named = file.path.with_suffix(file.suffix or ".bin")
        os.replace(file.path, named)
        try:
            result = push_segment(
                visit.console.hub, named, visit.form.get("title"), segment_id="tai-len"
            )
        finally:
            named.unlink(missing_ok=True)
        visit.audit("publish", "segment tai-len", file.filename)
        return PlainTextResponse(f"{file.filename} → {result.version.version}")

    @page("segments.publish")
    def form(visit: Visit) -> Response:
        return PlainTextResponse(visit.csrf)

    return [Route("/thu/tai-len", upload, methods=["POST"]), Route("/thu/tai-len", form)]


@pytest.fixture
def upload_hub(tmp_path: Path, broker: Broker, clock: ManualClock):
    running = ConsoleHub(
        tmp_path / "hub", broker, clock, extra_routes=tuple(upload_page()), upload_mb=UPLOAD_MB
    ).start()
    yield running
    running.stop()


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def post_file(page, hub: ConsoleHub, name: str, data: bytes):
    csrf = page.request.get(hub.url("/thu/tai-len")).text()
    return page.request.post(
        hub.url("/thu/tai-len"),
        multipart={
            "csrf": csrf,
            "title": "Bài tải lên",
            "file": {"name": name, "mimeType": "audio/wav", "buffer": data},
        },
    )


def test_an_upload_over_the_limit_is_refused_and_nothing_is_stored(
    upload_hub: ConsoleHub, page, tmp_path: Path
) -> None:
    signed_in(page, upload_hub, "radio")
    before = files_under(tmp_path)
    response = post_file(page, upload_hub, "lon.wav", b"\0" * (UPLOAD_MB * 1_000_000 + 300_000))
    assert response.status == 413
    assert "Tệp quá lớn: chỉ nhận tệp đến 1 MB" in response.text()
    assert files_under(tmp_path) - before <= {"broker/mosquitto.log"}
    assert upload_hub.hub.library.snapshot().segments == {}
    assert upload_hub.hub.repository.latest_version() == 0
    # the same through the browser's own form: it says why before sending anything
    page.set_content(
        f"<form><input type=file data-max-bytes='{UPLOAD_MB * 1_000_000}' "
        "data-too-large='Tệp «{name}» quá lớn'></form>"
    )
    page.add_script_tag(url=upload_hub.url("/static/console.js"))
    page.set_input_files(
        "input[type=file]",
        {"name": "lon.wav", "mimeType": "audio/wav", "buffer": b"\0" * 1_100_000},
    )
    message = page.eval_on_selector("input[type=file]", "e => e.validationMessage")
    assert message == "Tệp «lon.wav» quá lớn"


def test_a_file_name_with_dots_never_reaches_the_file_system(
    upload_hub: ConsoleHub, page, tmp_path: Path, make_tone
) -> None:
    signed_in(page, upload_hub, "radio")
    tone = make_tone("ok.wav", seconds=0.5).read_bytes()
    before = files_under(tmp_path)
    response = post_file(page, upload_hub, "../../../../tmp/../evil.wav", tone)
    assert response.status == 200, response.text()
    assert response.text().startswith("evil.wav → ")
    added = files_under(tmp_path) - before
    assert not any("evil" in path for path in added), added
    assert not Path("/tmp/evil.wav").exists() and not (tmp_path / "evil.wav").exists()
    assert list((upload_hub.hub.root / "uploads").iterdir()) == []  # nothing left behind
    assert "tai-len" in upload_hub.hub.library.snapshot().segments
    (entry,) = upload_hub.audit("publish")
    assert entry.detail == "evil.wav"


def test_an_upload_without_a_session_or_token_is_refused_and_leaves_nothing(
    upload_hub: ConsoleHub, page, tmp_path: Path
) -> None:
    before = files_under(tmp_path)
    response = page.request.post(
        upload_hub.url("/thu/tai-len"),
        multipart={"file": {"name": "a.wav", "mimeType": "audio/wav", "buffer": b"x" * 5000}},
    )
    assert response.status == 401
    signed_in(page, upload_hub, "radio")
    response = page.request.post(
        upload_hub.url("/thu/tai-len"),
        multipart={"file": {"name": "a.wav", "mimeType": "audio/wav", "buffer": b"x" * 5000}},
    )
    assert response.status == 403
    assert files_under(tmp_path) - before <= {"broker/mosquitto.log"}


def test_a_streamed_upload_with_no_declared_size_stops_at_the_cap(
    upload_hub: ConsoleHub, tmp_path: Path
) -> None:
    """A client that sends no Content-Length (chunked) is counted as it sends."""
    import re

    import httpx

    upload_hub.add_user("nguoi-gui", "radio")
    with httpx.Client(base_url=upload_hub.base, timeout=30) as client:
        form = client.get("/dang-nhap").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        client.post("/dang-nhap", data={"csrf": csrf, "name": "nguoi-gui", "password": PASSWORD})
        csrf = client.get("/thu/tai-len").text
        boundary = "xyz"
        sent = [0]

        def body():  # a generator of chunks, 16 MB at most
            yield (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                'filename="dai.wav"\r\nContent-Type: audio/wav\r\n\r\n'
            ).encode()
            for _ in range(256):
                sent[0] += 65536
                yield b"\0" * 65536

        before = files_under(tmp_path)
        try:
            response = client.post(
                "/thu/tai-len",
                content=body(),
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
            status, text = response.status_code, response.text
        except httpx.HTTPError:  # the server may close the connection after refusing
            status, text = 413, "Tệp quá lớn"
    assert status == 413 and "Tệp quá lớn" in text
    assert files_under(tmp_path) - before <= {"broker/mosquitto.log"}
    assert upload_hub.hub.library.snapshot().segments == {}


def test_a_form_with_too_many_fields_or_too_large_is_refused(upload_hub: ConsoleHub, page) -> None:
    signed_in(page, upload_hub, "viewer")
    csrf = page.get_attribute("meta[name=csrf-token]", "content")
    many = "&".join(f"f{i}=x" for i in range(500))
    response = page.request.post(
        upload_hub.url("/dang-xuat"),
        data=f"csrf={csrf}&{many}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 400 and "quá nhiều trường" in response.text()
    response = page.request.post(
        upload_hub.url("/dang-xuat"),
        data=f"csrf={csrf}&x=" + "a" * 300_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 413 and "Biểu mẫu quá lớn" in response.text()
    page.goto(upload_hub.url("/thiet-bi"))
    assert "/thiet-bi" in page.url  # neither request signed anyone out
