"""The plain path reads a worksheet part exactly as the reader does, or leaves it to it; so
does the plain path of shared strings (at the end).

_plain_cells promises that whenever it returns a dict, that dict is the one _SheetReader
gives (same keys in the same order, equal cells), and that it returns None wherever the
reader refuses the part. Each part here is read both ways: parts saved by real writers, odd
but well-formed shapes, and a few hundred sheets from a seeded generator. At the end, the
shapes where a plain path that trusted the common markup would read otherwise than the reader.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from pipeline.intake import xlsx_reader
from pipeline.intake.xlsx_reader import (
    Cell,
    Limits,
    UnsafeWorkbook,
    _Namespaces,
    _Package,
    _plain_cells,
    _plain_strings,
    _SheetReader,
    read_cells,
)
from pipeline.template.issue import issue_templates
from pipeline.template.sample import fill_template, sample_answers
from tests.conftest import signed_workspace
from tests.hostile_files import MAIN_NS, base_members, sheet_xml, with_report, zip_bytes

PART = "xl/worksheets/sheet1.xml"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
X14AC_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'

# A shared-string table and the number format of each cell style, as _sheet_cells passes them.
STRINGS = (
    "Action ID",
    "",
    "  padded ",
    "line 1\nline 2",
    "twelve chars",  # over SMALL's 10 characters
    "_x000D_ kept",  # shared strings come unescaped already: left as it is
    "Activités",
)
FORMATS = ("", "0%", "DD/MM/YY", "0.00")
DEFAULT = Limits()
SMALL = Limits(max_cell_chars=10, max_rows=20, max_cols=5, max_merges=2)
MID = Limits(max_cell_chars=40, max_rows=20, max_cols=5, max_merges=2)

# How a part went: read by the plain path (and equal), left to the reader, refused by the
# reader (and the plain path gave None), or refused by expat before the plain path is asked.
PLAIN, FALLBACK, REFUSED, MALFORMED = "plain", "fallback", "refused", "malformed"
ANY = (PLAIN, FALLBACK)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Package]:
    """An open package, for its parse method: expat with the reader's refusals, as
    _Package.cells runs it."""
    path = tmp_path_factory.mktemp("package") / "book.xlsx"
    path.write_bytes(zip_bytes(base_members()))
    with _Package(path, DEFAULT) as opened:
        yield opened


def exact(cells: dict[str, Cell]) -> list[tuple[str, type, str]]:
    """Keys in order with each cell's class and repr: 1.0 is not True, -0.0 is not 0.0."""
    return [(ref, type(cell), repr(cell)) for ref, cell in cells.items()]


def read_both(
    package: _Package,
    content: bytes,
    strings: tuple[str, ...] = STRINGS,
    formats: tuple[str, ...] = FORMATS,
    limits: Limits = DEFAULT,
) -> str:
    """Read one worksheet part both ways, as _Package.cells would, and hold the plain path to
    its promise. Returns PLAIN, FALLBACK, REFUSED or MALFORMED."""
    namespaces = _Namespaces()
    try:  # _Package.cells asks expat first
        package.parse(PART, None, content=content, setup=namespaces.watch)
    except UnsafeWorkbook:
        return MALFORMED
    plain = _plain_cells(content, strings, formats, limits, namespaces)
    reader = _SheetReader("Report", list(strings), list(formats), limits)
    try:
        package.parse(PART, reader.start, reader.end, reader.data, content=content)
    except UnsafeWorkbook as exc:
        assert plain is None, (
            f"the reader refuses ({exc.code}: {exc}), the plain path reads {plain}"
        )
        return REFUSED
    if plain is None:
        return FALLBACK
    assert exact(plain) == exact(reader.cells)
    assert plain == reader.cells
    return PLAIN


def reader_cells(package: _Package, content: bytes, limits: Limits = DEFAULT) -> object:
    """What the reader alone makes of a part: {ref: value or formula} or its refusal's code."""
    reader = _SheetReader("Report", list(STRINGS), list(FORMATS), limits)
    try:
        package.parse(PART, reader.start, reader.end, reader.data, content=content)
    except UnsafeWorkbook as exc:
        return exc.code
    return {ref: cell.value for ref, cell in reader.cells.items()}


def document(body: str, root: str = f'worksheet xmlns="{MAIN_NS}"', prolog: str = DECLARATION):
    name = root.split()[0]
    return f"{prolog}<{root}>{body}</{name}>".encode()


# Real writers


def workbook_outcomes(path: Path, limits: Limits = DEFAULT) -> dict[str, str]:
    """Every worksheet part of a workbook read both ways, with its shared strings and
    styles found as _sheet_cells finds them."""
    with _Package(path, limits) as book:
        rels = book.relationships().values()
        names = book.zip.NameToInfo
        strings_part = next((p for k, p in rels if k.endswith("/sharedStrings")), "")
        styles_part = next((p for k, p in rels if k.endswith("/styles")), "")
        strings = book.shared_strings(strings_part) if strings_part in names else []
        formats = book.number_formats(styles_part) if styles_part in names else ()
        sheets = sorted(p for k, p in rels if k.endswith("/worksheet"))
        assert sheets
        return {
            part: read_both(book, book.content(part), tuple(strings), tuple(formats), limits)
            for part in sheets
        }


def openpyxl_book(path: Path) -> Path:
    """What openpyxl writes, with a formula error saved with its value as Excel saves it
    (openpyxl keeps no calculated values: the cell's XML is written by hand)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Report"
    sheet["A1"] = "Action ID"
    sheet["B1"] = 42
    sheet["C1"] = 2.5
    sheet["D1"] = True
    sheet["E1"] = "=SUM(B1:C1)"
    sheet["F1"] = "#N/A"
    sheet["G1"] = "  padded "
    sheet["H1"] = "line 1\nline 2"
    sheet["I1"] = "=1/0"
    sheet["A2"] = 0.25
    sheet["A2"].number_format = "0%"
    sheet["B2"] = 46024
    sheet["B2"].number_format = "DD/MM/YY"
    sheet["C2"] = "a & b < c _x000D_ Activités"
    sheet["D2"] = -0.0
    book.create_sheet("_meta")["A1"] = "ministry"
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    report = members[PART].decode()
    saved = report.replace(
        '<c r="I1"><f>1/0</f><v></v></c>', '<c r="I1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    )
    assert saved != report
    members[PART] = saved.encode()
    path.write_bytes(zip_bytes(members))
    return path


def xlsxwriter_book(path: Path) -> Path:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Report")
    percent = book.add_format({"num_format": "0%"})
    date = book.add_format({"num_format": "DD/MM/YY"})
    sheet.write_string(0, 0, "Action ID")
    sheet.write_number(0, 1, 12)
    sheet.write_number(0, 2, 0.25, percent)
    sheet.write_number(0, 3, 46024, date)
    sheet.write_boolean(0, 4, True)
    sheet.write_boolean(0, 5, False)
    sheet.write_formula(0, 6, "=B1*2", None, 24)
    sheet.write_formula(0, 7, "=1/0", None, "#DIV/0!")
    sheet.write_formula(0, 8, '="x"&"y"', None, "xy")
    sheet.write_formula(0, 9, "=B1>1", None, True)
    sheet.write_string(1, 0, "Activités\r\nréalisées")
    sheet.write_string(1, 1, "  padded ")
    sheet.write_string(1, 2, "a\x07b")  # written as _x0007_
    sheet.write_array_formula(2, 0, 3, 0, "{=B1:C1*2}", None, 24)
    sheet.merge_range("C3:D3", "merged")
    for number in range(4, 9):
        sheet.write_formula(number, 1, f"=A{number}+1", None, number)
    book.add_worksheet("_meta").write_string(0, 0, "ministry")
    book.close()
    return path


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Workbooks by writer: openpyxl, xlsxwriter, an issued template (xlsxwriter) and its
    SAMPLE answers typed in by fill_template (openpyxl)."""
    folder = tmp_path_factory.mktemp("written")
    with signed_workspace(tmp_path_factory, "equivalence") as ws:
        template = issue_templates(ws, 2019, ministries=["MJ"], today=dt.date(2020, 1, 15))[0]
        answers = sample_answers(ws.plan, "MJ", 2019)
        saved = dt.datetime(2020, 3, 1, tzinfo=dt.UTC)
        returned = fill_template(template, folder / "sample.xlsx", answers, saved=saved)
    return {
        "openpyxl": openpyxl_book(folder / "openpyxl.xlsx"),
        "xlsxwriter": xlsxwriter_book(folder / "xlsxwriter.xlsx"),
        "template": template,
        "template sample": returned,
    }


