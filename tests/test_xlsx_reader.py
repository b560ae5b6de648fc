"""The .xlsx reader returns values, formulas and errors, and refuses hostile files in one line."""

import datetime as dt
import io
import shutil
import struct
import subprocess
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from pipeline.intake.xlsx_reader import (
    Cell,
    Limits,
    UnsafeWorkbook,
    _Package,
    read_cells,
    read_workbook,
    sheet_names,
)
from tests.hostile_files import (
    LIE_DECLARED,
    MAIN_NS,
    REPORT_PART,
    base_members,
    build_corpus,
    sheet_xml,
    with_report,
    zip_bytes,
)

DEFAULT_LIMITS = Limits()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_corpus(tmp_path_factory.mktemp("hostile"))


def refusal(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    with pytest.raises(UnsafeWorkbook) as caught:
        read_cells(path, ["Report", "_meta"], limits)
    reason = str(caught.value)
    assert reason and "\n" not in reason and reason == reason.strip()
    return reason


def save(tmp_path: Path, members: dict[str, bytes], name: str = "book.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(zip_bytes(members))
    return path


def report_cells(tmp_path: Path, rows: str, tail: str = "") -> dict[str, Cell]:
    """The Report cells of the base workbook with its sheet XML replaced."""
    path = save(tmp_path, with_report(sheet_xml(rows, tail)))
    return read_cells(path, ["Report"])["Report"]


def values(cells: dict[str, Cell]) -> dict[str, object]:
    return {ref: cell.value for ref, cell in cells.items()}


# Happy paths


def test_openpyxl_workbook_reads_back_inline_strings_numbers_booleans_formulas_errors(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Report"
    sheet["A1"] = "Action ID"
    sheet["B1"] = 42
    sheet["C1"] = 2.5
    sheet["D1"] = True
    sheet["E1"] = "=SUM(B1:C1)"
    sheet["F1"] = "#N/A"  # openpyxl writes known error literals as error cells
    sheet["G1"] = "  padded "
    sheet["H1"] = "line 1\nline 2"
    sheet["A3"] = "007"
    book.create_sheet("_meta")["A1"] = "ministry"
    book.save(tmp_path / "openpyxl.xlsx")

    sheets = read_cells(tmp_path / "openpyxl.xlsx", ["Report", "_meta"])

    report = sheets["Report"]
    assert report["A1"] == Cell("A1", 1, 1, "Action ID", None, None)
    assert report["B1"].value == 42.0 and type(report["B1"].value) is float
    assert report["C1"].value == 2.5
    assert report["D1"].value is True
    assert report["E1"] == Cell("E1", 1, 5, None, "SUM(B1:C1)", None)  # no cached value
    assert report["F1"] == Cell("F1", 1, 6, None, None, "#N/A")
    assert report["G1"].value == "  padded "
    assert report["H1"].value == "line 1\nline 2"
    assert report["A3"] == Cell("A3", 3, 1, "007", None, None)
    assert set(report) == {"A1", "B1", "C1", "D1", "E1", "F1", "G1", "H1", "A3"}
    assert values(sheets["_meta"]) == {"A1": "ministry"}


def test_xlsxwriter_workbook_reads_back_shared_strings_and_cached_formula_values(tmp_path):
    path = tmp_path / "xlsxwriter.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Report")
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, "Action ID")
    sheet.write_number(0, 1, 42)
    sheet.write_formula(0, 2, "=B1*2", None, 84)
    sheet.write_formula(0, 3, '=IF(B1>1,"big","small")', None, "big")
    sheet.write_boolean(0, 4, False)
    sheet.write_formula(0, 5, "=1/0", None, "#DIV/0!")
    sheet.write_rich_string(0, 6, "plain ", bold, "bold", " end")
    sheet.write_string(1, 0, "Action ID")  # the same shared string twice
    sheet.write_blank(1, 1, None, bold)  # a styled empty cell is no data
    book.add_worksheet("_meta").write_string(0, 0, "period")
    book.close()

    report = read_cells(path, ["Report"])["Report"]

    assert report == {
        "A1": Cell("A1", 1, 1, "Action ID", None, None),
        "B1": Cell("B1", 1, 2, 42.0, None, None),
        "C1": Cell("C1", 1, 3, 84.0, "B1*2", None),
        "D1": Cell("D1", 1, 4, "big", 'IF(B1>1,"big","small")', None),
        "E1": Cell("E1", 1, 5, False, None, None),
        "F1": Cell("F1", 1, 6, None, "1/0", "#DIV/0!"),
        "G1": Cell("G1", 1, 7, "plain bold end", None, None),
        "A2": Cell("A2", 2, 1, "Action ID", None, None),
    }


def test_a_number_comes_with_its_format_code_builtin_custom_or_general(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Report"
    for ref, value, number_format in (
        ("A1", 46024, "DD/MM/YY"),  # custom: in numFmts
        ("A2", 0.5, "0%"),  # built in: id 9
        ("A3", 12, "#,##0"),
        ("A4", dt.date(2026, 1, 2), "yyyy-mm-dd"),
        ("A5", "text", "0%"),  # text has no number format
        ("A6", 3, "General"),
    ):
        sheet[ref] = value
        sheet[ref].number_format = number_format
    book.save(tmp_path / "formats.xlsx")

    report = read_cells(tmp_path / "formats.xlsx", ["Report"])["Report"]

    assert {ref: (cell.value, cell.number_format) for ref, cell in report.items()} == {
        "A1": (46024.0, "DD/MM/YY"),
        "A2": (0.5, "0%"),
        "A3": (12.0, "#,##0"),
        "A4": (46024.0, "yyyy-mm-dd"),
        "A5": ("text", ""),
        "A6": (3.0, ""),
    }


STYLES_PART = "xl/styles.xml"


def styles_xml(xfs: str, num_fmts: str = "") -> bytes:
    return (
        f'<styleSheet xmlns="{MAIN_NS}"><numFmts>{num_fmts}</numFmts>'
        f'<cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs>{xfs}</cellXfs></styleSheet>'
    ).encode()


@pytest.mark.parametrize(
    ("styles", "style", "number_format"),
    [
        (styles_xml('<xf numFmtId="0"/><xf numFmtId="14"/>'), "1", "mm-dd-yy"),
        (styles_xml('<xf numFmtId="0"/><xf numFmtId="31"/>'), "1", "yyyy-mm-dd"),  # East Asian
        (styles_xml('<xf numFmtId="0"/><xf numFmtId="170"/>'), "1", ""),  # undefined id
        (styles_xml('<xf numFmtId="0"/><xf numFmtId="x"/>'), "1", ""),
        (styles_xml('<xf numFmtId="0"/>'), "7", ""),  # a style the workbook lacks
        (styles_xml('<xf numFmtId="0"/>'), "0", ""),  # cellStyleXfs are not cell styles
        (
            styles_xml('<xf/><xf numFmtId="164"/>', '<numFmt numFmtId="164" formatCode="0.0%"/>'),
            "1",
            "0.0%",
        ),
    ],
)
def test_a_cell_style_gives_its_number_format(tmp_path, styles, style, number_format):
    members = with_report(sheet_xml(f'<row r="1"><c r="A1" s="{style}"><v>7</v></c></row>'))
    members[STYLES_PART] = styles
    cell = read_cells(save(tmp_path, members), ["Report"])["Report"]["A1"]
    assert (cell.value, cell.number_format) == (7.0, number_format)


def test_more_cell_styles_than_excel_allows_are_refused(tmp_path):
    members = base_members()
    members[STYLES_PART] = styles_xml('<xf numFmtId="0"/>' * 11)
    assert "more than 10 cell styles" in refusal(save(tmp_path, members), Limits(max_styles=10))


def test_only_named_sheets_that_exist_are_returned_and_sheet_names_lists_all(tmp_path):
    path = save(tmp_path, base_members())
    book = xlsxwriter.Workbook(tmp_path / "empty_sheet.xlsx")
    book.add_worksheet("Report")
    book.close()

    assert set(read_cells(path, ["_meta", "Missing"])) == {"_meta"}
    assert read_cells(path, ["report"]) == {}  # names match exactly
    assert read_cells(tmp_path / "empty_sheet.xlsx", ["Report"]) == {"Report": {}}
    assert sheet_names(path) == ["Report", "_meta"]


def test_cells_without_r_attributes_take_their_place_from_position(tmp_path):
    rows = (
        '<row r="3"><c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c>'
        '<c r="E3"><v>5</v></c><c><v>6</v></c></row>'
        "<row><c><v>7</v></c></row>"
    )
    cells = report_cells(tmp_path, rows)
    assert values(cells) == {"A3": "a", "B3": 2.0, "E3": 5.0, "F3": 6.0, "A4": 7.0}
    assert (cells["F3"].row, cells["F3"].col) == (3, 6)


def test_text_forms_rich_runs_phonetic_guides_escapes_dates_and_empty_strings(tmp_path):
    strings = (
        f'<sst xmlns="{MAIN_NS}"><si><r><t>Wo</t></r><r><rPr><b/></rPr><t>men</t></r>'
        "<rPh sb='0' eb='1'><t>PHONETIC</t></rPh></si>"
        "<si><t>line_x000D_end _x005F_x000D_ _xD800_</t></si><si><t/></si></sst>"
    )
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="d"><v>2023-05-01T00:00:00</v></c>'
        '<c r="E1" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r>'
        "<rPh><t>X</t></rPh></is></c>"
        '<c r="F1" t="str"><f>""</f><v></v></c><c r="G1" t="b"><v>1</v></c></row>'
    )
    members = with_report(sheet_xml(rows))
    members["xl/sharedStrings.xml"] = strings.encode()
    cells = read_cells(save(tmp_path, members), ["Report"])["Report"]
    assert values(cells) == {
        "A1": "Women",
        "B1": "line\rend _x000D_ _xD800_",
        "D1": "2023-05-01T00:00:00",
        "E1": "inline",
        "F1": None,
        "G1": True,
    }
    assert cells["F1"].formula == '""'


def test_shared_formulas_are_moved_to_each_dependent_cell(tmp_path):
    rows = (
        '<row r="2"><c r="C2"><f t="shared" ref="C2:D3" si="0">A2+$B2*B$1+LOG10(A2)&amp;"A1"'
        "+'Q1 data'!A2</f><v>1</v></c>"
        '<c r="D2"><f t="shared" si="0"/><v>2</v></c></row>'
        '<row r="3"><c r="C3"><f t="shared" si="0"/><v>3</v></c></row>'
        '<row r="4"><c r="C4"><f t="shared" si="7"/><v>4</v></c></row>'
    )
    formulas = {ref: cell.formula for ref, cell in report_cells(tmp_path, rows).items()}
    assert formulas == {
        "C2": "A2+$B2*B$1+LOG10(A2)&\"A1\"+'Q1 data'!A2",
        "D2": "B2+$B2*C$1+LOG10(B2)&\"A1\"+'Q1 data'!B2",
        "C3": "A3+$B3*B$1+LOG10(A3)&\"A1\"+'Q1 data'!A3",
        "C4": "",  # an anchor that does not exist: still a formula
    }


def test_a_wide_declared_dimension_and_a_few_merges_are_not_errors(tmp_path):
    rows = '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1" s="1"/></row>'
    tail = '<mergeCells count="1"><mergeCell ref="A1:BL2"/></mergeCells>'
    path = save(
        tmp_path,
        with_report(
            sheet_xml(rows, tail).replace(
                b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>'
            )
        ),
    )
    assert values(read_cells(path, ["Report"])["Report"]) == {"A1": 1.0}


def test_strict_ooxml_namespaces_and_absolute_relationship_targets(tmp_path):
    strict = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    strict_rel = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    rel_type = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    members = {
        "[Content_Types].xml": base_members()["[Content_Types].xml"],
        "xl/workbook.xml": (
            f'<workbook xmlns="{strict}" xmlns:r="{strict_rel}"><sheets>'
            '<sheet name="Report" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel_type}/worksheet" '
            'Target="/xl/worksheets/data.xml"/>'
            f'<Relationship Id="rId2" Type="{rel_type}/sharedStrings" '
            'Target="../xl/strings.xml"/></Relationships>'
        ).encode(),
        "xl/strings.xml": f'<sst xmlns="{strict}"><si><t>strict</t></si></sst>'.encode(),
        "xl/worksheets/data.xml": (
            f'<worksheet xmlns="{strict}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
            "</row></sheetData></worksheet>"
        ).encode(),
    }
    assert values(read_cells(save(tmp_path, members), ["Report"])["Report"]) == {"A1": "strict"}


def test_relative_targets_and_missing_shared_strings_part(tmp_path):
    members = base_members()
    del members["xl/sharedStrings.xml"]
    members[REPORT_PART] = sheet_xml('<row r="1"><c r="A1"><v>3</v></c></row>')
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    assert 'Target="worksheets/sheet1.xml"' in rels
    path = save(tmp_path, members)
    assert values(read_cells(path, ["Report"])["Report"]) == {"A1": 3.0}


# Hostile files from the corpus


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.xlsx", ["empty file", "0 bytes"]),
        ("not_a_zip.xlsx", ["not an .xlsx", "PDF"]),
        ("csv_renamed.xlsx", ["not an .xlsx", "CSV"]),
        ("truncated.xlsx", ["damaged or incomplete"]),
        ("legacy.xls.xlsx", ["legacy Excel 97-2003 (.xls)", "save it as .xlsx"]),
        ("encrypted.xlsx", ["password-protected", "remove the password"]),
        ("macro.xlsx", ["macro-enabled workbook (.xlsm)", "without macros"]),
        ("zip_bomb.xlsx", ["decompression bomb", "300 MB", "limit 50 MB"]),
        ("lying_sizes.xlsx", ["damaged", REPORT_PART]),
        ("duplicate_names.xlsx", ["two parts", "xl/workbook.xml"]),
        ("billion_laughs.xlsx", ["entity declarations (DTD)", "xl/sharedStrings.xml"]),
        ("xxe.xlsx", ["entity declarations (DTD)", REPORT_PART]),
        ("huge_cell.xlsx", ["sheet Report cell B2", "more than 32767 characters"]),
        ("far_cell.xlsx", ["sheet Report", "XFD1048576", "far outside"]),
        ("many_merges.xlsx", ["sheet Report", "more than 1000 merged ranges"]),
        ("docx_renamed.xlsx", ["not a spreadsheet", "Word document"]),
        ("many_parts.xlsx", ["too many parts", "zip directory"]),
    ],
)
def test_each_hostile_file_is_refused_with_a_one_line_reason(corpus, name, words):
    reason = refusal(corpus[name])
    for word in words:
        assert word in reason


