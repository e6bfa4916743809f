"""Segments: broadcast audio uploaded (resumable, with a progress bar), recorded in the
browser or spoken from a typed announcement, each saved as a draft with its duration and
loudness, listened to, then published to chosen devices with their progress."""

from __future__ import annotations

import tempfile
from pathlib import Path

from starlette.responses import FileResponse, Response
from starlette.routing import Route

from commune.console.catalogue import t
from commune.console.content import drafts as media
from commune.console.content import speech
from commune.console.content.media_pages import listen as listen_file
from commune.console.content.media_pages import save_upload
from commune.console.content.place import console_folder, drafts, staged_files
from commune.console.content.publishing import chosen_devices
from commune.console.content.recording import to_ogg
from commune.console.errors import ConsoleError
from commune.console.nav import NavItem
from commune.console.pages.uploads import upload_routes
from commune.console.web import Visit, page
from village.content import Segment

BASE = "/bai-phat"
KIND = "segment"


def _not_found(visit: Visit) -> Response:
    return visit.render("refused.html", status=404, message=t("refused_not_found"))


def _page(visit: Visit, **speech_result: object) -> Response:
    console = visit.console
    return visit.render(
        "segments.html",
        base=BASE,
        items=media.items(console.hub, drafts(console), KIND),
        devices=console.hub.repository.device_ids(),
        upload_cap=console.upload_cap,
        saved=visit.request.query_params.get("luu", ""),
        speech=speech_result or {"error": "", "staged": None, "text": ""},
    )


@page("segments.view")
def segments(visit: Visit) -> Response:
    return _page(visit)


def _saver(visit: Visit):  # a media_pages.Saver
    form = visit.form
    store = drafts(visit.console)
    return lambda path: media.save_segment(
        store, path, form.get("title"), form.get("id"), form.get("topic")
    )


def _saved(visit: Visit, segment: Segment) -> Response:
    visit.audit("draft", target=f"segment {segment.id}", detail=segment.title)
    return visit.redirect(f"{BASE}?luu={segment.id}#nhap-{segment.id}")


@page("segments.publish")
def save(visit: Visit) -> Response:
    segment = save_upload(visit.console, visit.form, visit.actor, KIND, _saver(visit))
    assert isinstance(segment, Segment)
    return _saved(visit, segment)


@page("segments.publish")
def recorded(visit: Visit) -> Response:
    """A recording from the browser's microphone, made into Ogg Vorbis, saved as a draft."""
    file = visit.form.file("file")
    if file is None:
        raise ConsoleError(t("media_no_file"))
    scratch = console_folder(visit.console) / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="record-") as folder:
        converted = to_ogg(file.path, Path(folder) / "ghi-am.ogg")
        segment = _saver(visit)(converted)
    return _saved(visit, segment)


@page("segments.publish")
def speak(visit: Visit) -> Response:
    text = visit.form.get("text")
    try:
        result = {"error": "", "staged": speech.speak(visit.console, text, visit.actor)}
    except ConsoleError as exc:
        result = {"error": str(exc), "staged": None}
    result["text"] = text
    if not visit.htmx:  # without the page's scripts: the whole page, with the result
        return _page(visit, **result)
    return visit.render("_speech_result.html", speech=result)


def _spoken(visit: Visit):  # a staging.Staged or None
    staged_id = str(visit.request.path_params["staged"])
    return staged_files(visit.console).get(staged_id, visit.actor, speech.KIND)


@page("segments.publish")
def spoken_audio(visit: Visit) -> Response:
    staged = _spoken(visit)
    if staged is None:
        return _not_found(visit)
    return FileResponse(staged.path, media_type="audio/wav", headers={"Cache-Control": "no-store"})


@page("segments.publish")
def save_spoken(visit: Visit) -> Response:
    staged = _spoken(visit)
    if staged is None:
        return _not_found(visit)
    segment = _saver(visit)(Path(staged.path))
    staged_files(visit.console).drop(staged)
    return _saved(visit, segment)


@page("segments.publish")
def publish(visit: Visit) -> Response:
    console = visit.console
    devices = chosen_devices(console.hub, visit.form.getlist("device"))
    record, result = media.publish_item(
        console.hub, drafts(console), KIND, visit.form.get("id"), devices
    )
    version = result.version.version
    visit.audit("publish", target=f"segment {record.id} v{version}", detail=record.title)
    return visit.redirect(f"/tien-do/{version}")


@page("segments.publish")
def discard(visit: Visit) -> Response:
    key = visit.form.get("id")
    if media.discard(drafts(visit.console), KIND, key):
        visit.audit("discard", target=f"segment {key}")
    return visit.redirect(BASE)


@page("segments.view")
def listen(visit: Visit) -> Response:
    found = listen_file(visit.console, KIND, str(visit.request.path_params["sha"]))
    return found if found is not None else _not_found(visit)


routes = [
    Route(BASE, segments, methods=["GET"]),
    Route(f"{BASE}/luu", save, methods=["POST"]),
    Route(f"{BASE}/ghi-am", recorded, methods=["POST"]),
    Route(f"{BASE}/doc", speak, methods=["POST"]),
    Route(BASE + "/doc/{staged:str}", spoken_audio, methods=["GET"]),
    Route(BASE + "/doc/{staged:str}", save_spoken, methods=["POST"]),
    Route(f"{BASE}/dang", publish, methods=["POST"]),
    Route(f"{BASE}/bo", discard, methods=["POST"]),
    Route(BASE + "/nghe/{sha:str}", listen, methods=["GET"]),
    *upload_routes(f"{BASE}/tai-len", "segments.publish", KIND),
]
menu = [NavItem(BASE, "nav_segments", "segments.view", 30)]
