"""Word building blocks of the reports: the reference document, fields, fast tables, saving."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
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


def add_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A Word field; `shown` stands until Word updates it (TOC, SEQ...)."""
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="begin"))
    instr = _element("w:instrText", **{"xml:space": "preserve"})
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="separate"))
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="end"))


class Builder:
    """Adds content to a document, resolving each style name once: python-docx looks a style
    up on every use, and that was half the time of a report."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.ids = {style.name: style.style_id for style in doc.styles}
        self.end = doc.element.body.sectPr  # open_reference keeps it
        self.figures = 0

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
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(clean(text))
        return paragraph

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        widths_cm: Sequence[float],
        *,
        fills: Iterable[Sequence[str | None]] | None = None,
        mono: int | None = None,
        together: bool = False,
    ) -> Table:
        """A table in the reference's table style, its header row repeated on every page.

        Rows are added one by one and written through `row.cells` (PITFALLS: table.cell(r, c)
        is 16 times slower). `fills` gives each body cell's background (or None); column
        `mono` uses the Checksum style; `together` keeps a short table on one page.
        """
        from docx.shared import Cm

        table = self.doc.add_table(rows=0, cols=len(header))
        table._tbl.tblPr.style = self._id(TABLE_STYLE)
        table.autofit = False
        widths = [Cm(w) for w in widths_cm]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        text_id, mono_id = self._id("Table Text"), self._id("Checksum")
        first = table.add_row()
        first._tr.get_or_add_trPr().append(_element("w:tblHeader"))
        for cell, text in zip(first.cells, header, strict=True):
            _write_cell(cell, text, self._id("Table Heading"), together)
        fill_rows = iter(fills) if fills is not None else None
        for values in rows:
            row_fills = next(fill_rows) if fill_rows is not None else ()
            for index, (cell, text) in enumerate(zip(table.add_row().cells, values, strict=True)):
                _write_cell(cell, text, mono_id if index == mono else text_id, together)
                if index < len(row_fills) and row_fills[index]:
                    cell._tc.get_or_add_tcPr().append(
                        _element("w:shd", val="clear", color="auto", fill=row_fills[index])
                    )
        return table

    def figure(self, png: bytes, caption: str) -> None:
        """A chart and its numbered caption, kept on the same page."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        picture = self.paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(png), width=Cm(FIGURE_WIDTH_CM))
        self.figures += 1
        paragraph = self.paragraph(style="Caption")
        paragraph.add_run("Figure ")
        add_field(paragraph, "SEQ Figure \\* ARABIC", str(self.figures))
        paragraph.add_run(f". {caption}")


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


def set_properties(doc: Document, title: str, author: str, today: dt.date) -> None:
    """Fixed properties, so that the same ledger and date give the same file."""
    moment = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = props.last_printed = moment
    props.revision = 1


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