def test_sheet_names_makes_the_same_package_checks(corpus):
    refused_before_any_sheet = {
        "empty.xlsx",
        "not_a_zip.xlsx",
        "truncated.xlsx",
        "encrypted.xlsx",
        "macro.xlsx",
        "zip_bomb.xlsx",
        "duplicate_names.xlsx",
        "docx_renamed.xlsx",
        "many_parts.xlsx",
    }
    for name in refused_before_any_sheet:
        with pytest.raises(UnsafeWorkbook):
            sheet_names(corpus[name])


def test_the_corpus_covers_every_file_named_in_the_brief(corpus):
    assert len(corpus) == 17 and all(path.exists() for path in corpus.values())
    assert corpus["zip_bomb.xlsx"].stat().st_size < 1024 * 1024


def test_the_zip_bomb_is_refused_from_the_directory_without_unpacking(corpus, monkeypatch):
    def no_unpacking(*_args, **_kwargs):
        raise AssertionError("a part was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_unpacking)
    assert "would unpack to 300 MB" in refusal(corpus["zip_bomb.xlsx"])


def test_unpacked_bytes_are_counted_when_the_declared_size_lies(corpus):
    with _Package(corpus["lying_sizes.xlsx"], Limits()) as package:
        info = package.zip.getinfo(REPORT_PART)
        assert info.file_size == LIE_DECLARED  # the directory checks saw the lie and passed
        info.file_size = 10**12  # as a zip reader that trusts the stream would
        with pytest.raises(UnsafeWorkbook, match="unpacks to more than 50 MB"):
            package.parse(REPORT_PART, lambda _name, _attrs: None)


MEMORY_HUNGRY = ["zip_bomb.xlsx", "billion_laughs.xlsx", "lying_sizes.xlsx", "huge_cell.xlsx"]


@pytest.mark.parametrize("name", [*MEMORY_HUNGRY, "many_parts.xlsx"])
def test_memory_stays_small_on_hostile_files(corpus, name):
    tracemalloc.start()
    try:
        with pytest.raises(UnsafeWorkbook):
            read_cells(corpus[name], ["Report", "_meta"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


# Other refusals


@pytest.mark.parametrize(
    ("head", "words"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, [".xls) file or a password"]),
        (b"<!DOCTYPE html><html><body>report</body></html>", ["web page (HTML)"]),
        (
            b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook '
            b'xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
            ["Excel 2003 XML"],
        ),
        (b"{\\rtf1\\ansi report}", ["RTF document"]),
        (b"PK\x05\x06" + b"\0" * 18, ["zip archive that holds no workbook"]),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", ["unknown format"]),
    ],
)
def test_files_that_are_not_zip_archives_are_named_by_what_they_are(tmp_path, head, words):
    path = tmp_path / "sent.xlsx"
    path.write_bytes(head)
    reason = refusal(path)
    assert reason.startswith("not an .xlsx workbook")
    for word in words:
        assert word in reason


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(tmp_path):
    path = save(tmp_path, base_members())
    assert "file too large" in refusal(path, Limits(max_file_bytes=1000))


def test_directory_checks_count_parts_total_size_and_compression_ratio(tmp_path):
    members = base_members()
    path = save(tmp_path, members)
    assert "too many parts" in refusal(path, Limits(max_members=len(members) - 1))
    assert "would unpack to" in refusal(path, Limits(max_total_uncompressed=2000))
    squeezed = save(tmp_path, {**members, "xl/media/image1.png": b"a" * 3_000_000}, "ratio.xlsx")
    assert "times its packed size" in refusal(squeezed)


def test_names_that_differ_only_in_case_are_duplicates(tmp_path):
    path = save(tmp_path, {**base_members(), "XL/Workbook.xml": b"<workbook/>"})
    assert "two parts" in refusal(path)


def test_an_encrypted_zip_part_is_refused(tmp_path):
    data = bytearray(zip_bytes(base_members()))
    central = data.rfind(b"xl/workbook.xml") - 46
    struct.pack_into("<H", data, central + 8, 1)  # general-purpose flag: encrypted
    path = tmp_path / "zipcrypto.xlsx"
    path.write_bytes(data)
    assert "encrypted zip archive" in refusal(path)


def test_macros_are_found_by_the_vba_part_or_by_the_content_type_alone(tmp_path, corpus):
    with zipfile.ZipFile(corpus["macro.xlsx"]) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    only_part = {**base_members(), "xl/vbaProject.bin": b"\0"}
    only_type = {name: data for name, data in members.items() if name != "xl/vbaProject.bin"}
    assert "macro-enabled" in refusal(save(tmp_path, only_part, "part.xlsx"))
    assert "macro-enabled" in refusal(save(tmp_path, only_type, "type.xlsx"))


def test_a_zip_without_content_types_is_not_a_spreadsheet(tmp_path):
    members = base_members()
    del members["[Content_Types].xml"]
    assert "not a spreadsheet" in refusal(save(tmp_path, members))


def test_malformed_xml_names_the_part(tmp_path):
    members = {**base_members(), REPORT_PART: b"<worksheet><sheetData></worksheet>"}
    reason = refusal(save(tmp_path, members))
    assert reason.startswith(f"damaged file: part '{REPORT_PART}' is not well-formed XML")


def test_undefined_entities_are_malformed_not_expanded(tmp_path):
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    reason = refusal(save(tmp_path, with_report(sheet_xml(rows))))
    assert "not well-formed XML (undefined entity" in reason


def test_a_dtd_without_entities_is_refused_too(tmp_path):
    sheet = sheet_xml("", prolog="<!DOCTYPE worksheet>")
    assert "DTD" in refusal(save(tmp_path, with_report(sheet)))


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ('<c r="A1" t="s"><v>99</v></c>', ["cell A1", "shared string 99 does not exist"]),
        ('<c r="A1" t="s"><v>-1</v></c>', ["cell A1", "shared string -1"]),
        ('<c r="A1"><v>abc</v></c>', ["cell A1", "invalid value"]),
        ('<c r="A1"><v>nan</v></c>', ["cell A1", "invalid number"]),
        ('<c r="A1" t="b"><v>yes</v></c>', ["cell A1", "invalid value"]),
        ('<c r="A1" t="x"><v>1</v></c>', ["cell A1", "unknown cell type"]),
        ('<c r="1A"><v>1</v></c>', ["invalid cell reference '1A'"]),
    ],
)
def test_invalid_cell_contents_are_refused_as_damaged(tmp_path, cell, words):
    reason = refusal(save(tmp_path, with_report(sheet_xml(f'<row r="1">{cell}</row>'))))
    assert reason.startswith("damaged")
    for word in words:
        assert word in reason


