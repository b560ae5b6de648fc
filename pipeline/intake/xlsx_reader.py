"""Safe, streaming reader of cell values from untrusted .xlsx workbooks (zipfile + expat)."""

import io
import os
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from math import isfinite
from pathlib import Path
from typing import Any, BinaryIO, NoReturn, TypeVar
from xml.parsers import expat

from pipeline.problems import problem
from pipeline.template.contract import column_letter


class UnsafeWorkbook(Exception):
    """The file cannot be read safely.

    `code` names the refusal in the problem catalogue and `fields` fill its message, so that
    ingest records it as any other problem; str(exc) is that message, one line for a person.
    """

    def __init__(self, code: str, **fields: object) -> None:
        # Fields quote text from the file: fold any line break it holds into the one line.
        self.code = code
        self.fields = {name: " ".join(str(value).split()) for name, value in fields.items()}
        super().__init__(problem(code, **self.fields).message)


@dataclass(frozen=True, slots=True)
class Cell:
    """One non-empty cell, with the value Excel last calculated and saved.

    `formula` is None when the cell has no formula; a cell that shares a formula written
    elsewhere gets that formula moved to its own place, as Excel shows it ("" when the file
    lacks the cell it is shared from). Test it with `is not None`.
    """

    ref: str  # "F12"
    row: int  # 1-based
    col: int  # 1-based
    value: str | float | bool | None  # text -> str, numbers -> float, booleans -> bool
    formula: str | None  # without the leading "="
    error: str | None  # "#N/A", "#DIV/0!"...; value is None then
    number_format: str = ""  # of a number: its format code ("DD/MM/YY", "0%"); "" = General


class _CellDraft:
    """Cell's slot layout without the frozen __init__, which costs ~0.7 µs a cell.

    The reader fills a draft and relabels it as a Cell: the result is an ordinary Cell.
    """

    __slots__ = Cell.__slots__


@dataclass(frozen=True)
class Limits:
    """Bounds on what a returned report may hold; anything beyond them is refused."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_members: int = 200
    max_member_bytes: int = 50 * 1024 * 1024  # unpacked size of any one part
    max_total_uncompressed: int = 200 * 1024 * 1024
    max_ratio: float = 200.0  # unpacked/packed, for parts over 1 MiB unpacked
    max_rows: int = 5000
    max_cols: int = 64
    max_cell_chars: int = 32767
    max_shared_strings: int = 200_000
    max_shared_chars: int = 20_000_000  # all shared strings together
    max_merges: int = 1000  # merged ranges on one sheet
    max_styles: int = 64000  # cell styles of the workbook, as many as Excel allows


_DEFAULT_LIMITS = Limits()
T = TypeVar("T")
_RATIO_FLOOR = 1024 * 1024  # small parts may compress very well (a sheet of empty cells)
_CHUNK = 64 * 1024
_WHOLE = 2 * 1024 * 1024  # parts up to this size are read whole, larger ones streamed
# Parsed structural parts kept, by their bytes: at most 32 of at most 256 kB each, so that
# a batch of files with distinct large parts cannot fill the memory.
_REMEMBER, _REMEMBER_BYTES = 32, 256 * 1024
_REMEMBERED: dict[tuple[Any, ...], tuple[int, Any]] = {}  # see _Package.remembered
# A zip entry's local header: its signature, flags and the lengths of the name and extra
# field that come before the part's stored bytes.
_LOCAL_HEADER = struct.Struct("<4s2xH18xHH")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
    "http://purl.oclc.org/ooxml/spreadsheetml/main}",  # ISO "strict" files
)
_REL_IDS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_PACKAGE_RELS = "_rels/.rels"
_CORE = "docProps/core.xml"
_MODIFIED = "http://purl.org/dc/terms/}modified"
_CONTENT_TYPES = "[Content_Types].xml"

# Element codes for the sheet and shared-string parsers, keyed by namespaced name.
_C, _V, _F, _ROW, _IS, _T, _RPH, _SI, _MERGE = range(1, 10)
_CODES = {
    ns + local: code
    for ns in _MAIN
    for local, code in (
        ("c", _C),
        ("v", _V),
        ("f", _F),
        ("row", _ROW),
        ("is", _IS),
        ("t", _T),
        ("rPh", _RPH),
        ("si", _SI),
        ("mergeCell", _MERGE),
    )
}
_SHEET = {ns + "sheet" for ns in _MAIN}
_MAIN_URIS = {ns[:-1] for ns in _MAIN}
_NUM_FMT = {ns + "numFmt" for ns in _MAIN}
_CELL_XFS = {ns + "cellXfs" for ns in _MAIN}
_XF = {ns + "xf" for ns in _MAIN}

# The number formats Excel knows by id alone (ECMA-376 Part 1, 18.8.30). Ids 27-36 and 50-58
# are dates written the way of an East Asian locale: a date format stands for them.
_BUILTIN_FORMATS = {
    0: "",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
    **{number: "yyyy-mm-dd" for number in (*range(27, 37), *range(50, 59))},
}

_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_BOOLEANS = {"1": True, "0": False, "true": True, "false": False}
# A1 references outside quoted text, for moving a shared formula to a dependent cell.
_QUOTED = re.compile(r"(\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*')")
_A1 = re.compile(r"(?<![A-Za-z0-9_.])(\$?)([A-Z]{1,3})(\$?)([1-9][0-9]{0,6})(?![A-Za-z0-9_(])")


@lru_cache(maxsize=16384)
def _split_ref(ref: str) -> tuple[int, int]:
    """(row, col) of "F12"; cached because templates repeat the same references."""
    match = _REF.fullmatch(ref)
    if match is None:
        raise ValueError(f"invalid cell reference {_shown(ref)}")
    return int(match[2]), _column_number(match[1])


@lru_cache(maxsize=1024)
def _column_number(letters: str) -> int:
    """6 for "F"."""
    col = 0
    for letter in letters:
        col = col * 26 + ord(letter) - 64
    return col


_letters = lru_cache(maxsize=1024)(column_letter)  # "F" for column 6


def _make_ref(row: int, col: int) -> str:
    """ "F12", for a cell written without its r attribute."""
    return f"{_letters(col)}{row}"


def _shown(text: str) -> str:
    """Text from the file, quoted and cut short for a one-line reason."""
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _unescape(text: str) -> str:
    """Undo Excel's _xHHHH_ escapes of control characters (lone surrogates stay escaped)."""

    def char(match: re.Match[str]) -> str:
        code = int(match[1], 16)
        return match[0] if 0xD800 <= code <= 0xDFFF else chr(code)

    return _ESCAPE.sub(char, text)


