"""The sections of the annual committee report, and the pieces the mid-term report shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.excel_style import LATE_FILL, ON_TIME_FILL
from pipeline.outputs import figures as f
from pipeline.outputs.key_figures import key_figures, missing_ministries
from pipeline.outputs.period_data import (
    CATEGORIES,
    COLOURS,
    DONE,
    HELD,
    NO_RETURN,
    NOT_RETURNED,
    FileRow,
    IssueRow,
    PeriodData,
)
from pipeline.outputs.report import charts
from pipeline.outputs.report.builder import Builder
from pipeline.outputs.wording import Wording
from pipeline.plan.register import Action, Pillar, Plan
from pipeline.template.contract import INPUTS, LETTER, NUMERIC_FIELDS

TEXT_FIELDS = tuple(c.field for c in INPUTS if c.kind == "text")
FIELD_OF_LETTER = {letter: field for field, letter in LETTER.items()}


@dataclass
class Context:
    out: Builder
    words: Wording
    plan: Plan


def short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def cover(ctx: Context, title: str, recipient: str, marks: Sequence[str]) -> None:
    """The cover page; `marks` are the SAMPLE and DRAFT lines that apply."""
    out, words = ctx.out, ctx.words
    out.paragraph(ctx.plan.title, "Title")
    out.paragraph(title, "Subtitle")
    for line in (recipient, words("cover.prepared_by"), words("cover.dated")):
        out.paragraph(line, "Cover Line")
    for mark in marks:
        out.paragraph(mark, "Draft Mark")


def key_figure_rows(
    ctx: Context, found: Sequence[PeriodData], years: Sequence[int]
) -> list[tuple[str, ...]]:
    """The key figures of several years side by side, each share with its numerator and
    denominator, and the ministries missing each year named; a dash for a year without any
    return."""
    words, none = ctx.words, ctx.words("states.none")
    data_of = {d.period: d for d in found}
    figures = {d.period: key_figures(d, words) for d in found}
    first = figures[found[0].period]
    rows = [
        (k.row_label, *(figures[y][i].cell if y in figures else none for y in years))
        for i, k in enumerate(first)
    ]
    missing = (missing_ministries(data_of[y], words) if y in data_of else none for y in years)
    rows.append((words("summary.missing_row"), *missing))
    return rows


def coverage_note(ctx: Context, data: PeriodData) -> None:
    """When ministries are missing, that the year stands on fewer returns, and whose."""
    if len(data.accepted) < len(ctx.plan.ministries):
        ctx.out.paragraph(
            ctx.words(
                "summary.coverage_note", year=data.period, count=len(data.accepted),
                total=len(ctx.plan.ministries), missing=missing_ministries(data, ctx.words),
            )
        )  # fmt: skip


def summary(ctx: Context, data: PeriodData, history: Sequence[PeriodData]) -> None:
    out, words = ctx.out, ctx.words
    out.heading(words("summary.title"), 1)
    out.paragraph(words("summary.annual_intro"))
    rows = [(k.row_label, k.cell, k.base) for k in key_figures(data, words)]
    header = (words("summary.figure"), str(data.period), words("summary.base"))
    title = words("summary.figures_caption")
    out.table(header, rows, (7.0, 4.4, 5.2), title=title, caption=True, together=True)
    coverage_note(ctx, data)
    status_chart(ctx, data)
    women_chart(ctx, data)
    if history:
        progress_chart(ctx, [*history, data])


def status_chart(ctx: Context, data: PeriodData) -> None:
    pillars, words = ctx.plan.pillars, ctx.words
    counts = [data.pair_counts(p.id) for p in pillars]
    series = [(words.status(c), [n[c] for n in counts], COLOURS[c]) for c in CATEGORIES]
    axes = (words("charts.pillar_axis"), words("charts.status_axis"))
    png = charts.status_by_pillar([p.title for p in pillars], series, axes)
    totals = data.pair_counts()
    alt = words(
        "charts.status_alt",
        total=sum(totals.values()),
        counts=", ".join(f"{n} {words.status(c)}" for c, n in totals.items() if n),
    )
    ctx.out.figure(png, words("charts.status_caption"), alt)


def women_chart(ctx: Context, data: PeriodData) -> None:
    """Every sex-disaggregated indicator of the plan, a bar for each with figures, the words
    "no figures" for the others: the chart keeps its rows from year to year."""
    words = ctx.words
    found = [
        (a, f.heads(data, f.reports_of([a])).share)
        for a in ctx.plan.actions
        if "women_men" in a.measures
    ]
    shares = [(s.value, a.id) for a, s in found if s.value is not None]
    if not shares:
        ctx.out.paragraph(words("charts.no_women"))
        return
    labels = [f"{a.id} {short(a.indicator, 48)}" for a, _ in found]
    values = [f.share_text(words, s) if s.value is not None else words("charts.no_figures")
              for _, s in found]  # fmt: skip
    axes = (words("charts.women_axis"), words("charts.indicator_axis"))
    png = charts.women_share(labels, [s.value or 0.0 for _, s in found], values, axes)
    (low, low_id), (high, high_id) = min(shares), max(shares)
    alt = words(
        "charts.women_alt",
        count=len(shares),
        lowest=f"{low:.0%}",
        lowest_action=low_id,
        highest=f"{high:.0%}",
        highest_action=high_id,
        parity=sum(1 for s, _ in shares if s >= 0.5),
        without=len(found) - len(shares),
    )
    ctx.out.figure(png, words("charts.women_caption"), alt)


def progress_chart(ctx: Context, series_of: Sequence[PeriodData]) -> None:
    """The headline share of each year, Completed and Ongoing stacked, over every expected
    action report but Not applicable ones, so that years with fewer returns compare."""
    words = ctx.words
    headlines = [f.progress(d) for d in series_of]
    counts = [d.pair_counts() for d in series_of]
    shares = [
        (c, [n[c] / h.whole if h.whole else 0.0 for n, h in zip(counts, headlines, strict=True)],
         COLOURS[c])
        for c in DONE
    ]  # fmt: skip
    axes = (words("charts.year_axis"), words("charts.progress_axis"))
    names = [
        words(
            "charts.progress_bar",
            year=d.period,
            part=words.number(h.part),
            whole=words.number(h.whole),
        )
        for d, h in zip(series_of, headlines, strict=True)
    ]
    png = charts.progress_over_time(names, shares, axes)
    alt = words(
        "charts.progress_alt",
        shares=words.listed(
            words.label(str(d.period)) + f.share_text(words, h)
            for d, h in zip(series_of, headlines, strict=True)
        ),
    )
    ctx.out.figure(png, words("charts.progress_caption"), alt)


def submissions(ctx: Context, data: PeriodData) -> None:
    """One row per ministry: its return in words beside the colour, late ones marked late."""
    out, words = ctx.out, ctx.words
    out.heading(words("submissions.title"), 1)
    out.paragraph(words("submissions.intro"))
    rows, fills = [], []
    for m in data.status.ministries:
        if not m.missing:
            late = data.late_days(m)
            outcome = words("submissions.late", days=late) if late else words("submissions.on_time")
            received, fill = words.date(m.accepted_on), LATE_FILL if late else ON_TIME_FILL
        else:
            state = data.state(m.code)
            outcome = words(f"submissions.{'missing' if state == NOT_RETURNED else state}")
            received = words.date(m.last_received) if m.last_received else ""
            fill = COLOURS[NO_RETURN]
        completeness = f.share_text(words, f.completeness(data, m.code))
        if m.missing:
            completeness = words("states.none")
        warnings = "" if m.missing else str(m.warnings)
        rows.append((f"{m.code} – {m.name}", received, outcome, completeness, warnings))
        fills.append((None, None, fill, None, None))
    header = tuple(
        words(f"submissions.{k}")
        for k in ("ministry", "received", "outcome", "completeness", "warnings")
    )
    title = words("submissions.caption")
    widths = (5.4, 3.0, 3.0, 3.4, 1.8)
    out.table(header, rows, widths, title=title, caption=True, fills=fills, together=True)


def pillar_section(ctx: Context, data: PeriodData, pillar: Pillar) -> None:
    out, words = ctx.out, ctx.words
    out.heading(pillar.title, 1)
    out.labelled(words("pillars.main_objective"), pillar.main_objective)
    out.paragraph().add_run(words("pillars.commitments")).bold = True
    for commitment in pillar.commitments:
        out.paragraph(commitment, "List Bullet")
    actions = [a for a in ctx.plan.actions if a.pillar == pillar.id]
    out.heading(words("pillars.status_title"), 2)
    out.paragraph(words("pillars.status_intro"))
    status_matrix(ctx, data, pillar, actions)
    out.heading(words("pillars.details_title"), 2)
    for action in actions:
        action_details(ctx, data, action)


def status_matrix(ctx: Context, data: PeriodData, pillar: Pillar, actions: list[Action]) -> None:
    """One row per action, one column per ministry reporting in the pillar: the status in
    words, on its colour."""
    codes = [c for c in ctx.plan.ministry_codes if any(c in a.ministries for a in actions)]
    width = min(2.0, 13.2 / len(codes)) if codes else 2.0  # 1.65 cm still fits "Completed"
    rows, fills = [], []
    for action in actions:
        cells = [data.category(action.id, c) if c in action.ministries else "" for c in codes]
        named = [ctx.words.status(c) if c else "" for c in cells]
        rows.append((f"{action.id} {short(action.action, 60)}", *named))
        fills.append((None, *(COLOURS[c] if c else None for c in cells)))
    widths = (16.6 - width * len(codes), *([width] * len(codes)))
    header = (ctx.words("pillars.action"), *codes)
    title = ctx.words("pillars.status_caption", pillar=pillar.title)
    ctx.out.table(header, rows, widths, title=title, caption=True, fills=fills)


FIGURES = tuple((c.field, c.header, c.measure) for c in INPUTS if c.field in NUMERIC_FIELDS)


def action_details(ctx: Context, data: PeriodData, action: Action) -> None:
    out, words = ctx.out, ctx.words
    heading = f"{action.id} {short(action.action, 80)}"
    out.heading(heading, 3)
    about = [(words("pillars.indicator"), action.indicator)]
    about.append((words("pillars.responsible"), action.responsible_printed))
    if heading != f"{action.id} {' '.join(action.action.split())}":
        about.insert(0, (words("pillars.action"), action.action))
    for label, text in about:
        out.labelled(label, text).paragraph_format.keep_with_next = True
    figures_table(ctx, data, action)
    for code in action.ministries:
        category = data.category(action.id, code)
        head = out.paragraph(style="Entry Heading")
        head.add_run(words.label(f"{code} – {ctx.plan.ministry(code).name}")).bold = True
        head.add_run(words.status(category))
        if category == NO_RETURN:
            out.paragraph(words(f"pillars.{data.state(code)}"), "Entry")
            continue
        answer = data.answers.get((action.id, code))
        given = answer.texts if answer else {}
        texts = [(words.header(f), given[f]) for f in TEXT_FIELDS if f in given]
        for label, text in texts:
            out.labelled(label, text, "Entry")
        if not texts:
            out.paragraph(words("pillars.no_content"), "Entry")


def figures_table(ctx: Context, data: PeriodData, action: Action) -> None:
    """The action's numbers per ministry, each missing one said in words; with several
    ministries, a total of what counts and how many ministries it stands on."""
    words = ctx.words
    columns = [(name, label) for name, label, measure in FIGURES if measure in action.measures]
    if not columns:
        return
    if action.count_label:
        columns = [(n, action.count_label if n == "count" else h) for n, h in columns]
    if "women_men" in action.measures:
        columns.insert(2, ("share", words("figures.women_share")))
    names = [n for n, _ in columns]
    rows = [(code, *_figures(words, data, [(action, code)], names)) for code in action.ministries]
    if len(rows) > 1:
        every = f.reports_of([action])
        rows.append((words("pillars.total"), *_figures(words, data, every, names)))
        rows.append((words("pillars.counted_over"), *_counted_over(words, data, every, names)))
    widths = (2.4, *([min(2.8, 14.2 / len(columns))] * len(columns)))
    header = (words("pillars.ministry"), *(label for _, label in columns))
    title = words("pillars.figures_caption", action=action.id)
    ctx.out.table(header, rows, widths, title=title, together=True)


def _figures(
    words: Wording, data: PeriodData, reports: list[f.Report], names: list[str]
) -> list[str]:
    """A row of the figures table: one ministry's figures, or the totals over `reports`;
    a word where there is no figure."""
    found: list[float | str] = []
    for name in names:
        if name == "share":
            share = f.heads(data, reports).share
            text = f.share_text(words, share)
            if share.value is None and len(reports) == 1:  # why women or men are missing
                text = next((v for v in found[:2] if isinstance(v, str)), text)
            found.append(text)
        elif len(reports) == 1:
            found.append(f.cell(data, words, *reports[0], name))
        else:
            found.append(f.total_cell(words, f.total(data, reports, name)))
    return [words.number(v) if isinstance(v, float) else v for v in found]


def _counted_over(
    words: Wording, data: PeriodData, reports: list[f.Report], names: list[str]
) -> list[str]:
    totals = [f.total(data, reports, "women" if n == "share" else n) for n in names]
    return [f.counted_of(words, t) for t in totals]


def methodology(ctx: Context) -> None:
    """How the returns are collected, then what each figure means: the definitions of the
    wording file, as on the workbook's Definitions sheet."""
    words = ctx.words
    ctx.out.heading(words("annexes.methodology_title"), 2)
    for text in words.paragraphs("methodology.paragraphs"):
        ctx.out.paragraph(text)
    header = (words("definitions.term"), words("definitions.meaning"))
    rows = words.terms("definitions.entries")
    ctx.out.table(header, rows, (4.6, 12.0), title=words("definitions.caption"))


