"""A drafted plan matrix read as people lay it out in Excel: one row per action under a header
found by its words, merged cells and objectives written once for several rows, pillar
headings between the rows, or one sheet per pillar."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.failures import NapError, UsageError
from pipeline.plan.words import ROLES, Vocabulary, plain
from pipeline.problems import Problem, problem
from pipeline.template.contract import column_letter

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

MAX_BYTES = 20_000_000  # a matrix of a few hundred actions is well under 1 MB
HEADER_SEARCH = 30  # rows from the top where the header may be
CARRIED = ("pillar", "objective")


Place = tuple[str, str]  # (sheet, cell)


@dataclass
class MatrixRow:
    """One action as the matrix gives it, with the cell each text came from."""

    sheet: str
    row: int
    texts: dict[str, str]  # role -> text
    cells: dict[str, str]  # role -> cell reference
    pillar: str
    pillar_at: Place
    objective: str
    joined: list[int] = field(default_factory=list)  # rows below it that continue it

    def at(self, role: str = "action") -> str:
        return self.cells.get(role, f"A{self.row}")


@dataclass
class Matrix:
    file: str
    rows: list[MatrixRow] = field(default_factory=list)
    title: str = ""  # the first text above the first table's header
    headings: dict[str, Place] = field(default_factory=dict)  # pillar headings, where read
    problems: list[Problem] = field(default_factory=list)


def read_matrix(path: Path, words: Vocabulary) -> Matrix:
    """Every action row of every sheet that has a header row; refuses a file that is not a
    workbook or holds no table, saying what the header needs."""
    wb = _open(path)
    matrix = Matrix(path.name)
    tables = [(ws, _header(ws, words)) for ws in wb.worksheets if ws.sheet_state == "visible"]
    tables = [(ws, found) for ws, found in tables if found is not None]
    if not tables:
        raise NapError(
            f"{path.name}: no sheet has a header row naming the actions and their indicators "
            "or responsible bodies (e.g. Action, Indicator, Responsible); add one, or add the "
            "matrix's own words to workbook_templates/plan_import.toml"
        )
    for ws, (header_row, roles) in tables:
        cells = _cells(ws)
        if not matrix.title:
            matrix.title = next((t for (r, _), t in sorted(cells.items()) if r < header_row), "")
        matrix.problems += _left_out(path.name, ws.title, header_row, roles, cells)
        pillar = ws.title if len(tables) > 1 else ""
        _Table(matrix, ws.title, roles, cells, pillar).read(header_row + 1, ws.max_row)
    return matrix


def _open(path: Path):
    import openpyxl

    if not path.is_file():
        raise UsageError(f"the matrix {path} does not exist; give the path of the .xlsx file")
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{path.name}: save the matrix as an Excel workbook (.xlsx) and give it")
    if path.stat().st_size > MAX_BYTES:
        raise NapError(f"{path.name} is over {MAX_BYTES // 1_000_000} MB: not a plan matrix")
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise NapError(
            f"{path.name} cannot be read as an Excel workbook ({exc}); open it in Excel and "
            "save it again as .xlsx"
        ) from exc


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without .0, dates as dates, lines trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()[:10]
    lines = (" ".join(line.split()) for line in str(value).replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _cells(ws: Worksheet) -> dict[tuple[int, int], str]:
    """Every non-empty cell; a merged range gives its text to each of its cells."""
    cells = {
        (c.row, c.column): text
        for row in ws.iter_rows()
        for c in row
        if (text := cell_text(c.value))
    }
    for merged in ws.merged_cells.ranges:
        text = cells.get((merged.min_row, merged.min_col))
        if text:
            for r in range(merged.min_row, merged.max_row + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    cells[(r, col)] = text
    return cells


def role_of(header: str, words: Vocabulary) -> str | None:
    """The role a header names: the longest header word it begins with."""
    text, best, length = plain(header), None, 0
    for role, names in words.headers.items():
        for name in names:
            name = plain(name)
            if (text == name or text.startswith(name + " ")) and len(name) > length:
                best, length = role, len(name)
    return best


def _header(ws: Worksheet, words: Vocabulary) -> tuple[int, dict[str, int]] | None:
    """The first row naming an action column and its indicator or responsible column, with
    the column of each role (the first, when two columns name one)."""
    for r in range(1, min(ws.max_row, HEADER_SEARCH) + 1):
        roles: dict[str, int] = {}
        for c in range(1, ws.max_column + 1):
            role = role_of(cell_text(ws.cell(r, c).value), words)
            if role and role not in roles:
                roles[role] = c
        if "action" in roles and {"indicator", "responsible"} & roles.keys():
            return r, roles
    return None


def _left_out(
    file: str, sheet: str, header_row: int, roles: dict[str, int], cells: dict[tuple[int, int], str]
) -> list[Problem]:
    used = set(roles.values())
    expected = ", ".join(ROLES)
    return [
        problem(
            "import-column-left-out",
            file=file,
            sheet=sheet,
            cell=f"{column_letter(c)}{r}",
            value=text,
            expected=expected,
        )
        for (r, c), text in sorted(cells.items())
        if r == header_row and c not in used
    ]


class _Table:
    """The rows below one header, read top-down with the pillar and objective in force."""

    def __init__(
        self,
        matrix: Matrix,
        sheet: str,
        roles: dict[str, int],
        cells: dict[tuple[int, int], str],
        pillar: str,
    ) -> None:
        self.matrix, self.sheet, self.roles, self.cells = matrix, sheet, roles, cells
        self.pillar, self.pillar_at, self.objective = pillar, (sheet, ""), ""
        self.last: MatrixRow | None = None

    def read(self, first: int, last: int) -> None:
        for r in range(first, last + 1):
            filled = {c: t for (row, c), t in self.cells.items() if row == r}
            if filled:
                self._row(r, filled)

    def _ref(self, role: str, r: int) -> str:
        return f"{column_letter(self.roles[role])}{r}"

    def _row(self, r: int, filled: dict[int, str]) -> None:
        texts = {role: filled.get(c, "") for role, c in self.roles.items()}
        described = {self.roles.get(role) for role in ("action", "indicator", "responsible")}
        spread = len(filled) > 1 or next(iter(filled)) not in described
        if len(set(filled.values())) == 1 and spread:
            self._heading(r, filled)
            self.last = None
        elif texts["action"]:
            self._context(r, texts)
            cells = {role: self._ref(role, r) for role in self.roles}
            row = MatrixRow(
                self.sheet, r, texts, cells, self.pillar, self.pillar_at, self.objective
            )
            self.matrix.rows.append(row)
            self.last = row
        elif self.last is not None and (texts.get("indicator") or texts.get("responsible")):
            self._join(r, texts)
        else:
            self._context(r, texts)

    def _heading(self, r: int, filled: dict[int, str]) -> None:
        """A row with one text, alone or merged across: a pillar's heading, or an
        objective's when the text stands in the objective column, or when pillars have a
        column and objectives none."""
        text = next(iter(filled.values()))
        column = next(iter(filled)) if len(filled) == 1 else None
        if column is not None and column == self.roles.get("objective"):
            self.objective = text
        elif column is not None and column == self.roles.get("pillar"):
            self._new_pillar(text, (self.sheet, f"{column_letter(column)}{r}"))
        elif "pillar" in self.roles and "objective" not in self.roles:
            self.objective = text
        else:
            self._new_pillar(text, (self.sheet, f"{column_letter(min(filled))}{r}"))

    def _new_pillar(self, text: str, at: Place) -> None:
        self.matrix.headings.setdefault(text, at)
        if text != self.pillar:
            self.pillar, self.pillar_at, self.objective = text, at, ""

    def _context(self, r: int, texts: dict[str, str]) -> None:
        if texts.get("pillar"):
            self._new_pillar(texts["pillar"], (self.sheet, self._ref("pillar", r)))
        if texts.get("objective"):
            self.objective = texts["objective"]

    def _join(self, r: int, texts: dict[str, str]) -> None:
        """A row with no action of its own continues the action above it."""
        assert self.last is not None
        for role in ("indicator", "responsible"):
            if texts.get(role) and texts[role] not in self.last.texts[role]:
                joined = "; ".join(filter(None, (self.last.texts[role], texts[role])))
                self.last.texts[role] = joined
        self.last.joined.append(r)
