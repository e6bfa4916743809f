"""Roles staff hold and what each page or action needs.

A person may hold several roles; roles do not include one another (an admin who also sends
emergencies holds both ``admin`` and ``emergency``). Each page or action names a permission;
a permission lists the roles that grant it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # users, devices, settings, the audit log
    PUBLISHER = "publisher"  # procedures, clips
    RADIO = "radio"  # segments, plans, play-now, stop
    EMERGENCY = "emergency"  # emergency broadcasts
    VIEWER = "viewer"  # devices, logs, reports


ALL_ROLES: tuple[Role, ...] = tuple(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "devices.view": frozenset(ALL_ROLES),
    "broadcasts.view": frozenset({Role.VIEWER, Role.RADIO, Role.ADMIN}),
    "send.view": frozenset({Role.RADIO, Role.EMERGENCY}),
    "send.play": frozenset({Role.RADIO}),
    "send.emergency": frozenset({Role.EMERGENCY}),
    "report.view": frozenset({Role.VIEWER, Role.ADMIN}),
    "report.conference": frozenset({Role.VIEWER, Role.ADMIN}),
    "users.manage": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN}),
    # content pages
    "procedures.view": frozenset({Role.PUBLISHER, Role.VIEWER, Role.ADMIN}),
    "procedures.publish": frozenset({Role.PUBLISHER}),
    "clips.view": frozenset({Role.PUBLISHER, Role.VIEWER, Role.ADMIN}),
    "clips.publish": frozenset({Role.PUBLISHER}),
    "segments.view": frozenset({Role.RADIO, Role.VIEWER, Role.ADMIN}),
    "segments.publish": frozenset({Role.RADIO}),
    "schedule.view": frozenset({Role.RADIO, Role.VIEWER, Role.ADMIN}),
    "schedule.publish": frozenset({Role.RADIO}),
    "schedule.feeds": frozenset({Role.ADMIN}),  # the phone calendar's secret addresses
}


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    """Roles from their names (commas or separate items); raises ValueError on an unknown one."""
    roles: set[Role] = set()
    for value in values:
        for name in value.split(","):
            name = name.strip().lower()
            if name:
                roles.add(Role(name))
    return frozenset(roles)


def grants(roles: Iterable[Role], permission: str) -> bool:
    """True if one of ``roles`` grants ``permission`` (an unknown permission grants nothing)."""
    allowed = PERMISSIONS.get(permission, frozenset())
    return any(role in allowed for role in roles)
