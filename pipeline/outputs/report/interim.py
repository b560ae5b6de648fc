"""The sections of the mid-term report: every action's progress across the reporting years,
each year's figures on the base it stands on, the values revised and the statuses that went
back."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.excel_style import LATE_FILL, ON_TIME_FILL
from pipeline.outputs import figures as f
from pipeline.outputs.period_data import COLOURS, NO_RETURN, NO_STATUS, NOT_RETURNED, PeriodData
from pipeline.outputs.report.sections import (
    Context,
    coverage_note,
    glossary,
    key_figure_rows,
    methodology,
    progress_chart,
    short,
    sources,
)
from pipeline.outputs.wording import Wording

COUNTED = ("Completed", "Ongoing", "In progress", "Not started", "Not applicable", NO_STATUS)
TEXT_WIDTH_CM = 16.6


def summary(ctx: Context, found: Sequence[PeriodData]) -> None:
    """Key figures side by side, one column per year, each share with its numerator and
    denominator; the ministries missing each year named."""
    out, words = ctx.out, ctx.words
    out.heading(words("summary.title"), 1)
    out.paragraph(words("summary.interim_intro"))
    rows = key_figure_rows(ctx, found, [d.period for d in found])
    value_width = min(2.6, 8.0 / len(found))
    widths = (TEXT_WIDTH_CM - value_width * len(found), *([value_width] * len(found)))
    header = (words("summary.figure"), *(str(d.period) for d in found))
    title = words("summary.interim_figures_caption")
    out.table(header, rows, widths, title=title, caption=True)
    for data in found:
        coverage_note(ctx, data)
    progress_chart(ctx, found)


def _marked(ctx: Context, found: Sequence[PeriodData], action_id: str, code: str) -> list[str]:
    """Each year's status of an action report, marked where a later file revised the
    return's values for it or where it went back from an earlier year."""
    words = ctx.words
    series = [(d.period, d.category(action_id, code)) for d in found]
    back = {later for *_, later, _ in f.went_back(series)}
    cells = []
    for data, (_, category) in zip(found, series, strict=True):
        marks = []
        if data.revised(action_id, code):
            marks.append(words("interim.revised"))
        if data.period in back:
            marks.append(words("interim.went_back"))
        cells.append(
            words("interim.marked", status=words.status(category), marks=", ".join(marks))
            if marks
            else words.status(category)
        )
    return cells


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
                rows.append((label, code, *_marked(ctx, found, action.id, code)))
                fills.append((None, None, *(COLOURS[c] for c in categories)))
        title = words("interim.progress_caption", pillar=pillar.title)
        out.table(header, rows, widths, title=title, caption=True, fills=fills)


def women_by_year(ctx: Context, found: Sequence[PeriodData]) -> None:
    """Every sex-disaggregated indicator of the plan in every year, with figures or not."""
    out, words = ctx.out, ctx.words
    out.heading(words("interim.women_title"), 1)
    out.paragraph(words("interim.women_intro"))
    rows = []
    for action in (a for a in ctx.plan.actions if "women_men" in a.measures):
        cells = []
        for data in found:
            heads = f.heads(data, f.reports_of([action]))
            text = f.share_text(words, heads.share)
            if heads.share.value is None:
                text = f.total_cell(words, heads.women)
                text = words.number(text) if isinstance(text, float) else text
            cells.append(text)
        rows.append((f"{action.id} {short(action.indicator, 60)}", *cells))
    value_width = min(2.8, 9.0 / len(found))
    widths = (TEXT_WIDTH_CM - value_width * len(found), *([value_width] * len(found)))
    header = (words("interim.indicator"), *(str(d.period) for d in found))
    out.table(header, rows, widths, title=words("interim.women_caption"), caption=True)


def changes(ctx: Context, found: Sequence[PeriodData]) -> None:
    """The statuses that went back from one year to a later one, and the returns a later
    file revised: what the coordinator checks before the figures are read as a trend."""
    out, words = ctx.out, ctx.words
    out.heading(words("interim.changes_title"), 1)
    back = [
        (f"{action.id} {short(action.action, 50)}", code, f"{s1} ({y1})", f"{s2} ({y2})")
        for action, code in f.reports_of(ctx.plan.actions)
        for y1, s1, y2, s2 in f.went_back([(d.period, d.category(action.id, code)) for d in found])
    ]
    out.paragraph(words("interim.went_back_intro" if back else "interim.went_back_none"))
    if back:
        header = tuple(words(f"interim.{k}") for k in ("action", "ministry", "from", "to"))
        title = words("interim.went_back_caption")
        out.table(header, back, (8.6, 1.8, 3.1, 3.1), title=title, caption=True)
    revised = [(str(d.period), *row) for d in found for row in _revised(d, words)]
    out.paragraph(words("interim.revised_intro" if revised else "interim.revised_none"))
    if revised:
        keys = ("year", "ministry", "values_revised", "columns_revised")
        header = tuple(words(f"interim.{k}") for k in keys)
        title = words("interim.revised_caption")
        out.table(header, revised, (1.6, 2.0, 2.6, 10.4), title=title, caption=True)


def _revised(data: PeriodData, words: Wording) -> list[tuple[str, str, str]]:
    """(ministry, number of values, columns) of each return a later file revised."""
    by: dict[str, list[str]] = {}
    for r in data.revisions:
        by.setdefault(r.ministry, []).append(words.header(r.field))
    return [(m, str(len(c)), ", ".join(dict.fromkeys(c))) for m, c in by.items()]


def _return_of(ctx: Context, data: PeriodData, code: str) -> tuple[list[str], str]:
    """A ministry's cells in a year's row of the summary, and the colour of its return."""
    words = ctx.words
    state = data.ministry(code)
    if state.missing:
        returned = data.state(code)
        outcome = (
            words("interim.missing") if returned == NOT_RETURNED else f.state_word(words, returned)
        )
        return [outcome, *([words("states.none")] * (1 + len(COUNTED)))], COLOURS[NO_RETURN]
    late = data.late_days(state)
    outcome = words("interim.late", days=late) if late else words("interim.on_time")
    actions = ctx.plan.actions_for(code)
    counts = [str(sum(data.category(a.id, code) == c for a in actions)) for c in COUNTED]
    completeness = f.share_text(words, f.completeness(data, code))
    return [outcome, completeness, *counts], LATE_FILL if late else ON_TIME_FILL


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