@pytest.fixture(scope="module")
def resaved(tmp_path_factory: pytest.TempPathFactory, written: dict[str, Path]) -> dict[str, Path]:
    """The same workbooks re-saved by LibreOffice, in one headless run."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is missing")
    folder = tmp_path_factory.mktemp("libreoffice")
    sources = folder / "in"
    sources.mkdir()
    inputs = {}
    for name, path in written.items():
        inputs[name] = sources / (name.replace(" ", "_") + ".xlsx")
        shutil.copyfile(path, inputs[name])
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder / "out"),
            *map(str, inputs.values()),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {f"libreoffice({name})": folder / "out" / path.name for name, path in inputs.items()}


# Writers whose every worksheet part the plain path must read itself.
TAKEN = ("openpyxl", "xlsxwriter", "template", "template sample")


@pytest.mark.parametrize("writer", TAKEN)
def test_every_worksheet_part_of_a_common_writer_takes_the_plain_path(written, package, writer):
    outcomes = workbook_outcomes(written[writer])
    assert outcomes == dict.fromkeys(outcomes, PLAIN)


@pytest.mark.parametrize("writer", TAKEN)
def test_libreoffice_resaved_parts_read_the_same_both_ways(resaved, writer):
    outcomes = workbook_outcomes(resaved[f"libreoffice({writer})"])
    assert outcomes == dict.fromkeys(outcomes, PLAIN)


@pytest.mark.parametrize("limits", [SMALL, MID], ids=["small", "mid"])
def test_real_writers_parts_under_tight_limits_still_match(written, limits):
    for writer, path in written.items():
        outcomes = workbook_outcomes(path, limits)
        assert set(outcomes.values()) <= {PLAIN, FALLBACK, REFUSED}, writer


def test_read_cells_takes_the_plain_path_for_a_returned_report(written, monkeypatch):
    """Through the public reader too: _SheetReader is not even made for the template sample."""

    def refuse(*_args: object) -> None:
        raise AssertionError("the reader's handlers ran")

    monkeypatch.setattr(xlsx_reader, "_SheetReader", refuse)
    found = read_cells(written["template sample"], ["Report", "_meta"])
    assert len(found["Report"]) > 20 and len(found["_meta"]) > 5


# Shapes, each a whole part, grouped by what must happen: the plain path reads it itself
# (PLAIN), it may leave it to the reader (ANY: equal whenever it reads), or the reader refuses
# it (REFUSED: the plain path gives None).


def row(cells: str, r: str = "1") -> str:
    return f'<row r="{r}">{cells}</row>' if r else f"<row>{cells}</row>"


def one_row(*written: str) -> bytes:
    """A part with one row of cells."""
    return sheet_xml(row("".join(written)))


COMMON = row(
    '<c r="A1" t="s"><v>0</v></c><c r="B1"><v>12</v></c><c r="C1" s="1"><v>0.25</v></c>'
    '<c r="D1" s="2"><v>46024</v></c><c r="E1" t="b"><v>1</v></c>'
) + row(
    '<c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B2" t="str"><f>"x"&amp;"y"</f>'
    '<v>xy</v></c><c r="C2" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>'
    '<c r="D2" s="3" t="n"><v>2.5</v></c><c r="E2" s="9"><v>7</v></c>',
    "2",
)
NUMBERS_READ = (
    '<c r="A1"><v> 12 </v></c><c r="B1"><v>1e3</v></c><c r="C1"><v>-0</v></c>'
    '<c r="D1" s="1"><v>.5</v></c><c r="E1"><v>1_000</v></c><c r="F1"><v>\t7\n</v></c>'
    '<c r="G1" s="3"><v>+1.5E-3</v></c><c r="H1" s="99"><v>8</v></c>'
)
SHARED = row(
    '<c r="A1"><f t="shared" ref="A1:C2" si="0">B1*2+$C$1+"B1"&amp;\'S 1\'!B1</f><v>2</v></c>'
    '<c r="B1"><f t="shared" si="0"/><v>3</v></c><c r="C1"><f t="shared" si="1"/><v>4</v></c>'
) + row(
    '<c r="A2"><f t="shared" si="0"/><v>5</v></c><c r="B2"><f t="shared" si="0">A1</f>'
    "<v>6</v></c><c r=\"C2\"><f t='shared' si='0'/><v>7</v></c>",
    "2",
)
EXT = '<ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}">'
AC = f'xmlns:x14ac="{X14AC_NS}"'
MC = f'xmlns:mc="{MC_NS}"'

READ = {
    # What writers produce, and the plain shape's own variations.
    "common shape": sheet_xml(COMMON),
    "no declaration": document(f"<sheetData>{COMMON}</sheetData>", prolog=""),
    "utf-8 bom": b"\xef\xbb\xbf" + sheet_xml(COMMON),
    "declaration in single quotes, lower case": document(
        f"<sheetData>{COMMON}</sheetData>", prolog="<?xml version='1.0' encoding='utf-8'?>"
    ),
    "utf8 declared without hyphen": sheet_xml(COMMON).replace(b"UTF-8", b"UTF8"),
    "xml 1.1 declared": sheet_xml(COMMON).replace(b'"1.0"', b'"1.1"'),
    "iso strict namespace": document(
        f"<sheetData>{COMMON}</sheetData>", f'worksheet xmlns="{STRICT_NS}"'
    ),
    "pretty printed": sheet_xml(
        '\n  <row r="1">\n    <c r="A1" t="s">\n      <v>0</v>\n    </c>\n'
        '    <c r="B1"><f>A1</f>\n      <v>3</v>\n    </c>\n'
        '    <c r="C1" t="inlineStr">\n      <is>\n        <t>x</t>\n      </is>\n    </c>\n'
        "  </row>\n",
        "\n",
    ),
    "crlf pretty printed": sheet_xml(
        '\r\n<row r="1">\r\n\t<c r="A1">\r\n\t\t<v>1</v>\r\n\t</c>\r\n</row>\r\n'
    ),
    "entity and character references in values": one_row(
        '<c r="A1" t="str"><f>"a"&amp;"b"&amp;CHAR(60)</f>',
        "<v>a&amp;b &lt;&gt; &quot;&apos;</v></c>",
        '<c r="B1" t="inlineStr"><is><t>&#65;&#x42;&#x1F600; &#171;x&#187;</t></is></c>',
        '<c r="C1"><v>&#49;&#x32;</v></c><c r="D1" t="s"><v>&#54;</v></c>',
    ),
    "crlf, lone cr and &#13; in texts": one_row(
        '<c r="A1" t="inlineStr"><is><t>a\r\nb\rc&#13;d&#13;&#10;e\r&#10;f</t></is></c>',
        '<c r="B1" t="str"><f>"a\r\nb"</f><v>a\r\nb&#13;</v></c>',
        '<c r="C1" t="inlineStr"><is><t xml:space="preserve">\r\n</t></is></c>',
        '<c r="D1" t="inlineStr" s="1"><is><t>x\ry</t></is></c>',
    ),
    "single-quoted attributes": sheet_xml(
        "<row r='1'><c r='A1' t='b'><v>1</v></c><c r='B1' s='1'><v>0.5</v></c></row>"
    ),
    "attributes in other orders": one_row(
        '<c t="s" r="A1"><v>0</v></c><c s="1" r="B1"><v>0.5</v></c>',
        '<c t="n" s="2" r="C1"><v>46024</v></c><c r="D1" t="n" s="3"><v>1</v></c>',
    ),
    "extra attributes": document(
        f'<sheetData {AC}><row r="1" spans="1:4" x14ac:dyDescent="0.25">'
        '<c r="A1" s="1" t="n" cm="1" vm="1" ph="1"><v>0.5</v></c>'
        '<c r="B1" cm="1"><f t="array" ref="B1">SUM(A1:A1*2)</f><v>1</v></c>'
        '<c r="C1" ph="1" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    ),
    "self-closed and empty v, t and f": one_row(
        '<c r="A1"><v/></c><c r="B1" t="s"><v></v></c>',
        '<c r="C1" t="inlineStr"><is><t/></is></c><c r="D1"><f/></c><c r="E1"><f/><v>2</v></c>',
        '<c r="F1" t="str"><f></f><v/></c><c r="G1" t="b"><v/></c><c r="H1" t="e"><v></v></c>',
        '<c r="I1" t="d"><v/></c>',
    ),
    "empty cells": one_row('<c r="A1"/><c r="B1"></c><c r="C1" s="1" t="s"/><c r="D1" t="e" />'),
    "empty sheet": sheet_xml(""),
    "cells without r and rows without r": sheet_xml(
        '<row><c><v>1</v></c><c t="s"><v>0</v></c><c/><c><v>4</v></c></row>'
        '<row r="5"><c><v>5</v></c><c r="D5"><v>6</v></c><c><v>7</v></c></row>'
        "<row><c><v>8</v></c></row><row/><row><c><v>9</v></c></row>"
    ),
    "cells before any row": sheet_xml('<c><v>1</v></c><c r="B2"><v>2</v></c><c><v>3</v></c>'),
    "duplicate references": sheet_xml(
        row('<c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="A1" t="s"><v>0</v></c>')
        + row('<c r="B1"/><c r="A1"><v>3</v></c>')
    ),
    "array formulas": sheet_xml(
        row('<c r="A1"><f t="array" ref="A1:A2">B1:B2*2</f><v>2</v></c>')
        + row('<c r="A2"><v>4</v></c>', "2")
    ),
    "cell types": one_row(
        '<c r="A1" t="str"><v>text</v></c><c r="B1" t="b"><v> 0 </v></c>',
        '<c r="C1" t="b"><v>true</v></c><c r="D1" t="e"><v>#N/A</v></c>',
        '<c r="E1" t="d" s="2"><v>2020-01-02T00:00:00</v></c>',
        '<c r="F1" t="s" s="1"><v> 6 </v></c><c r="G1" t="s"><v>1</v></c>',
    ),
    "_x000D_ escapes": one_row(
        '<c r="A1" t="inlineStr"><is><t>a_x000D_b_x0041__xD800_</t></is></c>',
        '<c r="B1" t="str"><f>"x"</f><v>_x000a_</v></c><c r="C1" t="d"><v>_x0032_</v></c>',
        '<c r="D1" t="s"><v>5</v></c>',
        '<c r="E1" t="inlineStr"><is><t>_x005F_x0041_</t></is></c>',
    ),
    "numbers": one_row(NUMBERS_READ),
    "c elements outside sheetData": sheet_xml(
        row('<c r="A1"><v>1</v></c>'),
        f'<extLst>{EXT}<row r="3"><c r="B3"><v>2</v></c></row>'
        '<c r="C3" t="inlineStr"><is><t>x</t></is></c></ext></extLst>',
    ),
    "prefixed foreign elements": sheet_xml(
        f'<x14ac:wrap {AC}><row r="1"><x14ac:foo a="1"/><c r="A1"><v>1</v></c>'
        '<x14ac:c r="B1"><x14ac:v>2</x14ac:v></x14ac:c></row></x14ac:wrap>'
        f'<x14ac:row {AC} r="0"/>',
    ),
    "mc:AlternateContent": sheet_xml(
        row('<c r="A1"><v>1</v></c>')
        + f'<mc:AlternateContent {MC} {AC}><mc:Choice Requires="x14ac">'
        '<row r="2"><c r="A2"><v>2</v></c></row></mc:Choice>'
        '<mc:Fallback><row r="2"><c r="A2"><v>3</v></c></row></mc:Fallback>'
        "</mc:AlternateContent>",
        f'<mc:AlternateContent {MC}><mc:Choice Requires="x14"><controls/></mc:Choice>'
        '<mc:Fallback><c r="E5"><v>5</v></c></mc:Fallback></mc:AlternateContent>',
    ),
    "mc:AlternateContent around cells": one_row(
        f'<mc:AlternateContent {MC}><mc:Choice Requires="x"><c r="A1"><v>1</v></c>',
        '</mc:Choice><mc:Fallback><c r="A1"><v>2</v></c></mc:Fallback></mc:AlternateContent>',
    ),
}
READ_TIGHT = {  # under SMALL or MID limits
    "text at the limit once references are resolved": (
        one_row(
            '<c t="inlineStr"><is><t>&amp;&amp;&amp;&amp;&amp;&#65;&#66;&#67;&#68;&#69;</t>',
            "</is></c>",
        ),
        SMALL,
    ),
    "merges within limits": (
        sheet_xml(
            row('<c r="A1"><v>1</v></c>'),
            '<mergeCells count="2"><mergeCell ref="A1:B2"/><mergeCell ref="C3"/></mergeCells>',
        ),
        MID,
    ),
    "empty cells beyond limits": (
        one_row('<c r="Z99"/><c r="F1"><v/></c><c r="A1"><v>1</v></c>'),
        MID,
    ),
}
EITHER = {
    "self-closed root": f'{DECLARATION}<worksheet xmlns="{MAIN_NS}"/>'.encode(),
    # Elements that the reader's state follows outside any cell: harmless here, and the
    # plain path leaves them to the reader.
    "is around a cell with its own is": sheet_xml(
        '<is><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c>'
        '<c r="B1"><v>1</v></c></row></is>'
    ),
    "v around cells": sheet_xml(
        '<v><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></v>'
    ),
    "shared-looking f around cells": sheet_xml(
        '<f t="shared" si="0">B1</f><f t="shared" si="0"><row r="1">'
        '<c r="A1"><f>C1</f><v>1</v></c></row></f>'
    ),
    "comments": sheet_xml('<!-- a --><row r="1"><!-- b --><c r="A1"><!-- c --><v>1</v></c></row>'),
    "comment in a value": one_row('<c r="A1"><v>1<!-- x -->2</v></c>'),
    "cdata in t": one_row('<c r="A1" t="inlineStr"><is><t><![CDATA[a<b&amp;]]></t></is></c>'),
    "processing instructions": sheet_xml(
        row('<?pi a?><c r="A1"><v>1</v></c>'), "<?pi b?>", "<?xml-stylesheet href='x'?>"
    ),
    "a processing instruction in place of the declaration": document(
        row('<c r="A1"><v>1</v></c>'), prolog="<?xml-stylesheet href='x'?>"
    ),
    "prefixed main namespace": document(
        '<x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>'
        '<x:c r="B1"><x:v>2</x:v></x:c></x:row></x:sheetData>',
        f'x:worksheet xmlns:x="{MAIN_NS}"',
    ),
    "main namespace both default and prefixed": document(
        f'<sheetData xmlns:x="{MAIN_NS}"><row r="1"><x:c r="A1"><x:v>1</x:v></x:c>'
        '<c r="B1"><v>2</v></c></row></sheetData>'
    ),
    "strict namespace bound to a prefix inside a transitional part": document(
        f'<sheetData xmlns:s="{STRICT_NS}"><row r="1"><s:c r="A1"><s:v>1</s:v></s:c>'
        '<c r="B1"><v>2</v></c></row></sheetData>'
    ),
    "default namespace redeclared inside": document(
        f'<sheetData xmlns="{MAIN_NS}"><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
        '<extLst xmlns="urn:other"><c r="B1"><v>2</v></c></extLst>'
    ),
    "default namespace undeclared inside": document(
        '<sheetData xmlns=""><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
    ),
    "another default namespace inside": document(
        '<sheetData xmlns="urn:other"><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
    ),
    "no namespace": document(f"<sheetData>{COMMON}</sheetData>", "worksheet"),
    "other root element": document(
        f"<sheetData>{COMMON}</sheetData>", f'chartsheet xmlns="{MAIN_NS}"'
    ),
    "root name running on": document(
        f"<sheetData>{COMMON}</sheetData>", f'worksheet-x xmlns="{MAIN_NS}"'
    ),
    "root spread over lines": document(
        f"<sheetData>{COMMON}</sheetData>", f'worksheet\n  xmlns="{MAIN_NS}"\n  a="1"'
    ),
    "root attribute holding a >": document(
        f"<sheetData>{COMMON}</sheetData>", f'worksheet a=">" xmlns="{MAIN_NS}"'
    ),
    "utf-16 le with bom": sheet_xml(COMMON).decode().replace("UTF-8", "UTF-16").encode("utf-16"),
    "utf-16 be with bom": b"\xfe\xff"
    + sheet_xml(COMMON).decode().replace("UTF-8", "UTF-16").encode("utf-16-be"),
    "iso-8859-1 declared": one_row('<c r="A1" t="inlineStr"><is><t>Activités</t></is></c>')
    .decode()
    .replace("UTF-8", "ISO-8859-1")
    .encode("latin-1"),
    "iso-8859-1 declared, ascii only": sheet_xml(COMMON).replace(b"UTF-8", b"ISO-8859-1"),
    "us-ascii declared": sheet_xml(COMMON).replace(b"UTF-8", b"US-ASCII"),
    "references in attribute values": sheet_xml(
        '<row r="&#49;"><c r="&#65;1"><v>1</v></c><c r="B1" t="&#115;"><v>0</v></c>'
        '<c r="C1" s="&#49;"><v>0.5</v></c></row>'
    ),
    "tabs and newlines inside tags": sheet_xml(
        '<row\tr="1"\n><c\tr="A1"\nt="s"\r\n><v\n>0</v\t></c\n><c r="B1"\ts="1"><v>1</v></c></row>'
    ),
    "tabs and newlines inside attribute values": sheet_xml(
        '<row r="1\t"><c r="B1" s="1\n"><v>1</v></c><c r="C1" t="s" s="\t1"><v>0</v></c></row>'
    ),
    "spaces around the equals sign": sheet_xml(
        '<row r = "1"><c r= "A1" t ="s"><v>0</v></c><c r="B1" s = "1"><v>1</v></c></row>'
    ),
    "shared formulas": sheet_xml(SHARED),
    "a shared formula moved off the sheet": sheet_xml(
        row('<c r="B2"><f t="shared" ref="B2:B3" si="0">A1</f><v>1</v></c>', "2")
        + row('<c r="A3"><f t="shared" si="0"/><v>1</v></c>', "3")
    ),
    "inline rich runs and phonetic guides": one_row(
        '<c r="A1" t="inlineStr"><is><r><t>a</t></r><r><rPr><b/></rPr><t>b</t></r></is></c>',
        '<c r="B1" t="inlineStr"><is><t>x</t><rPh sb="0" eb="1"><t>&#x30A2;</t></rPh>',
        '<phoneticPr fontId="1"/></is></c>',
        '<c r="C1" t="inlineStr"><is><t>a</t><t>b</t></is></c>',
    ),
    "nested c inside c": one_row('<c r="A1"><c r="B1"><v>1</v></c></c><c r="C1"><v>2</v></c>'),
    "other children in a cell": one_row(
        f'<c r="A1"><x14ac:foo {AC}/><v>1</v></c><c r="B1"><v>2</v><extLst/></c>',
        '<c r="C1">text<v>3</v></c><c r="D1"><v>4</v><f>A1</f></c><c r="E1">\u00a0<v>5</v></c>',
    ),
    "v with attributes": one_row('<c r="A1"><v a="1">1</v></c>'),
    "a t element in a cell without is": one_row('<c r="A1" t="inlineStr"><t>x</t></c>'),
}
EITHER_TIGHT = {  # under SMALL limits
    "stray texts outside cells within limits": (
        sheet_xml(
            '<v>9</v><row r="1"><f>A1</f><c><v>1</v></c><v>x</v><is><t>y</t></is></row>',
            "<v>short</v><si><t>z</t></si>",
        ),
        SMALL,
    ),
}
REFUSED_ANYWAY = {  # under the default limits
    "row r=0": sheet_xml(row("<c><v>1</v></c>", "0")),
    "row r=-1 with r on cells": sheet_xml(row('<c r="A1"><v>1</v></c>', "-1")),
    "row r not a number": sheet_xml(row('<c r="A1"><v>1</v></c>', "1e3")),
    "empty cell of an unknown type": one_row('<c r="A1"/><c r="E1" t="x"/>'),
    "unknown cell type": one_row('<c r="A1" t="x"><v>1</v></c>'),
    "shared string out of range": one_row('<c r="A1" t="s"><v>7</v></c>'),
    "shared string negative": one_row('<c r="A1" t="s"><v>-1</v></c>'),
    "shared string not an index": one_row('<c r="A1" t="s"><v>1.0</v></c>'),
    "boolean yes": one_row('<c r="A1" t="b"><v>yes</v></c>'),
    "nan": one_row('<c r="A1"><v>nan</v></c>'),
    "inf": one_row('<c r="A1"><v>-inf</v></c>'),
    "number too large": one_row('<c r="A1"><v>1e400</v></c>'),
    "not a number": one_row(NUMBERS_READ, '<c r="I1"><v>0x</v></c>'),
    "decimal comma": one_row('<c r="A1"><v>12,5</v></c>'),
    "leading zero reference": one_row('<c r="A01"><v>1</v></c>'),
    "lower-case reference": one_row('<c r="a1"><v>1</v></c>'),
    "lower-case reference of an empty cell": one_row('<c r="a1"/>'),
    "four column letters": one_row('<c r="ZZZZ1"><v>1</v></c>'),
    "huge column letters": one_row('<c r="ZZZ1"><v>1</v></c>'),
    "last cell of excel": sheet_xml(row('<c r="XFD1048576"><v>1</v></c>', "1048576")),
    "absolute reference": one_row('<c r="$A$1"><v>1</v></c>'),
    "merge without a range": sheet_xml("", '<mergeCells><mergeCell ref=""/></mergeCells>'),
    "merge of a bad range": sheet_xml("", '<mergeCells><mergeCell ref="A1:b2"/></mergeCells>'),
    "style given by a superscript digit": one_row('<c r="A1" s="\u00b2"><v>1</v></c>'),
}
REFUSED_TIGHT = {  # under SMALL limits
    "beyond max_rows": sheet_xml(row('<c r="A21"><v>1</v></c>', "21")),
    "beyond max_cols": one_row('<c r="F1"><v>1</v></c>'),
    "beyond max_cols by position": one_row("<c><v>1</v></c>" * 6),
    "beyond max_rows by position": sheet_xml("<row/>" * 20 + "<row><c><v>1</v></c></row>"),
    "over-long inline text": one_row('<c t="inlineStr"><is><t>eleven char</t></is></c>'),
    "over-long shared string": one_row('<c t="s"><v>4</v></c>'),
    "over-long formula": one_row("<c><f>12345678901</f></c>"),
    "over-long number text": one_row("<c><v>1          </v></c>"),
    "over-long str value": one_row('<c t="str"><v>12345678901</v></c>'),
    "escaped text counted before its escapes are undone": one_row(
        '<c t="inlineStr"><is><t>_x0041__x0042_</t></is></c>'
    ),
    "over-long text of the common shape": one_row(
        f'<c r="A1" t="inlineStr"><is><t>{"x" * 41}</t></is></c>'
    ),
    "merges beyond the count": sheet_xml(
        row('<c r="A1"><v>1</v></c>'),
        '<mergeCells><mergeCell ref="A1:B1"/><mergeCell ref="A2:B2"/><mergeCell ref="A3:B3"/>'
        "</mergeCells>",
    ),
    "merge beyond the area": sheet_xml(
        row('<c r="A1"><v>1</v></c>'), '<mergeCells><mergeCell ref="A1:F1"/></mergeCells>'
    ),
}
NOT_WELL_FORMED = {  # refused by expat before the plain path is asked
    "dtd": sheet_xml(row('<c r="A1"><v>1</v></c>'), prolog="<!DOCTYPE worksheet>"),
    "undefined entity": one_row('<c r="A1"><v>&nbsp;</v></c>'),
}
SHAPES = [
    *((name, content, DEFAULT, PLAIN) for name, content in READ.items()),
    *((name, content, limits, PLAIN) for name, (content, limits) in READ_TIGHT.items()),
    *((name, content, DEFAULT, ANY) for name, content in EITHER.items()),
    *((name, content, limits, ANY) for name, (content, limits) in EITHER_TIGHT.items()),
    *((name, content, DEFAULT, REFUSED) for name, content in REFUSED_ANYWAY.items()),
    *((name, content, SMALL, REFUSED) for name, content in REFUSED_TIGHT.items()),
    *((name, content, DEFAULT, MALFORMED) for name, content in NOT_WELL_FORMED.items()),
]


@pytest.mark.parametrize(
    ("content", "limits", "expected"), [s[1:] for s in SHAPES], ids=[s[0] for s in SHAPES]
)
def test_each_shape_reads_the_same_both_ways(package, content, limits, expected):
    outcome = read_both(package, content, limits=limits)
    assert outcome in (expected if isinstance(expected, tuple) else (expected,))


@pytest.mark.parametrize("limits", [DEFAULT, SMALL, MID], ids=["default", "small", "mid"])
def test_every_shape_under_every_limits_and_without_styles_or_strings(package, limits):
    for name, content, _limits, _expected in SHAPES:
        for strings, formats in ((STRINGS, FORMATS), ((), ())):
            outcome = read_both(package, content, strings, formats, limits)
            assert outcome != MALFORMED or name in NOT_WELL_FORMED, name


# A seeded generator of sheets from the same building blocks. Each sheet has its own share of
# odd blocks, from none (a sheet as writers save it, for the plain path) to many. It leaves out
# the shapes of the breaks below (xmlns with a space before "=", namespace URIs or formula
# types written with references, rPh, v or t elements around cells, long texts outside cells).

NUMBERS = ("12", " 12 ", "1e3", "-0", "2.5", "0.25", "46024", ".5", "1_000", "\t7\n", "")
INDEXES = ("0", "1", "2", "3", "4", "5", "6", " 1 ", "")
BOOLEANS = ("1", "0", " 1 ", "true", "false", "")
ERRORS = ("#N/A", "#DIV/0!", "#REF!", "")
REFUSED_VALUES = {
    "n": ("nan", "inf", "x", "1e400", "12,5"),
    "s": ("7", "-1", "1.0"),
    "b": ("yes", "2"),
}
TEXTS = (
    "Action ID",
    "a &amp; b",
    "&lt;tag&gt; &quot;q&quot; &apos;",
    "_x000D_x",
    "_x0041__xD800_",
    "line\r\nbreak",
    "cr\ronly",
    "ref&#13;&#10;x",
    "Activités",
    "  padded ",
    "ten chars!",
    "eleven char",
    "x" * 41,
    "",
    "&#x1F600;&#171;",
    "\t tab\n",
    ">",
)
FORMULAS = ("B1*2", "SUM(A1:B2)", '"x"&amp;"y"', "A1+$B$1+'Sheet 2'!C3", "1/0", "x" * 11, "")
VALUES = {"n": NUMBERS, "s": INDEXES, "b": BOOLEANS, "e": ERRORS}
TYPES = (None, "n", "s", "b", "e", "str", "inlineStr", "d")
TYPE_WEIGHTS = (6, 2, 4, 2, 1, 2, 4, 1)
LETTERS = ("A", "B", "C", "D", "E", "F", "G", "Z", "AA", "XFD")
LETTER_WEIGHTS = (9, 8, 7, 5, 4, 2, 1, 1, 1, 0.3)


class SheetMaker:
    """One random sheet from a seed; `odd` is its share of odd blocks."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.odd = self.rng.choice((0.0, 0.0, 0.03, 0.1, 0.3))
        self.prefix = ""
        self.shared: list[str] = []

    def chance(self, weight: float = 1.0) -> bool:
        return self.rng.random() < self.odd * weight

    def sheet(self) -> bytes:
        rng = self.rng
        mode = rng.choice(("strict", "prefixed", "none", "inner")) if self.chance(0.5) else "main"
        p = self.prefix = "x:" if mode == "prefixed" else ""
        namespace = STRICT_NS if mode == "strict" else MAIN_NS
        declarations = f' xmlns:x14ac="{X14AC_NS}" xmlns:mc="{MC_NS}"'
        if mode == "prefixed":
            declarations = f' xmlns:x="{namespace}"' + declarations
        elif mode != "none":
            declarations = f' xmlns="{namespace}"' + declarations
        inner = ""
        if mode == "inner":
            inner = rng.choice((f' xmlns="{MAIN_NS}"', ' xmlns="urn:other"', ' xmlns=""'))
        body = f"<{p}sheetData{inner}>{self.rows()}</{p}sheetData>{self.tail()}"
        encoding = rng.choice(("utf-8-sig", "utf-16", "latin-1")) if self.chance(0.5) else "utf-8"
        named = {
            "utf-8": "UTF-8",
            "utf-8-sig": "UTF-8",
            "utf-16": "UTF-16",
            "latin-1": "ISO-8859-1",
        }
        prolog = rng.choice(
            (
                f'<?xml version="1.0" encoding="{named[encoding]}" standalone="yes"?>',
                f"<?xml version='1.0' encoding='{named[encoding].lower()}'?>",
                '<?xml version="1.0"?>' if encoding != "latin-1" else "",
                "" if encoding != "latin-1" else "<?xml version='1.0' encoding='latin1'?>",
            )
        )
        if not prolog and encoding == "latin-1":
            prolog = '<?xml version="1.0" encoding="iso-8859-1"?>'
        newline = rng.choice(("", "", "\n"))
        text = f"{prolog}{newline}<{p}worksheet{declarations}>{body}</{p}worksheet>"
        return text.encode(encoding)

    def rows(self) -> str:
        rng, p = self.rng, self.prefix
        rows = []
        number = 0
        between = rng.choice(("", "", "", "\n", "\n  ", "\r\n", "\t"))
        for _ in range(rng.randint(0, 5)):
            number += rng.choice((1, 1, 1, 2, 5))
            if rng.random() < 0.15:
                attrs = ""
            elif self.chance(0.2):
                attrs, number = ' r="0"', 0
            else:
                attrs = f' r="{number}"' + rng.choice(
                    ("", ' spans="1:5"', ' ht="15" customHeight="1"')
                )
            cells = between.join(self.cell(number) for _ in range(rng.randint(0, 6)))
            rows.append(
                f"<{p}row{attrs}>{between}{cells}{between}</{p}row>"
                if cells
                else f"<{p}row{attrs}/>"
            )
        return between + between.join(rows) + between

    def ref(self, row_number: int) -> str | None:
        rng = self.rng
        if self.chance(0.3):
            return rng.choice(("a1", "A01", "ZZZZ1", "&#65;1", "B0", "$A$1"))
        if rng.random() < 0.2:
            return None
        number = row_number if row_number > 0 and rng.random() < 0.8 else rng.randint(1, 25)
        return f"{rng.choices(LETTERS, LETTER_WEIGHTS)[0]}{number}"

    def cell(self, row_number: int) -> str:
        rng, p = self.rng, self.prefix
        attrs = []
        ref = self.ref(row_number)
        if ref is not None:
            attrs.append(("r", ref))
        if rng.random() < 0.5:
            attrs.append(("s", rng.choice(("0", "1", "2", "3", "9", "01"))))
        ctype = "x" if self.chance(0.1) else rng.choices(TYPES, TYPE_WEIGHTS)[0]
        if ctype is not None:
            attrs.append(("t", ctype))
        extras = (("cm", "1"), ("vm", "1"), ("ph", "1"), ("x14ac:dyDescent", "0.25"))
        attrs += rng.sample(extras, rng.choice((0, 0, 0, 0, 1, 2)))
        if self.chance():
            rng.shuffle(attrs)
        quote = "'" if self.chance(0.5) else '"'
        separator = rng.choice(("  ", "\t", "\n", "\r\n ")) if self.chance(0.5) else " "
        written = "".join(f"{separator}{name}={quote}{value}{quote}" for name, value in attrs)
        content = self.content(ctype)
        if content is None:
            return f"<{p}c{written}{rng.choice(('', ' '))}/>"
        return f"<{p}c{written}>{content}</{p}c>"

    def content(self, ctype: str | None) -> str | None:
        """The inside of a cell; None for a self-closed cell."""
        rng, p = self.rng, self.prefix
        kinds = ("closed", "empty", "v", "v/", "f v", "f/", "f", "array", "is")
        kind = rng.choices(kinds, (2, 1, 14, 1, 3, 1, 1, 1, 6))[0]
        if self.chance():
            kind = rng.choice(("shared", "shared", "rich", "odd"))
        texts = VALUES.get(ctype or "n", TEXTS)
        if self.chance(0.3):
            texts = REFUSED_VALUES.get(ctype or "n", TEXTS)
        value = rng.choice(texts)
        formula = rng.choice(FORMULAS)
        space = rng.choice(("", "", "", " ", "\n  ", "\r\n\t"))
        text = rng.choice(TEXTS)
        if kind == "closed":
            return None
        if kind == "empty":
            return space
        if kind == "v":
            return f"{space}<{p}v>{value}</{p}v>{space}"
        if kind == "v/":
            return f"<{p}v/>"
        if kind == "f v":
            return f"<{p}f>{formula}</{p}f>{space}<{p}v>{value}</{p}v>"
        if kind == "f/":
            return f"<{p}f/><{p}v>{value}</{p}v>"
        if kind == "f":
            return f"<{p}f>{formula}</{p}f>"
        if kind == "array":
            return f'<{p}f t="array" ref="A1:A2">{formula}</{p}f><{p}v>{value}</{p}v>'
        if kind == "is":
            preserve = rng.choice(("", ' xml:space="preserve"', " xml:space='preserve'"))
            return f"<{p}is>{space}<{p}t{preserve}>{text}</{p}t>{space}</{p}is>"
        if kind == "shared":
            si = rng.choice(("0", "1"))
            if si not in self.shared or rng.random() < 0.3:
                self.shared.append(si)
                anchor = formula or "A1"
                return f'<{p}f t="shared" ref="A1:E9" si="{si}">{anchor}</{p}f><{p}v>{value}</{p}v>'
            return f'<{p}f t="shared" si="{si}"/><{p}v>{value}</{p}v>'
        if kind == "rich":
            return rng.choice(
                (
                    f"<{p}is><{p}r><{p}t>{text}</{p}t></{p}r><{p}r><{p}t>b</{p}t></{p}r></{p}is>",
                    f'<{p}is><{p}t>{text}</{p}t><{p}rPh sb="0" eb="1"><{p}t>&#x30A2;</{p}t>'
                    f"</{p}rPh></{p}is>",
                )
            )
        return rng.choice(
            (
                f"<!-- note --><{p}v>{value}</{p}v>",
                f"<{p}is><{p}t><![CDATA[{text}<]]></{p}t></{p}is>",
                f"<{p}v>{value}</{p}v><x14ac:foo/>",
                f"<{p}v>{value}</{p}v><{p}f>{formula}</{p}f>",
                f"<?pi x?><{p}v>{value}</{p}v>",
                f"text<{p}v>{value}</{p}v>",
            )
        )

    def tail(self) -> str:
        rng, p = self.rng, self.prefix
        parts = []
        if rng.random() < 0.3:
            merges = [
                f'<{p}mergeCell ref="{rng.choice(LETTERS[:6])}{rng.randint(1, 22)}:'
                f'{rng.choice(LETTERS[:7])}{rng.randint(1, 22)}"/>'
                for _ in range(rng.randint(0, 3))
            ]
            parts.append(f'<{p}mergeCells count="{len(merges)}">{"".join(merges)}</{p}mergeCells>')
        extras = [
            f'<{p}extLst><{p}ext uri="{{78C0D931}}"><{p}c r="C3"><{p}v>7</{p}v></{p}c></{p}ext>'
            f"</{p}extLst>",
            '<x14ac:foo bar="1"><x14ac:c r="A1"/></x14ac:foo>',
            '<mc:AlternateContent><mc:Choice Requires="x14ac"><x14ac:foo/></mc:Choice>'
            f'<mc:Fallback><{p}c r="D4"><{p}v>4</{p}v></{p}c></mc:Fallback></mc:AlternateContent>',
            f"<{p}v>1</{p}v><{p}f>A1</{p}f><{p}is><{p}t>x</{p}t></{p}is>",
            f'<{p}pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/>',
        ]
        if self.chance():
            extras += ["<!-- note -->", "<?pi x?>"]
        parts += rng.sample(extras, rng.choice((0, 0, 1, 2)))
        return "".join(parts)


