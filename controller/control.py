"""The local control channel: JSON lines over a Unix socket.

A request is one JSON object ``{"cmd": NAME, ...}`` on one line; the answer is one JSON
object with ``ok`` and either the result or ``error``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from controller.errors import ControlError

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], dict[str, Any]]
MAX_REQUEST = 64 * 1024


class ControlServer:
    def __init__(self, path: Path, handler: Handler) -> None:
        self.path = Path(path)
        self.handler = handler
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            if _alive(self.path):
                raise ControlError(
                    f"đã có một bộ điều khiển khác đang chạy ({self.path} có trả lời)"
                )
            self.path.unlink()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(self.path))
        os.chmod(self.path, 0o660)
        sock.listen(8)
        sock.settimeout(0.5)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, name="control", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        assert self._sock is not None
        while not self._closing.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            try:
                raw = _read_line(conn)
                request = json.loads(raw)
                if not isinstance(request, dict) or not isinstance(request.get("cmd"), str):
                    raise ValueError("a request is an object with a 'cmd' string")
                answer = self.handler(request)
            except (ValueError, json.JSONDecodeError) as exc:
                answer = {"ok": False, "error": f"bad request: {exc}"}
            except Exception as exc:  # the channel must keep answering
                log.exception("control command failed")
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps(answer, ensure_ascii=False, default=str).encode() + b"\n")

    def close(self) -> None:
        self._closing.set()
        if self._sock is not None:
            with contextlib.suppress(OSError):  # wakes the accept() waiting in _serve
                self._sock.shutdown(socket.SHUT_RDWR)
            self._sock.close()
            self._sock = None
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        if self._thread is not None:
            self._thread.join(timeout=2)


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        block = conn.recv(4096)
        if not block:
            break
        data += block
        if len(data) > MAX_REQUEST:
            raise ValueError("request too large")
    return data


def _alive(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(path))
        return True
    except OSError:
        return False


def send_command(path: Path, cmd: str, timeout: float = 10.0, **args: Any) -> dict[str, Any]:
    """Send one command to the running controller; raises ControlError if none answers."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(json.dumps({"cmd": cmd, **args}).encode() + b"\n")
            raw = _read_line(sock)
    except (FileNotFoundError, ConnectionRefusedError) as exc:
        raise ControlError(f"bộ điều khiển không chạy (không có trả lời tại {path})") from exc
    except OSError as exc:
        raise ControlError(f"không liên lạc được với bộ điều khiển tại {path}: {exc}") from exc
    try:
        answer = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ControlError("bộ điều khiển trả lời không đọc được") from exc
    if not answer.get("ok"):
        raise ControlError(answer.get("error", "bộ điều khiển từ chối"))
    return answer