def test_row_and_column_limits_count_only_cells_with_data(tmp_path):
    limits = Limits(max_rows=10, max_cols=3)
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="50"><c r="Z50" s="2"/></row>'
    path = save(tmp_path, with_report(sheet_xml(rows)))
    assert values(read_cells(path, ["Report"], limits)["Report"]) == {"A1": 1.0}
    row_far = with_report(sheet_xml('<row r="11"><c r="A11"><v>1</v></c></row>'))
    col_far = with_report(sheet_xml('<row r="1"><c r="D1"><f>1+1</f></c></row>'))
    assert "cell A11, far outside" in refusal(save(tmp_path, row_far, "rows.xlsx"), limits)
    assert "cell D1, far outside" in refusal(save(tmp_path, col_far, "cols.xlsx"), limits)


def test_a_merged_range_beyond_the_limits_is_refused(tmp_path):
    tail = '<mergeCells count="1"><mergeCell ref="A1:XFD1"/></mergeCells>'
    reason = refusal(save(tmp_path, with_report(sheet_xml("", tail))))
    assert "range A1:XFD1 (merged), far outside" in reason


def test_too_many_shared_strings_are_refused(tmp_path):
    strings = f'<sst xmlns="{MAIN_NS}">' + "<si><t>x</t></si>" * 11 + "</sst>"
    members = {**base_members(), "xl/sharedStrings.xml": strings.encode()}
    assert "too much text" in refusal(save(tmp_path, members), Limits(max_shared_strings=10))


