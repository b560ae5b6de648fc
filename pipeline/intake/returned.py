"""Read a returned workbook: its _meta fields and the cells of its Report sheet, values only."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.intake.xlsx_reader import Cell, Limits, UnsafeWorkbook, read_workbook
from pipeline.template import contract as c

LIMITS = Limits()


@dataclass(frozen=True)
class Returned:
    meta: dict[str, str] | None  # None when the _meta sheet is missing
    report: dict[str, Cell] | None  # None when the Report sheet is missing
    saved: str = ""  # when the ministry last saved it (ISO, UTC); "" when the file does not say


def cell_text(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a re-save may turn the text "2019" into the number 2019
    return str(value).strip()


def meta_fields(cells: dict[str, Cell]) -> dict[str, str]:
    """Key in column A, value in column B; rows in any order, so a re-save cannot break it."""
    fields: dict[str, str] = {}
    for cell in cells.values():
        if cell.col == 1:
            fields[cell_text(cell)] = cell_text(cells.get(f"B{cell.row}"))
    return fields


def read_returned(source: Path | bytes) -> Returned:
    """Raises UnsafeWorkbook with a one-line reason for a file (or a file's bytes) that
    cannot be read safely."""
    sheets, saved = read_workbook(source, (c.REPORT, c.META), LIMITS)
    meta = sheets.get(c.META)
    return Returned(
        meta_fields(meta) if meta is not None else None, sheets.get(c.REPORT), saved_time(saved)
    )


_W3CDTF = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def saved_time(text: str) -> str:
    """A last-saved time as the ledger keeps it, ISO in UTC; "" when it cannot be read.

    Excel writes seconds and Z; LibreOffice may write nanoseconds and no zone, read as UTC.
    """
    match = _W3CDTF.fullmatch(text.strip())
    if match is None:
        return ""
    base, fraction, zone = match.groups()
    zone = "+00:00" if zone in (None, "Z") else zone
    try:
        moment = dt.datetime.fromisoformat(base + (fraction or "")[:7] + zone)
    except ValueError:
        return ""
    return moment.astimezone(dt.UTC).isoformat()


def read_meta(path: Path) -> dict[str, str] | None:
    """The _meta fields of a workbook, or None when it has none or cannot be read."""
    try:
        return read_returned(path).meta
    except UnsafeWorkbook:
        return None