SEEDS = range(400)


# Parts over _LISTED_AT_ONCE characters have their matches found one at a time: 0 sends every
# part that way.
@pytest.mark.parametrize("listed_at_once", [xlsx_reader._LISTED_AT_ONCE, 0], ids=["listed", "one"])
def test_seeded_random_sheets_read_the_same_both_ways(package, listed_at_once, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "_LISTED_AT_ONCE", listed_at_once)
    outcomes = dict.fromkeys((PLAIN, FALLBACK, REFUSED, MALFORMED), 0)
    for seed in SEEDS:
        maker = SheetMaker(seed)
        content = maker.sheet()
        limits = maker.rng.choice((DEFAULT, DEFAULT, MID, SMALL))
        strings = STRINGS if maker.rng.random() < 0.9 else ()
        try:
            outcome = read_both(package, content, strings, FORMATS, limits)
        except AssertionError as exc:
            raise AssertionError(f"seed {seed}, {limits}: {content!r}") from exc
        outcomes[outcome] += 1
    # Every sheet is well formed, and each way is taken often enough to be tested.
    assert outcomes[MALFORMED] == 0
    assert outcomes[PLAIN] >= len(SEEDS) // 4, outcomes
    assert outcomes[FALLBACK] >= len(SEEDS) // 10, outcomes
    assert outcomes[REFUSED] >= len(SEEDS) // 10, outcomes


