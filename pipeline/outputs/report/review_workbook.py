"""The workbook beside the final implementation report: each of its views on a sheet of its
own, for sorting and filtering, plus the status of each ministry year by year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline import excel_style as style
from pipeline.atomic import atomic_path
from pipeline.outputs import figures as f
from pipeline.outputs.consolidated.layout import Book, Col, Formats, timestamp
from pipeline.outputs.period_data import CATEGORIES, NOT_RETURNED
from pipeline.outputs.review_data import FINAL_STATUSES, NO_RETURNS, PlanReview
from pipeline.outputs.wording import Wording

KEY = Col("action_id", 9, header="Action ID")
MINISTRY = Col("ministry", 9, header="Ministry")
SHADED = (*CATEGORIES, NO_RETURNS)


def write_review_workbook(
    review: PlanReview, words: Wording, dest: Path, *, sample: bool = False
) -> Path:
    """Written whole, with the newest file's time as its date: the same ledger gives the
    same bytes."""
    import xlsxwriter

    plan = review.plan
    with atomic_path(dest, held_by="Excel") as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {**style.TEXT_STAYS_TEXT, "remove_timezone": True})
        received = [timestamp(f.received) for d in review.found for f in d.files]
        latest = max(filter(None, received), default=None)
        created = latest or dt.datetime(plan.last_period + 1, 1, 1)
        wb.set_properties(
            {
                "title": f"{plan.title}: {words('cover.plan_review_title')}",
                "author": plan.coordinator,
                "created": created.replace(tzinfo=None),
            }
        )
        years = f"{plan.first_period}-{plan.last_period}"
        mark = f"{words('cover.header_sample')} – " if sample else ""
        title = f"{mark}{plan.title}".replace("&", "&&")[:100]
        book = Book(wb, Formats.add_to(wb), f"&L&8{title}: {years}&R&8&A", words, mark)
        for sheet in SHEETS:
            sheet(book, review, words)
        wb.close()
    return dest


def _sheet(book: Book, words: Wording, name: str, key: str):
    """A sheet titled and introduced as the report's section of the same key."""
    title, intro = words(f"plan_review.{key}_title"), words(f"plan_review.{key}_intro")
    return book.sheet(name, title, intro)


def _years(review: PlanReview, kind: str = "text", width: float = 12) -> list[Col]:
    return [Col(str(y), width, kind, header=str(y)) for y in review.years]


def _colour(book: Book, ws, rng, fields: list[str]) -> None:
    for name in fields:
        book.colour_statuses(ws, rng, name, [c for c in SHADED if c in book.formats.status_fill])


def actions(book: Book, review: PlanReview, words: Wording) -> None:
    ws = _sheet(book, words, "Actions", "trajectory")
    cols = [
        KEY,
        Col("pillar", 14, header="Pillar"),
        Col("action", 50, "wrap", header="Action"),
        Col("ministries", 18, "wrap", header="Ministries"),
        *_years(review, "status"),
        Col("final", 12, "status", header="Final status"),
    ]
    rows = []
    for a in review.plan.actions:
        cells = [review.roll_up(a, y) for y in review.years]
        pillar = review.plan.pillar(a.pillar).title
        rows.append(
            [a.id, pillar, a.action, ", ".join(a.ministries), *cells, review.final_roll_up(a)]
        )
    rng = book.listing(ws, 3, cols, rows)
    _colour(book, ws, rng, [*(str(y) for y in review.years), "final"])


def trajectories(book: Book, review: PlanReview, words: Wording) -> None:
    ws = book.sheet(
        "Trajectories",
        "Each ministry's status of each action, year by year",
        words("plan_review.final_intro"),
    )
    cols = [
        KEY,
        MINISTRY,
        *_years(review, "status"),
        Col("final", 12, "status", header="Final status"),
        Col("final_year", 9, "whole", header="Reported in"),
    ]
    rows = []
    for a in review.plan.actions:
        for m in a.ministries:
            final = review.final(a.id, m)
            rows.append([a.id, m, *review.trajectory(a.id, m), final.status, final.year])
    rng = book.listing(ws, 3, cols, rows, frozen_columns=2)
    _colour(book, ws, rng, [*(str(y) for y in review.years), "final"])


