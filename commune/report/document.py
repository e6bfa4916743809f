"""The report worded in Vietnamese: the administrative frame and a list of blocks.

The DOCX (and the PDF made from it) and the HTML lay out this one document, so they say
the same thing in the same words. Every text comes from the hub catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from commune.catalogue import MESSAGES, say
from commune.report.broadcasts import NO_RECORD, Broadcasts, Session, Tally
from commune.report.fmt import vn_date, vn_dec, vn_duration, vn_int, vn_percent, vn_short, vn_time
from commune.report.kiosk_use import KioskUse
from commune.report.model import Report
from commune.report.period import Period, vn_month
from commune.report.plausibility import reasons_count
from commune.report.reasons import reason_text

TOP_PROCEDURES = 10
TOP_NOT_FOUND = 15
LIST_NO_RECORD = 12
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1: "I. …" (upper case), 2: "1. …"


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: str = ""  # printed in bold before the text
    note: bool = False  # smaller, in italics


@dataclass(frozen=True)
class Table:
    key: str  # a stable name (HTML id, tests)
    columns: list[str]
    rows: list[list[str]]
    widths_cm: list[float]
    align: str  # one letter per column: l, c, r
    total: bool = False  # the last row is a total (bold)


@dataclass(frozen=True)
class Chart:
    key: str
    png: bytes
    width_cm: float
    caption: str


Block = Heading | Paragraph | Table | Chart


@dataclass
class Document:
    header_left: list[tuple[str, bool]]  # (line, bold); a short rule under the last
    number: str
    motto: tuple[str, str]
    date_line: str
    title: str
    subject: list[str]
    blocks: list[Block] = field(default_factory=list)
    closing: str = ""
    recipients: list[str] = field(default_factory=list)
    signer: list[str] = field(default_factory=list)  # authority, title (bold, upper case)
    signer_name: str = ""


# --- wording helpers ------------------------------------------------------------------------


def period_phrase(period: Period) -> str:
    """'tháng 3 năm 2025', 'quý I năm 2025', 'năm 2025', or 'từ ngày … đến ngày …'."""
    first, last = period.first, period.last
    next_day = last + dt.timedelta(days=1)
    if first.day == 1 and next_day.day == 1:
        months = (next_day.year - first.year) * 12 + next_day.month - first.month
        if months == 1:
            return say("doc_month", month=first.month, year=first.year)
        if months == 3 and first.month in (1, 4, 7, 10):
            return say("doc_quarter", quarter=ROMAN[first.month // 3], year=first.year)
        if months == 6 and first.month in (1, 7):
            key = "doc_first_half" if first.month == 1 else "doc_second_half"
            return say(key, year=first.year)
        if months == 12 and first.month == 1:
            return say("doc_year", year=first.year)
    return say("doc_from_to", first=vn_date(first), last=vn_date(last))


def date_line(place: str, day: dt.date) -> str:
    """'Tân Lập, ngày 05 tháng 3 năm 2025' (0 before days under 10 and months 1 and 2)."""
    month = vn_month(day.month)
    return say("doc_date_line", place=place, day=f"{day.day:02d}", month=month, year=day.year)


def outcome_text(outcome: str) -> str:
    return say(f"doc_outcome_{outcome}")


def status_text(status: str) -> str:
    return say(f"verdict_{status}")


def session_label(session: Session) -> str:
    return session.title or say("doc_untitled")


def minutes(seconds: float) -> str:
    return vn_dec(seconds / 60, 1)


# --- the frame --------------------------------------------------------------------------------


def _frame(report: Report) -> Document:
    s = report.settings
    name = s.commune_name.strip() or say("doc_blank_name")
    place = s.place.strip() or s.commune_name.strip() or say("doc_blank_name")
    header: list[tuple[str, bool]] = []
    if s.parent_body.strip():
        header += [(line.strip(), False) for line in s.parent_body.split("\n") if line.strip()]
    issuing = s.issuing_body.strip() or say("doc_issuing_default", name=name.upper())
    header += [(line.strip(), True) for line in issuing.split("\n") if line.strip()]
    number = report.number.strip() or say("doc_number_blank")
    subject = [s.subject.strip(), period_phrase(report.period)]
    recipients = [line.strip() for line in s.recipients if line.strip()]
    marked = [
        say("doc_recipient_last" if i == len(recipients) - 1 else "doc_recipient", text=r)
        for i, r in enumerate(recipients)
    ]
    return Document(
        header_left=header,
        number=say("doc_number", number=number, suffix=s.number_suffix.strip()),
        motto=(say("doc_motto_1"), say("doc_motto_2")),
        date_line=date_line(place, report.made_at.date()),
        title=say("doc_title"),
        subject=[line for line in subject if line],
        recipients=marked,
        signer=[line for line in (s.signer_authority.strip(), s.signer_title.strip()) if line],
        signer_name=s.signer_name.strip(),
    )


# --- sections ---------------------------------------------------------------------------------


def _week_rows(report: Report) -> list[list[str]]:
    rows = []
    for item in report.broadcasts.weeks:
        t, week = item.tally, item.week
        label = say(
            "doc_week_label",
            number=week.number,
            first=vn_short(week.first),
            last=vn_short(week.last),
        )
        rows.append([label, *_tally_cells(t)])
    total = report.broadcasts.total
    rows.append([say("doc_total"), *_tally_cells(total)])
    return rows


def _tally_cells(t: Tally) -> list[str]:
    measured = t.records > 0
    dash = say("doc_dash")

    def count(value: int) -> str:
        return vn_int(value) if measured else dash

    return [
        vn_int(t.planned),
        count(t.aired),
        count(t.partial),
        count(t.missed),
        vn_int(t.no_record),
        count(t.unplanned),
        minutes(t.audio_s) if measured else dash,
        status_text(t.status),
    ]


def _caveats(report: Report) -> list[Block]:
    """What the figures above leave out (records the report does not take as fact) or may
    lack (records a device still holds)."""
    out: list[Block] = []
    left_out = report.broadcasts.implausible
    lead = say("doc_lead_implausible")
    if left_out:
        reasons = ", ".join(
            f"{say(f'implausible_{reason}')}: {vn_int(n)}"
            for reason, n in sorted(reasons_count(left_out).items())
        )
        devices = ", ".join(sorted({item.device for item in left_out}))
        text = say("doc_implausible", count=vn_int(len(left_out)), reasons=reasons, devices=devices)
        out.append(Paragraph(text, lead=lead))
    if report.held_back:
        out.append(Paragraph(say("doc_held_back", devices=", ".join(report.held_back)), lead=lead))
    return out


def _broadcast_section(report: Report, charts: bool) -> list[Block]:
    """Section 1: the broadcasts — sessions against the plan, problems, special, segments."""
    out: list[Block] = [Heading(say("doc_h_broadcast"), 1), Heading(say("doc_h_sessions"), 2)]
    out.append(_plan_paragraph(report.broadcasts))
    out.append(_done_paragraph(report.broadcasts.total))
    out += _caveats(report)
    out += _verdict(report.broadcasts)
    out += _weeks(report, charts)
    out += _no_record_note(report.broadcasts)
    out += _problems(report.broadcasts)
    out += _special(report.broadcasts)
    out += _segments(report.broadcasts)
    return out


def _plan_paragraph(b: Broadcasts) -> Paragraph:
    """What the plan asked for: sessions, minutes, devices."""
    if b.target is None:
        return Paragraph(say("doc_no_plan"))
    target = b.target
    each = target.minutes_per_session
    note = say("doc_plan_devices", devices=target.devices) if target.devices > 1 else ""
    plan = say(
        "doc_plan",
        planned=vn_int(b.total.planned),
        planned_minutes=vn_dec(b.planned_minutes, 0),
        sessions=vn_int(target.sessions_per_week),
        devices_note=note,
        minutes=vn_dec(each, 0 if each == int(each) else 1),
    )
    return Paragraph(plan, lead=say("doc_lead_plan"))


def _done_paragraph(t: Tally) -> Paragraph:
    """What was done: aired, partial, missed, without a record, unplanned."""
    lead = say("doc_lead_done")
    if t.records == 0:
        key = "doc_no_playlog_planned" if t.planned else "doc_no_playlog"
        return Paragraph(say(key, planned=vn_int(t.planned)), lead=lead)
    if t.planned == 0:
        done = say(
            "doc_done_unplanned_only", unplanned=vn_int(t.unplanned), minutes=minutes(t.audio_s)
        )
        return Paragraph(done, lead=lead)
    done = say(
        "doc_done",
        aired=vn_int(t.aired),
        planned=vn_int(t.planned),
        percent=vn_percent(t.aired, t.planned),
        partial=vn_int(t.partial),
        missed=vn_int(t.missed),
    )
    if t.no_record:
        done += say("doc_done_no_record", count=vn_int(t.no_record))
    done += say("doc_done_extra", unplanned=vn_int(t.unplanned), minutes=minutes(t.audio_s))
    return Paragraph(done, lead=lead)


def _verdict(b: Broadcasts) -> list[Block]:
    t = b.total
    if not t.planned:
        return []
    verdict = say(f"doc_verdict_{t.status}")
    if t.status == "not-met":
        short = sum(1 for w in b.weeks if w.tally.status == "not-met")
        verdict += say("doc_verdict_weeks", weeks=short)
    return [Paragraph(verdict, lead=say("doc_lead_verdict"))]


def _weeks(report: Report, charts: bool) -> list[Block]:
    """The chart and the table of the sessions week by week."""
    b = report.broadcasts
    t = b.total
    if not (t.planned or t.records):
        return []
    out: list[Block] = []
    if charts and t.records:
        from commune.report.charts import sessions_chart

        out.append(Chart("sessions", sessions_chart(b.weeks), 16.0, say("doc_chart_sessions")))
    columns = (
        "week", "planned", "aired", "partial", "missed", "no_record", "unplanned", "minutes",
        "verdict",
    )  # fmt: skip
    out.append(
        Table(
            "weeks",
            [say(f"doc_col_{c}") for c in columns],
            _week_rows(report),
            [3.0, 1.5, 1.4, 1.5, 1.3, 1.8, 1.8, 1.9, 2.3],
            "lccccccrc",
            total=True,
        )
    )
    out.append(Paragraph(say("doc_weeks_note"), note=True))
    return out


def _no_record_note(b: Broadcasts) -> list[Block]:
    """The first planned sessions no device reported on."""
    missing = [s for s in b.sessions if s.outcome == NO_RECORD]
    if not (missing and b.total.records):
        return []
    listed = ", ".join(f"{vn_short(s.start.date())} ({s.device})" for s in missing[:LIST_NO_RECORD])
    more = len(missing) - LIST_NO_RECORD
    text = (
        say("doc_no_record_list", count=len(missing), sessions=listed)
        + (say("doc_and_more", count=more) if more > 0 else "")
        + "."
    )
    return [Paragraph(text, note=True)]


def _problems(b: Broadcasts) -> list[Block]:
    out: list[Block] = [Heading(say("doc_h_problems"), 2)]
    if b.total.records == 0:
        return [*out, Paragraph(say("doc_no_data"))]
    if not b.problems:
        return [*out, Paragraph(say("doc_no_problems"))]
    rows = [
        [
            vn_time(s.start),
            s.device,
            session_label(s),
            outcome_text(s.outcome),
            reason_text(s.reason) or say("doc_dash"),
        ]
        for s in b.problems
    ]
    columns = ("time", "device", "session", "outcome", "reason")
    table = Table(
        "problems", [say(f"doc_col_{c}") for c in columns], rows, [2.6, 1.9, 3.6, 2.0, 6.4], "lllll"
    )
    return [*out, table]


def _special(b: Broadcasts) -> list[Block]:
    """Emergency and priority broadcasts."""
    out: list[Block] = [Heading(say("doc_h_special"), 2)]
    if b.total.records == 0:
        return [*out, Paragraph(say("doc_no_data"))]
    if not b.special:
        return [*out, Paragraph(say("doc_no_special"))]
    emergency = sum(1 for s in b.special if s.priority == "emergency")
    out.append(
        Paragraph(say("doc_special", emergency=emergency, priority=len(b.special) - emergency))
    )
    rows = [
        [
            vn_time(s.start),
            s.device,
            session_label(s),
            MESSAGES.get(f"doc_level_{s.priority}", s.priority),
            MESSAGES.get(f"doc_trigger_{s.trigger}", s.trigger or say("doc_dash")),
            outcome_text(s.outcome),
            minutes(s.audio_s),
        ]
        for s in b.special
    ]
    columns = ("time", "device", "content", "level", "trigger", "outcome", "minutes")
    out.append(
        Table(
            "special",
            [say(f"doc_col_{c}") for c in columns],
            rows,
            [2.6, 1.9, 3.8, 1.7, 2.4, 2.2, 1.9],
            "lllllcr",
        )
    )
    return out


def _segments(b: Broadcasts) -> list[Block]:
    """How often each segment was played, with a total row."""
    out: list[Block] = [Heading(say("doc_h_segments"), 2)]
    if b.total.records == 0:
        return [*out, Paragraph(say("doc_no_data"))]
    if not b.segments:
        return [*out, Paragraph(say("doc_no_segments"))]
    plays = sum(c.plays for c in b.segments)
    out.append(Paragraph(say("doc_segments", count=len(b.segments), plays=vn_int(plays))))
    rows = [
        [str(i), c.title, vn_int(c.plays), vn_int(c.complete), minutes(c.audio_s)]
        for i, c in enumerate(b.segments, 1)
    ]
    rows.append(
        [
            "",
            say("doc_total"),
            vn_int(plays),
            vn_int(sum(c.complete for c in b.segments)),
            minutes(sum(c.audio_s for c in b.segments)),
        ]
    )
    columns = ("no", "segment", "plays", "complete", "minutes")
    out.append(
        Table(
            "segments",
            [say(f"doc_col_{c}") for c in columns],
            rows,
            [1.3, 8.4, 2.2, 2.3, 2.3],
            "clccr",
            total=True,
        )
    )
    return out


def _conference_section(report: Report) -> list[Block]:
    out: list[Block] = [Heading(say("doc_h_conferences"), 1)]
    if not report.conferences:
        out.append(Paragraph(say("doc_no_conferences")))
        return out
    out.append(
        Paragraph(
            say(
                "doc_conferences",
                count=len(report.conferences),
                attendees=vn_int(report.attendees),
            )
        )
    )
    rows = [
        [str(i), vn_date(c.day), c.topic, c.place or say("doc_dash"), vn_int(c.attendees)]
        for i, c in enumerate(report.conferences, 1)
    ]
    rows.append(["", say("doc_total"), "", "", vn_int(report.attendees)])
    out.append(
        Table(
            "conferences",
            [say(f"doc_col_{c}") for c in ("no", "date", "topic", "place", "attendees")],
            rows,
            [1.3, 2.4, 7.0, 3.4, 2.4],
            "cclcr",
            total=True,
        )
    )
    return out


def _kiosk_section(report: Report, charts: bool) -> list[Block]:
    """Section 2: the kiosk — what citizens looked up, what they did not find, their ratings."""
    k = report.kiosk
    out: list[Block] = [Heading(say("doc_h_kiosk"), 1)]
    if not k.records:
        out.append(Paragraph(say("doc_no_kiosk")))
        return out
    out += _kiosk_summary(k)
    out += _kiosk_fields(k, charts)
    out += _kiosk_procedures(k)
    out += _kiosk_not_found(k)
    out += _kiosk_ratings(k)
    return out


def _kiosk_summary(k: KioskUse) -> list[Block]:
    """Views, procedures, clips and searches over the period."""
    out: list[Block] = []
    if k.has_usage:
        out.append(
            Paragraph(
                say(
                    "doc_kiosk_summary",
                    days=k.usage_days,
                    views=vn_int(k.views),
                    procedures=vn_int(len(k.procedures)),
                    clips=vn_int(k.clip_plays),
                    searches=vn_int(k.searches),
                    not_found=vn_int(k.not_found_searches),
                )
            )
        )
    else:
        out.append(Paragraph(say("doc_no_usage")))
    return out


def _kiosk_fields(k: KioskUse, charts: bool) -> list[Block]:
    """Views by field: a chart and a table."""
    out: list[Block] = []
    unknown = say("doc_unknown_field")
    out.append(Heading(say("doc_h_fields"), 2))
    if not k.views:
        out.append(Paragraph(say("doc_no_views")))
    else:
        if charts:
            from commune.report.charts import fields_chart

            labels = [(f or unknown, n) for f, n in k.by_field]
            out.append(Chart("fields", fields_chart(labels), 16.0, say("doc_chart_fields")))
        rows = [
            [str(i), f or unknown, vn_int(n), vn_percent(n, k.views)]
            for i, (f, n) in enumerate(k.by_field, 1)
        ]
        rows.append(["", say("doc_total"), vn_int(k.views), "100,0"])
        out.append(
            Table(
                "fields",
                [say(f"doc_col_{c}") for c in ("no", "field", "views", "share")],
                rows,
                [1.3, 10.2, 2.5, 2.5],
                "clrr",
                total=True,
            )
        )
    return out


def _kiosk_procedures(k: KioskUse) -> list[Block]:
    """The most viewed procedures."""
    out: list[Block] = []
    unknown = say("doc_unknown_field")
    out.append(Heading(say("doc_h_procedures"), 2))
    if not k.procedures:
        out.append(Paragraph(say("doc_no_views")))
    else:
        top = k.procedures[:TOP_PROCEDURES]
        out.append(
            Table(
                "procedures",
                [say(f"doc_col_{c}") for c in ("no", "code", "procedure", "field", "views")],
                [
                    [
                        str(i),
                        p.code,
                        p.name or say("doc_unknown_procedure"),
                        p.field or unknown,
                        vn_int(p.views),
                    ]
                    for i, p in enumerate(top, 1)
                ],
                [1.3, 2.3, 7.3, 3.6, 2.0],
                "clllr",
            )
        )
    return out


def _kiosk_not_found(k: KioskUse) -> list[Block]:
    """Searches that found nothing."""
    out: list[Block] = []
    out.append(Heading(say("doc_h_not_found"), 2))
    if not k.has_usage:
        out.append(Paragraph(say("doc_no_data")))
    elif not k.not_found:
        out.append(Paragraph(say("doc_all_found", searches=vn_int(k.searches))))
    else:
        out.append(
            Paragraph(
                say(
                    "doc_not_found",
                    count=vn_int(k.not_found_searches),
                    searches=vn_int(k.searches),
                    percent=vn_percent(k.not_found_searches, k.searches),
                    distinct=vn_int(len(k.not_found)),
                )
            )
        )
        out.append(
            Table(
                "not_found",
                [say(f"doc_col_{c}") for c in ("no", "query", "times")],
                [
                    [str(i), f"«{q}»", vn_int(n)]
                    for i, (q, n) in enumerate(k.not_found[:TOP_NOT_FOUND], 1)
                ],
                [1.3, 12.7, 2.5],
                "clr",
            )
        )
    return out


def _kiosk_ratings(k: KioskUse) -> list[Block]:
    """The citizens' ratings and their reasons."""
    out: list[Block] = []
    out.append(Heading(say("doc_h_ratings"), 2))
    if not k.feedback:
        out.append(Paragraph(say("doc_no_ratings")))
    else:
        average = k.average_rating or 0.0
        out.append(
            Paragraph(
                say(
                    "doc_ratings",
                    count=vn_int(k.feedback),
                    average=vn_dec(average, 2),
                    satisfied=vn_int(k.satisfied),
                    percent=vn_percent(k.satisfied, k.feedback),
                )
            )
        )
        rows = [
            [say(f"rating_{r}"), vn_int(n), vn_percent(n, k.feedback)] for r, n in k.ratings.items()
        ]
        rows.append([say("doc_total"), vn_int(k.feedback), "100,0"])
        out.append(
            Table(
                "ratings",
                [say(f"doc_col_{c}") for c in ("rating", "count", "share")],
                rows,
                [9.5, 3.5, 3.5],
                "lrr",
                total=True,
            )
        )
        if k.reasons:
            listed = "; ".join(
                f"{MESSAGES.get('feedback_reason_' + code, code)} ({vn_int(n)})"
                for code, n in k.reasons
            )
            out.append(Paragraph(say("doc_reasons", reasons=listed)))
    return out