def test_a_sheet_whose_part_is_missing_is_damaged(tmp_path):
    members = base_members()
    del members[REPORT_PART]
    assert "lists sheet Report but its part" in refusal(save(tmp_path, members))


def test_a_missing_path_is_an_os_error_not_a_bad_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_cells(tmp_path / "gone.xlsx", ["Report"])


# LibreOffice round trip


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is missing")
def test_a_workbook_resaved_by_libreoffice_reads_back_the_same_values(tmp_path):
    source = tmp_path / "in" / "report.xlsx"
    source.parent.mkdir()
    book = xlsxwriter.Workbook(source)
    sheet = book.add_worksheet("Report")
    sheet.write_string(0, 0, "Action ID")
    sheet.write_string(1, 0, "II.07")
    sheet.write_number(1, 1, 12)
    sheet.write_number(1, 2, 1234.5, book.add_format({"num_format": "0.00%"}))
    sheet.write_boolean(1, 3, True)
    sheet.write_formula(1, 4, "=B2*2", None, 24)
    sheet.write_formula(1, 5, "=1/0", None, "#DIV/0!")
    sheet.write_string(1, 6, "Activités\nréalisées")
    book.add_worksheet("_meta").write_string(0, 0, "ministry")
    book.close()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )

    before = read_cells(source, ["Report", "_meta"])
    after = read_cells(tmp_path / "out" / "report.xlsx", ["Report", "_meta"])

    for name in ("Report", "_meta"):
        assert {ref: (c.value, c.error) for ref, c in after[name].items()} == {
            ref: (c.value, c.error) for ref, c in before[name].items()
        }
    assert after["Report"]["E2"].formula == "B2*2"
    assert after["Report"]["C2"].number_format == before["Report"]["C2"].number_format == "0.00%"