def _shift_formula(text: str, rows: int, cols: int) -> str:
    """A shared formula as Excel shows it in a cell `rows` down and `cols` right of its anchor."""

    def move(match: re.Match[str]) -> str:
        col_abs, letters, row_abs, digits = match.groups()
        row, col = _split_ref(letters + digits)
        row += 0 if row_abs else rows
        col += 0 if col_abs else cols
        if not (1 <= row <= 1048576 and 1 <= col <= 16384):
            return "#REF!"
        return f"{col_abs}{_letters(col)}{row_abs}{row}"

    parts = _QUOTED.split(text)
    parts[::2] = [_A1.sub(move, part) for part in parts[::2]]
    return "".join(parts)


def _format_id(attrs: dict[str, str]) -> int:
    number = attrs.get("numFmtId", "0")
    return int(number) if number.isdigit() else -1


def _mib(size: float) -> str:
    return f"{size / 1048576:.1f} MB" if size < 10 * 1048576 else f"{size / 1048576:.0f} MB"


def _sniff(file: BinaryIO, limits: Limits) -> None:
    """Refuse what is plainly not an .xlsx from its size and first bytes, before unzipping."""
    size = file.seek(0, os.SEEK_END)  # a file on disk or a file's bytes alike
    file.seek(0)
    if size == 0:
        raise UnsafeWorkbook("file-empty")
    if size > limits.max_file_bytes:
        raise UnsafeWorkbook("file-too-large", size=_mib(size), limit=_mib(limits.max_file_bytes))
    head = file.read(4)
    if head == b"PK\x03\x04":
        return
    head += file.read(_CHUNK - 4)
    if head.startswith(_OLE):
        raise UnsafeWorkbook(_ole_refusal(head))
    raise UnsafeWorkbook("file-not-xlsx", kind=_describe(head))


def _ole_refusal(head: bytes) -> str:
    """Excel saves both .xls files and encrypted .xlsx files as OLE containers."""
    if "EncryptionInfo".encode("utf-16-le") in head or (
        "EncryptedPackage".encode("utf-16-le") in head
    ):
        return "file-encrypted"
    if "Workbook".encode("utf-16-le") in head:
        return "file-legacy-xls"
    return "file-legacy-or-encrypted"


def _describe(head: bytes) -> str:
    """What a file that is not a zip archive most likely is, from its first bytes."""
    start = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"%pdf"):
        return "a PDF document"
    if start.startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML)"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "an Excel 2003 XML spreadsheet"
    if start.startswith(b"<"):
        return "an XML or HTML file"
    if start.startswith(b"{\\rtf"):
        return "an RTF document"
    if start.startswith(b"pk"):
        return "a zip archive that holds no workbook"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\0" not in head[:4096]:
        return "plain text (such as CSV), not a workbook"
    return "not a zip archive (unknown format)"


def _new_parser(member: str) -> expat.XMLParserType:
    """An expat parser that refuses DTDs and entity declarations, as defusedxml does.

    defusedxml's own iterparse runs the pure-Python ElementTree parser, twice as slow as
    these handlers; expat with the same refusing handlers gives the same protection.
    """

    def refuse(*_: object) -> None:
        raise UnsafeWorkbook("xml-dtd", part=member)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.buffer_text = True
    parser.buffer_size = _CHUNK
    return parser


def _check_directory_size(file: BinaryIO, limits: Limits) -> None:
    """Bound the zip directory before zipfile lists it.

    zipfile makes an object per directory entry before any count can be checked: 20 MB of
    empty entries cost 130 MB and seconds. Its own end-record reader gives the byte size of
    the directory that it will read; a normal entry takes well under 1 KB.
    """
    end = zipfile._EndRecData(file)
    if end is None:
        raise zipfile.BadZipFile("no end of central directory record")
    size = end[zipfile._ECD_SIZE]
    if size > limits.max_members * 1024:
        raise UnsafeWorkbook("zip-directory-too-large", size=_mib(size))


# What zipfile, zlib and expat raise on a damaged file; converted to UnsafeWorkbook.
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    IndexError,
    NotImplementedError,
    RuntimeError,
    OverflowError,
)


