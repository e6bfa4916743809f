"""Helpers the hub's commands share: which hub folder, how to open it, how to show sizes and
times, and the options every staff command takes (``--data``, ``--device``, waiting).

Its own module so that every command module of the hub (``commune.cli``,
``commune.report.command``, ``commune.provision``, ``commune.console.cli``) can use them
without importing another command module.
"""

from __future__ import annotations

import argparse
import datetime as dt
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING

from commune.catalogue import say
from village.config import Config

if TYPE_CHECKING:
    from commune.hubdata import HubData

DEFAULT_WAIT_S = 300.0


def hub_folder(args: argparse.Namespace, config: Config) -> Path:
    return Path(getattr(args, "hub_data", None) or args.data or config.hub.data)


def open_hub(args: argparse.Namespace, config: Config) -> HubData:
    from commune.hubdata import HubData

    return HubData.open(hub_folder(args, config))


def human_bytes(value: float | None) -> str:
    if value is None:
        return say("unknown")
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            text = f"{value:.0f}" if unit == "B" else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
        value /= 1000
    return str(value)


def local_time(text: str | None, zone: zoneinfo.ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if not text:
        return say("unknown")
    try:
        return dt.datetime.fromisoformat(text).astimezone(zone).strftime(fmt)
    except ValueError:
        return text


def hub_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        dest="hub_data",
        metavar="DIR",
        default=argparse.SUPPRESS,  # 'village hub --data DIR logs' keeps the group's DIR
        help="hub folder (default: [hub] data)",
    )


def targets_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--device",
        action="append",
        default=[],
        metavar="ID",
        help="send to this device only (repeat for several; default: the whole commune)",
    )


def waiting_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-wait", action="store_true", help="do not follow the devices")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_WAIT_S, help="seconds to follow the devices"
    )