def test_a_part_named_in_another_case_is_refused_as_damaged_not_a_crash(tmp_path):
    members = base_members()
    members["[content_types].xml"] = members.pop("[Content_Types].xml")
    assert "cannot be read" in refusal(save(tmp_path, members))


def test_structural_parts_remembered_by_their_bytes_stay_few_and_small(tmp_path):
    from pipeline.intake import xlsx_reader

    for number in range(40):  # as many distinct style parts as files
        members = base_members()
        styles = members["xl/styles.xml"].replace(b"</styleSheet>", b"")
        members["xl/styles.xml"] = styles + b"<!-- %d --></styleSheet>" % number
        read_cells(save(tmp_path, members, f"book{number}.xlsx"), ["Report"])
    remembered = xlsx_reader._REMEMBERED
    assert len(remembered) <= xlsx_reader._REMEMBER
    assert all(len(key[-1]) <= xlsx_reader._REMEMBER_BYTES for key in remembered)


def _read_cold_and_warm(path: Path, warm_with: Path, limits: Limits) -> tuple[str, str]:
    """What reading the file gives (cells or refusal) with nothing remembered, then with the
    structural parts of `warm_with` remembered: the two must be the same."""
    from pipeline.intake import xlsx_reader

    def outcome() -> str:
        try:
            return repr(read_cells(path, ["Report", "_meta"], limits))
        except UnsafeWorkbook as exc:
            return f"{exc.code}: {exc}"

    xlsx_reader._REMEMBERED.clear()
    cold = outcome()
    read_cells(warm_with, ["Report", "_meta"], limits)
    return cold, outcome()