def _devices_section(report: Report) -> list[Block]:
    out: list[Block] = [Heading(say("doc_h_devices"), 1)]
    known = [d for d in report.presence if d.known]
    unknown = [d.device for d in report.presence if not d.known]
    if not known:
        out.append(Paragraph(say("doc_no_presence")))
        return out
    offline = [d for d in known if d.spells]
    if not offline:
        out.append(Paragraph(say("doc_all_online", devices=", ".join(d.device for d in known))))
    else:
        out.append(Paragraph(say("doc_offline", count=len(offline), devices=len(known))))
        rows = []
        for d in offline:
            longest = d.longest
            assert longest is not None
            rows.append(
                [
                    d.device,
                    vn_int(len(d.spells)),
                    vn_duration(d.offline_s),
                    say(
                        "doc_spell",
                        start=vn_time(longest.start),
                        end=vn_time(longest.end),
                        duration=vn_duration(longest.seconds),
                    )
                    + (say("doc_spell_before") if longest.from_before else "")
                    + (say("doc_spell_still") if longest.still_offline else ""),
                ]
            )
        out.append(
            Table(
                "offline",
                [say(f"doc_col_{c}") for c in ("device", "spells", "offline", "longest")],
                rows,
                [2.3, 2.2, 3.5, 8.5],
                "lcll",
            )
        )
        online = [d.device for d in known if not d.spells]
        if online:
            out.append(Paragraph(say("doc_rest_online", devices=", ".join(online))))
    if unknown:
        out.append(Paragraph(say("doc_presence_unknown", devices=", ".join(unknown))))
    out.append(Paragraph(say("doc_presence_note"), note=True))
    return out


