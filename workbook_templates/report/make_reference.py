"""Make reference.docx, the look of the reports; run once, then restyle the result in Word.

The reports take every style, the page set-up, the header and the footer from reference.docx
and replace its body. To change the look, open reference.docx in Word, modify the styles
(Home > Styles > right-click > Modify), the header or the footer, and save it under the same
name: no code changes. Run this script only to start again from the shipped look:

    python3 workbook_templates/report/make_reference.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle

HERE = Path(__file__).resolve().parent
FONT = "Arial"
MONO = "Courier New"
NAVY = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x40, 0x40, 0x40)
RED = RGBColor(0xC0, 0x00, 0x00)
TEXT_WIDTH = Cm(21.0 - 2 * 2.2)


def _fonts(element, name: str) -> None:
    """Set a font on every script and drop the theme fonts, which would otherwise win."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _paragraph_style(
    doc,
    name: str,
    *,
    size: float,
    base: str | None = None,
    bold: bool = False,
    italic: bool = False,
    colour: RGBColor | None = None,
    before: float = 0,
    after: float = 6,
    font: str = FONT,
) -> BaseStyle:
    styles = doc.styles
    if name in [s.name for s in styles]:
        style = styles[name]
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base or "Normal"]
        style.quick_style = True
    _fonts(style.element, font)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = colour or RGBColor(0, 0, 0)
    style.paragraph_format.space_before = Pt(before)
    style.paragraph_format.space_after = Pt(after)
    return style


def _remove_border(style: BaseStyle) -> None:
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _defaults(doc) -> None:
    """Document-wide font and language, so text without a style still looks right."""
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-GB")


def _styles(doc) -> None:
    _defaults(doc)
    normal = _paragraph_style(doc, "Normal", size=10, after=6)
    normal.paragraph_format.line_spacing = 1.15
    title = _paragraph_style(doc, "Title", size=26, bold=True, colour=NAVY, after=18)
    _remove_border(title)
    _paragraph_style(doc, "Subtitle", size=16, colour=NAVY, after=12)
    h1 = _paragraph_style(doc, "Heading 1", size=16, bold=True, colour=NAVY, before=0, after=8)
    h1.paragraph_format.page_break_before = True
    _paragraph_style(doc, "Heading 2", size=13, bold=True, colour=NAVY, before=14, after=4)
    _paragraph_style(doc, "Heading 3", size=10.5, bold=True, colour=GREY, before=10, after=3)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        doc.styles[name].paragraph_format.keep_with_next = True
    _paragraph_style(doc, "TOC Heading", size=16, bold=True, colour=NAVY, after=12)
    for level, indent in ((1, 0.0), (2, 0.6)):
        toc = _paragraph_style(doc, f"TOC {level}", size=10, bold=level == 1, after=3)
        toc.paragraph_format.left_indent = Cm(indent)
        toc.paragraph_format.tab_stops.add_tab_stop(
            TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
    _paragraph_style(doc, "Caption", size=9, italic=True, colour=GREY, before=3, after=12)
    _paragraph_style(doc, "List Bullet", size=10, after=3)
    _paragraph_style(doc, "Cover Line", size=12, colour=GREY, after=6)
    entry_heading = _paragraph_style(doc, "Entry Heading", size=10, before=8, after=2)
    entry_heading.paragraph_format.keep_with_next = True
    entry = _paragraph_style(doc, "Entry", size=10, after=2)
    entry.paragraph_format.left_indent = Cm(0.6)
    _paragraph_style(doc, "Draft Mark", size=18, bold=True, colour=RED, before=24, after=6)
    for name, bold in (("Table Text", False), ("Table Heading", True)):
        style = _paragraph_style(doc, name, size=8.5, bold=bold, after=0)
        style.paragraph_format.line_spacing = 1.0
    _paragraph_style(doc, "Checksum", size=7, base="Table Text", after=0, font=MONO)
    for name in ("Header", "Footer"):
        style = _paragraph_style(doc, name, size=8, colour=GREY, after=0)
        tabs = style.paragraph_format.tab_stops
        tabs.clear_all()  # the default template's stops are for US Letter
        tabs.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _table_style(doc)


def _border_set(parent, name: str, colour: str) -> None:
    borders = OxmlElement(name)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "4")
        edge.set(qn("w:space"), "0")
        edge.set(qn("w:color"), colour)
        borders.append(edge)
    parent.append(borders)


