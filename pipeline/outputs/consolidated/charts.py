"""The two charts of the consolidated workbook, each drawn from a range a sheet wrote and
shown on a chart sheet of its own."""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from pipeline import excel_style as style
from pipeline.outputs.consolidated.layout import Book, Range
from pipeline.outputs.period_data import COLOURS

TITLE = {"size": 14}


def status_chart(book: Book, counts: Range, period: int, categories: Sequence[str]) -> None:
    """Action reports by status and pillar, one stacked column per pillar; `counts` is the
    table of counts by pillar, one column per category."""
    chart = book.wb.add_chart({"type": "column", "subtype": "stacked"})
    first, last, names = counts.first_row, counts.last_row, counts.columns["pillar"]
    for category in categories:
        col = counts.columns[category]
        chart.add_series(
            {
                "name": [counts.sheet, counts.header_row, col],
                "categories": [counts.sheet, first, names, last, names],
                "values": [counts.sheet, first, col, last, col],
                "fill": {"color": f"#{COLOURS[category]}"},
                "border": {"color": f"#{style.MID_GREY}"},
                "gap": 60,
            }
        )
    chart.set_title(
        {
            "name": book.mark + book.words.phrase("Action reports by status and pillar, $period"),
            "name_font": TITLE,
        }
    )
    chart.set_x_axis({"name": book.words("charts.pillar_axis")})
    chart.set_y_axis(
        {"name": book.words("charts.status_axis"), "major_gridlines": {"visible": True}}
    )
    chart.set_legend({"position": "right"})
    book.chartsheet("Status chart", chart)


def women_chart(book: Book, shares: Range, period: int) -> None:
    """The share of women per indicator, one bar each; no chart when no indicator counts
    women and men."""
    if not shares.rows:
        return
    first, last = shares.first_row, shares.last_row
    names, values = shares.columns["action_id"], shares.columns["women_share"]
    base = shares.columns["share_base"]
    sheet = quote_sheetname(shares.sheet)
    labels = [
        {"value": f"={sheet}!{xl_rowcol_to_cell(r, base, True, True)}"}
        for r in range(first, last + 1)
    ]
    bar = book.wb.add_chart({"type": "bar"})
    bar.add_series(
        {
            "name": book.words("figures.women_share"),
            "categories": [shares.sheet, first, names, last, names],
            "values": [shares.sheet, first, values, last, values],
            "fill": {"color": f"#{style.WOMEN}"},
            # each bar says its share with its numerator and denominator: 45.0% (9 of 20)
            "data_labels": {"value": True, "custom": labels},
            "gap": 50,
        }
    )
    title = f"{book.mark}{book.words('charts.women_caption')}"
    bar.set_title({"name": title, "name_font": TITLE})
    bar.set_x_axis(
        {"name": book.words("figures.women_share"), "min": 0, "max": 1, "num_format": "0%"}
    )
    bar.set_y_axis({"name": book.words("charts.indicator_axis"), "reverse": True})
    bar.set_legend({"none": True})
    book.chartsheet("Women chart", bar)