def build_document(report: Report, charts: bool = True) -> Document:
    """The whole document; ``charts=False`` leaves the pictures out (faster, for tests)."""
    doc = _frame(report)
    name = report.settings.commune_name.strip() or say("doc_blank_name")
    sources = ", ".join(report.devices) or say("doc_dash")
    doc.blocks.append(Paragraph(say("doc_intro", name=name, period=period_phrase(report.period))))
    doc.blocks.append(Paragraph(say("doc_sources", devices=sources), note=True))
    sections = [
        _broadcast_section(report, charts),
        _conference_section(report),
        _kiosk_section(report, charts),
        _devices_section(report),
    ]
    for index, blocks in enumerate(sections):
        first = blocks[0]
        assert isinstance(first, Heading)
        blocks[0] = Heading(f"{ROMAN[index]}. {first.text}", 1)
        number = 0
        for i, block in enumerate(blocks[1:], 1):
            if isinstance(block, Heading) and block.level == 2:
                number += 1
                blocks[i] = Heading(f"{number}. {block.text}", 2)
        doc.blocks += blocks
    charts_seen = 0
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Chart):
            charts_seen += 1
            caption = say("doc_chart_number", n=charts_seen, caption=block.caption)
            doc.blocks[i] = Chart(block.key, block.png, block.width_cm, caption)
    doc.closing = say(
        "doc_closing",
        subject=report.settings.subject.strip()[:1].lower() + report.settings.subject.strip()[1:],
        period=period_phrase(report.period),
    )
    return doc
