"""The sections of the annual committee report, and the pieces the mid-term report shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.excel_style import LATE_FILL, ON_TIME_FILL
from pipeline.outputs.period_data import (
    CATEGORIES,
    COLOURS,
    DONE,
    NO_RETURN,
    FileRow,
    IssueRow,
    KeyFigures,
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


def key_rows(words: Wording, figures: KeyFigures) -> list[tuple[str, str]]:
    """The key figures as (label, value), each value with its unit; the same rows in both
    reports, named as in the consolidated workbook."""
    women = words("figures.none")
    if figures.women_share is not None:
        women = words(
            "figures.women_share_value",
            share=words.percent(figures.women_share),
            women=words.number(figures.women),
            men=words.number(figures.men),
        )
    returns = words("figures.returns_value", count=figures.accepted, total=figures.ministries)
    actions = words("figures.actions_value", count=figures.actions_reported, total=figures.actions)
    rows = [
        (words("figures.returns"), returns),
        (words("figures.actions"), actions),
        (words("figures.reports"), str(sum(figures.pairs.values()))),
    ]
    rows += [
        (f"    {words('figures.reports_of', status=words.status(category))}", str(n))
        for category, n in figures.pairs.items()
    ]
    rows += [
        (words("figures.progress"), words.percent(figures.progress_share)),
        (words("figures.women_share"), women),
        (
            words("figures.amount"),
            words("figures.amount_value", amount=words.number(figures.amount)),
        ),
    ]
    return rows


def summary(ctx: Context, data: PeriodData, history: Sequence[PeriodData]) -> None:
    out, words = ctx.out, ctx.words
    out.heading(words("summary.title"), 1)
    out.paragraph(words("summary.annual_intro"))
    rows = key_rows(words, data.key_figures())
    header = (words("summary.figure"), str(data.period))
    title = words("summary.figures_caption")
    out.table(header, rows, (11.6, 5.0), title=title, caption=True, together=True)
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


def women_figures(ctx: Context, data: PeriodData) -> list[tuple[Action, float, float]]:
    """Each sex-disaggregated action with figures, and its women and men over its ministries."""
    found = []
    for action in ctx.plan.actions:
        if "women_men" not in action.measures:
            continue
        answers = [data.answers.get((action.id, m)) for m in action.ministries]
        w = sum(a.numbers.get("women", 0.0) for a in answers if a)
        m = sum(a.numbers.get("men", 0.0) for a in answers if a)
        if w + m:
            found.append((action, w, m))
    return found


def women_chart(ctx: Context, data: PeriodData) -> None:
    words, found = ctx.words, women_figures(ctx, data)
    if not found:
        ctx.out.paragraph(words("charts.no_women"))
        return
    labels = [f"{a.id} {short(a.indicator, 48)}" for a, _, _ in found]
    values = [
        words(
            "charts.women_label",
            share=words.percent(w / (w + m), 0),
            women=words.number(w),
            total=words.number(t),
        )
        for _, w, m in found
        for t in [w + m]
    ]
    shares = [(w / (w + m), a.id) for a, w, m in found]
    axes = (words("charts.women_axis"), words("charts.indicator_axis"))
    png = charts.women_share(labels, [s for s, _ in shares], values, axes)
    (low, low_id), (high, high_id) = min(shares), max(shares)
    alt = words(
        "charts.women_alt",
        count=len(found),
        lowest=words.percent(low, 0),
        lowest_action=low_id,
        highest=words.percent(high, 0),
        highest_action=high_id,
        parity=sum(1 for s, _ in shares if s >= 0.5),
    )
    ctx.out.figure(png, words("charts.women_caption"), alt)


def progress_chart(ctx: Context, series_of: Sequence[PeriodData]) -> None:
    words = ctx.words
    figures = [d.key_figures() for d in series_of]
    shares = [(c, [f.share(c) or 0.0 for f in figures], COLOURS[c]) for c in DONE]
    axes = (words("charts.year_axis"), words("charts.progress_axis"))
    png = charts.progress_over_time([d.period for d in series_of], shares, axes)
    alt = words(
        "charts.progress_alt",
        shares="; ".join(
            f"{d.period}: {words.percent(f.progress_share)}"
            for d, f in zip(series_of, figures, strict=True)
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
            rejected = m.last_outcome == "rejected"
            outcome = words(f"submissions.{'rejected' if rejected else 'missing'}")
            received = words.date(m.last_received) if m.last_received else ""
            fill = COLOURS[NO_RETURN]
        completeness = "" if m.missing else words.percent(m.completeness)
        warnings = "" if m.missing else str(m.warnings)
        rows.append((f"{m.code} – {m.name}", received, outcome, completeness, warnings))
        fills.append((None, None, fill, None, None))
    header = tuple(
        words(f"submissions.{k}")
        for k in ("ministry", "received", "outcome", "completeness", "warnings")
    )
    title = words("submissions.caption")
    widths = (6.2, 3.0, 3.2, 2.4, 1.8)
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
        head.add_run(f"{code} – {ctx.plan.ministry(code).name}: ").bold = True
        head.add_run(words.status(category))
        if category == NO_RETURN:
            out.paragraph(words("pillars.no_return"), "Entry")
            continue
        answer = data.answers.get((action.id, code))
        given = answer.texts if answer else {}
        texts = [(words.header(f), given[f]) for f in TEXT_FIELDS if f in given]
        for label, text in texts:
            out.labelled(label, text, "Entry")
        if not texts:
            out.paragraph(words("pillars.no_content"), "Entry")


def figures_table(ctx: Context, data: PeriodData, action: Action) -> None:
    """The action's numbers per ministry, with a total when several ministries report."""
    columns = [(f, ctx.words.header(f)) for f, _, measure in FIGURES if measure in action.measures]
    if not columns:
        return
    if "count" in action.measures and action.count_label:
        columns = [(f, action.count_label if f == "count" else h) for f, h in columns]
    rows, totals = [], dict.fromkeys((f for f, _ in columns), 0.0)
    for code in action.ministries:
        answer = data.answers.get((action.id, code))
        numbers = answer.numbers if answer else {}
        shown = (ctx.words.number(numbers[f]) if f in numbers else "–" for f, _ in columns)
        rows.append((code, *shown))
        for f, _ in columns:
            totals[f] += numbers.get(f, 0.0)
    if len(rows) > 1:
        rows.append(
            (ctx.words("pillars.total"), *(ctx.words.number(totals[f]) for f, _ in columns))
        )
    widths = (2.4, *([2.6] * len(columns)))
    header = (ctx.words("pillars.ministry"), *(label for _, label in columns))
    title = ctx.words("pillars.figures_caption", action=action.id)
    ctx.out.table(header, rows, widths, title=title, together=True)


def methodology(ctx: Context) -> None:
    ctx.out.heading(ctx.words("annexes.methodology_title"), 2)
    for text in ctx.words.paragraphs("methodology.paragraphs"):
        ctx.out.paragraph(text)


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
    if field:
        return words("annexes.place", action=issue.action_id, column=words.header(field))
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
