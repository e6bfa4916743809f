"""The ``village`` command: global options, then one subcommand per task.

Each app registers its own subcommands through the entry-point group ``village.commands``
(setup.py: ``controller.cli``, ``kiosk.cli``, ``commune.cli``, ``commune.provision``; ``demo.cli``
for the demonstration, which composes them) and imports its heavy libraries only when one of
them runs. An app that is not installed adds nothing; two apps claiming one name are refused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from village import __version__
from village.config import Config, load_config, render_config
from village.errors import ConfigError, VillageError
from village.messages import say

ENTRY_POINT_GROUP = "village.commands"
DEFAULT_COMMAND_ORDER = 1000  # an app module's COMMAND_ORDER places its commands in --help
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_NOT_RUNNING = 0, 1, 2, 3

Handler = Callable[[argparse.Namespace, Config], int]


class CommandConflict(VillageError):
    """Two apps (or one app twice) register the same command name."""


@dataclass
class Registry:
    """Where apps add their subcommands.

    Every name is claimed once: ``village logs`` (or ``village hub logs``) registered a second
    time raises ``CommandConflict`` naming both apps. ``group`` gives the registry of a
    command's own subcommands (``village hub …``); ``aliases`` one whose commands work but are
    not listed in ``--help`` (the old flat names of grouped commands).
    """

    commands: Any  # argparse subparsers of ``village`` (or of a group such as ``hub``)
    imports: Any  # argparse subparsers of ``village import``
    app: str = "village"  # who is registering now (the entry point's name)
    prefix: str = ""  # "hub " inside the hub group
    hidden: bool = False
    owners: dict[str, str] = field(default_factory=dict)  # full command name -> app

    def claim(self, name: str) -> None:
        full = f"{self.prefix}{name}"
        if full in self.owners:
            raise CommandConflict(
                say("command_twice", name=full, first=self.owners[full], second=self.app)
            )
        self.owners[full] = self.app

    def command(self, name: str, handler: Handler, help: str, **kwargs: Any) -> Any:
        self.claim(name)
        parser = self.commands.add_parser(name, help=help, description=help, **kwargs)
        parser.set_defaults(handler=handler)
        if self.hidden:  # parsed as before, but not listed: --help shows the grouped name
            self.commands._choices_actions.pop()
        return parser

    def importer(self, name: str, handler: Handler, help: str) -> Any:
        self.claim(f"import {name}")
        parser = self.imports.add_parser(name, help=help, description=help)
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name: str, subcommands: Any) -> Registry:
        """The registry of ``village NAME …``'s subcommands (``subcommands``: its subparsers)."""
        return Registry(
            subcommands, self.imports, self.app, f"{self.prefix}{name} ", False, self.owners
        )

    def aliases(self) -> Registry:
        """Commands registered here work as before and are left out of ``--help``."""
        return Registry(self.commands, self.imports, self.app, self.prefix, True, self.owners)


def command_entry_points() -> list[EntryPoint]:
    """The apps' ``register`` functions (entry-point group ``village.commands``)."""
    return list(entry_points(group=ENTRY_POINT_GROUP))


def register_apps(registry: Registry, entries: list[EntryPoint]) -> None:
    """Let each installed app add its commands, in the order of its COMMAND_ORDER."""
    loaded = []
    for entry in entries:
        try:
            register = entry.load()
        except ModuleNotFoundError as exc:
            if exc.name not in (entry.module, entry.module.partition(".")[0]):
                raise
            continue  # that app is not installed
        module = sys.modules.get(entry.module)
        order = getattr(module, "COMMAND_ORDER", DEFAULT_COMMAND_ORDER)
        loaded.append((order, entry.name, register))
    for _order, name, register in sorted(loaded, key=lambda item: (item[0], item[1])):
        registry.app = name
        register(registry)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def local_day_bounds(first: dt.date, last: dt.date, zone: str) -> tuple[dt.datetime, dt.datetime]:
    tz = zoneinfo.ZoneInfo(zone)
    begin = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return begin, end


# --- core subcommands -----------------------------------------------------------------------


def cmd_config_show(args: argparse.Namespace, config: Config) -> int:
    sys.stdout.write(render_config(config, mask_secrets=not args.reveal))
    return EXIT_OK


def cmd_import_segment(args: argparse.Namespace, config: Config) -> int:
    from village.library import import_segment
    from village.store import ContentStore

    segment = import_segment(
        ContentStore(config.data_dir), args.file, args.title, segment_id=args.id, topic=args.topic
    )
    minutes, seconds = divmod(round(segment.duration_s), 60)
    print(
        say(
            "segment_imported",
            title=segment.title,
            id=segment.id,
            duration=f"{minutes}:{seconds:02d}",
            lufs=segment.loudness_lufs,
        )
    )
    return EXIT_OK


