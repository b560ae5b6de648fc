"""The layout keeps its promises: docs/architecture.md names every module, only the ledger
speaks SQL, and functions fit on a screen."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "pipeline"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")
# A function fits on a screen; the streaming reader too is split into short handlers.
MAX_LINES = 60


def test_the_architecture_page_names_every_module():
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    unnamed = [str(p.relative_to(PACKAGE)) for p in MODULES if p.stem not in page]
    assert unnamed == []


def test_only_the_ledger_speaks_sql():
    speaking = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if "ledger" not in p.parts
        and re.search(r"\bimport sqlite3\b|\.execute(many)?\(", p.read_text())
    ]
    assert speaking == []


def test_no_function_is_longer_than_a_screen():
    long = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} {length}")
    assert long == []
