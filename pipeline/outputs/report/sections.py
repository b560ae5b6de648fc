"""The sections of the annual committee report, and the pieces the mid-term report shares."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template

from pipeline.failures import NapError
from pipeline.outputs.period_data import (
    CATEGORIES,
    COLOURS,
    DONE,
    NO_RETURN,
    FileRow,
    KeyFigures,
    PeriodData,
)
from pipeline.outputs.report import charts
from pipeline.outputs.report.builder import Builder, add_field
from pipeline.plan.register import Action, Pillar, Plan
from pipeline.template.contract import INPUTS, NUMERIC_FIELDS

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
TEXT_FIELDS = tuple((c.field, c.header) for c in INPUTS if c.kind == "text")
ACCEPTED_FILL = COLOURS["Completed"]


class Wording:
    """The fixed texts of wording.toml, filled with the report's $placeholders."""

    def __init__(self, path: Path, values: dict[str, object]) -> None:
        try:
            self.data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise NapError(
                f"{path}: not a valid wording file ({exc}); restore the shipped one"
            ) from exc
        self.path, self.values = path, {k: str(v) for k, v in values.items()}

    def _raw(self, key: str) -> str | list[str]:
        section, name = key.split(".")
        try:
            return self.data[section][name]
        except (KeyError, TypeError):
            raise NapError(
                f"{self.path.name} lacks '{name}' under [{section}]; copy it from the shipped file"
            ) from None

    def _fill(self, key: str, text: str, extra: dict[str, object]) -> str:
        try:
            return Template(text).substitute(self.values, **{k: str(v) for k, v in extra.items()})
        except KeyError as exc:
            problem = f"unknown placeholder ${exc.args[0]}"
        except ValueError:
            problem = "a $ that starts no placeholder"
        known = ", ".join(f"${k}" for k in sorted(self.values))
        raise NapError(
            f"{self.path.name}, {key}: {problem}; use one of {known}, or $$ for a dollar sign"
        )

    def __call__(self, key: str, **extra: object) -> str:
        return self._fill(key, str(self._raw(key)), extra)

    def paragraphs(self, key: str) -> list[str]:
        raw = self._raw(key)
        return [self._fill(key, text, {}) for text in ([raw] if isinstance(raw, str) else raw)]


@dataclass
class Context:
    out: Builder
    words: Wording
    plan: Plan


