"""The sections of the mid-term report: every action's progress across the reporting years."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.excel_style import LATE_FILL, ON_TIME_FILL
from pipeline.outputs.period_data import COLOURS, NO_RETURN, NO_STATUS, PeriodData
from pipeline.outputs.report.sections import (
    Context,
    glossary,
    key_rows,
    methodology,
    progress_chart,
    short,
    sources,
)

COUNTED = ("Completed", "Ongoing", "In progress", "Not started", "Not applicable", NO_STATUS)
TEXT_WIDTH_CM = 16.6


def summary(ctx: Context, found: Sequence[PeriodData]) -> None:
    """Key figures side by side, one column per year."""
    out, words = ctx.out, ctx.words
    out.heading(words("summary.title"), 1)
    out.paragraph(words("summary.interim_intro"))
    columns = [key_rows(words, d.key_figures()) for d in found]
    rows = [(label, *(c[i][1] for c in columns)) for i, (label, _) in enumerate(columns[0])]
    value_width = min(2.6, 8.0 / len(found))
    widths = (TEXT_WIDTH_CM - value_width * len(found), *([value_width] * len(found)))
    header = (words("summary.figure"), *(str(d.period) for d in found))
    title = words("summary.interim_figures_caption")
    out.table(header, rows, widths, title=title, caption=True)
    progress_chart(ctx, found)


def progress(ctx: Context, found: Sequence[PeriodData]) -> None:
    """Per pillar, one row per action and ministry and one column per year, each status in
    words on its colour."""
    out, words = ctx.out, ctx.words
    out.heading(words("interim.progress_title"), 1)
    out.paragraph(words("interim.progress_intro"))
    year_width = min(2.2, 9.0 / len(found))
    widths = (TEXT_WIDTH_CM - 1.6 - year_width * len(found), 1.6, *([year_width] * len(found)))
    header = (words("interim.action"), words("interim.ministry"), *(str(d.period) for d in found))
    for pillar in ctx.plan.pillars:
        out.heading(pillar.title, 2)
        rows, fills = [], []
        for action in (a for a in ctx.plan.actions if a.pillar == pillar.id):
            for index, code in enumerate(action.ministries):
                label = f"{action.id} {short(action.action, 70)}" if index == 0 else ""
                categories = [d.category(action.id, code) for d in found]
                rows.append((label, code, *map(words.status, categories)))
                fills.append((None, None, *(COLOURS[c] for c in categories)))
        title = words("interim.progress_caption", pillar=pillar.title)
        out.table(header, rows, widths, title=title, caption=True, fills=fills)


def _return_of(ctx: Context, data: PeriodData, code: str) -> tuple[list[str], str]:
    """A ministry's cells in a year's row of the summary, and the colour of its return."""
    words = ctx.words
    state = next(m for m in data.status.ministries if m.code == code)
    if state.missing:
        return [words("interim.missing"), "", *([""] * len(COUNTED))], COLOURS[NO_RETURN]
    late = data.late_days(state)
    outcome = words("interim.late", days=late) if late else words("interim.on_time")
    actions = ctx.plan.actions_for(code)
    counts = [str(sum(data.category(a.id, code) == c for a in actions)) for c in COUNTED]
    return [
        outcome,
        words.percent(state.completeness),
        *counts,
    ], LATE_FILL if late else ON_TIME_FILL


def ministries(ctx: Context, found: Sequence[PeriodData]) -> None:
    """Per ministry and year: the return, its completeness and its action reports by status."""
    out, words = ctx.out, ctx.words
    out.heading(words("interim.ministries_title"), 1)
    out.paragraph(words("interim.ministries_intro"))
    rows, fills = [], []
    for ministry in ctx.plan.ministries:
        for data in found:
            cells, fill = _return_of(ctx, data, ministry.code)
            rows.append((ministry.code, str(data.period), *cells))
            fills.append((None, None, fill, *([None] * (len(cells) - 1))))
    keys = ("ministry", "year", "outcome", "completeness")
    header = (*(words(f"interim.{k}") for k in keys), *map(words.status, COUNTED))
    widths = (1.5, 1.0, 1.9, 1.6, *([10.6 / len(COUNTED)] * len(COUNTED)))
    title = words("interim.ministries_caption")
    out.table(header, rows, widths, title=title, caption=True, fills=fills)


def annexes(ctx: Context, found: Sequence[PeriodData]) -> None:
    ctx.out.heading(ctx.words("annexes.title"), 1)
    methodology(ctx)
    glossary(ctx)
    sources(ctx, [(d.period, f) for d in found for f in d.files])