def _patched(data: bytes, old: bytes, new: bytes, at: int) -> bytes:
    """The zip's bytes with the at-th occurrence of `old` (0: the local header's copy of a
    name, 1: the central directory's) replaced by `new`, of the same length."""
    start = -1
    for _ in range(at + 1):
        start = data.index(old, start + 1)
    return data[:start] + new + data[start + len(old) :]


def test_a_remembered_part_behind_a_local_header_naming_another_part_is_damaged(tmp_path):
    good = save(tmp_path, base_members(), "good.xlsx")
    data = _patched(good.read_bytes(), b"xl/workbook.xml", b"xl/workbooc.xml", at=0)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(data)
    cold, warm = _read_cold_and_warm(damaged, good, DEFAULT_LIMITS)
    assert cold == warm
    assert cold.startswith("part-damaged") and "workbooc" in cold


def test_a_remembered_part_whose_directory_checksum_lies_is_damaged(tmp_path):
    good = save(tmp_path, base_members(), "good.xlsx")
    data = good.read_bytes()
    with zipfile.ZipFile(good) as archive:
        crc = archive.getinfo("xl/styles.xml").CRC
    packed = struct.pack("<L", crc)
    central = data.index(b"PK\x01\x02")  # the local header's copy comes first: keep it
    lying = data[:central] + data[central:].replace(packed, struct.pack("<L", crc ^ 1), 1)
    damaged = tmp_path / "lying.xlsx"
    damaged.write_bytes(lying)
    cold, warm = _read_cold_and_warm(damaged, good, DEFAULT_LIMITS)
    assert cold == warm
    assert cold.startswith("part-damaged") and "styles" in cold


