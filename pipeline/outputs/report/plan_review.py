"""The sections of a plan's final implementation report: every action's path over the plan's
years and where it ended, what was done and what was not, the figures year by year, the
ministries' own lessons for the next plan, and how each ministry reported."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline import excel_style as style
from pipeline.outputs import figures as f
from pipeline.outputs.period_data import COLOURS, NO_RETURN, NOT_RETURNED
from pipeline.outputs.report import review_charts
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
from pipeline.outputs.review_data import FINAL_STATUSES, NO_RETURNS, Entry, PlanReview, Series
from pipeline.plan.register import Action

TEXT_WIDTH_CM = 16.6
DASH = "–"


def _fill(category: str) -> str | None:
    return COLOURS.get(NO_RETURN if category == NO_RETURNS else category)


def _heading(ctx: Context, key: str, level: int = 1, intro: str = "") -> None:
    """A section's heading and, when given, the key of its introduction."""
    ctx.out.heading(ctx.words(f"plan_review.{key}"), level)
    if intro:
        ctx.out.paragraph(ctx.words(f"plan_review.{intro}"))


def _and_list(ctx: Context, items: Sequence[object]) -> str:
    words = [str(i) for i in items]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {ctx.words('plan_review.and')} {words[-1]}"


def summary(ctx: Context, review: PlanReview, workbook: str) -> None:
    """The plan's years said plainly, each year's key figures, and the final statuses."""
    out, words = ctx.out, ctx.words
    out.heading(words("summary.title"), 1)
    out.paragraph(words("plan_review.intro"))
    empty = review.empty_years
    if empty:
        no_returns = words("plan_review.no_returns")
        years = _and_list(ctx, empty)
        out.paragraph(words("plan_review.empty_years", years=years, no_returns=no_returns))
    else:
        out.paragraph(words("plan_review.no_empty_years"))
    out.paragraph(words("plan_review.workbook", workbook=workbook))
    out.heading(words("plan_review.key_figures"), 2)
    rows = key_figure_rows(ctx, review.found, review.years)
    no_returns = words("plan_review.no_returns")
    value_width = min(2.2, 10.0 / len(review.years))
    widths = (TEXT_WIDTH_CM - value_width * len(review.years), *([value_width] * len(review.years)))
    years = (str(y) if y in review.by_year else f"{y}\n{no_returns}" for y in review.years)
    header = (words("summary.figure"), *years)
    out.table(header, rows, widths, title=words("plan_review.key_figures"))
    for data in review.found:
        coverage_note(ctx, data)
    progress_chart(ctx, review.found)
    final_statuses(ctx, review)


def final_statuses(ctx: Context, review: PlanReview) -> None:
    out, words = ctx.out, ctx.words
    _heading(ctx, "final_title", 2, intro="final_intro")
    finals = [review.final_roll_up(a) for a in review.plan.actions]
    total = len(finals)
    rows = [
        (
            words.status(c),
            str(finals.count(c)),
            f.share_text(words, f.Share(finals.count(c), total)),
        )
        for c in FINAL_STATUSES
    ]
    fills = [(COLOURS[c], None, None) for c in FINAL_STATUSES]
    header = (
        words("plan_review.header_status"),
        words("plan_review.header_actions"),
        words("plan_review.header_share"),
    )
    title = words("plan_review.final_title")
    out.table(header, rows, (7.0, 4.0, 5.6), title=title, fills=fills, together=True)


def trajectories(ctx: Context, review: PlanReview) -> None:
    """Per pillar, one row per action: its combined status each year, and the final one."""
    out, words = ctx.out, ctx.words
    _heading(ctx, "trajectory_title", intro="trajectory_intro")
    year_width = min(1.7, 9.6 / len(review.years))
    final_width = 2.2
    widths = (
        TEXT_WIDTH_CM - year_width * len(review.years) - final_width,
        *([year_width] * len(review.years)),
        final_width,
    )
    header = (
        words("plan_review.header_action"),
        *(str(y) for y in review.years),
        words("plan_review.header_final"),
    )
    for pillar in review.plan.pillars:
        out.heading(pillar.title, 2)
        rows, fills = [], []
        for action in (a for a in review.plan.actions if a.pillar == pillar.id):
            cells = [review.roll_up(action, y) for y in review.years]
            cells.append(review.final_roll_up(action))
            rows.append((f"{action.id} {short(action.action, 60)}", *map(words.status, cells)))
            fills.append((None, *(_fill(c) for c in cells)))
        out.table(header, rows, widths, title=pillar.title, fills=fills)