class _Package:
    """An .xlsx whose zip directory passed the checks; parts are unpacked within a budget."""

    def __init__(self, source: Path | bytes, limits: Limits) -> None:
        self.limits = limits
        self.left = limits.max_total_uncompressed  # bytes the remaining parts may unpack to
        # One handle for the sniffing, the directory and the parts: the file, or its bytes
        # when the caller read them already (to take their sha256).
        self.file = io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")
        try:
            self._open()
        except BaseException:
            self.file.close()
            raise

    def _open(self) -> None:
        _sniff(self.file, self.limits)
        try:
            _check_directory_size(self.file, self.limits)
            self.zip = zipfile.ZipFile(self.file)
        except _DAMAGE as exc:
            raise UnsafeWorkbook("zip-damaged") from exc
        try:
            self._check_directory()
            self._check_kind()
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self) -> "_Package":
        return self

    def __exit__(self, *_: object) -> None:
        self.zip.close()
        self.file.close()

    def _check_directory(self) -> None:
        """Sizes, counts and names, from the zip directory alone: nothing is unpacked yet."""
        limits = self.limits
        infos = self.zip.infolist()
        if len(infos) > limits.max_members:
            raise UnsafeWorkbook("zip-too-many-parts", count=len(infos), limit=limits.max_members)
        seen: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            if name.lower() in seen:
                raise UnsafeWorkbook("zip-duplicate-part", part=_shown(name))
            seen.add(name.lower())
            if info.flag_bits & 1:
                raise UnsafeWorkbook("zip-encrypted-part", part=_shown(name))
            size = info.file_size
            total += size
            if size > limits.max_member_bytes:
                raise UnsafeWorkbook(
                    "zip-bomb-part",
                    part=_shown(name),
                    size=_mib(size),
                    limit=_mib(limits.max_member_bytes),
                )
            if size > _RATIO_FLOOR and size > limits.max_ratio * max(info.compress_size, 1):
                raise UnsafeWorkbook(
                    "zip-bomb-ratio",
                    part=_shown(name),
                    ratio=f"{size / max(info.compress_size, 1):.0f}",
                    limit=f"{limits.max_ratio:.0f}",
                )
        if total > limits.max_total_uncompressed:
            raise UnsafeWorkbook(
                "zip-bomb-total", size=_mib(total), limit=_mib(limits.max_total_uncompressed)
            )

    def _check_kind(self) -> None:
        """A spreadsheet package without macros, or say what else it is."""
        names = {name.lower() for name in self.zip.namelist()}
        if _CONTENT_TYPES.lower() not in names or _WORKBOOK not in names:
            if "word/document.xml" in names:
                kind = "a Word document (.docx) renamed to .xlsx"
            elif "ppt/presentation.xml" in names:
                kind = "a PowerPoint presentation (.pptx) renamed to .xlsx"
            elif "content.xml" in names:
                kind = "an OpenDocument file (.ods/.odt); save it as .xlsx instead"
            else:
                kind = "a zip archive with no Excel workbook inside"
            raise UnsafeWorkbook("file-not-spreadsheet", kind=kind)
        macros = any(name.endswith("vbaproject.bin") for name in names)
        if not macros:
            macros = self._declares_macros()
        if macros:
            raise UnsafeWorkbook("file-macro-enabled")

    def _declares_macros(self) -> bool:
        def read(content: bytes | None) -> bool:
            found = False

            def start(_name: str, attrs: dict[str, str]) -> None:
                nonlocal found
                if "macroenabled" in attrs.get("ContentType", "").lower():
                    found = True

            self.parse(_CONTENT_TYPES, start, content=content)
            return found

        return self.remembered("macros", _CONTENT_TYPES, read)

    def chunks(self, member: str) -> Iterator[bytes]:
        """The part's bytes as they unpack, counted against the budgets.

        The directory's sizes were checked but can lie: the count is what bounds memory
        and time, part by part and for the whole file.
        """
        produced = 0
        with self._damage(member), self.zip.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                produced += len(chunk)
                self._within_budget(member, produced)
                yield chunk
        self.left -= produced

    def _budget(self) -> int:
        """What the next part may unpack to: within its own limit and what the file has left."""
        return min(self.limits.max_member_bytes, self.left)

    def _within_budget(self, member: str, produced: int) -> None:
        budget = self._budget()
        if produced > budget:
            raise UnsafeWorkbook("zip-bomb-unpacked", part=_shown(member), limit=_mib(budget))

    def _unpacked(self, member: str, size: int) -> None:
        """A part unpacked before, counted against the budgets as if unpacked again."""
        self._within_budget(member, size)
        self.left -= size

    def content(self, member: str, stored: bytes | None = None) -> bytes | None:
        """The whole part, when its directory entry says it is small (zipfile never gives
        more than the size declared); None for a part to stream. `stored`: its stored bytes,
        when the caller read them already."""
        with self._damage(member):
            info = self.zip.getinfo(member)
        if info.file_size > _WHOLE:
            return None
        return self._inflated(member, info, stored) or b"".join(self.chunks(member))

    def _inflated(
        self, member: str, info: zipfile.ZipInfo, stored: bytes | None = None
    ) -> bytes | None:
        """A small deflated part unpacked in one step from its stored bytes, when it unpacks
        to exactly the size and checksum of its directory entry, within the budgets; None
        for any other, which zipfile reads (and says what is wrong with it). For a part of
        a few kB, zipfile's reading object costs more than the unpacking."""
        if info.compress_type != zipfile.ZIP_DEFLATED or info.file_size > self._budget():
            return None
        if stored is None:
            with self._damage(member):
                stored = self._stored(info)
        if stored is None:
            return None
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            whole = inflate.decompress(stored, info.file_size + 1)
        except zlib.error:
            return None
        if not inflate.eof or len(whole) != info.file_size or zlib.crc32(whole) != info.CRC:
            return None
        self.left -= len(whole)
        return whole

    def parse(
        self,
        member: str,
        start: Callable[[str, dict[str, str]], None] | None,
        end: Callable[[str], None] | None = None,
        data: Callable[[str], None] | None = None,
        content: bytes | None = None,
        setup: Callable[[expat.XMLParserType], None] | None = None,
    ) -> None:
        """Run one part through expat: `content` when the caller has the bytes already,
        else streamed from the archive. `setup` may set more handlers on the parser."""
        parser = _new_parser(member)
        if start is not None:
            parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if data is not None:
            parser.CharacterDataHandler = data
        if setup is not None:
            setup(parser)
        with self._damage(member):
            try:
                if content is not None:
                    parser.Parse(content, True)
                    return
                for chunk in self.chunks(member):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
            except expat.ExpatError as exc:
                raise UnsafeWorkbook(
                    "xml-malformed",
                    part=_shown(member),
                    reason=expat.errors.messages.get(exc.code, "syntax error"),
                    line=exc.lineno,
                    column=exc.offset,
                ) from exc

    @contextmanager
    def _damage(self, member: str) -> Iterator[None]:
        try:
            yield
        except _DAMAGE as exc:
            raise UnsafeWorkbook("part-damaged", part=_shown(member), detail=exc) from exc

    def remembered(self, kind: str, member: str, read: Callable[[bytes | None], T]) -> T:
        """What `read` makes of a small part, remembered by the bytes the archive stores it
        as: the returns made from one template repeat their workbook, relationship,
        content-type and style parts byte for byte, and a part's reading depends on its
        bytes alone. Stored bytes that unpacked once, with the same method, flags, size and
        checksum, unpack to the same part again: it is not unpacked twice. Results are not
        to be changed."""
        with self._damage(member):
            info = self.zip.getinfo(member)
            stored = self._stored(info) if info.compress_size <= _REMEMBER_BYTES else None
        key = (
            kind,
            member,
            self.limits,
            info.compress_type,
            info.flag_bits,
            info.CRC,
            info.file_size,
            stored,
        )
        if stored is not None and key in _REMEMBERED:
            size, found = _REMEMBERED[key]
            self._unpacked(member, size)
            return found
        content = self.content(member, stored)
        found = read(content)
        if stored is not None and content is not None and len(content) <= _REMEMBER_BYTES:
            _REMEMBERED[key] = len(content), found
            if len(_REMEMBERED) > _REMEMBER:
                del _REMEMBERED[next(iter(_REMEMBERED))]
        return found

    def _stored(self, info: zipfile.ZipInfo) -> bytes | None:
        """A part's bytes as stored, behind a local header checked as zipfile checks it when
        it opens the part (length, signature, name, and where zipfile knows where the next
        entry starts, no overlap with it), with zipfile's words. None when the file ends
        before the size the directory gives: zipfile reads such a part to the end of its
        stream, so it is read in full."""
        self.file.seek(info.header_offset)
        header = self.file.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size:
            raise zipfile.BadZipFile("Truncated file header")
        signature, flags, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        if signature != b"PK\x03\x04":
            raise zipfile.BadZipFile("Bad magic number for file header")
        name = self.file.read(name_length).decode("utf-8" if flags & 0x800 else "cp437")
        if name != info.orig_filename:
            raise zipfile.BadZipFile(
                f"File name in directory {info.orig_filename!r} and header {name!r} differ."
            )
        self.file.seek(extra_length, os.SEEK_CUR)
        end = getattr(info, "_end_offset", None)  # where this Python's zipfile sets it
        if end is not None and self.file.tell() + info.compress_size > end:
            raise zipfile.BadZipFile(
                f"Overlapped entries: {info.orig_filename!r} (possible zip bomb)"
            )
        stored = self.file.read(info.compress_size)
        return stored if len(stored) == info.compress_size else None

    def sheets(self) -> dict[str, str]:
        """{sheet name: relationship id}, in workbook order."""

        def read(content: bytes | None) -> dict[str, str]:
            sheets: dict[str, str] = {}

            def start(name: str, attrs: dict[str, str]) -> None:
                if name in _SHEET:
                    rid = attrs.get(_REL_IDS[0]) or attrs.get(_REL_IDS[1]) or ""
                    sheets.setdefault(attrs.get("name", ""), rid)

            self.parse(_WORKBOOK, start, content=content)
            return sheets

        return self.remembered("sheets", _WORKBOOK, read)

    def relationships(self, rels_part: str = _WORKBOOK_RELS) -> dict[str, tuple[str, str]]:
        """{relationship id: (type, part name)} of the workbook, or of the package."""
        if rels_part not in self.zip.NameToInfo:
            return {}
        base = posixpath.dirname(posixpath.dirname(rels_part))  # the folder above _rels/

        def read(content: bytes | None) -> dict[str, tuple[str, str]]:
            rels: dict[str, tuple[str, str]] = {}

            def start(name: str, attrs: dict[str, str]) -> None:
                if name == _PKG_REL and attrs.get("TargetMode") != "External":
                    target = attrs.get("Target", "")
                    if target.startswith("/"):
                        part = posixpath.normpath(target.lstrip("/"))
                    else:
                        part = posixpath.normpath(posixpath.join(base, target))
                    rels[attrs.get("Id", "")] = (attrs.get("Type", ""), part)

            self.parse(rels_part, start, content=content)
            return rels

        return self.remembered("relationships", rels_part, read)

    def saved_time(self) -> str:
        """The last-saved time of the core properties (dcterms:modified) as written, "" when
        the workbook has none: the order in which a ministry saved two versions."""
        rels = self.relationships(_PACKAGE_RELS)
        part = next((p for kind, p in rels.values() if kind.endswith("/core-properties")), _CORE)
        if part not in self.zip.NameToInfo:
            return ""
        text: list[str] = []
        inside = False

        def start(name: str, _attrs: dict[str, str]) -> None:
            nonlocal inside
            inside = name == _MODIFIED

        def end(_name: str) -> None:
            nonlocal inside
            inside = False

        def data(chunk: str) -> None:
            if inside and len(text) < 8:
                text.append(chunk[:64])

        self.parse(part, start, end, data, content=self.content(part))
        return "".join(text).strip()[:64]

    def shared_strings(self, member: str) -> list[str]:
        """The shared-string table: rich-text runs joined, phonetic guides left out.

        A text over max_cell_chars is kept cut just past the limit, so that the cell using
        it is the one refused, by name. A small part that expat finds well formed is read by
        _plain_strings when it has the plain shape (each item a single text, as Excel and
        LibreOffice write most); any other part through expat's handlers.
        """
        content = self.content(member)
        if content is not None:
            namespaces = _Namespaces()
            self.parse(member, None, content=content, setup=namespaces.watch)
            found = _plain_strings(content, self.limits, namespaces)
            if found is not None:
                return found
        return self._strings_by_handlers(member, content)

    def _strings_by_handlers(self, member: str, content: bytes | None) -> list[str]:
        limits = self.limits
        cut = limits.max_cell_chars + 1
        strings: list[str] = []
        get = _CODES.get
        item = ""
        capture = phonetic = False
        total = 0

        def start(name: str, _attrs: dict[str, str]) -> None:
            nonlocal item, capture, phonetic
            code = get(name)
            if code is _T:
                capture = not phonetic
            elif code is _SI:
                item = ""
            elif code is _RPH:
                phonetic = True

        def end(name: str) -> None:
            nonlocal capture, phonetic, total
            code = get(name)
            if code is _T:
                capture = False
            elif code is _SI:
                strings.append(_unescape(item) if "_x" in item else item)
                total += len(item)
                _within_text_limits(len(strings), total, limits)
            elif code is _RPH:
                phonetic = False

        def data(text: str) -> None:
            nonlocal item
            if capture:
                item += text
                if len(item) > cut:
                    item = item[:cut]

        self.parse(member, start, end, data, content=content)
        return strings

    def number_formats(self, member: str) -> Sequence[str]:
        """The number format code of each cell style, by style index.

        A number means what its format makes of it: 46024 formatted DD/MM/YY is a date that
        someone typed as 1/2. An id the part does not define reads as General.
        """

        def read(content: bytes | None) -> tuple[str, ...]:
            codes = dict(_BUILTIN_FORMATS)
            formats: list[str] = []
            inside = False

            def start(name: str, attrs: dict[str, str]) -> None:
                nonlocal inside
                if name in _NUM_FMT:
                    codes[_format_id(attrs)] = attrs.get("formatCode", "")
                elif name in _CELL_XFS:
                    inside = True
                elif inside and name in _XF:
                    if len(formats) >= self.limits.max_styles:
                        raise UnsafeWorkbook("too-many-styles", limit=self.limits.max_styles)
                    formats.append(codes.get(_format_id(attrs), ""))

            def end(name: str) -> None:
                nonlocal inside
                if name in _CELL_XFS:
                    inside = False

            self.parse(member, start, end, content=content)
            return tuple(formats)

        return self.remembered("number formats", member, read)

    def cells(
        self, sheet: str, member: str, strings: Sequence[str], formats: Sequence[str]
    ) -> dict[str, Cell]:
        """The non-empty cells of one worksheet part. A small part that expat finds well
        formed is read by _plain_cells when it has the plain shape; any other part goes
        through expat's handlers, streamed when it is large, so that memory stays flat."""
        content = self.content(member)
        if content is not None:
            namespaces = _Namespaces()
            self.parse(member, None, content=content, setup=namespaces.watch)
            found = _plain_cells(content, strings, formats, self.limits, namespaces)
            if found is not None:
                return found
        reader = _SheetReader(_shown(sheet)[1:-1], strings, formats, self.limits)
        self.parse(member, reader.start, reader.end, reader.data, content=content)
        return reader.cells


