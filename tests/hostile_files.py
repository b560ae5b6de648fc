"""Build a corpus of hostile .xlsx files by code: `python tests/hostile_files.py OUTDIR`."""

import io
import struct
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REPORT_PART = "xl/worksheets/sheet1.xml"  # the base workbook's first sheet, "Report"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BOMB_BYTES = 300 * 1024 * 1024
LIE_BYTES = 60 * 1024 * 1024  # over the 50 MB part limit, declared as LIE_DECLARED
LIE_DECLARED = 1000


def base_members() -> dict[str, bytes]:
    """A small valid workbook from xlsxwriter (sheets Report and _meta), as its zip parts."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    report = book.add_worksheet("Report")
    report.write_string(0, 0, "Action ID")
    report.write_string(0, 1, "Women")
    report.write_string(1, 0, "II.07")
    report.write_number(1, 1, 12)
    meta = book.add_worksheet("_meta")
    meta.write_string(0, 0, "ministry")
    meta.write_string(0, 1, "MAEE")
    book.close()
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_bytes(members: dict[str, bytes] | list[tuple[str, bytes]]) -> bytes:
    """Zip parts in order; a list may repeat a name (zipfile warns, which is the point)."""
    buffer = io.BytesIO()
    items = members.items() if isinstance(members, dict) else members
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in items:
                archive.writestr(name, data)
    return buffer.getvalue()


def sheet_xml(rows: str, tail: str = "", prolog: str = "") -> bytes:
    """Raw worksheet XML: what Excel would never write, but an attacker can."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData>{tail}</worksheet>'
    ).encode()


def with_report(sheet: bytes) -> dict[str, bytes]:
    return {**base_members(), REPORT_PART: sheet}


def _ole(*names: str) -> bytes:
    """An OLE2 compound file header, padding and the UTF-16 directory names given."""
    body = bytearray(OLE_SIGNATURE + b"\0" * 2040)
    for offset, name in enumerate(names):
        encoded = name.encode("utf-16-le")
        body[512 + 128 * offset : 512 + 128 * offset + len(encoded)] = encoded
    return bytes(body)


def _bomb(path: Path) -> Path:
    """300 MB of zeros in the Report part, streamed so that the build stays small in memory."""
    members = base_members()
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            if name != REPORT_PART:
                archive.writestr(name, data)
        with archive.open(REPORT_PART, "w") as part:
            for _ in range(BOMB_BYTES // len(chunk)):
                part.write(chunk)
    return path


def _lying_sizes(path: Path) -> Path:
    """A 60 MB Report part whose local and central headers both declare 1000 bytes."""
    members = base_members()
    start = sheet_xml("").split(b"<sheetData>")[0] + b"<sheetData>"
    filler = b"<row/>" * (1024 * 1024 // 6)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            if name != REPORT_PART:
                archive.writestr(name, data)
        with archive.open(REPORT_PART, "w") as part:
            part.write(start)
            for _ in range(LIE_BYTES // len(filler) + 1):
                part.write(filler)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(REPORT_PART).header_offset
    central = data.rfind(REPORT_PART.encode()) - 46
    assert data[local : local + 4] == b"PK\x03\x04" and data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, local + 22, LIE_DECLARED)
    struct.pack_into("<I", data, central + 24, LIE_DECLARED)
    path.write_bytes(data)
    return path


def _billion_laughs() -> dict[str, bytes]:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(entities)}]>'
        f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    return {**base_members(), "xl/sharedStrings.xml": strings.encode()}


def _macro() -> dict[str, bytes]:
    members = base_members()
    types = members["[Content_Types].xml"].decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(
        "<Default Extension=",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        "<Default Extension=",
        1,
    )
    assert "macroEnabled" in types
    return {**members, "[Content_Types].xml": types.encode(), "xl/vbaProject.bin": b"\0" * 512}


def _docx() -> dict[str, bytes]:
    return {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<document/>",
    }


def _merges(count: int) -> bytes:
    merges = "".join(f'<mergeCell ref="A{i}:B{i}"/>' for i in range(1, count + 1))
    return sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
        f'<mergeCells count="{count}">{merges}</mergeCells>',
    )


def _files() -> dict[str, bytes | Callable[[Path], Path]]:
    """File name -> its bytes, or a builder that streams it to the given path."""
    valid = zip_bytes(base_members())
    return {
        "empty.xlsx": b"",
        "not_a_zip.xlsx": (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
            b"Annual report on the action plan\n"
        ),
        "csv_renamed.xlsx": b"Action ID;Status;Women;Men\nII.07;Completed;3;4\n",
        "truncated.xlsx": valid[: len(valid) // 2],
        "legacy.xls.xlsx": _ole("Root Entry", "Workbook", "SummaryInformation"),
        "encrypted.xlsx": _ole("Root Entry", "EncryptionInfo", "EncryptedPackage"),
        "macro.xlsx": zip_bytes(_macro()),
        "zip_bomb.xlsx": _bomb,
        "lying_sizes.xlsx": _lying_sizes,
        "duplicate_names.xlsx": zip_bytes(
            [*base_members().items(), ("xl/workbook.xml", b"<workbook/>")]
        ),
        "billion_laughs.xlsx": zip_bytes(_billion_laughs()),
        "xxe.xlsx": zip_bytes(
            with_report(
                sheet_xml(
                    '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>',
                    prolog='<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                )
            )
        ),
        "huge_cell.xlsx": zip_bytes(
            with_report(
                sheet_xml(
                    f'<row r="2"><c r="B2" t="inlineStr"><is><t>{"x" * 40_000}</t></is></c></row>'
                )
            )
        ),
        "far_cell.xlsx": zip_bytes(
            with_report(sheet_xml('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
        ),
        "many_merges.xlsx": zip_bytes(with_report(_merges(5000))),
        "docx_renamed.xlsx": zip_bytes(_docx()),
        "many_parts.xlsx": zip_bytes({f"xl/media/{i}.bin": b"" for i in range(5000)}),
    }


def build_corpus(outdir: Path) -> dict[str, Path]:
    """Write every hostile file into outdir; returns {file name: path}."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, content in _files().items():
        path = outdir / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            content(path)
        paths[name] = path
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/hostile_files.py OUTDIR")
    for name, path in build_corpus(Path(sys.argv[1])).items():
        print(f"{path.stat().st_size:>10}  {name}")
