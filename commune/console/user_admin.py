"""Changing accounts, as an admin does from the Users page or ``village hub user``: each
change is checked (the last admin is never locked out), ends the person's sessions when it
takes something away, and goes into the audit log."""

from __future__ import annotations

from commune.console.accounts import User
from commune.console.catalogue import t
from commune.console.context import Console
from commune.console.errors import AccountError
from commune.console.roles import ALL_ROLES, Role, parse_roles


def roles_from(values: list[str]) -> frozenset[Role]:
    try:
        return parse_roles(values)
    except ValueError:
        raise AccountError(
            t("account_bad_role", value=", ".join(values)[:100], roles=", ".join(ALL_ROLES))
        ) from None


def _guard_last_admin(console: Console, name: str) -> None:
    if console.accounts.active_admins() == [name]:
        raise AccountError(t("account_last_admin"))


def add_user(
    console: Console,
    actor: str,
    address: str,
    name: str,
    password: str,
    roles: frozenset[Role],
    display: str = "",
    *,
    must_change: bool = True,
) -> User:
    user = console.accounts.add(name, password, roles, display, must_change=must_change)
    console.audit.record(actor, address, "user-add", user.name, ",".join(user.role_names))
    return user


def set_roles(
    console: Console, actor: str, address: str, name: str, roles: frozenset[Role]
) -> None:
    if Role.ADMIN not in roles:
        _guard_last_admin(console, name)
    console.accounts.set_roles(name, roles)
    console.audit.record(actor, address, "user-roles", name, ",".join(sorted(roles)))


def reset_password(
    console: Console, actor: str, address: str, name: str, password: str, *, must_change: bool
) -> None:
    console.accounts.set_password(name, password, must_change=must_change)
    console.sessions.drop_user(name)
    console.audit.record(actor, address, "user-password", name)


def set_disabled(console: Console, actor: str, address: str, name: str, disabled: bool) -> None:
    console.accounts.require(name)
    if disabled:
        _guard_last_admin(console, name)
    console.accounts.set_disabled(name, disabled)
    if disabled:
        console.sessions.drop_user(name)
    console.audit.record(actor, address, "user-disable" if disabled else "user-enable", name)


def totp_off(console: Console, actor: str, address: str, name: str) -> None:
    console.accounts.set_totp(name, None)
    console.audit.record(actor, address, "user-totp-off", name)
