"""The words of the workbook: what each figure means and what it is counted over (the same
table as the reports'), and the plan's glossary with the register's notes for the
coordinator, which the committee report leaves out."""

from __future__ import annotations

from pipeline.outputs.consolidated.layout import Book, Col, Range
from pipeline.plan.register import Plan

GLOSSARY_COLUMNS = (
    Col("term", 10, header="Term"),
    Col("meaning", 60, "wrap", header="Meaning (in the reports)"),
    Col("note", 50, "wrap", header="Note for the coordinator"),
    Col("source", 14, header="Source of the meaning"),
)


DEFINITION_COLUMNS = (
    Col("term", 30, "wrap", header="Figure"),
    Col("meaning", 100, "wrap", header="What it is, and what it is counted over"),
)


def definitions(book: Book) -> Range:
    """From the wording file, as in the reports' methodology annex."""
    words = book.words
    title = words("definitions.title")
    ws = book.sheet("Definitions", "$heading", "As in the reports.", heading=title)
    rows = [list(entry) for entry in words.terms("definitions.entries")]
    return book.listing(ws, 3, DEFINITION_COLUMNS, rows)


def glossary(book: Book, plan: Plan) -> Range:
    """The reports print the term and its meaning only; the note and the source are edited in
    the plan's plan.toml and shown here."""
    ws = book.sheet(
        "Glossary",
        "Glossary of $plan_title",
        "The committee report prints the term and its meaning; the note and the source are "
        "for the coordinator.",
    )
    entries = sorted(plan.glossary, key=lambda g: (g.term.casefold(), g.term))
    return book.listing(
        ws, 3, GLOSSARY_COLUMNS, [[g.term, g.meaning, g.note, g.source] for g in entries]
    )