def cmd_import_plan(args: argparse.Namespace, config: Config) -> int:
    """Import a calendar, or with --dry-run show what importing it would change."""
    from village.plan import Policy
    from village.plan_import import describe_changes, first_slots, import_calendar, preview
    from village.store import ContentStore

    store = ContentStore(config.data_dir)
    timezone = config.schedule.timezone
    if args.dry_run:
        changes = preview(store, args.file, timezone)
    else:
        changes = import_calendar(store, args.file, timezone)
    durations = {sid: s.duration_s for sid, s in store.snapshot().segments.items()}
    policy = Policy.from_config(config)
    now = dt.datetime.now(dt.UTC)
    slots, upcoming = first_slots(changes.plans, policy, durations, now)
    for line in describe_changes(changes, slots, upcoming, policy.zone):
        print(line)
    if args.dry_run:
        print(say("plan_dry_run"))
    else:
        print(say("plans_import_done", count=len(changes.plans), file=args.file))
    return EXIT_OK


def cmd_import_samples(args: argparse.Namespace, config: Config) -> int:
    from village.library import default_plan_file, import_plans, import_sample_segments
    from village.store import ContentStore

    store = ContentStore(config.data_dir)
    for segment in import_sample_segments(store):
        print(
            say(
                "segment_imported",
                title=segment.title,
                id=segment.id,
                duration=f"{int(segment.duration_s // 60)}:{round(segment.duration_s % 60):02d}",
                lufs=segment.loudness_lufs,
            )
        )
    plan_file = default_plan_file()
    plans = import_plans(store, plan_file, config.schedule.timezone)
    print(say("plans_imported", count=len(plans), file=plan_file))
    from village.clips import import_sample_kiosk_content

    report, clips = import_sample_kiosk_content(store)
    count = report.changed + len(report.unchanged)
    print(say("samples_kiosk", procedures=count, clips=len(clips)))
    return EXIT_OK


def cmd_segments(args: argparse.Namespace, config: Config) -> int:
    from village.store import ContentStore

    segments = ContentStore(config.data_dir).snapshot().segments
    if args.json:
        print_json([s.to_dict() for s in segments.values()])
        return EXIT_OK
    print(say("segments_header"))
    for s in segments.values():
        print(f"{s.id:<28} {s.duration_s:>8.1f} s  {s.loudness_lufs:>6.1f}    {s.title}")
    return EXIT_OK


def cmd_plan(args: argparse.Namespace, config: Config) -> int:
    from village.plan import Policy, build_schedule, read_plans
    from village.plan_import import slot_line
    from village.store import ContentStore

    if args.to < args.from_:
        raise VillageError("--to is before --from")
    snapshot = ContentStore(config.data_dir).snapshot()
    plans, refused = read_plans(snapshot.plans.values())
    if not plans and not refused:
        print(say("no_plans"), file=sys.stderr)
    begin, end = local_day_bounds(args.from_, args.to, config.schedule.timezone)
    policy = Policy.from_config(config)
    durations = {sid: s.duration_s for sid, s in snapshot.segments.items()}
    schedule = build_schedule(plans, begin, end, durations, policy)
    zone = policy.zone
    quarantined = refused + schedule.quarantined
    if quarantined:
        print(say("plans_quarantined", count=len(quarantined)), file=sys.stderr)
        for item in quarantined:
            print(
                say("plan_quarantined", id=item.plan_id, title=item.title, reason=item.reason),
                file=sys.stderr,
            )
    if schedule.suppressed:
        print(say("slots_suppressed", count=len(schedule.suppressed)), file=sys.stderr)
        for suppressed in schedule.suppressed:
            print(
                say(
                    "slot_suppressed",
                    start=suppressed.slot.start.astimezone(zone).isoformat(),
                    title=suppressed.slot.title,
                    reason=suppressed.reason,
                ),
                file=sys.stderr,
            )
    if args.json:
        print_json([slot.to_json(zone) for slot in schedule.slots])
    else:
        for slot in schedule.slots:
            print(slot_line(slot, zone))
    return EXIT_OK


def cmd_log(args: argparse.Namespace, config: Config) -> int:
    from village.playlog import PlayLog

    since = None
    if args.since:
        since = local_day_bounds(args.since, args.since, config.schedule.timezone)[0]
    records = list(PlayLog(config.data_dir).records(since=since))
    if args.limit:
        records = records[-args.limit :]
    if args.json:
        print_json(records)
        return EXIT_OK
    print_log_table(records, config.schedule.timezone)
    return EXIT_OK