def outcomes(book: Book, review: PlanReview, words: Wording) -> None:
    ws = book.sheet(
        "Outcomes", words("plan_review.outcomes_title"), words("plan_review.completed_intro")
    )
    cols = [
        Col("outcome", 20, header="Outcome"),
        KEY,
        Col("action", 60, "wrap", header="Action"),
        Col("ministries", 22, "wrap", header="Ministries"),
        Col("year", 10, "whole", header="Completed in"),
    ]
    completed = words("plan_review.completed_title")
    rows = [[completed, a.id, a.action, ", ".join(a.ministries), y] for a, y in review.completed()]
    started = words("plan_review.never_started_title")
    rows += [
        [started, a.id, a.action, ", ".join(a.ministries), None] for a in review.never_started()
    ]
    never = words("plan_review.header_never")
    for code, missing in review.never_reported().items():
        rows += [[never, a.id, a.action, code, None] for a in missing]
    book.listing(ws, 3, cols, rows, frozen_columns=0)


def figures(book: Book, review: PlanReview, words: Wording) -> None:
    """Long tables, one row per action and year: they filter and chart in Excel as they are."""
    ws = _sheet(book, words, "Women and men", "women")
    base = [KEY, Col("indicator", 44, "wrap", header="Indicator"), Col("year", 7, header="Year")]
    given = [
        Col("reporting", 11, "whole", header="Ministries giving it"),
        Col("expected", 11, "whole", header="Ministries reporting"),
    ]
    cols = [
        *base,
        Col("women", 9, "whole", header="Women"),
        Col("men", 9, "whole", header="Men"),
        Col("share", 10, "percent", header="Share of women"),
        *given,
    ]
    rows = []
    for a in (a for a in review.plan.actions if "women_men" in a.measures):
        w, m = review.series(a, "women"), review.series(a, "men")
        for y in review.years:
            data = review.by_year.get(y)
            # over the reports that give both, as in every output (outputs/figures.py)
            share = f.heads(data, f.reports_of([a])).share.value if data else None
            rows.append(
                [a.id, a.indicator, str(y), w.values[y], m.values[y], share, w.reporting[y],
                 w.expected]
            )  # fmt: skip
    book.listing(ws, 3, cols, rows)
    ws = _sheet(book, words, "Amounts", "amounts")
    cols = [*base, Col("amount", 14, "decimal", header="Amount (EUR)"), *given]
    rows = []
    for a in (a for a in review.plan.actions if "amount" in a.measures):
        s = review.series(a, "amount")
        rows += [
            [a.id, a.indicator, str(y), s.values[y], s.reporting[y], s.expected]
            for y in review.years
        ]
    book.listing(ws, 3, cols, rows)


def lessons(book: Book, review: PlanReview, words: Wording) -> None:
    ws = _sheet(book, words, "Challenges", "lessons")
    cols = [
        Col("pillar", 8, header="Pillar"),
        KEY,
        MINISTRY,
        Col("field", 12, header="Of"),
        Col("years", 14, header="Years"),
        Col("text", 90, "wrap", header="As the ministry wrote it"),
    ]
    rows = [
        [a.pillar, a.id, e.ministry, words.header(e.field), ", ".join(map(str, e.years)), e.text]
        for a in review.plan.actions
        for e in review.entries(a)
    ]
    book.listing(ws, 3, cols, rows, frozen_columns=0)


