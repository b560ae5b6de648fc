"""The sheets of the figures reported: one row per action and ministry that asks for a figure,
and their totals by pillar, by ministry and, for the share of women, by indicator."""

from __future__ import annotations

from pipeline.outputs.consolidated.layout import Book, Col, Range, frame_rows
from pipeline.outputs.consolidated.tables import Tables

INDICATORS_NOTE = (
    "One row per action and ministry whose action asks for a figure, from the accepted "
    "returns; the Totals sheet adds up these rows."
)
# An indicator with its women and men, on the Indicators sheet and beside the totals.
WOMEN_MEN_COLUMNS = (
    Col("indicator", 40, "wrap"),
    Col("women", 10, "whole"),
    Col("men", 10, "whole"),
    Col("total", 10, "whole"),
    Col("women_share", 9, "percent"),
)
INDICATOR_COLUMNS = (
    Col("action_id", 8),
    Col("pillar_id", 6, header="Pillar"),
    Col("ministry", 9),
    *WOMEN_MEN_COLUMNS,
    Col("count", 10, "whole"),
    Col("count_label", 20, "wrap"),
    Col("amount", 14, "decimal"),
    Col("cells", 14),
)


def indicators(book: Book, tables: Tables) -> Range:
    title = f"Sex-disaggregated figures, counts and amounts, {tables.data.period}"
    ws = book.sheet("Indicators", title, INDICATORS_NOTE)
    return book.listing(ws, 3, INDICATOR_COLUMNS, frame_rows(tables.indicators, INDICATOR_COLUMNS))


TOTALS_NOTE = "Sums of the rows of the Indicators sheet. Share of women: women / (women + men)."
SUMS = (
    ("women", "whole"), ("men", "whole"), ("total", "whole"),
    ("count", "whole"), ("amount", "decimal"), ("women_share", "percent"),
)  # fmt: skip
SUM_COLUMNS = tuple(Col(field, 11, kind) for field, kind in SUMS)
SHARE_COLUMNS = (Col("action_id", 8), *WOMEN_MEN_COLUMNS)
GAP_WIDTH = 3


def totals(book: Book, tables: Tables) -> tuple[Range, Range, Range]:
    """Totals by pillar and by ministry on the left, the share of women per indicator on
    the right: side by side, so that each table keeps its own column widths. The ranges of
    the three tables, totals excluded."""
    title = f"Totals of the figures reported, {tables.data.period}"
    ws = book.sheet("Totals", title, TOTALS_NOTE)
    ranges = []
    end = 2
    for heading, frame, key in (
        ("Totals by pillar", tables.by_pillar_figures, "pillar"),
        ("Totals by ministry", tables.by_ministry_figures, "ministry"),
    ):
        ws.write_string(end + 1, 0, heading, book.formats.heading)
        cols = (Col(key, 9), *SUM_COLUMNS)
        rng = book.table(
            ws, end + 2, cols, frame_rows(frame, cols), excel_table=False, total_rows=1
        )
        ranges.append(rng)
        end = rng.next_row
    gap = max(r.last_column for r in ranges) + 1
    ws.set_column(gap, gap, GAP_WIDTH)
    ws.write_string(3, gap + 1, "Share of women by indicator", book.formats.heading)
    rows = frame_rows(tables.women_share, SHARE_COLUMNS)
    shares = book.table(ws, 4, SHARE_COLUMNS, rows, excel_table=False, left=gap + 1)
    return ranges[0], ranges[1], shares
