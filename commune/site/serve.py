"""The hub's copy of the public site, served without login at ``/cong-khai/``.

Plain files from ``HUB/site/`` (what ``SiteRebuilder`` keeps current). Hidden files (the
build's manifest) are not served; pages and scripts are revalidated on every visit
(``no-cache`` with the ETag Starlette sets), so a citizen sees a rebuilt page at once and
its search answers from the index built with it.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from commune.site.hub import site_folder

PREFIX = "/cong-khai"


class PublicSite:
    """Static files, no hidden ones, HTML and scripts revalidated on each visit."""

    def __init__(self, folder: Path) -> None:
        self.files: ASGIApp = StaticFiles(directory=folder, html=True, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and any(part.startswith(".") for part in path.split("/")):
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return

        script = path.endswith(".js")  # the search index changes with the content

        async def revalidate(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if script or headers.get(b"content-type", b"").startswith(b"text/html"):
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"cache-control", b"no-cache"),
                    ]
            await send(message)

        await self.files(scope, receive, revalidate)


def site_routes(hub_root: Path) -> list[BaseRoute]:
    """The mount for the console's app (``build_app(console, extra_routes=…)``)."""
    return [Mount(PREFIX, app=PublicSite(site_folder(hub_root)), name="cong-khai")]
