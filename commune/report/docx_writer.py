"""The report as a DOCX laid out like a Vietnamese administrative report (Decree 30/2020).

A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman (13-14 pt in
the body); the issuing body and the national motto side by side at the top, the number
under the body and the place and date under the motto; the title and subject centred; the
sections; "Nơi nhận:" bottom left and the signature block bottom right; page numbers at the
top centre from page 2 on. Machines without Times New Roman (LibreOffice on Debian) render
it with Liberation Serif, whose letters have the same widths.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_docx
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from commune.catalogue import say
from commune.report.document import Chart, Document, Heading, Paragraph, Table
from village.atomic import atomic_write_bytes

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
NOTE_PT = 12
INDENT = Cm(1.0)
PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGINS = {"top": Cm(2.0), "bottom": Cm(2.0), "left": Cm(3.0), "right": Cm(1.5)}
TEXT_W_CM = 16.5
ALIGN = {
    "l": WD_ALIGN_PARAGRAPH.LEFT,
    "c": WD_ALIGN_PARAGRAPH.CENTER,
    "r": WD_ALIGN_PARAGRAPH.RIGHT,
}
HEADER_SHADE = "E7EEF3"


# --- low-level helpers ------------------------------------------------------------------------


def _fonts(element, name: str = FONT) -> None:  # an rPr element
    fonts = element.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)


def _run(
    paragraph: DocxParagraph,
    text: str,
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> None:
    lines = text.split("\n")
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.font.name = FONT
        _fonts(run._element.get_or_add_rPr())
        run.font.size = Pt(size)
        run.bold = bold
        run.italic = italic
        run.underline = underline
        if index < len(lines) - 1:
            run.add_break()


def _para(
    container,  # a Document or a table cell
    text: str = "",
    *,
    align: str = "j",
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    indent: bool = False,
    before: float = 0,
    after: float = 6,
    spacing: float = 1.1,
) -> DocxParagraph:
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = ALIGN.get(align, WD_ALIGN_PARAGRAPH.JUSTIFY)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = spacing
    if indent:
        fmt.first_line_indent = INDENT
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _cell_para(cell: _Cell) -> DocxParagraph:
    """The cell's first paragraph, emptied (a new cell holds one)."""
    return cell.paragraphs[0]


def _centred_lines(
    cell: _Cell, lines: list[tuple[str, bool]], size: float, spacing: float | None = None
) -> None:
    """Lines (text, bold) in capitals, centred, from the cell's first paragraph on."""
    for index, (line, bold) in enumerate(lines):
        paragraph = _cell_para(cell) if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        if spacing is not None:
            paragraph.paragraph_format.line_spacing = spacing
        _run(paragraph, line.upper(), size=size, bold=bold)


