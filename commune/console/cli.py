"""``village hub user …``: staff accounts from the hub's command line (the first admin is
made here; there is no default account or password anywhere)."""

from __future__ import annotations

import argparse
import getpass
import os
import pwd
import sys
from collections.abc import Callable

from commune.console.catalogue import t
from commune.console.errors import AccountError
from village.config import Config

EXIT_OK = 0


def _open(args: argparse.Namespace, config: Config):  # noqa: ANN202 - (Accounts, AuditLog, SessionStore)
    from commune.cli import open_hub
    from commune.console.context import Console

    console = Console.open(config, open_hub(args, config))
    return console


def _actor() -> str:
    try:
        return "cli:" + pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"cli:{os.getuid()}"


def _read_password(args: argparse.Namespace, name: str) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise AccountError(t("cli_no_tty"))
    first = getpass.getpass(t("cli_password_prompt", name=name))
    if getpass.getpass(t("cli_password_again")) != first:
        raise AccountError(t("cli_password_mismatch"))
    return first


def _roles(values: list[str]):  # noqa: ANN202 - frozenset[Role]
    from commune.console.roles import ALL_ROLES, parse_roles

    try:
        return parse_roles(values)
    except ValueError:
        raise AccountError(
            t("account_bad_role", value=", ".join(values), roles=", ".join(ALL_ROLES))
        ) from None


def cmd_user_add(args: argparse.Namespace, config: Config) -> int:
    console = _open(args, config)
    roles = _roles(args.role)
    user = console.accounts.add(
        args.name, _read_password(args, args.name), roles, args.display or ""
    )
    console.audit.record(_actor(), "local", "user-add", user.name, ",".join(user.role_names))
    print(t("cli_user_added", name=user.name, roles=", ".join(user.role_names)))
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace, config: Config) -> int:
    users = _open(args, config).accounts.all()
    if not users:
        print(t("cli_users_none"))
        return EXIT_OK
    print(t("cli_users_header"))
    for u in users:
        state = t("users_disabled") if u.disabled else t("users_active")
        print(
            f"{u.name:<17} {u.display[:25]:<25} {', '.join(u.role_names):<31} {state:<11} "
            f"{t('yes') if u.totp_enabled else t('no')}"
        )
    return EXIT_OK


def cmd_user_passwd(args: argparse.Namespace, config: Config) -> int:
    console = _open(args, config)
    console.accounts.require(args.name)
    console.accounts.set_password(args.name, _read_password(args, args.name))
    console.sessions.drop_user(args.name)
    console.audit.record(_actor(), "local", "user-password", args.name)
    print(t("cli_password_set", name=args.name))
    return EXIT_OK


def _last_admin_guard(console, name: str) -> None:  # noqa: ANN001 - Console
    if console.accounts.active_admins() == [name]:
        raise AccountError(t("account_last_admin"))


def cmd_user_disable(args: argparse.Namespace, config: Config) -> int:
    console = _open(args, config)
    console.accounts.require(args.name)
    _last_admin_guard(console, args.name)
    console.accounts.set_disabled(args.name, True)
    console.sessions.drop_user(args.name)
    console.audit.record(_actor(), "local", "user-disable", args.name)
    print(t("cli_disabled", name=args.name))
    return EXIT_OK


def cmd_user_enable(args: argparse.Namespace, config: Config) -> int:
    console = _open(args, config)
    console.accounts.set_disabled(args.name, False)
    console.audit.record(_actor(), "local", "user-enable", args.name)
    print(t("cli_enabled", name=args.name))
    return EXIT_OK


def cmd_user_roles(args: argparse.Namespace, config: Config) -> int:
    from commune.console.roles import Role

    console = _open(args, config)
    roles = _roles(args.roles)
    if Role.ADMIN not in roles:
        _last_admin_guard(console, args.name)
    console.accounts.set_roles(args.name, roles)
    names = ", ".join(sorted(r.value for r in roles))
    console.audit.record(_actor(), "local", "user-roles", args.name, names)
    print(t("cli_roles_set", name=args.name, roles=names))
    return EXIT_OK


def cmd_user_totp_off(args: argparse.Namespace, config: Config) -> int:
    console = _open(args, config)
    console.accounts.set_totp(args.name, None)
    console.audit.record(_actor(), "local", "user-totp-off", args.name)
    print(t("cli_totp_off", name=args.name))
    return EXIT_OK


def register_user_commands(
    hub_sub: argparse._SubParsersAction, hub_data_option: Callable[[argparse.ArgumentParser], None]
) -> None:
    """``village hub user ACTION``; the console's libraries load only when one runs."""
    user = hub_sub.add_parser("user", help="staff accounts of the web console")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    def action(name: str, handler: Callable[[argparse.Namespace, Config], int], help: str):  # noqa: ANN202
        parser = actions.add_parser(name, help=help, description=help)
        parser.set_defaults(handler=handler)
        hub_data_option(parser)
        return parser

    add = action("add", cmd_user_add, "make an account (the first admin, or any other)")
    add.add_argument("name")
    add.add_argument(
        "--role",
        action="append",
        required=True,
        help="admin, publisher, radio, emergency or viewer (repeat, or separate with commas)",
    )
    add.add_argument("--display", default="", help="the person's name as pages show it")
    action("list", cmd_user_list, "list the accounts")
    for name, handler, help in (
        ("passwd", cmd_user_passwd, "set a new password (ends the person's sessions)"),
        ("disable", cmd_user_disable, "lock an account (ends its sessions)"),
        ("enable", cmd_user_enable, "unlock an account"),
        ("totp-off", cmd_user_totp_off, "turn off an account's second factor (lost phone)"),
    ):
        parser = action(name, handler, help)
        parser.add_argument("name")
    for parser in (add, actions.choices["passwd"]):
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
    roles = action("roles", cmd_user_roles, "replace an account's roles")
    roles.add_argument("name")
    roles.add_argument("roles", nargs="+", metavar="ROLE")