def outcomes(ctx: Context, review: PlanReview) -> None:
    """What was completed, what never started, and which ministry never reported on what."""
    out, words = ctx.out, ctx.words
    _heading(ctx, "outcomes_title")
    _heading(ctx, "completed_title", 2)
    done = review.completed()
    if done:
        out.paragraph(words("plan_review.completed_intro"))
        rows = [(f"{a.id} {short(a.action, 90)}", str(year)) for a, year in done]
        header = (words("plan_review.header_action"), words("plan_review.header_completed_in"))
        out.table(header, rows, (14.0, 2.6), title=words("plan_review.completed_title"))
    else:
        out.paragraph(words("plan_review.completed_none"))
    _heading(ctx, "never_started_title", 2)
    never = review.never_started()
    if never:
        out.paragraph(words("plan_review.never_started_intro"))
        rows = [(f"{a.id} {short(a.action, 90)}", ", ".join(a.ministries)) for a in never]
        header = (words("plan_review.header_action"), words("plan_review.header_ministries"))
        title = words("plan_review.never_started_title")
        out.table(header, rows, (12.6, 4.0), title=title)
    else:
        out.paragraph(words("plan_review.never_started_none"))
    never_reported(ctx, review)


def never_reported(ctx: Context, review: PlanReview) -> None:
    out, words = ctx.out, ctx.words
    _heading(ctx, "never_reported_title", 2)
    missing = review.never_reported()
    rows = []
    for ministry in review.plan.ministries:
        actions = missing[ministry.code]
        if actions:
            total = len(review.plan.actions_for(ministry.code))
            of = words("plan_review.of", count=len(actions), total=total)
            rows.append(
                (f"{ministry.code} – {ministry.name}", of, ", ".join(a.id for a in actions))
            )
    if not rows:
        out.paragraph(words("plan_review.never_reported_none"))
        return
    out.paragraph(words("plan_review.never_reported_intro"))
    header = (
        words("plan_review.header_ministry"),
        words("plan_review.header_never"),
        words("plan_review.header_actions"),
    )
    out.table(header, rows, (5.6, 2.4, 8.6), title=words("plan_review.never_reported_title"))


def _series_widths(review: PlanReview) -> tuple[float, ...]:
    year_width = min(2.1, 11.4 / len(review.years))
    return (TEXT_WIDTH_CM - year_width * len(review.years), *([year_width] * len(review.years)))


def _partial(ctx: Context, series: Series, year: int) -> str:
    given = series.reporting[year]
    if 0 < given < series.expected:
        return "\n" + ctx.words("plan_review.partial", count=given, total=series.expected)
    return ""


def women_and_men(ctx: Context, review: PlanReview) -> None:
    """Per sex-disaggregated indicator, women and men each year, and a small trend chart."""
    out, words = ctx.out, ctx.words
    _heading(ctx, "women_title")
    actions = [a for a in review.plan.actions if "women_men" in a.measures]
    pairs = [(a, review.series(a, "women"), review.series(a, "men")) for a in actions]
    pairs = [(a, w, m) for a, w, m in pairs if any(v is not None for v in w.values.values())]
    if not pairs:
        out.paragraph(words("plan_review.women_none"))
        return
    out.paragraph(words("plan_review.women_intro"))
    rows = [
        (f"{a.id} {short(a.indicator, 70)}", *_women_cells(ctx, review, a, w)) for a, w, _ in pairs
    ]
    header = (words("plan_review.header_indicator"), *(str(y) for y in review.years))
    out.table(header, rows, _series_widths(review), title=words("plan_review.women_title"))
    panels = [(f"{a.id} {short(a.indicator, 40)}", w.values, m.values) for a, w, m in pairs]
    legend = (words("plan_review.women_legend"), words("plan_review.men_legend"))
    for png in review_charts.women_and_men(list(review.years), panels, legend):
        alt = words("plan_review.women_alt", indicators=len(panels))
        out.figure(png, words("plan_review.women_caption"), alt)


