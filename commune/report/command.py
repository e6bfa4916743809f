"""Staff commands: ``village report`` and ``village record conference``.

Both work on the hub folder (``--data``, default ``[hub] data``) like the other staff
commands; neither needs the hub daemon to run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import zoneinfo
from pathlib import Path

from commune.catalogue import say
from commune.hub_cli import hub_data_option, open_hub
from commune.report.errors import BadInput, NoData
from village.cli import EXIT_OK, Registry
from village.config import Config

FORMATS = ("docx", "pdf", "csv", "html")
SUFFIXES = {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".zip": "csv"}


def _now_and_today(config: Config) -> tuple[dt.datetime, dt.date]:
    now = dt.datetime.now(dt.UTC)
    return now, now.astimezone(zoneinfo.ZoneInfo(config.schedule.timezone)).date()


def output_format(chosen: str | None, out: Path) -> str:
    """``--format``, or what the file name says (.docx, .pdf, .html, .zip; a folder: csv)."""
    if chosen:
        return chosen
    if out.suffix.lower() in SUFFIXES:
        return SUFFIXES[out.suffix.lower()]
    if out.is_dir() or not out.suffix:
        return "csv"
    raise BadInput(say("report_bad_format", out=out))


def cmd_report(args: argparse.Namespace, config: Config) -> int:
    from commune.report.document import build_document, period_phrase
    from commune.report.fmt import vn_dec, vn_int
    from commune.report.model import build_report
    from commune.report.period import parse_period, vn_date

    out = Path(args.out)
    kind = output_format(args.format, out)
    number = args.number.strip()
    if number and not number.isdigit():
        raise BadInput(say("report_bad_number", number=number))
    hub = open_hub(args, config)
    now, today = _now_and_today(config)
    period = parse_period(args.from_, args.to, config.schedule.timezone, today)
    report = build_report(hub, config, period, now, number)
    if report.empty and not args.allow_empty:
        planned = report.broadcasts.total.planned
        raise NoData(
            say(
                "report_empty",
                first=vn_date(period.first),
                last=vn_date(period.last),
                planned=say("report_empty_planned", planned=planned) if planned else "",
            )
        )
    if not config.report.commune_name.strip():
        print(say("report_unconfigured"), file=sys.stderr)
    if kind == "csv":
        from commune.report.csv_writer import write_csv

        write_csv(report, out)
    else:
        document = build_document(report)
        if kind == "docx":
            from commune.report.docx_writer import write_docx

            write_docx(document, out)
        elif kind == "pdf":
            from commune.report.pdf_writer import write_pdf

            write_pdf(document, out)
        else:
            from commune.report.html_writer import write_html

            write_html(document, out)
    print(say("report_written", period=period_phrase(period), format=kind.upper(), path=out))
    total = report.broadcasts.total
    print(
        say(
            "report_summary",
            aired=vn_int(total.aired),
            planned=vn_int(total.planned),
            minutes=vn_dec(total.minutes, 1),
            conferences=len(report.conferences),
            views=vn_int(report.kiosk.views),
            ratings=vn_int(report.kiosk.feedback),
        )
    )
    return EXIT_OK


def cmd_record_conference(args: argparse.Namespace, config: Config) -> int:
    from commune.report.conference import new_conference, record_conference
    from commune.report.period import vn_date

    try:
        attendees = int(args.attendees)
    except ValueError:
        raise BadInput(say("conference_bad_attendees", value=args.attendees)) from None
    _, today = _now_and_today(config)
    conference = new_conference(args.date, attendees, args.topic, args.place, today)
    hub = open_hub(args, config)
    record_conference(hub.repository, conference)
    print(
        say(
            "conference_recorded",
            day=vn_date(conference.day),
            topic=conference.topic,
            attendees=conference.attendees,
            place=say("conference_place", place=conference.place) if conference.place else "",
        )
    )
    return EXIT_OK


def register(registry: Registry) -> None:
    report = registry.command(
        "report", cmd_report, "the periodic outreach report (DOCX, PDF, CSV or HTML)"
    )
    report.add_argument("--from", dest="from_", required=True, metavar="YYYY-MM-DD")
    report.add_argument("--to", required=True, metavar="YYYY-MM-DD")
    report.add_argument(
        "--format", choices=FORMATS, help="default: from the file name (a folder: csv)"
    )
    report.add_argument(
        "--out", required=True, metavar="PATH", help="file to write (csv: a folder or a .zip)"
    )
    report.add_argument("--number", default="", help="the document's number, once registered")
    report.add_argument(
        "--allow-empty", action="store_true", help="write the report even if the period is empty"
    )
    hub_data_option(report)

    record = registry.command(
        "record", cmd_record_conference, "record outreach done without the devices"
    )
    kinds = record.add_subparsers(dest="record_kind", metavar="KIND", required=True)
    conference = kinds.add_parser("conference", help="an outreach conference held by staff")
    conference.set_defaults(handler=cmd_record_conference)
    conference.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    conference.add_argument("--attendees", required=True, metavar="N")
    conference.add_argument("--topic", required=True)
    conference.add_argument("--place", default="")
    hub_data_option(conference)