class _SheetReader:
    """The expat handlers of one worksheet part and the state of the cell being read.

    The hot loop of the reader: its state lives in slots, which read as fast as closure
    variables did (measured on the benchmark's returned files), and the rare paths (shared
    formulas, merges, refusals) are methods of their own. `text` is None unless inside <v>,
    <f> or <is><t>.
    """

    __slots__ = (
        "anchors",
        "cell_row",
        "cells",
        "col",
        "ctype",
        "formats",
        "formula",
        "in_inline",
        "inline",
        "limits",
        "max_chars",
        "max_cols",
        "max_rows",
        "merges",
        "phonetic",
        "ref",
        "row",
        "shared_id",
        "sheet_name",
        "strings",
        "style",
        "text",
        "value_text",
    )

    def __init__(
        self, sheet_name: str, strings: list[str], formats: list[str], limits: Limits
    ) -> None:
        self.sheet_name, self.strings, self.limits = sheet_name, strings, limits
        self.formats = formats
        self.max_rows, self.max_cols = limits.max_rows, limits.max_cols
        self.max_chars = limits.max_cell_chars
        self.cells: dict[str, Cell] = {}
        self.anchors: dict[str, tuple[str, int, int]] = {}  # shared formula id -> text, row, col
        self.row = self.col = self.cell_row = self.merges = 0
        self.ref = self.ctype = ""
        self.style: str | None = None
        self.text: str | None = None
        self.value_text: str | None = None
        self.formula: str | None = None
        self.inline: str | None = None
        self.shared_id: str | None = None
        self.in_inline = self.phonetic = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        code = _CODES.get(name)
        if code is _C:
            ref = attrs.get("r")
            if ref is None:
                self.col = col = self.col + 1
                self.cell_row = self.row
                self.ref = _make_ref(self.row, col)
            else:
                self.ref = ref
                self.cell_row, self.col = _split_ref(ref)
            self.ctype = attrs.get("t", "n")
            self.style = attrs.get("s")
            self.value_text = self.formula = self.inline = self.shared_id = None
        elif code is _V:
            self.text = ""
        elif code is _ROW:
            number = attrs.get("r")
            self.row = row = int(number) if number else self.row + 1
            if row < 1:
                raise ValueError(f"invalid row number {_shown(number or '')}")
            self.col = 0
        elif code is _F:
            self.text = ""
            if attrs.get("t") == "shared":
                self.shared_id = attrs.get("si")
        elif code is _IS:
            self.in_inline = True
            self.inline = ""
        elif code is _T:
            if self.in_inline and not self.phonetic:
                self.text = ""
        elif code is _RPH:
            self.phonetic = True
        elif code is _MERGE:
            self.merges += 1
            self.check_merge(attrs.get("ref", ""))

    def end(self, name: str) -> None:
        code = _CODES.get(name)
        if code is _V:
            self.value_text, self.text = self.text, None
        elif code is _C:
            self.end_cell()
        elif code is _F:
            self.formula, self.text = self.text, None
        elif code is _T:
            if self.text is not None:
                self.inline = (self.inline or "") + self.text  # None: a <t> of no cell's
                self.text = None
        elif code is _IS:
            self.in_inline = False
        elif code is _RPH:
            self.phonetic = False

    def end_cell(self) -> None:
        ref = self.ref
        try:
            value, error = _cell_value(self.ctype, self.value_text, self.inline, self.strings)
        except (ValueError, IndexError, KeyError) as exc:
            raise UnsafeWorkbook(
                "cell-invalid", sheet_name=self.sheet_name, ref=ref, detail=exc
            ) from exc
        formula, row, col = self.formula, self.cell_row, self.col
        if self.shared_id is not None:
            formula = self.share_formula(formula)
        if value is None and formula is None and error is None:
            return
        if value.__class__ is str and len(value) > self.max_chars:
            raise self.too_long()
        if row > self.max_rows or col > self.max_cols:
            raise self.outside(ref)
        self.cells[ref] = _new_cell(ref, row, col, value, formula, error, self.style, self.formats)

    def data(self, chunk: str) -> None:
        text = self.text
        if text is not None:
            self.text = text = text + chunk
            if len(text) > self.max_chars:
                raise self.too_long()

    def share_formula(self, formula: str | None) -> str | None:
        """The anchor's formula is kept; a dependent cell gets it moved to its own place."""
        shared_id, row, col = self.shared_id, self.cell_row, self.col
        if formula:
            self.anchors[shared_id] = (formula, row, col)
        elif shared_id in self.anchors:
            text, anchor_row, anchor_col = self.anchors[shared_id]
            formula = _shift_formula(text, row - anchor_row, col - anchor_col)
        return formula

    def check_merge(self, span: str) -> None:
        if self.merges > self.limits.max_merges:
            raise UnsafeWorkbook(
                "sheet-too-many-merges", sheet_name=self.sheet_name, limit=self.limits.max_merges
            )
        last_row, last_col = _split_ref(span.rpartition(":")[2])
        if last_row > self.max_rows or last_col > self.max_cols:
            raise self.outside(f"range {_shown(span)[1:-1]} (merged)")

    def outside(self, where: str) -> UnsafeWorkbook:
        return UnsafeWorkbook(
            "data-far-outside",
            sheet_name=self.sheet_name,
            where=where,
            rows=self.max_rows,
            cols=self.max_cols,
        )

    def too_long(self) -> UnsafeWorkbook:
        return UnsafeWorkbook(
            "cell-too-long", sheet_name=self.sheet_name, ref=self.ref, limit=self.max_chars
        )


