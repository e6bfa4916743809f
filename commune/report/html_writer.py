"""The report as one self-contained HTML page (charts inline as data URIs), for a quick look."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from commune.catalogue import say
from commune.report.document import Chart, Document, Heading, Paragraph, Table
from village.atomic import atomic_write_bytes

STYLE = """
body { font-family: "Times New Roman", "Liberation Serif", "Noto Serif", serif;
       font-size: 14pt; line-height: 1.35; max-width: 17cm; margin: 2em auto; padding: 0 1em;
       color: #111; }
.masthead { display: grid; grid-template-columns: 6.2fr 10.3fr; text-align: center;
            font-size: 13pt; }
.masthead .body b, .motto b { display: block; }
.rule { width: 35%; margin: 2px auto 0; border-top: 1px solid #000; }
.motto u { font-weight: bold; font-size: 14pt; }
.date { font-style: italic; margin-top: 6px; }
.number { margin-top: 6px; }
h1 { text-align: center; font-size: 14pt; margin: 1.4em 0 0; }
.subject { text-align: center; font-weight: bold; }
.subject + .rule { width: 25%; margin-bottom: 1em; }
h2, h3 { font-size: 14pt; margin: .8em 0 .4em; text-indent: 1cm; }
p { text-align: justify; text-indent: 1cm; margin: .3em 0; }
p.note { font-size: 12pt; font-style: italic; }
table.data { border-collapse: collapse; width: 100%; font-size: 12pt; margin: .4em 0 .8em; }
table.data th, table.data td { border: 1px solid #000; padding: 2px 5px; vertical-align: middle; }
table.data th { background: #e7eef3; }
table.data tr.total td { font-weight: bold; }
.l { text-align: left; } .c { text-align: center; } .r { text-align: right; }
figure { text-align: center; margin: .6em 0; }
figure img { max-width: 100%; }
figcaption { font-size: 12pt; font-style: italic; }
.closing { display: grid; grid-template-columns: 7.5fr 9fr; margin-top: 1em; }
.recipients { font-size: 11pt; } .recipients b { font-size: 12pt; font-style: italic; }
.signer { text-align: center; font-weight: bold; }
.signer .name { margin-top: 5em; }
"""


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>")


def _table(block: Table) -> str:
    head = "".join(f"<th>{_text(c)}</th>" for c in block.columns)
    rows = []
    for index, row in enumerate(block.rows, 1):
        total = block.total and index == len(block.rows)
        cells = "".join(
            f'<td class="{a}">{_text(v)}</td>' for v, a in zip(row, block.align, strict=True)
        )
        rows.append(f"<tr{' class=total' if total else ''}>{cells}</tr>")
    return (
        f'<table class="data" id="{block.key}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def html_text(document: Document) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(document.title)} — {_text(' '.join(document.subject))}</title>",
        f"<style>{STYLE}</style></head><body>",
        '<div class="masthead"><div class="body">',
        *(
            f"<b>{_text(line)}</b>" if bold else f"<div>{_text(line)}</div>"
            for line, bold in document.header_left
        ),
        '<div class="rule"></div>',
        f'<div class="number">{_text(document.number)}</div></div>',
        f'<div class="motto"><b>{_text(document.motto[0])}</b><u>{_text(document.motto[1])}</u>',
        f'<div class="date">{_text(document.date_line)}</div></div></div>',
        f"<h1>{_text(document.title)}</h1>",
        *(f'<div class="subject">{_text(line)}</div>' for line in document.subject),
        '<div class="rule"></div>',
    ]
    for block in document.blocks:
        if isinstance(block, Heading):
            tag = "h2" if block.level == 1 else "h3"
            parts.append(f"<{tag}>{_text(block.text)}</{tag}>")
        elif isinstance(block, Paragraph):
            lead = f"<b>{_text(block.lead)}</b>" if block.lead else ""
            css = ' class="note"' if block.note else ""
            parts.append(f"<p{css}>{lead}{_text(block.text)}</p>")
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, Chart):
            data = base64.b64encode(block.png).decode("ascii")
            parts.append(
                f'<figure id="chart-{block.key}"><img alt="{html.escape(block.caption)}" '
                f'src="data:image/png;base64,{data}"><figcaption>{_text(block.caption)}'
                "</figcaption></figure>"
            )
    recipients = "".join(f"<div>{_text(line)}</div>" for line in document.recipients)
    signer = "".join(f"<div>{_text(line.upper())}</div>" for line in document.signer)
    parts += [
        f"<p>{_text(document.closing)}</p>",
        '<div class="closing">',
        f'<div class="recipients"><b>{_text(say("doc_recipients"))}</b>{recipients}</div>',
        f'<div class="signer">{signer}<div class="name">{_text(document.signer_name)}</div></div>',
        "</div></body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_html(document: Document, path: Path) -> None:
    atomic_write_bytes(path, html_text(document).encode("utf-8"))