def glossary(ctx: Context) -> None:
    """Definitions only: the register's notes for the coordinator stay out of the report."""
    words = ctx.words
    ctx.out.heading(words("annexes.glossary_title"), 2)
    entries = sorted(ctx.plan.glossary, key=lambda g: (g.term.casefold(), g.term))
    header = (words("annexes.term"), words("annexes.meaning"))
    rows = [(g.term, g.meaning) for g in entries]
    ctx.out.table(header, rows, (2.6, 14.0), title=words("annexes.glossary_caption"))


def sources(ctx: Context, files: Sequence[tuple[int, FileRow]]) -> None:
    words = ctx.words
    ctx.out.heading(words("annexes.sources_title"), 2)
    ctx.out.paragraph(words("annexes.sources_intro"))
    use = {
        "in use": words("annexes.in_use"),
        "superseded": words("annexes.superseded"),
        "rejected": words("annexes.rejected"),
        "held": words("annexes.held"),
    }
    rows = [
        (str(y), f.ministry, f.name, words.date(f.received), use[f.outcome], f.sha256)
        for y, f in files
    ]
    keys = ("year", "ministry", "file", "received", "use", "checksum")
    header = tuple(words(f"annexes.{k}") for k in keys)
    widths = (1.1, 1.6, 3.6, 2.3, 2.3, 5.7)
    ctx.out.table(header, rows, widths, title=words("annexes.sources_caption"), mono=5)


