"""The consolidated workbook of a period: what every ministry returned, on sheets people can
filter, print and trace back to the file and cell each value came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from pipeline import excel_style as style
from pipeline.atomic import atomic_path
from pipeline.failures import NapError
from pipeline.intake.closing import check_open
from pipeline.intake.status import period_status
from pipeline.ledger import Decision, connect, period_decisions
from pipeline.outputs.consolidated import (
    charts,
    figure_sheets,
    glossary_sheet,
    record_sheets,
    status_sheets,
)
from pipeline.outputs.consolidated.layout import Book, timestamp
from pipeline.outputs.consolidated.tables import Tables, build_tables, read_values
from pipeline.outputs.period_data import CATEGORIES, NO_RETURN, earlier_periods, load_periods
from pipeline.outputs.tidy_export import tidy_table, write_tidy
from pipeline.outputs.wording import Wording, words_for
from pipeline.workspace import Workspace

FORMATS = ("csv", "parquet")


def consolidate(
    ws: Workspace,
    period: int,
    *,
    formats: Iterable[str] = (),
) -> list[Path]:
    """Write outbox/<period>/consolidated_<period>.xlsx (and the tidy table in `formats`)
    from the current accepted return of each ministry. Two runs on the same ledger give the
    same bytes."""
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise NapError(f"unknown export format {unknown[0]}; choose from {', '.join(FORMATS)}")
    status = period_status(ws, ws.check_period(period))
    check_open(ws, period, f"write the consolidated workbook of {period}")
    if not status.has_returns:
        raise NapError(
            f"no accepted submission for {period} yet, so there is nothing to consolidate; "
            "put the ministries' files in inbox/ and run `nap ingest` first"
        )
    found = load_periods(ws, [*earlier_periods(ws, period), period])
    with connect(ws.ledger_path) as conn:
        values = read_values(conn, period, status.plan)
        decisions = period_decisions(conn, period)
    words = words_for(ws, {"period": period})
    tables = build_tables(found, values, words)
    dest = ws.period_dir(period) / f"consolidated_{period}.xlsx"
    written = [write_workbook(tables, dest, words, decisions, sample=ws.settings.sample)]
    tidy = tidy_table(tables.periods, values) if formats else None
    for fmt in formats:
        written.append(write_tidy(tidy, dest.with_name(f"consolidated_{period}_values.{fmt}")))
    return written


def write_workbook(
    tables: Tables,
    dest: Path,
    words: Wording,
    decisions: list[Decision],
    *,
    sample: bool = False,
) -> Path:
    """Write the workbook whole: a reader never sees half a file. Its key figures are named
    by `words`, as in the reports; a `sample` workbook says SAMPLE in every title."""
    import xlsxwriter

    data = tables.data
    with atomic_path(dest, held_by="Excel") as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {**style.TEXT_STAYS_TEXT, "remove_timezone": True})
        book = Book.start(wb, data.plan.title, data.period, words, sample)
        latest = max(filter(None, (timestamp(f.received) for f in data.files)), default=None)
        wb.set_properties(
            {
                "title": book.mark
                + words.label(data.plan.title)
                + words.phrase("consolidated returns for $period", period=data.period),
                "subject": words.phrase(
                    "Returns of the ministries for $period", period=data.period
                ),
                "author": data.plan.coordinator,
                # the newest file, not the clock: the same ledger gives the same bytes
                "created": (latest or dt.datetime(data.period + 1, 1, 1)).replace(tzinfo=None),
            }
        )
        _write_sheets(book, tables, decisions)
        wb.close()
    return dest


def _write_sheets(book: Book, tables: Tables, decisions: list[Decision]) -> None:
    """The sheets in the order a reader goes through them, each chart after its figures."""
    data = tables.data
    status_sheets.overview(book, data)
    status_sheets.actions(book, tables)
    status_sheets.roll_up(book, tables)
    counts, _ = status_sheets.by_pillar(book, tables)
    shown = [c for c in CATEGORIES if c != NO_RETURN or data.status.missing]
    charts.status_chart(book, counts, data.period, shown)
    figure_sheets.indicators(book, tables)
    shares = figure_sheets.women_and_men(book, tables)
    charts.women_chart(book, shares, data.period)
    figure_sheets.counts(book, tables)
    figure_sheets.amounts(book, tables)
    record_sheets.issues(book, data)
    record_sheets.history(book, tables, decisions)
    record_sheets.files(book, data)
    glossary_sheet.definitions(book)
    glossary_sheet.glossary(book, data.plan)
