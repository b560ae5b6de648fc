"""Reading the consolidated workbook back as a reader sees it: its tables under their
headings."""

from __future__ import annotations

import itertools


def sheet_rows(sheet, first: int = 1) -> list[list[object]]:
    return [list(r) for r in sheet.iter_rows(min_row=first, values_only=True)]


def block(sheet, heading: str) -> list[dict[str, object]]:
    """The table under a heading in column A: its header row (up to the first empty cell),
    then rows down to the first with column A empty."""
    rows = sheet_rows(sheet)
    start = next(i for i, r in enumerate(rows) if r[0] == heading) + 1
    header = list(itertools.takewhile(lambda h: h is not None, rows[start]))
    found = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        found.append(dict(zip(header, row[: len(header)], strict=True)))
    return found
