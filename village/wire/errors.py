"""Errors of the wire protocol: one base, a refusal with a reason code, and transport errors."""

from __future__ import annotations

from village.errors import VillageError


class WireError(VillageError):
    """Base of every sync and wire-protocol error."""


class Refused(WireError):
    """An incoming message was refused; ``code`` is a short stable reason for status and logs.

    Codes: ``malformed`` (not the schema), ``oversized``, ``bad-signature``, ``unsigned``,
    ``wrong-key``, ``wrong-address``, ``stale`` (version or command already seen),
    ``expired``, ``replayed``, ``hash-mismatch``, ``disk-full``, ``bad-plan`` (a plan the
    device could not expand), ``unknown-segment``, ``quiet-hours``, ``holiday``, ``busy``.
    """

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


class MqttError(WireError):
    """The broker cannot be reached, refused us, or a publish or subscription failed."""

    exit_code = 3
