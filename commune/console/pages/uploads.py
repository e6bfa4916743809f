"""The routes of a resumable upload (``commune.console.content.chunks``), made for each page
that takes large files (segments, clips): announce, ask how far it got, send a chunk.

They answer JSON for the page's script (``static/uploads.js``): ``{"id", "received",
"size", "chunk"}``, or ``{"error"}`` with the status of the refusal; a chunk that does not
start where the hub stands is answered 409 with ``received``.
"""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from commune.console.catalogue import t
from commune.console.content import chunks
from commune.console.content.place import resumable_uploads
from commune.console.errors import ConsoleError, UploadRefused
from commune.console.web import Visit, page


def _answer(upload: chunks.Upload) -> JSONResponse:
    return JSONResponse(
        {
            "id": upload.id,
            "received": upload.received,
            "size": upload.size,
            "chunk": chunks.CHUNK_BYTES,
        },
        headers={"Cache-Control": "no-store"},
    )


def _refusal(exc: ConsoleError) -> JSONResponse:
    status = exc.status if isinstance(exc, UploadRefused) else 400
    body: dict[str, object] = {"error": str(exc)}
    if isinstance(exc, chunks.OffsetMismatch):
        status, body["received"] = 409, exc.received
    return JSONResponse(body, status_code=status)


def _size(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UploadRefused(t("upload_bad_size"), 400) from None


def upload_routes(base: str, permission: str, kind: str) -> list[BaseRoute]:
    """``POST base`` starts an upload, ``GET base/{id}`` tells how far it is, ``POST
    base/{id}`` adds a chunk (fields ``offset`` and ``chunk``)."""

    @page(permission)
    def start(visit: Visit) -> Response:
        uploads = resumable_uploads(visit.console)
        try:
            name = visit.form.get("name")[:200] or "tep"
            upload = uploads.start(visit.actor, kind, name, _size(visit.form.get("size")))
        except ConsoleError as exc:
            return _refusal(exc)
        return _answer(upload)

    def _find(visit: Visit) -> chunks.Upload | None:
        upload_id = str(visit.request.path_params["upload"])
        return resumable_uploads(visit.console).get(upload_id, visit.actor, kind)

    @page(permission)
    def status(visit: Visit) -> Response:
        upload = _find(visit)
        if upload is None:
            return JSONResponse({"error": t("upload_unknown")}, status_code=404)
        return _answer(upload)

    @page(permission)
    def chunk(visit: Visit) -> Response:
        upload = _find(visit)
        if upload is None:
            return JSONResponse({"error": t("upload_unknown")}, status_code=404)
        part = visit.form.file("chunk")
        try:
            if part is None:
                raise UploadRefused(t("upload_no_chunk"), 400)
            offset = _size(visit.form.get("offset"))
            resumable_uploads(visit.console).append(upload, offset, part.path, part.size)
        except ConsoleError as exc:
            return _refusal(exc)
        return _answer(upload)

    return [
        Route(base, start, methods=["POST"]),
        Route(base + "/{upload:str}", status, methods=["GET"]),
        Route(base + "/{upload:str}", chunk, methods=["POST"]),
    ]
