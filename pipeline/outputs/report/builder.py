"""Word building blocks of the reports: the reference document, fields, fast tables, saving."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from pipeline.atomic import atomic_path
from pipeline.failures import NapError

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

TABLE_STYLE = "Report Table"
FIGURE_WIDTH_CM = 16.0
CONTENTS_DEPTH = 2  # chapters and their sections; the actions would fill pages
# Characters XML 1.0 cannot hold; a vertical tab is how some programs write a line break.
_CONTROL = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Ministry text as Word can hold it: line breaks kept, control characters dropped."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n"))


def open_reference(path: Path, placeholders: Mapping[str, str]) -> Document:
    """The reference document with its body removed and its header and footer filled in."""
    from docx import Document as open_docx
    from docx.oxml.ns import qn

    try:
        doc = open_docx(str(path))
    except Exception as exc:  # python-docx raises several kinds for a damaged file
        raise NapError(
            f"the reference document {path} cannot be opened ({exc}); restore it or run "
            "make_reference.py beside it"
        ) from exc
    body = doc.element.body
    if body.sectPr is None:
        raise NapError(f"the reference document {path} has no page set-up; run make_reference.py")
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header):
            for paragraph in part.paragraphs:
                for run in paragraph.runs:
                    if "$" in run.text:
                        run.text = Template(run.text).safe_substitute(placeholders)
    return doc


def _element(tag: str, **attributes: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}") if ":" not in name else qn(name), value)
    return element


def add_field(paragraph: Paragraph, instruction: str, shown: str, dirty: bool = False) -> None:
    """A Word field; `shown` stands until Word updates it, which a `dirty` field asks for."""
    begin = {"dirty": "true"} if dirty else {}
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="begin", **begin))
    instr = _element("w:instrText", **{"xml:space": "preserve"})
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="separate"))
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="end"))


class Builder:
    """Adds content to a document under the rules every report follows: headings listed in
    the contents, tables whose header row repeats and whose rows never split, charts with
    their alternative text. Each style name is resolved once: python-docx looks a style up on
    every use, and that was half the time of a report."""

    def __init__(
        self, doc: Document, labels: Mapping[str, str], label: Callable[[str], str]
    ) -> None:
        self.doc = doc
        self.labels = labels  # the words before caption numbers: figure, table
        self.label = label  # a label with the punctuation of the language: "Pillar: "
        self.ids = {style.name: style.style_id for style in doc.styles}
        self.end = doc.element.body.sectPr  # open_reference keeps it
        self.counts = dict.fromkeys(("figure", "table"), 0)
        self.headings: list[tuple[int, str, str]] = []  # level, text, bookmark
        self.contents_at: Paragraph | None = None

    def _id(self, name: str) -> str:
        try:
            return self.ids[name]
        except KeyError:
            raise NapError(
                f"the reference document has no style '{name}'; restore it or run make_reference.py"
            ) from None

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """A new paragraph at the end of the body. Put straight before the section properties:
        python-docx looks for them from the top each time, quadratic in a long report."""
        from docx.text.paragraph import Paragraph

        element = _element("w:p")
        self.end.addprevious(element)
        paragraph = Paragraph(element, self.doc._body)
        if style:
            paragraph._p.get_or_add_pPr().style = self._id(style)
        if text:
            paragraph.add_run(clean(text))
        return paragraph

    def labelled(self, label: str, text: str, style: str | None = None) -> Paragraph:
        """A paragraph "Label: text", the label bold and the text as written."""
        paragraph = self.paragraph(style=style)
        paragraph.add_run(self.label(label)).bold = True
        paragraph.add_run(clean(text))
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        """A real heading (Heading 1-3, which screen readers and the PDF outline list); levels
        1 and 2 get a bookmark that their line in the contents points at."""
        paragraph = self.paragraph(style=f"Heading {level}")
        if level <= CONTENTS_DEPTH:
            mark = f"_Toc{len(self.headings) + 1:08d}"  # "_": hidden from Word's bookmark list
            number = str(len(self.headings) + 1)
            paragraph._p.append(_element("w:bookmarkStart", id=number, name=mark))
            paragraph.add_run(clean(text))
            paragraph._p.append(_element("w:bookmarkEnd", id=number))
            self.headings.append((level, text, mark))
        else:
            paragraph.add_run(clean(text))
        return paragraph

    def contents(self, title: str) -> None:
        """The place of the contents: its lines are written by `finish`, once every heading is
        known."""
        heading = self.paragraph(title, "TOC Heading")
        heading.paragraph_format.page_break_before = True
        self.contents_at = heading

    def finish(self) -> None:
        """Write the contents: a line per heading, its title a link to it and its page number
        a PAGEREF field. LibreOffice fills the numbers as it lays the pages out, and so does
        its PDF; Word when it updates fields, which the fields' dirty mark asks of it."""
        if self.contents_at is None:
            return
        at = self.contents_at._p
        for level, text, mark in self.headings:
            line = self.paragraph(style=f"TOC {level}")
            link = _element("w:hyperlink", anchor=mark, history="1")
            link.append(_element("w:r"))
            link[0].append(_element("w:t", **{"xml:space": "preserve"}))
            link[0][0].text = clean(text)
            line._p.append(link)
            line.add_run().add_tab()
            add_field(line, f"PAGEREF {mark} \\h", "", dirty=True)
            at.addnext(line._p)
            at = line._p

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        widths_cm: Sequence[float],
        *,
        title: str,
        caption: bool = False,
        fills: Iterable[Sequence[str | None]] | None = None,
        mono: int | None = None,
        together: bool = False,
    ) -> Table:
        """A table in the reference's table style: its header row repeats on every page, no
        row splits across two, and `title` names it for screen readers (and above it as a
        numbered caption if `caption`).

        Rows are added one by one and written through `row.cells` (PITFALLS: table.cell(r, c)
        is 16 times slower). `fills` gives each body cell's background (or None); column
        `mono` uses the Checksum style; `together` keeps a short table on one page.
        """
        from docx.shared import Cm

        if caption:
            self._caption("table", title).paragraph_format.keep_with_next = True
        table = self.doc.add_table(rows=0, cols=len(header))
        table._tbl.tblPr.style = self._id(TABLE_STYLE)
        table.autofit = False
        table._tbl.tblPr.append(_element("w:tblCaption", val=title))
        widths = [Cm(w) for w in widths_cm]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        text_id, mono_id = self._id("Table Text"), self._id("Checksum")
        first = _add_row(table, header=True)
        for cell, text in zip(first.cells, header, strict=True):
            _write_cell(cell, text, self._id("Table Heading"), together)
        fill_rows = iter(fills) if fills is not None else None
        for values in rows:
            row_fills = next(fill_rows) if fill_rows is not None else ()
            for index, (cell, text) in enumerate(zip(_add_row(table).cells, values, strict=True)):
                _write_cell(cell, text, mono_id if index == mono else text_id, together)
                if index < len(row_fills) and row_fills[index]:
                    cell._tc.get_or_add_tcPr().append(
                        _element("w:shd", val="clear", color="auto", fill=row_fills[index])
                    )
        return table

    def figure(self, png: bytes, caption: str, alt: str) -> None:
        """A chart, its numbered caption on the same page, and `alt`, the words a screen
        reader says instead of the picture: what it shows and its key figure."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        if not alt.strip():
            raise NapError(
                f"the chart '{caption}' has no alternative text; give it its words in "
                "wording.toml, under [charts]"
            )
        picture = self.paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True
        shape = picture.add_run().add_picture(io.BytesIO(png), width=Cm(FIGURE_WIDTH_CM))
        shape._inline.docPr.set("descr", clean(alt))
        shape._inline.docPr.set("title", clean(caption))
        self._caption("figure", caption)

    def _caption(self, kind: str, text: str) -> Paragraph:
        """ "Figure 3. text": the number a SEQ field that Word and LibreOffice renumber."""
        self.counts[kind] += 1
        label = self.labels[kind]
        paragraph = self.paragraph(style="Caption")
        paragraph.add_run(f"{label} ")
        add_field(paragraph, f"SEQ {kind.title()} \\* ARABIC", str(self.counts[kind]))
        paragraph.add_run(f". {clean(text)}")
        return paragraph


def _add_row(table: Table, header: bool = False):
    """A row that never splits across pages; the header row repeats on each page."""
    row = table.add_row()
    properties = row._tr.get_or_add_trPr()
    properties.append(_element("w:cantSplit"))
    if header:
        properties.append(_element("w:tblHeader"))
    return row


def _write_cell(cell, text: str, style_id: str, together: bool) -> None:
    """Write straight into the cell's empty paragraph as plain elements: python-docx's
    property setters search for each child's place, which dominates a long report."""
    p = cell._tc.p_lst[0]
    properties = _element("w:pPr")
    properties.append(_element("w:pStyle", val=style_id))
    if together:
        properties.append(_element("w:keepNext"))
    p.insert(0, properties)
    if text:
        text = clean(text)
        run = p.add_r()
        if "\n" in text or "\t" in text:
            run.text = text  # python-docx writes the breaks and tabs as their elements
        else:
            run.append(_element("w:t", **{"xml:space": "preserve"}))
            run[-1].text = text


def set_properties(doc: Document, title: str, author: str, today: dt.date, language: str) -> None:
    """Fixed properties, so that the same ledger and date give the same file; and the
    document's language, by which screen readers and spelling checkers read it."""
    from docx.oxml.ns import qn

    moment = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = props.last_printed = moment
    props.revision = 1
    props.language = language
    path = "/".join(qn(tag) for tag in ("w:docDefaults", "w:rPrDefault", "w:rPr"))
    properties = doc.styles.element.find(path)
    if properties is None:
        raise NapError("the reference document has no default fonts; run make_reference.py")
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = _element("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), language)


def save_atomic(doc: Document, dest: Path) -> Path:
    """Write the document with fixed zip timestamps, then move it into place in one step, so a
    reader never sees half a file and two runs on the same data give the same bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    with (
        atomic_path(dest, held_by="Word") as tmp,
        zipfile.ZipFile(raw) as source,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return dest
