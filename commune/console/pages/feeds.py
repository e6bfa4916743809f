"""The commune's calendar for staff phones: secret feed addresses an admin makes and
revokes, and the feed itself (public: the unguessable address is its only key)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from commune.console.catalogue import t
from commune.console.content.feeds import feed_calendar
from commune.console.content.place import feed_tokens, schedule_source
from commune.console.web import Visit, page
from village.plan import Policy
from village.text import clean_line

BASE = "/lich/dien-thoai"
FEED = "/lich/rieng"


def _feed_url(visit: Visit, token: str) -> str:
    return str(visit.request.base_url).rstrip("/") + f"{FEED}/{token}.ics"


def _page(visit: Visit, created: str = "", status: int = 200) -> Response:
    return visit.render(
        "feeds.html",
        status=status,
        feeds=feed_tokens(visit.console).all(),
        created=created,
        qr=_qr(created) if created else "",
    )


def _qr(text: str) -> str:
    """An SVG QR code of ``text`` (a phone scans the address instead of typing it)."""
    import io

    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode("utf-8")


@page("schedule.feeds")
def feeds(visit: Visit) -> Response:
    return _page(visit)


@page("schedule.feeds")
def create(visit: Visit) -> Response:
    label = clean_line(visit.form.get("label"))[:80] or t("feeds_unnamed")
    feed, token = feed_tokens(visit.console).create(label, visit.actor, visit.console.now())
    visit.audit("feed-create", target=f"feed {feed.id}", detail=label)
    return _page(visit, created=_feed_url(visit, token))


@page("schedule.feeds")
def revoke(visit: Visit) -> Response:
    feed_id = visit.form.get("id")
    if feed_tokens(visit.console).revoke(feed_id, visit.actor, visit.console.now()):
        visit.audit("feed-revoke", target=f"feed {feed_id[:40]}")
    return visit.redirect(BASE)


@page(public=True)
def feed(visit: Visit) -> Response:
    token = str(visit.request.path_params["token"])
    if feed_tokens(visit.console).find(token) is None:
        return Response(t("refused_not_found"), status_code=404, media_type="text/plain")
    console = visit.console
    body = feed_calendar(
        schedule_source(console),
        Policy.from_config(console.config),
        console.hub.commune,
        console.now(),
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": "inline; filename=lich.ics",
        },
    )


routes = [
    Route(BASE, feeds, methods=["GET"]),
    Route(BASE, create, methods=["POST"]),
    Route(f"{BASE}/thu-hoi", revoke, methods=["POST"]),
    Route(FEED + "/{token:str}.ics", feed, methods=["GET"]),
]