def _cell_value(
    ctype: str, value_text: str | None, inline: str | None, strings: Sequence[str]
) -> tuple[str | float | bool | None, str | None]:
    """A cell's value and error from its type and the texts of its <v> and <is>; raises
    ValueError, IndexError or KeyError for a value that its type cannot hold."""
    if ctype == "s":
        if not value_text:
            return None, None
        index = int(value_text)
        if not 0 <= index < len(strings):
            raise IndexError(f"shared string {index} does not exist")
        return strings[index] or None, None
    if ctype == "n":
        if not value_text:
            return None, None
        value = float(value_text)
        if not isfinite(value):
            raise ValueError(f"invalid number {_shown(value_text)}")
        return value, None
    if ctype == "inlineStr" or ctype == "str" or ctype == "d":
        text = (inline if ctype == "inlineStr" else value_text) or None
        return (_unescape(text) if text is not None and "_x" in text else text), None
    if ctype == "b":
        return (_BOOLEANS[value_text.strip()] if value_text else None), None
    if ctype == "e":
        return None, value_text or None
    raise ValueError(f"unknown cell type {_shown(ctype)}")


def _new_cell(
    ref: str,
    row: int,
    col: int,
    value: str | float | bool | None,
    formula: str | None,
    error: str | None,
    style: str | None,
    formats: Sequence[str],
) -> Cell:
    """A Cell, with the number format of its style when it holds a number (a style the
    workbook lacks reads as General)."""
    cell = _CellDraft()
    cell.ref, cell.row, cell.col = ref, row, col
    cell.value, cell.formula, cell.error = value, formula, error
    number_format = ""
    if value.__class__ is float and style and style.isdigit() and int(style) < len(formats):
        number_format = formats[int(style)]
    cell.number_format = number_format
    cell.__class__ = Cell
    return cell