def _rule(container, left_cm: float, right_cm: float) -> None:
    """A short horizontal line, as under the issuing body and under the subject."""
    paragraph = _para(container, align="c", after=0)
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(6)  # an exact, small line: the rule sits just under the text
    fmt.left_indent = Cm(left_cm)
    fmt.right_indent = Cm(right_cm)
    _run(paragraph, "", size=2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _outline(paragraph: DocxParagraph, level: int) -> None:
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    paragraph._p.get_or_add_pPr().append(element)


def _no_borders(table: DocxTable) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _widths(table: DocxTable, widths_cm: list[float]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:  # a table row
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _cant_split(row) -> None:  # a table row
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _page_number(paragraph: DocxParagraph) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(NOTE_PT)
    for kind, text in (
        ("begin", None),
        (None, "PAGE"),
        ("separate", None),
        (None, "2"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


# --- the parts --------------------------------------------------------------------------------


def _setup(doc) -> None:  # a python-docx Document
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]
    section.header_distance = Cm(1.0)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(header)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    properties = normal.element.get_or_add_rPr()
    _fonts(properties)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    properties.append(language)
    doc.core_properties.language = "vi-VN"


def _masthead(doc, document: Document) -> None:
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [6.2, 10.3])
    left, right = table.cell(0, 0), table.cell(0, 1)
    _centred_lines(left, document.header_left, 13, spacing=1.0)
    _rule(left, 1.9, 1.9)
    motto = _cell_para(right)
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    motto.paragraph_format.space_after = Pt(0)
    motto.paragraph_format.line_spacing = 1.0
    _run(motto, document.motto[0], size=13, bold=True)
    slogan = _para(right, align="c", after=0, spacing=1.0)
    _run(slogan, document.motto[1], size=14, bold=True, underline=True)
    number = _cell_para(table.cell(1, 0))
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.space_before = Pt(6)
    _run(number, document.number, size=13)
    date = _cell_para(table.cell(1, 1))
    date.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date.paragraph_format.space_before = Pt(6)
    _run(date, document.date_line, size=14, italic=True)
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def _title(doc, document: Document) -> None:
    _para(doc, document.title, align="c", bold=True, before=18, after=0, spacing=1.0)
    for line in document.subject:
        _para(doc, line, align="c", bold=True, after=0, spacing=1.0)
    _rule(doc, 6.0, 6.0)
    _para(doc, "", after=6)


def _heading(doc, block: Heading) -> None:
    paragraph = _para(doc, block.text, bold=True, indent=True, before=6, after=6)
    _outline(paragraph, block.level - 1)
    paragraph.paragraph_format.keep_with_next = True


def _paragraph(doc, block: Paragraph, keep: bool) -> None:
    if block.note:
        paragraph = _para(doc, block.text, size=NOTE_PT, italic=True, indent=True, after=6)
        paragraph.paragraph_format.keep_with_next = keep
        return
    paragraph = _para(doc, indent=True)
    paragraph.paragraph_format.keep_with_next = keep
    if block.lead:
        _run(paragraph, block.lead, bold=True)
    _run(paragraph, block.text)


def _table(doc, block: Table) -> None:
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, block.widths_cm)
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, block.columns, strict=True):
        paragraph = _cell_para(cell)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, text, size=TABLE_PT, bold=True)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _shade(cell, HEADER_SHADE)
    for index, values in enumerate(block.rows, 1):
        row = table.rows[index]
        _cant_split(row)
        bold = block.total and index == len(block.rows)
        for cell, text, align in zip(row.cells, values, block.align, strict=True):
            paragraph = _cell_para(cell)
            paragraph.alignment = ALIGN[align]
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.line_spacing = 1.0
            _run(paragraph, text, size=TABLE_PT, bold=bold)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _para(doc, "", after=0, size=6)


def _chart(doc, block: Chart) -> None:
    paragraph = _para(doc, align="c", after=0, before=6)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
    _para(doc, block.caption, align="c", size=NOTE_PT, italic=True, after=8)


def _closing(doc, document: Document) -> None:
    _para(doc, document.closing, indent=True, before=6, after=12)
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [7.5, 9.0])
    _cant_split(table.rows[0])
    left, right = table.cell(0, 0), table.cell(0, 1)
    title = _cell_para(left)
    title.paragraph_format.space_after = Pt(0)
    _run(title, say("doc_recipients"), size=12, bold=True, italic=True)
    for line in document.recipients:
        paragraph = _para(left, line, align="l", size=11, after=0, spacing=1.0)
        paragraph.paragraph_format.keep_with_next = True
    _centred_lines(right, [(line, True) for line in document.signer], 14)
    for _ in range(4):
        _para(right, "", align="c", after=0)
    name = _para(right, document.signer_name, align="c", bold=True, after=0)
    name.paragraph_format.space_before = Pt(12)


def docx_bytes(document: Document) -> bytes:
    doc = new_docx()
    _setup(doc)
    _masthead(doc, document)
    _title(doc, document)
    blocks = document.blocks
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            _heading(doc, block)
        elif isinstance(block, Paragraph):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            _paragraph(doc, block, keep=isinstance(following, Table | Chart))
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Chart):
            _chart(doc, block)
    _closing(doc, document)
    # python-docx starts a document with one empty paragraph: drop it
    body = doc.element.body
    first = body[0]
    if first.tag == qn("w:p") and not "".join(first.itertext()).strip():
        body.remove(first)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def write_docx(document: Document, path: Path) -> None:
    atomic_write_bytes(path, docx_bytes(document))
