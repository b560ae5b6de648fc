"""The sections of the mid-term report: every action's progress across the reporting years."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.outputs.period_data import COLOURS, NO_RETURN, NO_STATUS, PeriodData
from pipeline.outputs.report.sections import (
    Context,
    glossary,
    key_rows,
    methodology,
    percent,
    progress_chart,
    short,
    sources,
)

COUNTED = ("Completed", "Ongoing", "In progress", "Not started", "Not applicable", NO_STATUS)
TEXT_WIDTH_CM = 16.6


def summary(ctx: Context, found: Sequence[PeriodData]) -> None:
    """Key figures side by side, one column per year."""
    out, words = ctx.out, ctx.words
    out.paragraph(words("summary.title"), "Heading 1")
    out.paragraph(words("summary.interim_intro"))
    columns = [key_rows(words, d.key_figures()) for d in found]
    rows = [(label, *(c[i][1] for c in columns)) for i, (label, _) in enumerate(columns[0])]
    value_width = min(2.6, 8.0 / len(found))
    widths = (TEXT_WIDTH_CM - value_width * len(found), *([value_width] * len(found)))
    out.table(("", *(str(d.period) for d in found)), rows, widths)
    progress_chart(ctx, found)


def progress(ctx: Context, found: Sequence[PeriodData]) -> None:
    """Per pillar, one row per (action, ministry) and one colour-coded column per year."""
    out, words = ctx.out, ctx.words
    out.paragraph(words("interim.progress_title"), "Heading 1")
    out.paragraph(words("interim.progress_intro"))
    year_width = min(2.2, 9.0 / len(found))
    widths = (TEXT_WIDTH_CM - 1.6 - year_width * len(found), 1.6, *([year_width] * len(found)))
    header = ("Action", "Ministry", *(str(d.period) for d in found))
    for pillar in ctx.plan.pillars:
        out.paragraph(pillar.title, "Heading 2")
        rows, fills = [], []
        for action in (a for a in ctx.plan.actions if a.pillar == pillar.id):
            for index, code in enumerate(action.ministries):
                label = f"{action.id} {short(action.action, 70)}" if index == 0 else ""
                categories = [d.category(action.id, code) for d in found]
                rows.append((label, code, *categories))
                fills.append((None, None, *(COLOURS[c] for c in categories)))
        out.table(header, rows, widths, fills=fills)


def ministries(ctx: Context, found: Sequence[PeriodData]) -> None:
    """Per ministry and year: the return, its completeness and its pairs by status."""
    out, words = ctx.out, ctx.words
    out.paragraph(words("interim.ministries_title"), "Heading 1")
    out.paragraph(words("interim.ministries_intro"))
    rows, fills = [], []
    for ministry in ctx.plan.ministries:
        actions = ctx.plan.actions_for(ministry.code)
        for data in found:
            state = next(m for m in data.status.ministries if m.code == ministry.code)
            late = data.late_days(state)
            outcome = "missing" if state.missing else (f"late ({late} d)" if late else "accepted")
            counts = [
                ""
                if state.missing
                else str(sum(data.category(a.id, ministry.code) == c for a in actions))
                for c in COUNTED
            ]
            completeness = "" if state.missing else percent(state.completeness)
            cells = (ministry.code, str(data.period), outcome, completeness, *counts)
            rows.append(cells)
            fill = COLOURS[NO_RETURN] if state.missing else COLOURS["Completed"]
            fills.append((None, None, fill, *([None] * (len(cells) - 3))))
    header = ("Ministry", "Year", "Return", "Complete", *COUNTED)
    widths = (1.5, 1.0, 1.9, 1.6, *([10.6 / len(COUNTED)] * len(COUNTED)))
    out.table(header, rows, widths, fills=fills)


def annexes(ctx: Context, found: Sequence[PeriodData]) -> None:
    ctx.out.paragraph(ctx.words("annexes.title"), "Heading 1")
    methodology(ctx)
    glossary(ctx)
    sources(ctx, [(d.period, f) for d in found for f in d.files])
