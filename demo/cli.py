"""The ``demo`` subcommand (the demonstration with sample content)."""

from __future__ import annotations

import argparse

from village.cli import Registry
from village.config import Config


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    from demo.run import run_demo

    return run_demo(config, headless=args.headless, keep=args.keep, data_given=bool(args.data))


COMMAND_ORDER = 20  # place of these commands in 'village --help' (village.cli)


def register(registry: Registry) -> None:
    demo = registry.command("demo", cmd_demo, "run the demonstration with sample content")
    demo.add_argument("--headless", action="store_true", help="no display and no sound card needed")
    demo.add_argument("--keep", action="store_true", help="keep the demo's data folder")
