"""Reading request bodies with limits checked before and while reading.

Plain forms are read whole up to ``MAX_FORM_BYTES``. Multipart forms (uploads) are parsed
as they stream in: the declared length is checked first, then every byte is counted and
the upload stops as soon as it passes the cap, before anything reaches the content library.
File parts are written under the console's upload folder with names the console makes
(``<random>.part``): the name the browser sent is kept only as text to show, so a name with
``../`` or a slash never reaches the file system.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import parse_qsl

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from commune.console.catalogue import t
from commune.console.errors import UploadRefused

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

MAX_FORM_BYTES = 256 * 1024
MAX_FIELDS = 200
MAX_FIELD_BYTES = 64 * 1024
MAX_FILES = 4
FIELDS_ALLOWANCE = 256 * 1024  # what a multipart body may carry besides its files
MAX_SHOWN_NAME = 120
_SUFFIX_RE = re.compile(r"^\.[a-z0-9]{1,8}$")


def display_name(raw: str) -> str:
    """The last component of a browser-sent file name, cleaned, for showing only."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name in ("", ".", ".."):
        return "tep"
    return name[:MAX_SHOWN_NAME]


@dataclass
class Upload:
    field: str
    filename: str  # for showing (display_name); never a path
    path: Path  # under the upload folder, named by the console
    size: int
    content_type: str

    @property
    def suffix(self) -> str:
        """The file's extension in lower case (``.wav``), or "" if it is not a plain one."""
        suffix = os.path.splitext(self.filename)[1].lower()
        return suffix if _SUFFIX_RE.match(suffix) else ""

    @property
    def stem(self) -> str:
        return os.path.splitext(self.filename)[0]


@dataclass
class Form:
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[Upload] = field(default_factory=list)

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[0] if values else default

    def getlist(self, name: str) -> list[str]:
        return list(self.fields.get(name, []))

    def file(self, name: str) -> Upload | None:
        return next((f for f in self.files if f.field == name and f.size > 0), None)

    def add(self, name: str, value: str) -> None:
        if sum(len(v) for v in self.fields.values()) >= MAX_FIELDS:
            raise UploadRefused(t("form_too_many_fields"), 400)
        self.fields.setdefault(name, []).append(value)

    def discard(self) -> None:
        """Remove the uploaded files a handler did not take (moved away or used)."""
        for upload in self.files:
            upload.path.unlink(missing_ok=True)


def declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise UploadRefused(t("form_malformed"), 400) from None


async def read_form(request: Request, upload_cap: int, upload_dir: Path) -> Form:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type == b"multipart/form-data":
        boundary = options.get(b"boundary")
        if not boundary:
            raise UploadRefused(t("form_malformed"), 400)
        return await _read_multipart(request, boundary, upload_cap, upload_dir)
    length = declared_length(request)
    if length is not None and length > MAX_FORM_BYTES:
        raise UploadRefused(t("form_too_large"))
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise UploadRefused(t("form_too_large"))
    form = Form()
    if content_type in (b"application/x-www-form-urlencoded", b""):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadRefused(t("form_malformed"), 400) from None
        try:
            pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
        except ValueError:  # more fields than MAX_FIELDS
            raise UploadRefused(t("form_too_many_fields"), 400) from None
        for name, value in pairs:
            form.add(name, value)
    return form


def _too_large(cap: int) -> UploadRefused:
    return UploadRefused(t("upload_too_large", limit=cap // 1_000_000))


async def _read_multipart(request: Request, boundary: bytes, cap: int, folder: Path) -> Form:
    length = declared_length(request)
    if length is not None and length > cap + FIELDS_ALLOWANCE:
        raise _too_large(cap)
    receiver = _Receiver(folder, cap)
    parser = MultipartParser(boundary, receiver.callbacks())
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > cap + FIELDS_ALLOWANCE:
                raise _too_large(cap)
            parser.write(chunk)
        parser.finalize()
    except UploadRefused:
        receiver.form.discard()
        receiver.close()
        raise
    except Exception:  # the parser's errors: a malformed body
        receiver.form.discard()
        receiver.close()
        raise UploadRefused(t("form_malformed"), 400) from None
    receiver.close()
    return receiver.form


class _Receiver:
    """python-multipart callbacks: fields into the form, files into the upload folder."""

    def __init__(self, folder: Path, cap: int) -> None:
        self.folder = folder
        self.cap = cap
        self.form = Form()
        self._header_name = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._field = ""
        self._value = bytearray()
        self._file: IO[bytes] | None = None
        self._upload: Upload | None = None
        self._file_bytes = 0

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._headers = {}
        self._value = bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._field = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            return
        if len(self.form.files) >= MAX_FILES:
            raise UploadRefused(t("form_too_many_files", count=MAX_FILES), 400)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{secrets.token_hex(16)}.part"
        self._file = open(path, "xb")  # noqa: SIM115 - closed in _part_end or close()
        self._file_bytes = 0
        content_type = self._headers.get(b"content-type", b"application/octet-stream")
        self._upload = Upload(
            self._field,
            display_name(options[b"filename"].decode("utf-8", "replace")),
            path,
            0,
            content_type.decode("latin-1")[:100],
        )
        self.form.files.append(self._upload)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._file is not None:
            self._file_bytes += end - start
            if self._file_bytes > self.cap:
                raise _too_large(self.cap)
            self._file.write(data[start:end])
            return
        self._value += data[start:end]
        if len(self._value) > MAX_FIELD_BYTES:
            raise UploadRefused(t("form_field_too_large"), 413)

    def _part_end(self) -> None:
        if self._file is not None and self._upload is not None:
            self._file.close()
            self._upload.size = self._file_bytes
            self._file = None
            self._upload = None
            return
        self.form.add(self._field, self._value.decode("utf-8", "replace"))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
