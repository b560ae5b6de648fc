"""The sheets of the figures reported: one row per action report that asks for a figure, then
a sheet per kind of figure (women and men, counts, amounts) whose totals add up only figures
of one unit and kind, each with what it is counted over."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.outputs.consolidated.layout import Book, Col, Range, frame_rows
from pipeline.outputs.consolidated.tables import Tables

FIGURE_MEASURES = {"women_men", "count", "amount"}
INDICATORS_NOTE = (
    "One row per action and ministry whose indicator asks for a figure. A figure cell holds "
    "the number typed, or says why there is none; In the totals says whether the row's "
    "figures are added up on the next sheets (a row with no status or Not applicable is not)."
)
WOMEN_MEN = (Col("women", 10, "whole"), Col("men", 10, "whole"), Col("total", 10, "whole"))
INDICATOR_COLUMNS = (
    Col("action_id", 8),
    Col("pillar_id", 6, header="Pillar"),
    Col("ministry", 9),
    Col("indicator", 40, "wrap"),
    *WOMEN_MEN,
    Col("women_share", 9, "percent"),
    Col("count", 10, "whole"),
    Col("count_label", 20, "wrap"),
    Col("amount", 14, "decimal"),
    Col("in_totals", 16, "wrap"),
    Col("cells", 14),
)


def indicators(book: Book, tables: Tables) -> Range:
    title = "Sex-disaggregated figures, counts and amounts, $period"
    ws = book.sheet("Indicators", title, INDICATORS_NOTE)
    asks = [a.id for a in tables.data.plan.actions if FIGURE_MEASURES & set(a.measures)]
    frame = tables.pairs[tables.pairs["action_id"].isin(asks)]
    return book.listing(ws, 3, INDICATOR_COLUMNS, frame_rows(frame, INDICATOR_COLUMNS))


def _tables(book: Book, name: str, title: str, note: str, parts: Sequence[tuple]) -> list[Range]:
    """A sheet of tables one under the other, each under its heading; a table's last
    `totals` rows are its total rows. Tables share the columns' widths position by position."""
    ws = book.sheet(name, title, note)
    ranges, top = [], 3
    for heading, frame, cols, totals in parts:
        book.heading(ws, top, heading)
        rows = frame_rows(frame, cols)
        rng = book.table(ws, top + 1, cols, rows, excel_table=False, total_rows=totals)
        if not rows:
            none = book.words.phrase("None in this plan.")
            ws.write_string(rng.next_row, 0, none, book.formats.note)
        ranges.append(rng)
        top = rng.next_row + 2
    ws.repeat_rows(4)
    return ranges


HEADS_NOTE = (
    "Women and men are added up per indicator, then only within one kind: flows (people "
    "reached during the year) and stocks (people in post), never one with the other. The "
    "share of women is taken over the action reports that give both women and men."
)
SHARE = (Col("women_share", 9, "percent"), Col("share_base", 16), Col("coverage", 44, "wrap"))
HEADS_COLUMNS = (
    Col("action_id", 8), Col("indicator", 40, "wrap"), Col("head_count", 8), *WOMEN_MEN, *SHARE
)  # fmt: skip
KIND_COLUMNS = (
    Col("head_count", 8), Col("indicators", 40, "wrap"), Col("n_indicators", 8, "whole"),
    *WOMEN_MEN, *SHARE,
)  # fmt: skip


def women_and_men(book: Book, tables: Tables) -> Range:
    """Every sex-disaggregated indicator of the plan, then the sums per kind; the range of
    the first table, which the chart of the share of women draws."""
    found = tables.figures
    kinds = found.heads_by_kind.assign(
        n_indicators=found.heads_by_kind["indicators"].str.count(",") + 1
    )
    title = "Women and men, $period"
    by_indicator, _ = _tables(
        book, "Women and men", title, HEADS_NOTE,
        [
            ("Women and men by indicator", found.heads, HEADS_COLUMNS, 0),
            ("Added up by kind of head count", kinds, KIND_COLUMNS, 0),
        ],
    )  # fmt: skip
    return by_indicator


COUNTS_NOTE = (
    "A count is a number of things of the indicator's unit (Count of). Counts of different "
    "indicators are added up only when the plan register gives them the same unit."
)
COUNT_COLUMNS = (
    Col("action_id", 8), Col("indicator", 40, "wrap"), Col("count_label", 24, "wrap"),
    Col("count", 11, "whole"), Col("coverage", 44, "wrap"),
)  # fmt: skip
UNIT_COLUMNS = (
    Col("n_indicators", 8, "whole"), Col("indicators", 40, "wrap"),
    Col("count_label", 24, "wrap", header="Unit"), Col("count", 11, "whole"),
    Col("coverage", 44, "wrap"),
)  # fmt: skip


def counts(book: Book, tables: Tables) -> None:
    found = tables.figures
    units = found.counts_by_unit.assign(
        n_indicators=found.counts_by_unit["indicators"].str.count(",") + 1
    )
    _tables(
        book, "Counts", "Counts, $period", COUNTS_NOTE,
        [
            ("Counts by indicator", found.counts, COUNT_COLUMNS, 0),
            ("Added up across indicators of the same unit", units, UNIT_COLUMNS, 0),
        ],
    )  # fmt: skip


AMOUNTS_NOTE = (
    "Amounts are all in euros (EUR) and are added up by pillar and by ministry. Not asked: "
    "none of the pillar's or ministry's indicators asks for an amount."
)
AMOUNT_COLUMNS = (
    Col("action_id", 8), Col("indicator", 40, "wrap"), Col("amount", 14, "decimal"),
    Col("coverage", 44, "wrap"),
)  # fmt: skip


def amounts(book: Book, tables: Tables) -> None:
    found = tables.figures
    by = [
        ("Amounts by pillar", found.amounts_by_pillar, ("Pillar", "Title")),
        ("Amounts by ministry", found.amounts_by_ministry, ("Ministry", "Name")),
    ]
    _tables(
        book, "Amounts", "Amounts (EUR), $period", AMOUNTS_NOTE,
        [
            ("Amounts by indicator", found.amounts, AMOUNT_COLUMNS, 0),
            *((heading, frame, _named(names), 1) for heading, frame, names in by),
        ],
    )  # fmt: skip


def _named(headers: tuple[str, str]) -> tuple[Col, ...]:
    """The columns of the amounts by indicator, for a pillar's or a ministry's rows."""
    return (Col("key", 8, header=headers[0]), Col("name", 40, "wrap", header=headers[1]),
            *AMOUNT_COLUMNS[2:])  # fmt: skip
