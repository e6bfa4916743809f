"""``village hub user …``: staff accounts from the hub's command line (the first admin is
made here; there is no default account or password anywhere)."""

from __future__ import annotations

import argparse
import getpass
import os
import pwd
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from commune.console.catalogue import t
from commune.console.errors import AccountError
from village.config import Config

if TYPE_CHECKING:
    from commune.console.context import Console

EXIT_OK = 0


def _open(args: argparse.Namespace, config: Config) -> Console:
    from commune.console.context import Console
    from commune.hub_cli import open_hub

    return Console.open(config, open_hub(args, config))


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


def cmd_user_add(args: argparse.Namespace, config: Config) -> int:
    from commune.console import user_admin

    console = _open(args, config)
    roles = user_admin.roles_from(args.role)
    password = _read_password(args, args.name)
    user = user_admin.add_user(
        console, _actor(), "local", args.name, password, roles, args.display, must_change=False
    )
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
    from commune.console import user_admin

    console = _open(args, config)
    console.accounts.require(args.name)
    password = _read_password(args, args.name)
    user_admin.reset_password(console, _actor(), "local", args.name, password, must_change=False)
    print(t("cli_password_set", name=args.name))
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace, config: Config) -> int:
    from commune.console import user_admin

    user_admin.set_disabled(_open(args, config), _actor(), "local", args.name, True)
    print(t("cli_disabled", name=args.name))
    return EXIT_OK


def cmd_user_enable(args: argparse.Namespace, config: Config) -> int:
    from commune.console import user_admin

    user_admin.set_disabled(_open(args, config), _actor(), "local", args.name, False)
    print(t("cli_enabled", name=args.name))
    return EXIT_OK


def cmd_user_roles(args: argparse.Namespace, config: Config) -> int:
    from commune.console import user_admin

    roles = user_admin.roles_from(args.roles)
    user_admin.set_roles(_open(args, config), _actor(), "local", args.name, roles)
    print(t("cli_roles_set", name=args.name, roles=", ".join(sorted(roles))))
    return EXIT_OK


def cmd_user_totp_off(args: argparse.Namespace, config: Config) -> int:
    from commune.console import user_admin

    user_admin.totp_off(_open(args, config), _actor(), "local", args.name)
    print(t("cli_totp_off", name=args.name))
    return EXIT_OK


def register_user_commands(
    hub_sub: argparse._SubParsersAction, hub_data_option: Callable[[argparse.ArgumentParser], None]
) -> None:
    """``village hub user ACTION``; the console's libraries load only when one runs."""
    user = hub_sub.add_parser("user", help="staff accounts of the web console")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    def action(name: str, handler: Callable[[argparse.Namespace, Config], int], help: str):
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