def _women_cells(ctx: Context, review: PlanReview, action: Action, women: Series) -> list[str]:
    """Women, men and the share of women each year, by the rules of every output: only
    rows with a status count, and the share is over the reports that give both."""
    words, cells = ctx.words, []
    for year in review.years:
        data = review.by_year.get(year)
        found = f.heads(data, f.reports_of([action])) if data else None
        if found is None or (found.women.value is None and found.men.value is None):
            cells.append(DASH)
            continue
        w, m = (f.total_cell(words, t) for t in (found.women, found.men))
        text = words(
            "plan_review.women_cell",
            women=ctx.words.number(w) if isinstance(w, float) else w,
            men=ctx.words.number(m) if isinstance(m, float) else m,
            share=f.share_text(words, found.share),
        )
        cells.append(text + _partial(ctx, women, year))
    return cells


def amounts(ctx: Context, review: PlanReview) -> None:
    """Per action with an amount, the euros of each year; and each year's total."""
    out, words = ctx.out, ctx.words
    _heading(ctx, "amounts_title")
    series = [
        (a, review.series(a, "amount")) for a in review.plan.actions if "amount" in a.measures
    ]
    series = [(a, s) for a, s in series if any(v is not None for v in s.values.values())]
    if not series:
        out.paragraph(words("plan_review.amounts_none"))
        return
    out.paragraph(words("plan_review.amounts_intro"))
    rows = []
    for action, s in series:
        cells = [
            DASH if s.values[y] is None else ctx.words.number(s.values[y]) + _partial(ctx, s, y)
            for y in review.years
        ]
        rows.append((f"{action.id} {short(action.indicator, 70)}", *cells))
    totals = []
    for year in review.years:
        given = [s.values[year] for _, s in series if s.values[year] is not None]
        totals.append(ctx.words.number(sum(given)) if given else DASH)
    rows.append((words("plan_review.amounts_total"), *totals))
    header = (words("plan_review.header_indicator"), *(str(y) for y in review.years))
    out.table(header, rows, _series_widths(review), title=words("plan_review.amounts_title"))


def lessons(ctx: Context, review: PlanReview) -> None:
    """The challenges and next steps, by pillar and action, each text once with its years."""
    out, words = ctx.out, ctx.words
    _heading(ctx, "lessons_title", intro="lessons_intro")
    written = False
    for pillar in review.plan.pillars:
        actions = [a for a in review.plan.actions if a.pillar == pillar.id]
        found = [(a, review.entries(a)) for a in actions]
        found = [(a, e) for a, e in found if e]
        if not found:
            continue
        written = True
        out.heading(pillar.title, 2)
        for action, entries in found:
            _lesson(ctx, action, entries)
    if not written:
        out.paragraph(words("plan_review.lessons_none"))


def _lesson(ctx: Context, action: Action, entries: list[Entry]) -> None:
    out, words = ctx.out, ctx.words
    out.heading(f"{action.id} {short(action.action, 80)}", 3)
    for ministry in dict.fromkeys(e.ministry for e in entries):
        head = out.paragraph(style="Entry Heading")
        head.add_run(f"{ministry} – {ctx.plan.ministry(ministry).name}").bold = True
        for entry in (e for e in entries if e.ministry == ministry):
            years = ", ".join(str(y) for y in entry.years)
            out.labelled(words(f"plan_review.{entry.field}", years=years), entry.text, "Entry")