def _table_style(doc) -> None:
    """ "Report Table": thin grey grid, the first row shaded; every table of the reports."""
    style = doc.styles.add_style("Report Table", WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Table Grid"]
    tbl_pr = OxmlElement("w:tblPr")
    _border_set(tbl_pr, "w:tblBorders", "A6A6A6")
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", 30), ("left", 55), ("bottom", 30), ("right", 55)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(width))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tbl_pr.append(margins)
    style.element.append(tbl_pr)
    first_row = OxmlElement("w:tblStylePr")
    first_row.set(qn("w:type"), "firstRow")
    tc_pr = OxmlElement("w:tcPr")
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "D9E2F3")
    tc_pr.append(shading)
    first_row.append(tc_pr)
    style.element.append(first_row)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES...) whose result Word computes when the page is laid out."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _page(section) -> None:
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.1)
    section.start_type = WD_SECTION.NEW_PAGE
    section.different_first_page_header_footer = True  # the cover page has none


def _header_footer(section) -> None:
    header = section.header.paragraphs[0]
    header.style = "Header"
    header.add_run("$plan_title · $report_title\t")
    header.add_run("$mark").bold = True  # SAMPLE and DRAFT, when they apply
    footer = section.footer.paragraphs[0]
    footer.style = "Footer"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")
    section.first_page_header.is_linked_to_previous = False
    section.first_page_footer.is_linked_to_previous = False


def _sample(doc) -> None:
    """A body that shows each style; the reports replace it."""
    doc.add_paragraph("Reference document of the reports", "Title")
    doc.add_paragraph("Styles used by the annual and mid-term reports", "Subtitle")
    doc.add_paragraph("Cover lines: committee, office, date", "Cover Line")
    doc.add_paragraph("TOC Heading: Contents", "TOC Heading")
    doc.add_paragraph("TOC 1: a chapter in the contents\t3", "TOC 1")
    doc.add_paragraph("TOC 2: a section in the contents\t4", "TOC 2")
    doc.add_paragraph("DRAFT mark", "Draft Mark")
    doc.add_paragraph("Heading 1: one per chapter, on a new page", "Heading 1")
    doc.add_paragraph(
        "Normal text. Everything in this body is replaced when a report is made; the styles, "
        "the page set-up, the header and the footer are kept. In the header, $plan_title, "
        "$report_title and $mark (SAMPLE, DRAFT) are filled in by each report."
    )
    doc.add_paragraph("Heading 2: a section", "Heading 2")
    doc.add_paragraph("Heading 3: an action", "Heading 3")
    doc.add_paragraph("List Bullet: a commitment", "List Bullet")
    doc.add_paragraph("Entry Heading: a ministry's report on an action", "Entry Heading")
    doc.add_paragraph("Entry: its activities, challenges and next steps", "Entry")
    table = doc.add_table(rows=2, cols=2, style="Report Table")
    for cell, text, style in zip(
        table._cells,
        ("Table Heading", "Header row", "Table Text", "Body row"),
        ("Table Heading",) * 2 + ("Table Text",) * 2,
        strict=True,
    ):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = style
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    doc.add_paragraph("Caption: Figure 1. A chart or a table", "Caption")
    doc.add_paragraph("Checksum: 0123456789abcdef", "Checksum")


def make_reference(dest: Path = HERE / "reference.docx") -> Path:
    doc = Document()
    _styles(doc)
    _page(doc.sections[0])
    _header_footer(doc.sections[0])
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _sample(doc)
    package_rels = doc.part.package.rels
    for r_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # python-docx's own picture, not this document's
            package_rels.pop(r_id)
    props = doc.core_properties
    props.author = props.last_modified_by = "WPS action plan coordination"
    props.title = "Reference document of the reports"
    props.created = props.modified = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    props.revision = 1
    doc.save(dest)
    return dest


if __name__ == "__main__":
    print(make_reference())