# The plain shape of a worksheet part, as Excel, LibreOffice and the template writer save
# it: UTF-8, the main namespace as the only default one and bound to no prefix, no comment,
# CDATA section or processing instruction, attribute values without references or line
# breaks, and cells holding at most a formula and a value, or an inline text of one run.
# Once expat has found the part well formed (and free of DTDs), such a part's cells can be
# matched whole by regular expressions at a third of the cost of expat's callbacks; any
# other shape, and any cell the reader would refuse, goes to _SheetReader, which says why.
# Possessive quantifiers throughout: a hostile part cannot make them backtrack.
_ATTRS = r"((?:\s++[^\s=/>]++\s*+=\s*+(?:\"[^\"<]*+\"|'[^'<]*+'))*+)\s*+"
# A cell in the common shape (empty, as a spreadsheet program writes a styled blank cell, or
# with one value), matched whole; a row in the common shape, its number first (its
# other attributes say nothing of values, and none can hold a "<"); a cell of another shape,
# with what is inside it; a row or a merge; or markup outside the plain shape: a text element
# outside any cell (which the reader would measure), a comment, CDATA section or processing
# instruction, or an <rPh> (which sets the reader's phonetic state for what follows). Every
# "<" of a plain part starts a match or lies inside one whose pattern lists it.
_TAG = re.compile(
    r'<c r="([A-Z]{1,3}[1-9][0-9]{0,6})"(?: s="([0-9]{1,5})")?(?: t="([a-zA-Z]{1,9})")?'
    r"(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space=\"preserve\")?>([^<]*)</t></is>)?</c>)"
    r'|<row r="([0-9]{1,7})"[^>]*+>'
    rf"|<c{_ATTRS}(?:(/)>|>(.*?)</c\s*>)"
    rf"|<(row|mergeCell){_ATTRS}/?>"
    r"|<((?:v|f|t|is)[\s/>]|[!?]|rPh)",
    re.DOTALL,
)
# A shared string in the common shape, a single text, matched whole; or markup of any other
# shape: an item, text or phonetic guide not in the common shape, a comment, CDATA section or
# processing instruction.
_STRING = re.compile(
    r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>'
    r"|<((?:si|t|rPh)[\s/>]|[!?])"
)
_ATTR = re.compile(r"([^\s=]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_INSIDE = re.compile(
    rf"\s*+(?:(<f{_ATTRS}(?:/>|>([^<]*+)</f\s*+>))\s*+)?(<v\s*+>([^<]*+)</v\s*+>|<v\s*+/>)?\s*+"
    rf"|\s*+<is\s*+>\s*+<t{_ATTRS}(?:/>|>([^<]*+)</t\s*+>)\s*+</is\s*+>\s*+"
)
_DECLARATION = re.compile(r"<\?xml\b[^>]*?\?>")
_XML_REFS = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
# Parts of up to this many characters have their matches listed at once (a few MB at most).
_LISTED_AT_ONCE = 128 * 1024
_XML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class _NotPlain(Exception):
    """The part is not in the plain shape, or holds a cell to refuse: _SheetReader reads it."""


