"""``village site build`` and ``village site print``.

Content comes from, in this order: ``--hub DIR`` (a hub's folder: its library and the
conferences staff recorded), ``--store DIR`` (a device-style data folder, for a commune with
one Pi and no hub), ``--samples`` (the shipped sample content); with none of them, the
configured hub folder (``[hub] data``) if it holds a hub, else the device's data folder
(``--data`` / ``[paths] data``) if it holds a content store.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from commune.catalogue import say
from commune.site.errors import BadSiteInput
from commune.site.source import SiteContent, from_hub, from_samples, from_store
from village.cli import EXIT_OK, Registry
from village.config import Config
from village.store import ContentStore


def user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "village" / "site"


@contextmanager
def open_content(args: argparse.Namespace, config: Config) -> Iterator[tuple[SiteContent, Path]]:
    """The content asked for, and the cache folder that goes with it."""
    cache = Path(args.cache) if args.cache else None
    if args.hub:
        yield from_hub(Path(args.hub)), cache or Path(args.hub) / "cache" / "site"
    elif args.store:
        yield from_store(ContentStore(Path(args.store))), cache or user_cache()
    elif args.samples:
        with tempfile.TemporaryDirectory(prefix="village-samples-") as scratch:
            yield from_samples(Path(scratch), config.schedule.timezone), cache or user_cache()
    elif (Path(config.hub.data) / "hub.sqlite").is_file():
        yield from_hub(Path(config.hub.data)), cache or Path(config.hub.data) / "cache" / "site"
    elif ContentStore(config.data_dir).path.is_file():
        yield from_store(ContentStore(config.data_dir)), cache or user_cache()
    else:
        raise BadSiteInput(say("site_no_source"))


def cmd_site_build(args: argparse.Namespace, config: Config) -> int:
    from commune.site.build import build_site, human_size
    from commune.site.settings import site_options

    with open_content(args, config) as (content, cache):
        options = site_options(config, cache, year=args.year, audio=not args.no_audio)
        result = build_site(content, options, Path(args.out))
    print(
        say(
            "site_built",
            out=result.out,
            pages=result.pages,
            procedures=result.procedures,
            written=result.written,
            unchanged=result.unchanged,
            removed=result.removed,
            size=human_size(result.html_bytes),
            seconds=result.seconds,
        )
    )
    for warning in result.warnings:
        print(say("site_warning", warning=warning), file=sys.stderr)
    return EXIT_OK


def cmd_site_print(args: argparse.Namespace, config: Config) -> int:
    from commune.site.notice import NoticeRequest, print_notice
    from commune.site.settings import site_options

    with open_content(args, config) as (content, cache):
        request = NoticeRequest(
            codes=tuple(args.code),
            with_list=not args.no_list,
            with_sheets=not args.no_sheets,
            base_url=config.site.base_url,
        )
        options = site_options(config, cache, year=args.year, audio=False)
        result = print_notice(content, options, request, Path(args.out))
    print(
        say(
            "site_printed",
            pages=result.pages,
            sheets=result.sheets,
            out=result.out,
            engine=result.engine,
        )
    )
    return EXIT_OK


def _source_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--hub", metavar="DIR", help="a hub's folder (default: [hub] data)")
    group.add_argument("--store", metavar="DIR", help="a device-style data folder")
    group.add_argument("--samples", action="store_true", help="the shipped sample content")
    parser.add_argument("--cache", metavar="DIR", help="where compressed audio and QR codes stay")
    parser.add_argument("--year", type=int, help="year of the broadcast schedule (default: now)")


def register(registry: Registry) -> None:
    site = registry.command("site", cmd_site_build, "the public site and the notice board")
    sub = site.add_subparsers(dest="site_command", metavar="ACTION", required=True)
    build = sub.add_parser("build", help="write the public site (static HTML) into a folder")
    build.set_defaults(handler=cmd_site_build)
    build.add_argument("--out", required=True, metavar="DIR", help="folder to write the site in")
    build.add_argument("--no-audio", action="store_true", help="leave the segments out")
    _source_options(build)
    printing = sub.add_parser("print", help="A4 sheets for the notice board, as one PDF")
    printing.set_defaults(handler=cmd_site_print)
    printing.add_argument("--out", required=True, metavar="FILE.pdf")
    printing.add_argument(
        "--code", action="append", default=[], metavar="CODE", help="sheets for these only"
    )
    printing.add_argument("--no-list", action="store_true", help="leave out the list sheets")
    printing.add_argument("--no-sheets", action="store_true", help="only the list")
    _source_options(printing)
