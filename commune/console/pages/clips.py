"""Clips: the kiosk's videos uploaded (resumable, with a progress bar), watched, then
published to chosen devices with their progress."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from commune.console.catalogue import t
from commune.console.content import drafts as media
from commune.console.content.media_pages import listen as listen_file
from commune.console.content.media_pages import save_upload
from commune.console.content.place import drafts
from commune.console.content.publishing import chosen_devices
from commune.console.nav import NavItem
from commune.console.pages.uploads import upload_routes
from commune.console.web import Visit, page
from village.content import Clip

BASE = "/video"
KIND = "clip"


@page("clips.view")
def clips(visit: Visit) -> Response:
    console = visit.console
    return visit.render(
        "clips.html",
        base=BASE,
        items=media.items(console.hub, drafts(console), KIND),
        devices=console.hub.repository.device_ids(),
        upload_cap=console.upload_cap,
        saved=visit.request.query_params.get("luu", ""),
    )


@page("clips.publish")
def save(visit: Visit) -> Response:
    form = visit.form
    store = drafts(visit.console)
    clip = save_upload(
        visit.console,
        form,
        visit.actor,
        KIND,
        lambda path: media.save_clip(
            store, path, form.get("title"), form.get("id"), form.get("description")
        ),
    )
    assert isinstance(clip, Clip)
    visit.audit("draft", target=f"clip {clip.id}", detail=clip.title)
    return visit.redirect(f"{BASE}?luu={clip.id}#nhap-{clip.id}")


@page("clips.publish")
def publish(visit: Visit) -> Response:
    console = visit.console
    devices = chosen_devices(console.hub, visit.form.getlist("device"))
    record, result = media.publish_item(
        console.hub, drafts(console), KIND, visit.form.get("id"), devices
    )
    version = result.version.version
    visit.audit("publish", target=f"clip {record.id} v{version}", detail=record.title)
    return visit.redirect(f"/tien-do/{version}")


@page("clips.publish")
def discard(visit: Visit) -> Response:
    key = visit.form.get("id")
    if media.discard(drafts(visit.console), KIND, key):
        visit.audit("discard", target=f"clip {key}")
    return visit.redirect(BASE)


@page("clips.view")
def watch(visit: Visit) -> Response:
    found = listen_file(visit.console, KIND, str(visit.request.path_params["sha"]))
    if found is None:
        return visit.render("refused.html", status=404, message=t("refused_not_found"))
    return found


routes = [
    Route(BASE, clips, methods=["GET"]),
    Route(f"{BASE}/luu", save, methods=["POST"]),
    Route(f"{BASE}/dang", publish, methods=["POST"]),
    Route(f"{BASE}/bo", discard, methods=["POST"]),
    Route(BASE + "/xem/{sha:str}", watch, methods=["GET"]),
    *upload_routes(f"{BASE}/tai-len", "clips.publish", KIND),
]
menu = [NavItem(BASE, "nav_clips", "clips.view", 35)]