def _not_plain() -> NoReturn:
    raise _NotPlain


class _Namespaces:
    """A part's namespace declarations and its root element, as expat reports them while it
    checks the part. The plain shape declares one default namespace, the main one, on its
    <worksheet> root, and binds no prefix to it (other prefixes are other namespaces)."""

    def __init__(self) -> None:
        self.defaults: list[tuple[str, bool]] = []  # (namespace, declared on the root)
        self.bound: list[str] = []  # the namespaces bound to prefixes
        self.root = ""

    def watch(self, parser: expat.XMLParserType) -> None:
        def declare(prefix: str | None, uri: str | None) -> None:
            if prefix is None:
                self.defaults.append((uri or "", not self.root))
            else:
                self.bound.append(uri or "")

        def first(name: str, _attrs: dict[str, str]) -> None:
            self.root = name
            parser.StartElementHandler = None  # the root is all it takes

        parser.StartNamespaceDeclHandler = declare
        parser.StartElementHandler = first

    def plain(self, root: str = "worksheet") -> bool:
        """Whether the part is in the plain shape for a root element of this local name."""
        if len(self.defaults) != 1 or any(uri in _MAIN_URIS for uri in self.bound):
            return False
        main, on_root = self.defaults[0]
        return on_root and main in _MAIN_URIS and self.root == f"{main}}}{root}"


def _plain_cells(
    content: bytes,
    strings: Sequence[str],
    formats: Sequence[str],
    limits: Limits,
    namespaces: _Namespaces,
) -> dict[str, Cell] | None:
    """The cells of a well-formed worksheet part in the plain shape; None for any other."""
    if not namespaces.plain():
        return None
    try:
        text, start = _plain_text(content)
        return _PlainSheet(strings, formats, limits).read(text, start)
    except (_NotPlain, UnicodeDecodeError, ValueError, IndexError, KeyError, OverflowError):
        return None


def _plain_strings(content: bytes, limits: Limits, namespaces: _Namespaces) -> list[str] | None:
    """The items of a well-formed shared-string part in the plain shape, as the handlers of
    _Package.shared_strings give them; None for a part of any other shape."""
    if not namespaces.plain("sst"):
        return None
    try:
        return _items(content, limits)
    except (_NotPlain, UnicodeDecodeError, ValueError, OverflowError):
        return None


def _items(content: bytes, limits: Limits) -> list[str]:
    """The items of _plain_strings; raises _NotPlain for a part of another shape."""
    text, start = _plain_text(content)
    cut = limits.max_cell_chars + 1
    strings: list[str] = []
    total = 0
    for raw, other in _matches(_STRING, text, start):
        if other:
            raise _NotPlain
        item = (_xml_text(raw) if "&" in raw or "\r" in raw else raw)[:cut]
        strings.append(_unescape(item) if "_x" in item else item)
        total += len(item)
        _within_text_limits(len(strings), total, limits)
    return strings


def _within_text_limits(count: int, total: int, limits: Limits) -> None:
    """The shared strings read so far: refused past the number or the characters allowed."""
    if count > limits.max_shared_strings or total > limits.max_shared_chars:
        raise UnsafeWorkbook(
            "too-much-text", count=limits.max_shared_strings, chars=limits.max_shared_chars
        )


def _plain_text(content: bytes) -> tuple[str, int]:
    """The part as text, once its encoding is the plain one, and where its markup starts,
    past the XML declaration (its namespaces are _Namespaces' to judge, its markup _TAG's).
    A NUL byte cannot be in well-formed UTF-8 XML: it is UTF-16 or UTF-32, which expat reads
    from the first bytes even without a byte-order mark or a declaration."""
    if b"\0" in content:
        raise _NotPlain
    text = content.decode("utf-8-sig")
    declaration = _DECLARATION.match(text)
    if declaration and re.search(r"encoding\s*=\s*[\"'](?!utf-?8[\"'])", declaration[0], re.I):
        raise _NotPlain
    return text, declaration.end() if declaration else 0


def _attributes(text: str) -> dict[str, str]:
    if "&" in text or "\t" in text or "\n" in text or "\r" in text:
        raise _NotPlain  # values that expat would decode or normalize
    return {name: double or single for name, double, single in _ATTR.findall(text)}