def long_date(day) -> str:
    """English date without the locale's help: 31 March 2020."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.1%}"


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def cover(ctx: Context, title: str, recipient: str, final: bool) -> None:
    out, words = ctx.out, ctx.words
    out.paragraph(ctx.plan.title, "Title")
    out.paragraph(title, "Subtitle")
    for line in (recipient, words("cover.prepared_by"), words("cover.dated")):
        out.paragraph(line, "Cover Line")
    if not final:
        out.paragraph(words("cover.draft"), "Draft Mark")


def contents(ctx: Context) -> None:
    """A TOC field: Word fills it when asked, LibreOffice on Tools > Update."""
    heading = ctx.out.paragraph(ctx.words("contents.title"), "TOC Heading")
    heading.paragraph_format.page_break_before = True
    toc = ctx.out.paragraph()
    add_field(toc, 'TOC \\o "1-3" \\h \\z \\u', ctx.words("contents.placeholder"))


def key_rows(words: Wording, figures: KeyFigures) -> list[tuple[str, str]]:
    """The key figures as (label, value); the same rows in both reports."""
    women = percent(figures.women_share)
    if figures.women_share is not None:
        women += f" ({number(figures.women)} women, {number(figures.men)} men)"
    of = words("summary.of", count=figures.accepted, total=figures.ministries)
    rows = [
        (words("summary.label_submissions"), of),
        (
            words("summary.label_actions"),
            words("summary.of", count=figures.actions_reported, total=figures.actions),
        ),
        (words("summary.label_pairs"), str(sum(figures.pairs.values()))),
    ]
    rows += [(f"    {category}", str(n)) for category, n in figures.pairs.items()]
    rows += [
        (words("summary.label_progress"), percent(figures.progress_share)),
        (words("summary.label_women"), women),
        (words("summary.label_amount"), number(figures.amount)),
    ]
    return rows


def summary(ctx: Context, data: PeriodData, history: Sequence[PeriodData]) -> None:
    out, words = ctx.out, ctx.words
    out.paragraph(words("summary.title"), "Heading 1")
    out.paragraph(words("summary.annual_intro"))
    rows = key_rows(words, data.key_figures())
    out.table(("", str(data.period)), rows, (11.6, 5.0), together=True)
    status_chart(ctx, data)
    women_chart(ctx, data)
    if history:
        progress_chart(ctx, [*history, data])


def status_chart(ctx: Context, data: PeriodData) -> None:
    pillars = ctx.plan.pillars
    counts = [data.pair_counts(p.id) for p in pillars]
    series = [(c, [n[c] for n in counts], COLOURS[c]) for c in CATEGORIES]
    png = charts.status_by_pillar([p.title for p in pillars], series)
    ctx.out.figure(png, ctx.words("charts.status_caption"))


def women_chart(ctx: Context, data: PeriodData) -> None:
    labels, women, men = [], [], []
    for action in ctx.plan.actions:
        answers = [data.answers.get((action.id, m)) for m in action.ministries]
        w = sum(a.numbers.get("women", 0.0) for a in answers if a)
        m = sum(a.numbers.get("men", 0.0) for a in answers if a)
        if "women_men" in action.measures and w + m:
            labels.append(f"{action.id} {short(action.indicator, 48)}")
            women.append(w)
            men.append(m)
    if labels:
        ctx.out.figure(charts.women_share(labels, women, men), ctx.words("charts.women_caption"))
    else:
        ctx.out.paragraph(ctx.words("charts.no_women"))


def progress_chart(ctx: Context, series_of: Sequence[PeriodData]) -> None:
    figures = [d.key_figures() for d in series_of]
    shares = [(c, [f.share(c) or 0.0 for f in figures], COLOURS[c]) for c in DONE]
    png = charts.progress_over_time([d.period for d in series_of], shares)
    ctx.out.figure(png, ctx.words("charts.progress_caption"))


def submissions(ctx: Context, data: PeriodData) -> None:
    out, words = ctx.out, ctx.words
    out.paragraph(words("submissions.title"), "Heading 1")
    out.paragraph(words("submissions.intro"))
    rows, fills = [], []
    for m in data.status.ministries:
        if not m.missing:
            late = data.late_days(m)
            outcome = f"accepted, {late} days late" if late else "accepted"
            received, fill = m.accepted_on[:10], ACCEPTED_FILL
        else:
            outcome = "rejected" if m.last_outcome == "rejected" else "missing"
            received, fill = m.last_received[:10], COLOURS[NO_RETURN]
        completeness = "" if m.missing else percent(m.completeness)
        warnings = "" if m.missing else str(m.warnings)
        rows.append((f"{m.code} – {m.name}", received, outcome, completeness, warnings))
        fills.append((None, None, fill, None, None))
    header = ("Ministry", "Received on", "Return", "Completeness", "Warnings")
    out.table(header, rows, (6.6, 2.4, 3.2, 2.5, 1.9), fills=fills, together=True)


def pillar_section(ctx: Context, data: PeriodData, pillar: Pillar) -> None:
    out, words = ctx.out, ctx.words
    out.paragraph(pillar.title, "Heading 1")
    out.labelled(words("pillars.main_objective"), pillar.main_objective)
    out.paragraph().add_run(words("pillars.commitments")).bold = True
    for commitment in pillar.commitments:
        out.paragraph(commitment, "List Bullet")
    actions = [a for a in ctx.plan.actions if a.pillar == pillar.id]
    out.paragraph(words("pillars.status_title"), "Heading 2")
    out.paragraph(words("pillars.status_intro"))
    status_matrix(ctx, data, actions)
    out.paragraph(words("pillars.details_title"), "Heading 2")
    for action in actions:
        action_details(ctx, data, action)


def status_matrix(ctx: Context, data: PeriodData, actions: list[Action]) -> None:
    """One row per action, one column per ministry reporting in the pillar, colour-coded."""
    codes = [c for c in ctx.plan.ministry_codes if any(c in a.ministries for a in actions)]
    width = min(2.0, 13.2 / len(codes)) if codes else 2.0  # 1.65 cm still fits "Completed"
    rows, fills = [], []
    for action in actions:
        cells = [data.category(action.id, c) if c in action.ministries else "" for c in codes]
        rows.append((f"{action.id} {short(action.action, 60)}", *cells))
        fills.append((None, *(COLOURS[c] if c else None for c in cells)))
    widths = (16.6 - width * len(codes), *([width] * len(codes)))
    ctx.out.table(("Action", *codes), rows, widths, fills=fills)


FIGURES = tuple((c.field, c.header, c.measure) for c in INPUTS if c.field in NUMERIC_FIELDS)


def action_details(ctx: Context, data: PeriodData, action: Action) -> None:
    out, words = ctx.out, ctx.words
    heading = f"{action.id} {short(action.action, 80)}"
    out.paragraph(heading, "Heading 3")
    about = [(words("pillars.indicator"), action.indicator)]
    about.append((words("pillars.responsible"), action.responsible_printed))
    if heading != f"{action.id} {' '.join(action.action.split())}":
        about.insert(0, ("Action", action.action))
    for label, text in about:
        out.labelled(label, text).paragraph_format.keep_with_next = True
    figures_table(ctx, data, action)
    for code in action.ministries:
        category = data.category(action.id, code)
        head = out.paragraph(style="Entry Heading")
        head.add_run(f"{code} – {ctx.plan.ministry(code).name}: ").bold = True
        head.add_run(category)
        if category == NO_RETURN:
            out.paragraph(words("pillars.no_return"), "Entry")
            continue
        answer = data.answers.get((action.id, code))
        given = answer.texts if answer else {}
        texts = [(label, given[f]) for f, label in TEXT_FIELDS if f in given]
        for label, text in texts:
            out.labelled(label, text, "Entry")
        if not texts:
            out.paragraph(words("pillars.no_content"), "Entry")


def figures_table(ctx: Context, data: PeriodData, action: Action) -> None:
    """The action's numbers per ministry, with a total when several ministries report."""
    columns = [(f, label) for f, label, measure in FIGURES if measure in action.measures]
    if not columns:
        return
    if "count" in action.measures and action.count_label:
        columns = [(f, action.count_label if f == "count" else h) for f, h in columns]
    rows, totals = [], dict.fromkeys((f for f, _ in columns), 0.0)
    for code in action.ministries:
        answer = data.answers.get((action.id, code))
        numbers = answer.numbers if answer else {}
        rows.append((code, *(number(numbers[f]) if f in numbers else "–" for f, _ in columns)))
        for f, _ in columns:
            totals[f] += numbers.get(f, 0.0)
    if len(rows) > 1:
        rows.append(("Total", *(number(totals[f]) for f, _ in columns)))
    widths = (2.4, *([2.6] * len(columns)))
    ctx.out.table(("Ministry", *(label for _, label in columns)), rows, widths, together=True)