def test_the_generator_is_deterministic_and_writes_each_block():
    sheets = [SheetMaker(seed).sheet() for seed in SEEDS]
    assert sheets[:20] == [SheetMaker(seed).sheet() for seed in range(20)]
    written = b"".join(sheets)
    for block in (
        b't="inlineStr"',
        b't="shared"',
        b"<mergeCell ",
        b"<!--",
        b"<![CDATA[",
        b"<x:c",
        b"\xff\xfe",
        b"latin1",
        b"<mc:AlternateContent>",
        b"\r\n",
    ):
        assert block in written, block
    assert re.search(rb'<c r="[A-Z]+[0-9]+" t="s"><v>[0-9]</v></c>', written)


# Shapes where a plain path that looked only at the common markup would read what the reader
# does not: each test first checks what the reader makes of the part, then holds the plain
# path to it.
MAIN_BY_REFERENCES = MAIN_NS[:-3] + "&#97;in"  # ".../main" with its "a" written &#97;


@pytest.mark.parametrize(
    "content",
    [
        # The plain path: {"A1": 5.0}.
        document('<sheetData xmlns =""><row r="1"><c r="A1"><v>5</v></c></row></sheetData>'),
        # The root's own namespace is urn:other; the xmlns="..." that the plain path takes for
        # the root's is the text of the attribute a, cut at its ">". The plain path: A1 = 5.0.
        document(
            '<sheetData><row r="1"><c r="A1"><v>5</v></c></row></sheetData>',
            f'worksheet xmlns ="urn:other" a=\' xmlns="{MAIN_NS}">\'',
        ),
    ],
    ids=["inside", "root"],
)
def test_a_default_namespace_declared_with_a_space_is_not_the_main_one(package, content):
    assert reader_cells(package, content) == {}  # no element is in the main namespace
    read_both(package, content)