def ministries(ctx: Context, review: PlanReview) -> None:
    """Per ministry and year: accepted on time or late, and how complete; then the count."""
    out, words = ctx.out, ctx.words
    _heading(ctx, "ministries_title", intro="ministries_intro")
    rows, fills = [], []
    for ministry in review.plan.ministries:
        cells = [_return_cell(ctx, review, ministry.code, y) for y in review.years]
        accepted = sum(1 for _, _, counted in cells if counted)
        total = words("plan_review.of", count=accepted, total=len(review.years))
        rows.append((ministry.code, *(text for text, _, _ in cells), total))
        fills.append((None, *(fill for _, fill, _ in cells), None))
    year_width = min(1.9, 10.8 / len(review.years))
    last_width = TEXT_WIDTH_CM - 1.6 - year_width * len(review.years)
    widths = (1.6, *([year_width] * len(review.years)), last_width)
    header = (
        words("plan_review.header_ministry"),
        *(str(y) for y in review.years),
        words("plan_review.header_returns"),
    )
    out.table(header, rows, widths, title=words("plan_review.ministries_title"), fills=fills)


def _return_cell(
    ctx: Context, review: PlanReview, code: str, year: int
) -> tuple[str, str | None, bool]:
    """The cell's text, its colour, and whether it counts as an accepted return."""
    data = review.by_year.get(year)
    if data is None:
        return ctx.words("plan_review.no_returns"), COLOURS[NO_RETURN], False
    state = data.ministry(code)
    if state.missing:
        returned = data.state(code)
        missing = ctx.words("plan_review.cell_missing")
        word = missing if returned == NOT_RETURNED else f.state_word(ctx.words, returned)
        return word, COLOURS[NO_RETURN], False
    completeness = f.share_text(ctx.words, f.completeness(data, code))
    late = data.late_days(state)
    if late:
        text = ctx.words("plan_review.cell_late", days=late, completeness=completeness)
        return text, style.LATE_FILL, True
    accepted = ctx.words("plan_review.cell_accepted", completeness=completeness)
    return accepted, style.ON_TIME_FILL, True


def carried_over(ctx: Context, review: PlanReview) -> None:
    """The actions this plan continues from an earlier one, with where they stood then, and
    those a later plan continues; nothing when no carry_over.csv names this plan."""
    if not review.links_from and not review.links_into:
        return
    words = ctx.words
    _heading(ctx, "carried_title")
    header = (
        words("plan_review.header_action"),
        words("plan_review.header_other"),
        words("plan_review.header_status"),
    )
    ids = {a.id for a in ctx.plan.actions}
    for previous in dict.fromkeys(link.previous_plan for link in review.links_from):
        links = [x for x in review.links_from if x.previous_plan == previous and x.action in ids]
        rows = [
            (x.action, x.previous_action, review.stood_text(x.action, words) or DASH) for x in links
        ]
        _carried_table(ctx, words("plan_review.carried_from", plan=previous), header, rows)
    for later in dict.fromkeys(link.plan for link in review.links_into):
        links = [x for x in review.links_into if x.plan == later and x.previous_action in ids]
        finals = [review.final_roll_up(ctx.plan.action(x.previous_action)) for x in links]
        rows = [
            (x.previous_action, x.action, words.status(f))
            for x, f in zip(links, finals, strict=True)
        ]
        _carried_table(ctx, words("plan_review.carried_into", plan=later), header, rows)


def _carried_table(
    ctx: Context, intro: str, header: tuple[str, ...], rows: list[tuple[str, str, str]]
) -> None:
    """The links one way, each action of this plan with its text."""
    ctx.out.paragraph(intro)
    shown = [(f"{a} {short(ctx.plan.action(a).action, 50)}", other, s) for a, other, s in rows]
    ctx.out.table(header, shown, (7.0, 2.6, 7.0), title=intro)


def annexes(ctx: Context, review: PlanReview) -> None:
    ctx.out.heading(ctx.words("annexes.title"), 1)
    methodology(ctx)
    ctx.out.paragraph(ctx.words("plan_review.methodology"))
    glossary(ctx)
    sources(ctx, [(d.period, f) for d in review.found for f in d.files])