def missing_annex(ctx: Context, data: PeriodData) -> None:
    out, words = ctx.out, ctx.words
    out.heading(words("annexes.missing_title"), 2)
    out.paragraph(words("annexes.missing_intro"))
    rows = []
    for m in data.status.ministries:
        if m.missing and m.last_outcome == "rejected":
            detail = words(
                "annexes.rejected_detail",
                file=m.last_file,
                date=words.date(m.last_received),
                reason=m.first_reason,
            )
            rows.append((m.code, m.name, words("annexes.missing"), detail))
        elif m.missing and m.held:
            held = m.held[-1]
            detail = words("annexes.held_detail", file=held.name, date=words.date(held.received))
            rows.append((m.code, m.name, f.state_word(words, HELD), detail))
        elif m.missing:
            rows.append((m.code, m.name, words("annexes.missing"), words("annexes.no_file")))
        elif late := data.late_days(m):
            detail = words("annexes.late_detail", date=words.date(m.accepted_on), days=late)
            rows.append((m.code, m.name, words("annexes.late"), detail))
    if not rows:
        out.paragraph(words("annexes.missing_none"))
        return
    header = tuple(words(f"annexes.{k}") for k in ("code", "ministry", "outcome", "detail"))
    title = words("annexes.missing_caption")
    out.table(header, rows, (1.6, 5.6, 1.8, 7.6), title=title)


