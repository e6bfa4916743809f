"""Short-lived values a page hands to the browser and takes back unchanged: a pending
TOTP secret, the parameters of an emergency awaiting confirmation. Each is signed with the
session's own secret (its CSRF token) and a purpose, and expires."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def _mac(key: str, purpose: str, body: str) -> str:
    digest = hmac.new(key.encode(), f"{purpose}\n{body}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def seal(key: str, purpose: str, value: dict[str, Any], expires_at: float) -> str:
    body = base64.urlsafe_b64encode(
        json.dumps({"v": value, "exp": expires_at}, ensure_ascii=False).encode()
    ).decode()
    return f"{body}.{_mac(key, purpose, body)}"


def unseal(key: str, purpose: str, token: str, now: float) -> dict[str, Any] | None:
    """The value sealed under this key and purpose, or None (forged, altered or expired)."""
    if not key or len(token) > 8192 or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    if not hmac.compare_digest(mac, _mac(key, purpose, body)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or float(data.get("exp", 0)) < now:
        return None
    value = data.get("v")
    return value if isinstance(value, dict) else None