def _xml_text(raw: str) -> str:
    """Text as expat gives it: line ends normalized, then references resolved."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in raw:
        raw = _XML_REFS.sub(_xml_ref, raw)
    return raw


def _xml_ref(match: re.Match[str]) -> str:
    name = match[1]
    if name[0] != "#":
        return _XML_NAMED[name]
    return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))


def _matches(pattern: re.Pattern[str], text: str, start: int) -> Iterable[tuple[str, ...]]:
    """The groups of each match of a pattern of several groups, "" for a group that did not
    take part: listed at once for a part of the usual size (findall makes no match object),
    one at a time for a larger part, so that memory stays flat."""
    if len(text) <= _LISTED_AT_ONCE:
        return pattern.findall(text, start)
    return (match.groups("") for match in pattern.finditer(text, start))


class _PlainSheet:
    """The cells of a part in the plain shape, in the order and with the values that
    _SheetReader gives; raises _NotPlain where that reader would refuse or differ."""

    def __init__(self, strings: Sequence[str], formats: Sequence[str], limits: Limits) -> None:
        self.strings, self.formats, self.limits = strings, formats, limits
        self.cells: dict[str, Cell] = {}
        self.row = self.col = self.merges = 0

    def read(self, text: str, start: int = 0) -> dict[str, Cell]:
        """The cells of the part, its markup read from `start` on; a cell in the common shape
        is worked out here, inline: it is the reader's hot path."""
        limits = self.limits
        longest, max_rows, max_cols = limits.max_cell_chars, limits.max_rows, limits.max_cols
        strings, formats, cells = self.strings, self.formats, self.cells
        for found in _matches(_TAG, text, start):
            (
                ref,
                style,
                ctype,
                raw,
                inline,
                row_number,
                attrs,
                closed,
                inside,
                name,
                other,
                stray,
            ) = found
            if ref:  # the common shape
                if len(raw) > longest or len(inline) > longest:
                    raise _NotPlain  # a text that may be too long: the reader names it
                if "&" in raw or "\r" in raw:
                    raw = _xml_text(raw)
                if "&" in inline or "\r" in inline:
                    inline = _xml_text(inline)
                row, self.col = _split_ref(ref)
                if ctype == "inlineStr" and "_x" not in inline:  # as _cell_value has it
                    value, error = inline or None, None
                else:
                    value, error = _cell_value(ctype or "n", raw, inline, strings)
                if value is None and error is None:
                    continue
                if row > max_rows or self.col > max_cols:
                    raise _NotPlain
                if value.__class__ is str and len(value) > longest:
                    raise _NotPlain
                cells[ref] = _new_cell(ref, row, self.col, value, None, error, style, formats)
            elif row_number:
                self.row, self.col = int(row_number), 0
                if self.row < 1:
                    raise _NotPlain
            elif name == "row":
                number = _attributes(other).get("r")
                self.row = int(number) if number else self.row + 1
                if self.row < 1:
                    raise _NotPlain
                self.col = 0
            elif name:
                self.merge(_attributes(other).get("ref", ""))
            elif stray:
                raise _NotPlain  # markup outside the plain shape
            else:
                self.cell(attrs, None if closed else _INSIDE.fullmatch(inside) or _not_plain())
        return cells

    def cell(self, attrs: str, inside: re.Match[str] | None) -> None:
        found = _attributes(attrs)
        ref = found.get("r")
        if ref is None:
            self.col += 1
            row, ref = self.row, _make_ref(self.row, self.col)
        else:
            row, self.col = _split_ref(ref)
        formula = value_text = inline = None
        if inside is not None:
            has_formula, formula_attrs, formula, _v, value_text, _t, inline = inside.groups()
            if has_formula and _attributes(formula_attrs).get("t") == "shared":
                raise _NotPlain  # a shared formula moves with its cell: _SheetReader does it
            formula = _xml_text(formula or "") if has_formula else None
            value_text = _xml_text(value_text) if value_text is not None else None
            inline = _xml_text(inline or "") if _t is not None else None
            for text in (formula, value_text, inline):
                if text is not None and len(text) > self.limits.max_cell_chars:
                    raise _NotPlain
        self.add(ref, row, found.get("s"), found.get("t", "n"), formula, value_text, inline)

    def add(
        self,
        ref: str,
        row: int,
        style: str | None,
        ctype: str,
        formula: str | None,
        value_text: str | None,
        inline: str | None,
    ) -> None:
        """A cell whose texts are within the limit, unless its value is a shared string."""
        value, error = _cell_value(ctype, value_text, inline, self.strings)
        if value is None and formula is None and error is None:
            return
        col, limits = self.col, self.limits
        if (
            row > limits.max_rows
            or col > limits.max_cols
            or (value.__class__ is str and len(value) > limits.max_cell_chars)
        ):
            raise _NotPlain
        self.cells[ref] = _new_cell(ref, row, col, value, formula, error, style, self.formats)

    def merge(self, span: str) -> None:
        self.merges += 1
        last_row, last_col = _split_ref(span.rpartition(":")[2])
        if self.merges > self.limits.max_merges:
            raise _NotPlain
        if last_row > self.limits.max_rows or last_col > self.limits.max_cols:
            raise _NotPlain


def read_cells(
    path: Path, sheet_names: Sequence[str], limits: Limits = _DEFAULT_LIMITS
) -> dict[str, dict[str, Cell]]:
    """Return {sheet name: {ref: Cell}} for the named sheets that exist (missing names are absent
    from the result). Only non-empty cells (a value, a formula or an error) are returned.

    Names match exactly, as written in the workbook. Raises UnsafeWorkbook for any file that
    cannot be read safely; an OSError only when the path itself cannot be opened.
    """
    return read_workbook(path, sheet_names, limits)[0]


def read_workbook(
    source: Path | bytes, sheet_names: Sequence[str], limits: Limits = _DEFAULT_LIMITS
) -> tuple[dict[str, dict[str, Cell]], str]:
    """The cells of read_cells and the workbook's last-saved time as written ("" if none),
    from one opening of the file, or from its bytes."""
    with _Package(source if isinstance(source, bytes) else Path(source), limits) as package:
        cells = _sheet_cells(package, sheet_names)
        try:
            saved = package.saved_time()
        except UnsafeWorkbook as exc:
            if exc.code not in _UNREADABLE_PROPERTIES:
                raise
            saved = ""  # damaged properties say nothing of the report; its cells decide
        return cells, saved


_UNREADABLE_PROPERTIES = frozenset({"xml-malformed", "part-damaged"})


def _sheet_cells(package: _Package, sheet_names: Sequence[str]) -> dict[str, dict[str, Cell]]:
    sheets = package.sheets()
    wanted = [name for name in dict.fromkeys(sheet_names) if name in sheets]
    if not wanted:
        return {}
    rels = package.relationships()
    strings_part = next(
        (part for kind, part in rels.values() if kind.endswith("/sharedStrings")),
        "xl/sharedStrings.xml",
    )
    styles_part = next(
        (part for kind, part in rels.values() if kind.endswith("/styles")), "xl/styles.xml"
    )
    names = package.zip.NameToInfo
    strings = package.shared_strings(strings_part) if strings_part in names else []
    formats = package.number_formats(styles_part) if styles_part in names else []
    result: dict[str, dict[str, Cell]] = {}
    for name in wanted:
        part = rels.get(sheets[name], ("", ""))[1]
        if part not in names:
            raise UnsafeWorkbook(
                "sheet-part-missing", sheet_name=_shown(name)[1:-1], part=_shown(part)
            )
        result[name] = package.cells(name, part, strings, formats)
    return result


def sheet_names(path: Path, limits: Limits = _DEFAULT_LIMITS) -> list[str]:
    """The workbook's sheet names in order, hidden ones included, after the same checks."""
    with _Package(Path(path), limits) as package:
        return list(package.sheets())