def ministries(book: Book, review: PlanReview, words: Wording) -> None:
    ws = _sheet(book, words, "Ministries", "ministries")
    cols = [
        MINISTRY,
        Col("year", 7, header="Year"),
        Col("return", 12, "word", header="Return"),
        Col("accepted_on", 16, "datetime", header="Accepted on"),
        Col("late", 8, "whole", header="Days late"),
        Col("with_status", 10, "whole", header="Actions with a status"),
        Col("rows", 10, "whole", header="Actions to report"),
        Col("completeness", 12, "percent", header="Completeness"),
    ]
    rows = []
    for m in review.plan.ministries:
        for y in review.years:
            data = review.by_year.get(y)
            state = (
                next((s for s in data.status.ministries if s.code == m.code), None)
                if data
                else None
            )
            if state is None or state.missing:
                verdict = words("plan_review.no_returns")
                if data is not None:  # rejected or held where that is why, as on the Overview
                    returned = data.state(m.code)
                    verdict = "missing" if returned == NOT_RETURNED else returned
                rows.append([m.code, str(y), verdict, None, None, None, None, None])
                continue
            rows.append(
                [
                    m.code,
                    str(y),
                    "accepted",
                    timestamp(state.accepted_on),
                    data.late_days(state),
                    state.with_status,
                    state.rows,
                    state.completeness,
                ]
            )
    book.listing(ws, 3, cols, rows, frozen_columns=1)


def overview(book: Book, review: PlanReview, words: Wording) -> None:
    """The plan's years, those without any return, and the actions by final status."""
    plan = review.plan
    title = f"{plan.title}: {words('cover.plan_review_title')}"
    ws = book.sheet("Overview", title, words("plan_review.final_intro"))
    facts = [
        ("Plan", plan.id),
        ("Reporting years", f"{plan.first_period}-{plan.last_period}"),
        ("Years with accepted returns", ", ".join(str(d.period) for d in review.found)),
        (
            "Years without any return",
            ", ".join(str(y) for y in review.empty_years) or words.phrase("none"),
        ),
        ("Actions of the plan", len(plan.actions)),
    ]
    for row, (label, value) in enumerate(facts, start=3):
        ws.merge_range(row, 0, row, 1, words.phrase(label), book.formats.label)
        book.cell(ws, row, 2, value, "whole" if isinstance(value, int) else "text")
    finals = [review.final_roll_up(a) for a in plan.actions]
    cols = [
        Col("status", 18, "status", header=words("plan_review.header_status"), said=True),
        Col("actions", 12, "whole", header=words("plan_review.header_actions"), said=True),
        Col("share", 18, "percent", header=words("plan_review.header_share"), said=True),
    ]
    rows = [[c, finals.count(c), finals.count(c) / len(finals)] for c in FINAL_STATUSES]
    rng = book.table(ws, 3 + len(facts) + 1, cols, rows)
    _colour(book, ws, rng, ["status"])


def carried(book: Book, review: PlanReview, words: Wording) -> None:
    """The links of carry_over.csv that concern this plan, either way; no sheet without."""
    if not review.links_from and not review.links_into:
        return
    ws = book.sheet("Carried over", words("plan_review.carried_title"), "")
    cols = [
        KEY,
        Col("way", 16, header="Carried"),
        Col("plan", 20, header="Other plan"),
        Col("other", 12, header="Its action"),
        Col("status", 40, "wrap", header="Status"),
    ]
    rows = [
        [
            x.action,
            words.phrase("from"),
            x.previous_plan,
            x.previous_action,
            review.stood_text(x.action, words),
        ]
        for x in review.links_from
    ]
    ids = {a.id for a in review.plan.actions}
    rows += [
        [
            x.previous_action,
            words.phrase("into"),
            x.plan,
            x.action,
            words.status(review.final_roll_up(review.plan.action(x.previous_action))),
        ]
        for x in review.links_into
        if x.previous_action in ids
    ]
    book.listing(ws, 3, cols, rows)


SHEETS = (overview, actions, trajectories, outcomes, carried, figures, lessons, ministries)