def print_log_table(records: list[dict[str, Any]], timezone: str) -> None:
    if not records:
        print(say("no_log"))
        return
    zone = zoneinfo.ZoneInfo(timezone)

    def local(text: str | None, fmt: str) -> str:
        if not text:
            return "—"
        return dt.datetime.fromisoformat(text).astimezone(zone).strftime(fmt)

    print(say("log_header"))
    for r in records:
        outcome = say(f"outcome_{r.get('outcome', 'missed')}")
        relay = f"{local(r.get('relay_on'), '%H:%M:%S')} → {local(r.get('relay_off'), '%H:%M:%S')}"
        line = (
            f"{local(r.get('planned_start'), '%Y-%m-%d %H:%M:%S')}  {outcome:<13} "
            f"{relay:<22} {r.get('title', '')}"
        )
        print(line)
        for seg in r.get("segments", []):
            mark = "✓" if seg.get("complete") else "✗"
            print(
                f"    {mark} {local(seg.get('start'), '%H:%M:%S')}–"
                f"{local(seg.get('end'), '%H:%M:%S')} {seg.get('title') or seg.get('id')}"
                + (f" ({seg['error']})" if seg.get("error") else "")
            )
        if r.get("reason"):
            print(f"    → {r['reason']}")


# --- parser ---------------------------------------------------------------------------------


def build_parser(entries: list[EntryPoint] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="village",
        description="Commune office kiosk, loudspeaker broadcast controller and content hub.",
    )
    parser.add_argument("--version", action="version", version=f"village {__version__}")
    parser.add_argument(
        "--config", metavar="PATH", help="configuration file (default /etc/village/village.toml)"
    )
    parser.add_argument("--data", metavar="DIR", help="state folder (default from the config)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    config_parser = commands.add_parser("config", help="show the configuration")
    config_sub = config_parser.add_subparsers(
        dest="config_command", metavar="ACTION", required=True
    )
    show = config_sub.add_parser("show", help="print the effective configuration")
    show.add_argument("--reveal", action="store_true", help="do not mask secrets")
    show.set_defaults(handler=cmd_config_show)

    import_parser = commands.add_parser("import", help="add content to the store")
    imports = import_parser.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    registry = Registry(commands, imports)
    for name in ("config", "import"):
        registry.claim(name)

    seg = registry.importer("segment", cmd_import_segment, "add an audio segment (OGG, MP3, WAV)")
    seg.add_argument("file")
    seg.add_argument("--title", required=True, help="title shown to staff")
    seg.add_argument("--id", help="segment id (default: from the file name)")
    seg.add_argument("--topic", default="", help="topic, e.g. land, civil-status")
    plan_import = registry.importer("plan", cmd_import_plan, "add plans from an .ics calendar")
    plan_import.add_argument("file")
    plan_import.add_argument(
        "--dry-run", action="store_true", help="show what would change, change nothing"
    )
    registry.importer(
        "samples", cmd_import_samples, "add the shipped sample segments and the default plan"
    )

    segs = registry.command("segments", cmd_segments, "list the audio segments in the store")
    segs.add_argument("--json", action="store_true")

    plan = registry.command("plan", cmd_plan, "list planned broadcast slots")
    plan.add_argument("--from", dest="from_", type=parse_day, required=True, metavar="YYYY-MM-DD")
    plan.add_argument("--to", type=parse_day, required=True, metavar="YYYY-MM-DD")
    plan.add_argument("--json", action="store_true", help="print a JSON array")

    log_parser = registry.command("log", cmd_log, "print the play log (as-run log)")
    log_parser.add_argument("--json", action="store_true", help="print a JSON array")
    log_parser.add_argument("--since", type=parse_day, metavar="YYYY-MM-DD")
    log_parser.add_argument("--limit", type=int, default=0, help="only the last N records")

    register_apps(registry, command_entry_points() if entries is None else entries)
    return parser


def setup_logging(verbosity: int) -> None:
    level = logging.WARNING - 10 * verbosity
    logging.basicConfig(
        level=max(logging.DEBUG, level),
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        parser = build_parser()
    except CommandConflict as exc:
        print(say("error", detail=exc), file=sys.stderr)
        return EXIT_FAILED
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    setup_logging(args.verbose + getattr(args, "default_verbosity", 0))
    try:
        config = load_config(args.config, args.data)
    except ConfigError as exc:
        print(
            say("config_invalid", source=exc.source or "?", count=len(exc.problems)),
            file=sys.stderr,
        )
        for key, message in exc.problems:
            print(say("config_problem", key=key, message=message), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return int(args.handler(args, config) or 0)
    except VillageError as exc:
        print(say("error", detail=exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
