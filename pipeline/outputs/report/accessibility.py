"""The accessibility rules a report must meet, checked on the saved .docx, so that a report
edited in Word afterwards can be checked again before it is sent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.failures import NapError

if TYPE_CHECKING:
    from docx.document import Document

HEADING = "heading "  # the built-in names, as the file spells them


@dataclass(frozen=True)
class Finding:
    """One place of the document that breaks a rule, with what to do about it in Word."""

    file: str
    where: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.rule}: {self.message}"


def check_document(path: Path) -> list[Finding]:
    """Every finding in the document at `path`; an empty list when it passes."""
    from docx import Document as open_docx

    if not path.is_file():
        raise NapError(f"{path} not found; give the path of a report, e.g. outbox/2019/...docx")
    try:
        doc = open_docx(str(path))
    except Exception as exc:  # python-docx raises several kinds for a damaged file
        raise NapError(f"{path} cannot be opened as a Word document ({exc})") from exc
    found = [*_document(doc), *_pictures(doc), *_tables(doc), *_headings(doc)]
    return [Finding(path.name, where, rule, message) for where, rule, message in found]


def _document(doc: Document) -> Iterator[tuple[str, str, str]]:
    from docx.oxml.ns import qn

    if not doc.core_properties.title.strip():
        yield "document", "no-title", "no title; give one in File > Info > Properties"
    lang = doc.styles.element.find(
        "/".join(qn(t) for t in ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:lang"))
    )
    if not (doc.core_properties.language or (lang is not None and lang.get(qn("w:val")))):
        yield "document", "no-language", "no language; set it in Review > Language"


def _pictures(doc: Document) -> Iterator[tuple[str, str, str]]:
    """Every picture, inline or floating, needs words a screen reader can say instead."""
    from docx.oxml.ns import qn

    for number, properties in enumerate(doc.element.body.iter(qn("wp:docPr")), start=1):
        if not (properties.get("descr") or "").strip():
            yield (
                f"picture {number}",
                "no-alt-text",
                "no alternative text; right-click it > View Alt Text and say what it shows",
            )


def _tables(doc: Document) -> Iterator[tuple[str, str, str]]:
    """A header row that repeats on each page, named columns, rows that stay whole."""
    from docx.oxml.ns import qn

    heading = "the start"
    number = 0
    for element in doc.element.body.iterchildren():
        if element.tag == qn("w:p"):
            style = _style_name(doc, element)
            heading = _text(element) if style.startswith(HEADING) else heading
            continue
        if element.tag != qn("w:tbl"):
            continue
        number += 1
        where = f"table {number} (after '{heading}')"
        rows = element.findall(qn("w:tr"))
        if not rows or rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None:
            yield where, "no-header-row", "its first row is not marked to repeat as a header row"
            continue
        if any(not _text(cell).strip() for cell in rows[0].iter(qn("w:tc"))):
            yield where, "empty-header-cell", "a cell of its header row is empty; name the column"
        split = sum(1 for r in rows if r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is None)
        if split:
            yield where, "row-may-split", f"{split} rows may break across pages"


def _headings(doc: Document) -> Iterator[tuple[str, str, str]]:
    """Headings in order: the first of level 1, none more than one level below the last."""
    from docx.oxml.ns import qn

    last = 0
    for element in doc.element.body.iter(qn("w:p")):
        style = _style_name(doc, element)
        if not style.startswith(HEADING) or not style[len(HEADING) :].isdigit():
            continue
        level = int(style[len(HEADING) :])
        if level > last + 1:
            where = f"heading '{_text(element)}'"
            yield where, "heading-skips-a-level", f"level {level} comes after level {last}"
        last = level


def _style_name(doc: Document, paragraph) -> str:
    from docx.oxml.ns import qn

    style_id = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    if style_id is None:
        return ""
    style = doc.styles.element.get_by_id(style_id.get(qn("w:val")))
    return (style.name_val or "").lower() if style is not None else ""


def _text(element) -> str:
    from docx.oxml.ns import qn

    return "".join(t.text or "" for t in element.iter(qn("w:t")))