def methodology(ctx: Context) -> None:
    ctx.out.paragraph(ctx.words("annexes.methodology_title"), "Heading 2")
    for text in ctx.words.paragraphs("methodology.paragraphs"):
        ctx.out.paragraph(text)


def glossary(ctx: Context) -> None:
    ctx.out.paragraph(ctx.words("annexes.glossary_title"), "Heading 2")
    entries = sorted(ctx.plan.glossary, key=lambda g: (g.term.casefold(), g.term))
    ctx.out.table(("Term", "Meaning"), [(g.term, g.meaning) for g in entries], (2.6, 14.0))


def sources(ctx: Context, files: Sequence[tuple[int, FileRow]]) -> None:
    ctx.out.paragraph(ctx.words("annexes.sources_title"), "Heading 2")
    ctx.out.paragraph(ctx.words("annexes.sources_intro"))
    rows = [
        (str(period), f.ministry, f.name, f.received[:10], f.outcome, f.sha256)
        for period, f in files
    ]
    header = ("Year", "Ministry", "File", "Received", "Use", "SHA-256")
    ctx.out.table(header, rows, (1.1, 1.6, 3.9, 2.0, 2.0, 6.0), mono=5)


def missing_annex(ctx: Context, data: PeriodData) -> None:
    out, words = ctx.out, ctx.words
    out.paragraph(words("annexes.missing_title"), "Heading 2")
    out.paragraph(words("annexes.missing_intro"))
    rows = []
    for m in data.status.ministries:
        if m.missing and m.last_outcome == "rejected":
            detail = f"last file {m.last_file} rejected on {m.last_received[:10]}: {m.first_reason}"
            rows.append((m.code, m.name, "missing", detail))
        elif m.missing:
            rows.append((m.code, m.name, "missing", "no file received"))
        elif late := data.late_days(m):
            detail = f"accepted on {m.accepted_on[:10]}, {late} days after the deadline"
            rows.append((m.code, m.name, "late", detail))
    if rows:
        out.table(("Code", "Ministry", "Return", "Detail"), rows, (1.6, 5.6, 1.8, 7.6))
    else:
        out.paragraph(words("annexes.missing_none"))


def warnings_annex(ctx: Context, data: PeriodData) -> None:
    out, words = ctx.out, ctx.words
    out.paragraph(words("annexes.warnings_title"), "Heading 2")
    if not data.issues:
        out.paragraph(words("annexes.warnings_none"))
        return
    out.paragraph(words("annexes.warnings_intro"))
    rows = [
        (i.ministry, i.action_id, f"{i.sheet}!{i.cell}" if i.sheet else i.cell, i.message)
        for i in data.issues
    ]
    out.table(("Ministry", "Action", "Cell", "Warning"), rows, (1.8, 1.5, 2.3, 11.0))


def annexes(ctx: Context, data: PeriodData) -> None:
    ctx.out.paragraph(ctx.words("annexes.title"), "Heading 1")
    missing_annex(ctx, data)
    warnings_annex(ctx, data)
    methodology(ctx)
    glossary(ctx)
    sources(ctx, [(data.period, f) for f in data.files])