def test_a_prefix_bound_to_the_main_namespace_through_character_references(package):
    content = document(
        f'<sheetData xmlns:x="{MAIN_BY_REFERENCES}"><x:row r="1"><x:c r="A1"><x:v>5</x:v>'
        "</x:c></x:row></sheetData>"
    )
    assert reader_cells(package, content) == {"A1": 5.0}  # the plain path: {}
    read_both(package, content)


@pytest.mark.parametrize(
    "body",
    ['<x:row r="0"/>', '<x:c r="a1"/>', '<x:row r="1"><x:c r="Z1"><x:v>1</x:v></x:c></x:row>'],
    ids=["row-0", "bad-ref", "far-cell"],
)
def test_a_refusal_hidden_behind_a_prefix_bound_through_character_references(package, body):
    content = document(f'<sheetData xmlns:x="{MAIN_BY_REFERENCES}">{body}</sheetData>')
    assert reader_cells(package, content, SMALL) in ("part-damaged", "data-far-outside")
    read_both(package, content, limits=SMALL)


def test_a_shared_formula_whose_type_is_written_with_a_character_reference(package):
    content = sheet_xml(
        '<row r="1"><c r="A1"><f t="&#115;hared" ref="A1:A2" si="0">B1+1</f><v>2</v></c></row>'
        '<row r="2"><c r="A2"><f t="&#115;hared" si="0"/><v>3</v></c></row>'
    )
    reader = _SheetReader("Report", [], [], DEFAULT)
    package.parse(PART, reader.start, reader.end, reader.data, content=content)
    assert reader.cells["A2"].formula == "B2+1"  # the plain path: ""
    read_both(package, content)