def place(words: Wording, issue: IssueRow) -> str:
    """Where to look, as a reader of the workbook says it: the action's row and the
    column's header, not a cell reference."""
    letters = issue.cell.rstrip("0123456789")
    field = FIELD_OF_LETTER.get(letters) if issue.sheet == "Report" else None
    column = words.header(field) if field else None
    if column:
        return words("annexes.place", action=issue.action_id, column=column)
    return words("annexes.place_row", action=issue.action_id)


def warnings_annex(ctx: Context, data: PeriodData) -> None:
    out, words = ctx.out, ctx.words
    out.heading(words("annexes.warnings_title"), 2)
    if not data.issues:
        out.paragraph(words("annexes.warnings_none"))
        return
    out.paragraph(words("annexes.warnings_intro"))
    rows = [(i.ministry, place(words, i), i.message) for i in data.issues]
    header = tuple(words(f"annexes.{k}") for k in ("ministry", "where", "warning"))
    out.table(header, rows, (1.8, 5.0, 9.8), title=words("annexes.warnings_caption"))


def annexes(ctx: Context, data: PeriodData) -> None:
    ctx.out.heading(ctx.words("annexes.title"), 1)
    missing_annex(ctx, data)
    warnings_annex(ctx, data)
    methodology(ctx)
    glossary(ctx)
    sources(ctx, [(data.period, f) for f in data.files])
