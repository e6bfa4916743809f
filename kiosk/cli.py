"""Subcommands of the kiosk: the app, search, and importing procedures and clips."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.catalogue import t
from village.cli import EXIT_BAD_INPUT, EXIT_OK, Registry, print_json
from village.config import Config
from village.messages import say


def print_import_problems(problems: list, record_word: str) -> None:
    from village.procedures.wording import problem_lines

    for line in problem_lines(problems, record_word):
        print(line, file=sys.stderr)


def cmd_import_procedures(args: argparse.Namespace, config: Config) -> int:
    from village.procedures import ProcedureImportError, import_procedures
    from village.store import ContentStore

    try:
        report = import_procedures(
            ContentStore(config.data_dir), args.file, skip_bad_rows=args.skip_bad_rows
        )
    except ProcedureImportError as exc:
        print(say("import_rejected", file=args.file, count=len(exc.problems)), file=sys.stderr)
        print_import_problems(exc.problems, exc.record_word)
        return exc.exit_code
    if report.skipped:
        print(say("import_skipped", count=len({p.row for p in report.skipped})), file=sys.stderr)
        print_import_problems(report.skipped, report.record_word)
    if report.ignored_columns:
        print(say("import_ignored_columns", columns=", ".join(report.ignored_columns)))
    print(
        t(
            "import_done",
            file=args.file,
            added=len(report.added),
            amended=len(report.amended),
            status_changed=len(report.status_changed),
            unchanged=len(report.unchanged),
        )
    )
    return EXIT_OK


def cmd_import_clip(args: argparse.Namespace, config: Config) -> int:
    from kiosk.catalogue import duration_text
    from village.clips import import_clip
    from village.store import ContentStore

    clip = import_clip(
        ContentStore(config.data_dir),
        args.file,
        args.title,
        clip_id=args.id,
        description=args.description,
    )
    print(
        t(
            "clip_imported",
            title=clip.title,
            id=clip.id,
            duration=duration_text(clip.duration_s),
            width=clip.width,
            height=clip.height,
        )
    )
    return EXIT_OK


def cmd_search(args: argparse.Namespace, config: Config) -> int:
    """Search as the kiosk does; writes no journal (only the kiosk does)."""
    from village.procedures import load_procedures
    from village.search import SearchEngine, Synonyms, synonyms_path
    from village.store import ContentStore

    engine = SearchEngine(
        load_procedures(ContentStore(config.data_dir)).values(),
        Synonyms.load(synonyms_path(config.kiosk.synonyms_file)),
    )
    hits = engine.search(args.query, limit=min(max(args.limit, 1), 10))
    if args.json:
        print_json([hit.to_dict() for hit in hits])
        return EXIT_OK
    if not hits:
        print(t("search_nothing", query=args.query))
        return EXIT_OK
    print(t("search_header"))
    for index, hit in enumerate(hits):
        if hit.partial and (index == 0 or not hits[index - 1].partial):
            print(t("search_partial"))
        print(f"{hit.code:<11} {hit.score:>7.2f}  {hit.field[:20]:<20}  {hit.name}")
    return EXIT_OK


def cmd_kiosk(args: argparse.Namespace, config: Config) -> int:
    from kiosk.launch import build_app, window_size

    if args.screen and not args.screenshot:
        print("--screen needs --screenshot", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.screenshot:
        from kiosk.content import ContentWatcher, resolve_screen
        from village.search import synonyms_path
        from village.store import ContentStore

        # check the screen against the content before a window opens
        content = ContentWatcher(
            ContentStore(config.data_dir), synonyms_path(config.kiosk.synonyms_file)
        ).load()
        resolve_screen(args.screen or "home", content)
        target = Path(args.screenshot).resolve()
        size = window_size(args.size) if args.size else None
        app = build_app(config, screenshot=(args.screen or "home", target), size=size)
        app.run()
        if app.errors:
            print(app.errors[-1], file=sys.stderr)
            return 1
        if not target.is_file():
            print(f"no screenshot written to {target}", file=sys.stderr)
            return 1
        print(t("screenshot_saved", screen=args.screen or "home", path=target))
        return EXIT_OK
    app = build_app(config)
    app.run()
    return EXIT_OK


COMMAND_ORDER = 30  # place of these commands in 'village --help' (village.cli)


def register(registry: Registry) -> None:
    kiosk = registry.command("kiosk", cmd_kiosk, "run the touchscreen kiosk for citizens")
    kiosk.add_argument("--screenshot", metavar="OUT.png", help="draw one screen, save it, exit")
    kiosk.add_argument(
        "--screen",
        metavar="SCREEN",
        help="with --screenshot: home, field:NAME, procedure:CODE, search:QUERY, feedback, attract",
    )
    kiosk.add_argument("--size", metavar="WxH", help="window size of the screenshot (1280x800)")
    kiosk.set_defaults(default_verbosity=1)

    search = registry.command("search", cmd_search, "search procedures as the kiosk does")
    search.add_argument("query")
    search.add_argument("--json", action="store_true", help="print a JSON array")
    search.add_argument("--limit", type=int, default=10, help="at most this many (≤ 10)")

    procedures = registry.importer(
        "procedures", cmd_import_procedures, "add or update procedures from CSV, XLSX or JSON"
    )
    procedures.add_argument("file")
    procedures.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="import the good rows of a file with bad ones (the bad ones are listed)",
    )
    clip = registry.importer("clip", cmd_import_clip, "add a video clip for the kiosk (MP4)")
    clip.add_argument("file")
    clip.add_argument("--title", required=True, help="title shown to citizens")
    clip.add_argument("--id", help="clip id (default: from the file name)")
    clip.add_argument("--description", default="", help="one line shown under the clip")