def test_cells_inside_an_rph_element(package):
    content = sheet_xml('<rPh><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></rPh>')
    assert reader_cells(package, content) == {}  # the plain path: {"A1": "x"}
    read_both(package, content)


@pytest.mark.parametrize(
    ("tail", "limits"),
    [
        ("<f>12345678901</f>", SMALL),
        ("<is><t>12345678901</t></is>", SMALL),
        ("<v>" + "x" * 32768 + "</v>", DEFAULT),
    ],
    ids=["f-small", "is-t-small", "v-default"],
)
def test_an_over_long_text_outside_any_cell(package, tail, limits):
    content = sheet_xml('<row r="1"><c><v>1</v></c></row>', tail)
    assert reader_cells(package, content, limits) == "cell-too-long"  # the plain path: A1 = 1.0
    read_both(package, content, limits=limits)


def test_whitespace_inside_a_v_element_around_the_rows(package):
    content = sheet_xml("<v>" + "\n" * 11 + '<row r="1"><c><v>1</v></c></row></v>')
    assert reader_cells(package, content, SMALL) == "cell-too-long"  # the plain path: A1 = 1.0
    read_both(package, content, limits=SMALL)


# Found with the plain path: a cell started inside an inline string once made the reader
# raise a TypeError instead of reading on.