def _zipfile_reads(path: Path, member: str) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            archive.read(member)
    except zipfile.BadZipFile:
        return False
    return True


def _with_central_entry(
    data: bytes, name: bytes, change: Callable[[bytearray, int], None]
) -> bytes:
    """The zip's bytes with `change` made to the central directory entry of `name`, given the
    entry's offset."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        at = archive.start_dir
    while True:
        assert patched[at : at + 4] == b"PK\x01\x02"
        name_length, extra_length, comment_length = struct.unpack(
            "<HHH", patched[at + 28 : at + 34]
        )
        if bytes(patched[at + 46 : at + 46 + name_length]) == name:
            change(patched, at)
            return bytes(patched)
        at += 46 + name_length + extra_length + comment_length


def test_a_remembered_part_overlapping_the_next_entry_reads_as_zipfile_reads_it(tmp_path):
    """A directory entry that starts inside the content types' stored bytes: the zipfile of
    newer Pythons refuses the overlap, older ones read on; either way, the same with the part
    remembered or not."""
    good = save(tmp_path, base_members(), "good.xlsx")
    data = zip_bytes([*base_members().items(), ("zz.xml", b"")])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.getinfo("[Content_Types].xml")
    inside = types.header_offset + 30 + len(types.filename) + 5

    def point_inside(patched: bytearray, at: int) -> None:
        patched[at + 42 : at + 46] = struct.pack("<I", inside)

    overlapping = tmp_path / "overlapping.xlsx"
    overlapping.write_bytes(_with_central_entry(data, b"zz.xml", point_inside))
    cold, warm = _read_cold_and_warm(overlapping, good, DEFAULT_LIMITS)
    assert cold == warm
    assert cold.startswith("part-damaged") != _zipfile_reads(overlapping, "[Content_Types].xml")


def test_a_remembered_part_whose_directory_size_runs_past_the_end_reads_as_zipfile_reads_it(
    tmp_path,
):
    good = save(tmp_path, base_members(), "good.xlsx")
    data = good.read_bytes()

    def past_the_end(patched: bytearray, at: int) -> None:
        patched[at + 20 : at + 24] = struct.pack("<I", len(data) + 100)

    lying = tmp_path / "lying.xlsx"
    lying.write_bytes(_with_central_entry(data, b"[Content_Types].xml", past_the_end))
    cold, warm = _read_cold_and_warm(lying, good, DEFAULT_LIMITS)
    assert cold == warm
    assert cold.startswith("part-damaged") != _zipfile_reads(lying, "[Content_Types].xml")


def test_every_hostile_file_reads_the_same_with_parts_remembered_or_not(corpus, tmp_path):
    good = save(tmp_path, base_members(), "good.xlsx")
    for name, path in corpus.items():
        if path.stat().st_size > 1024 * 1024:
            continue  # the bombs: refused from the directory, before any part is remembered
        cold, warm = _read_cold_and_warm(path, good, DEFAULT_LIMITS)
        assert cold == warm, name


def test_a_part_seen_before_is_not_unpacked_again(tmp_path, monkeypatch):
    from pipeline.intake import xlsx_reader

    first, second = (save(tmp_path, base_members(), f"{n}.xlsx") for n in ("a", "b"))
    read_cells(first, ["Report"])
    opened: list[str] = []
    content = xlsx_reader._Package.content

    def watched(self: _Package, member: str, stored: bytes | None = None) -> bytes | None:
        opened.append(member)
        return content(self, member, stored)

    monkeypatch.setattr(xlsx_reader._Package, "content", watched)
    assert read_cells(second, ["Report"]) == read_cells(first, ["Report"])
    assert opened and REPORT_PART in opened
    assert "xl/workbook.xml" not in opened and "xl/styles.xml" not in opened


def test_memory_stays_small_on_a_sheet_of_empty_cells(tmp_path):
    """1 MB of <c/> (below the size where the compression ratio is checked): the plain path
    takes its matches one at a time."""
    sheet = sheet_xml('<row r="1">' + "<c/>" * 260_000 + "</row>")
    path = save(tmp_path, with_report(sheet))
    tracemalloc.start()
    try:
        assert read_cells(path, ["Report"]) == {"Report": {}}
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def _outcome(source: Path | bytes) -> str:
    """What reading gives, cells or refusal, as text to compare."""
    try:
        return repr(read_workbook(source, ["Report", "_meta"]))
    except UnsafeWorkbook as exc:
        return f"{exc.code}: {exc}"


def test_every_hostile_file_reads_the_same_from_its_bytes_as_from_its_path(corpus):
    """Ingest reads each file once, for its sha256 and its checks."""
    for name, path in corpus.items():
        assert _outcome(path.read_bytes()) == _outcome(path), name


def _report_entry(change: Callable[[bytearray, int], None]) -> Callable[[bytes], bytes]:
    return lambda data: _with_central_entry(data, REPORT_PART.encode(), change)


def _stored_zip(_data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, part in base_members().items():
            archive.writestr(name, part)
    return buffer.getvalue()


def _flip_crc(patched: bytearray, at: int) -> None:
    patched[at + 16] ^= 1


def _shorter_stream(patched: bytearray, at: int) -> None:
    (stored,) = struct.unpack("<I", patched[at + 20 : at + 24])
    patched[at + 20 : at + 24] = struct.pack("<I", stored - 8)


def _size(delta: int) -> Callable[[bytearray, int], None]:
    def change(patched: bytearray, at: int) -> None:
        (size,) = struct.unpack("<I", patched[at + 24 : at + 28])
        patched[at + 24 : at + 28] = struct.pack("<I", size + delta)

    return change


@pytest.mark.parametrize(
    "made",
    [
        pytest.param(lambda data: data, id="as-written"),
        pytest.param(_stored_zip, id="stored-uncompressed"),
        pytest.param(_report_entry(_flip_crc), id="checksum-lies"),
        pytest.param(_report_entry(_shorter_stream), id="stream-cut-short"),
        pytest.param(_report_entry(_size(1)), id="size-one-more"),
        pytest.param(_report_entry(_size(-1)), id="size-one-less"),
    ],
)
def test_a_part_unpacked_in_one_step_reads_as_zipfile_reads_it(tmp_path, monkeypatch, made):
    """A small deflated part is unpacked from its stored bytes when it unpacks to exactly
    what its directory entry says; any other goes through zipfile, which says what is wrong."""
    from pipeline.intake import xlsx_reader

    data = made(save(tmp_path, base_members()).read_bytes())
    xlsx_reader._REMEMBERED.clear()
    in_one_step = _outcome(data)
    monkeypatch.setattr(xlsx_reader._Package, "_inflated", lambda *_: None)
    xlsx_reader._REMEMBERED.clear()
    assert in_one_step == _outcome(data)
