"""The plan's glossary with the register's notes for the coordinator, which the committee
report leaves out: where a meaning came from, and what the plan printed instead."""

from __future__ import annotations

from pipeline.outputs.consolidated.layout import Book, Col, Range
from pipeline.plan.register import Plan

GLOSSARY_COLUMNS = (
    Col("term", 10, header="Term"),
    Col("meaning", 60, "wrap", header="Meaning (in the reports)"),
    Col("note", 50, "wrap", header="Note for the coordinator"),
    Col("source", 14, header="Source of the meaning"),
)


def glossary(book: Book, plan: Plan) -> Range:
    """The reports print the term and its meaning only; the note and the source are edited in
    the plan's plan.toml and shown here."""
    ws = book.sheet(
        "Glossary",
        f"Glossary of {plan.title}",
        "The committee report prints the term and its meaning; the note and the source are "
        "for the coordinator.",
    )
    entries = sorted(plan.glossary, key=lambda g: (g.term.casefold(), g.term))
    return book.listing(
        ws, 3, GLOSSARY_COLUMNS, [[g.term, g.meaning, g.note, g.source] for g in entries]
    )
