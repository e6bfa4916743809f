"""Signing in: the password step and the optional TOTP step, throttled and audited."""

from __future__ import annotations

import math
from dataclasses import dataclass

from commune.console import totp
from commune.console.accounts import MAX_PASSWORD
from commune.console.context import Console

OK, NEEDS_CODE, FAILED, THROTTLED = "ok", "needs-code", "failed", "throttled"


@dataclass(frozen=True)
class Attempt:
    outcome: str
    wait_minutes: int = 0


def _throttled(console: Console, name: str, address: str, action: str) -> Attempt | None:
    wait = console.throttle.wait_s(name, address)
    if wait <= 0:
        return None
    console.audit.record(name[:64], address, "login-throttled", name[:64], action)
    return Attempt(THROTTLED, max(1, math.ceil(wait / 60)))


def check_password(console: Console, name: str, password: str, address: str) -> Attempt:
    refused = _throttled(console, name, address, "password")
    if refused:
        return refused
    user = console.accounts.verify(name, password[:MAX_PASSWORD])
    if user is None:
        console.throttle.failed(name, address)
        console.audit.record(name[:64], address, "login-failed", name[:64])
        return Attempt(FAILED)
    console.throttle.succeeded(name)
    if user.totp_enabled:
        return Attempt(NEEDS_CODE)
    console.audit.record(name, address, "login")
    return Attempt(OK)


def check_code(console: Console, name: str, code: str, address: str) -> Attempt:
    refused = _throttled(console, name, address, "totp")
    if refused:
        return refused
    secret = console.accounts.totp_secret(name)
    step = totp.matching_step(secret, code, console.now()) if secret else None
    if step is None or not console.accounts.use_totp_step(name, step):
        console.throttle.failed(name, address)
        console.audit.record(name, address, "totp-failed")
        return Attempt(FAILED)
    console.throttle.succeeded(name)
    console.audit.record(name, address, "login", detail="totp")
    return Attempt(OK)