def test_a_cell_started_inside_an_inline_string_is_read_not_a_crash(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(zip_bytes(with_report(sheet_xml('<is><c r="A1"><t>x</t></c></is>'))))
    assert read_cells(path, ["Report"]) == {"Report": {}}  # a number cell with no value


def test_a_closed_cell_inside_an_inline_string(package):
    read_both(package, sheet_xml('<is><c r="A1"/><t>x</t></is>'))


# Declarations hidden from a text search: an attribute whose value looks like the start of
# one. The namespaces are taken from expat, which is not fooled.
HIDING = "a='xmlns:q=\"'"


@pytest.mark.parametrize(
    "content",
    [
        sheet_xml(
            '<row r="1"><c r="A1"><v>5</v></c></row>',
            f'<extLst><ext uri="{{X}}" {HIDING} xmlns="urn:other"><row r="1"><c r="A1"><v>999</v>'
            "</c></row></ext></extLst>",
        ),
        sheet_xml("").replace(
            b"<sheetData>",
            f'<sheetData {HIDING} xmlns="urn:other"><row r="1"><c r="A1"><v>7</v></c>'
            "</row>".encode(),
        ),
        sheet_xml(
            '<row r="1"><c r="A1"><v>1</v></c></row>',
            f'<extLst {HIDING} xmlns:x="{MAIN_NS}"><x:row r="2"><x:c r="A2"><x:v>42</x:v></x:c>'
            "</x:row></extLst>",
        ),
    ],
    ids=["default in an extension", "default on sheetData", "main prefix"],
)
def test_a_declaration_behind_a_lookalike_attribute_is_seen(package, content):
    assert read_both(package, content) == FALLBACK


def test_a_value_hidden_in_another_namespace_is_not_read(tmp_path):
    sheet = sheet_xml(
        '<row r="2"><c r="B2"><v>5</v></c></row>',
        f'<extLst><ext uri="{{X}}"><data {HIDING} xmlns="urn:other"><row r="2"><c r="B2">'
        "<v>999</v></c></row></data></ext></extLst>",
    )
    path = tmp_path / "book.xlsx"
    path.write_bytes(zip_bytes(with_report(sheet)))
    assert read_cells(path, ["Report"])["Report"]["B2"].value == 5.0  # as Excel shows it


# Shapes that made the plain path's expressions backtrack: each took minutes at 1 MB. They
# now read in a moment, and give what the reader gives.
@pytest.mark.parametrize(
    "content",
    [
        sheet_xml('<row r="1"><c r="A1">' + " " * 200_000 + "<x/></c></row>"),
        sheet_xml(
            '<row r="1"><c r="A1"><v>1</v></c></row>', "<foo>" + "xmlns:" * 100_000 + "</foo>"
        ),
        one_row('<c r="A1" s="1"' + ' a="1"' * 30_000 + " <x/></c>"),
    ],
    ids=["spaces in a cell", "xmlns over and over", "many attributes"],
)
def test_shapes_that_would_backtrack_read_at_once(package, content):
    assert read_both(package, content) in (*ANY, MALFORMED)


# Shared strings: _plain_strings promises the list that the handlers of
# _Package.shared_strings give, the same refusal when the table is too large, or None.

SST = f'<sst xmlns="{MAIN_NS}" count="9" uniqueCount="9">'
STRINGS_PART = "xl/sharedStrings.xml"


def sst(items: str, prolog: str = DECLARATION, root: str = SST) -> bytes:
    end = f"</{root[1:].split()[0].rstrip('>')}>"
    return f"{prolog}{root}{items}{end}".encode()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workbook to open packages of, for their parse method and handlers."""
    path = tmp_path_factory.mktemp("strings") / "book.xlsx"
    path.write_bytes(zip_bytes(base_members()))
    return path


def strings_both(book: Path, content: bytes, limits: Limits = DEFAULT) -> str:
    """Read one shared-string part both ways, as _Package.shared_strings would. Returns PLAIN,
    FALLBACK, REFUSED or MALFORMED."""
    with _Package(book, limits) as package:
        namespaces = _Namespaces()
        try:
            package.parse(STRINGS_PART, None, content=content, setup=namespaces.watch)
        except UnsafeWorkbook:
            return MALFORMED
        try:
            plain = _plain_strings(content, limits, namespaces)
        except UnsafeWorkbook as exc:
            plain = exc.code
        try:
            by_handlers = package._strings_by_handlers(STRINGS_PART, content)
        except UnsafeWorkbook as exc:
            assert plain == exc.code, f"the handlers refuse ({exc.code}), the plain path {plain}"
            return REFUSED
    if plain is None:
        return FALLBACK
    assert plain == by_handlers
    return PLAIN


TIGHT_STRINGS = Limits(max_cell_chars=10, max_shared_strings=2, max_shared_chars=30)
STRING_SHAPES = {
    "as Excel writes them": (sst("<si><t>Action ID</t></si><si><t>Women</t></si>"), PLAIN),
    "as LibreOffice writes them": (
        sst('<si><t xml:space="preserve">  padded </t></si><si><t xml:space="preserve">x</t></si>'),
        PLAIN,
    ),
    "references, accents and escapes": (
        sst(
            "<si><t>&quot;Report&quot; &amp; &lt;1&gt; &#233;t&#xE9;</t></si>"
            "<si><t>_x000D_ kept</t></si>"
        ),
        PLAIN,
    ),
    "line ends": (sst("<si><t>a\r\nb\rc&#13;d</t></si>"), PLAIN),
    "an empty text": (sst("<si><t></t></si>"), PLAIN),
    "no declaration": (sst("<si><t>a</t></si>", prolog=""), PLAIN),
    "the strict namespace": (
        sst(
            "<si><t>a</t></si>", root='<sst xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main">'
        ),
        PLAIN,
    ),
    "other namespaces around the items": (
        sst(f'<si><t>a</t></si><x:extLst xmlns:x="{X14AC_NS}"><x:t>not read</x:t></x:extLst>'),
        PLAIN,
    ),
    "rich text": (sst("<si><r><rPr><b/></rPr><t>bold</t></r><r><t> plain</t></r></si>"), FALLBACK),
    "a phonetic guide": (
        sst('<si><t>a</t><rPh sb="0" eb="1"><t>x</t></rPh><phoneticPr fontId="1"/></si>'),
        FALLBACK,
    ),
    "an empty item": (sst("<si/><si><t/></si>"), FALLBACK),
    "spaces between the elements": (sst("<si>\n  <t>a</t>\n</si>"), FALLBACK),
    "a comment": (sst("<si><t>a</t></si><!-- <si><t>b</t></si> -->"), FALLBACK),
    "cdata": (sst("<si><t><![CDATA[a<b]]></t></si>"), FALLBACK),
    "a processing instruction": (sst("<?pi x?><si><t>a</t></si>"), FALLBACK),
    "a text outside the items": (sst("<t>stray</t><si><t>a</t></si>"), FALLBACK),
    "a prefix bound to the main namespace": (
        sst(f'<si><m:t xmlns:m="{MAIN_NS}">a</m:t></si>'),
        FALLBACK,
    ),
    "another root": (
        sst("<si><t>a</t></si>", root=f'<other xmlns="{MAIN_NS}">').replace(b"</sst>", b"</other>"),
        FALLBACK,
    ),
    "another encoding": (
        sst("<si><t>a</t></si>", prolog="<?xml version='1.0' encoding='latin-1'?>"),
        FALLBACK,
    ),
    "a dtd": (sst("<si><t>a</t></si>", prolog="<!DOCTYPE sst>"), MALFORMED),
}
TIGHT_STRING_SHAPES = {
    "an over-long text, cut past the limit": (sst("<si><t>eleven chars and more</t></si>"), PLAIN),
    "an over-long text with escapes": (sst("<si><t>_x0041__x0042__x0043_</t></si>"), PLAIN),
    "too many strings": (sst("<si><t>a</t></si>" * 3), REFUSED),
    "too many characters": (
        sst("<si><t>0123456789</t></si>" * 2 + "<si><t>0123456789</t></si>"),
        REFUSED,
    ),
}


@pytest.mark.parametrize(("content", "expected"), STRING_SHAPES.values(), ids=list(STRING_SHAPES))
def test_each_shared_string_shape_reads_the_same_both_ways(book, content, expected):
    assert strings_both(book, content) == expected


@pytest.mark.parametrize(
    ("content", "expected"), TIGHT_STRING_SHAPES.values(), ids=list(TIGHT_STRING_SHAPES)
)
def test_shared_strings_under_tight_limits_read_the_same_both_ways(book, content, expected):
    assert strings_both(book, content, TIGHT_STRINGS) == expected


def _strings_part(path: Path) -> bytes | None:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        return archive.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else None


def test_the_shared_strings_of_real_writers_take_the_plain_path(book, written, resaved):
    parts = {
        name: part
        for name, path in {**written, **resaved}.items()
        if (part := _strings_part(path)) is not None
    }
    assert {"xlsxwriter", "template", "libreoffice(template sample)"} <= set(parts), set(parts)
    for name, part in parts.items():
        assert strings_both(book, part) == PLAIN, name


# A part in UTF-16 without a byte-order mark: expat reads it as UTF-16 from its first bytes,
# so the plain paths, which read UTF-8, must leave it to the handlers. Characters whose two
# bytes are ASCII spell markup that only a UTF-8 reading would see.


def utf16(text: str, order: str) -> bytes:
    return text.encode(f"utf-16-{order}")


def hidden(markup: str, order: str) -> str:
    """Characters that read as `markup` when their UTF-16 bytes are read as UTF-8."""
    markup += " " * (len(markup) % 2)
    return markup.encode("ascii").decode(f"utf-16-{order}")


@pytest.mark.parametrize("order", ["le", "be"])
def test_a_utf16_sheet_without_a_byte_order_mark_is_read_by_the_handlers(package, order):
    cells = row('<c r="A1"><v>7</v></c>')
    plain = f'<worksheet xmlns="{MAIN_NS}"><sheetData>{cells}</sheetData></worksheet>'
    forged = plain.replace("<sheetData>", "<sheetData>" + hidden('<c r="A1"><v>9</v></c>', order))
    for text in (plain, forged):
        assert read_both(package, utf16(text, order)) == FALLBACK
        assert reader_cells(package, utf16(text, order)) == {"A1": 7.0}


@pytest.mark.parametrize("order", ["le", "be"])
def test_utf16_shared_strings_without_a_byte_order_mark_are_read_by_the_handlers(book, order):
    plain = f'<sst xmlns="{MAIN_NS}"><si><t>real</t></si></sst>'
    forged = plain.replace("<si>", hidden("<si><t>EVIL</t></si>", order) + "<si>")
    for text in (plain, forged):
        assert strings_both(book, utf16(text, order)) == FALLBACK
