"""A plan register drafted from a matrix: pillars and actions numbered, responsible bodies
mapped to the ministries of the list, measures guessed; every guess and every gap a Problem,
so the coordinator reviews them all in one list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.plan.guesses import MeasureGuess, guess_measures, pillar_heading, roman
from pipeline.plan.matrix import Matrix, MatrixRow, Place
from pipeline.plan.ministries_list import ListedMinistry, Matcher
from pipeline.plan.register import ID_PATTERN, Action
from pipeline.plan.words import Vocabulary
from pipeline.problems import Problem, problem


@dataclass(frozen=True)
class DraftPillar:
    id: str
    name: str
    heading: str  # the text the matrix gave
    at: Place


@dataclass(frozen=True)
class DraftAction:
    """One row of actions.csv, with the matrix cell it came from; a row for every ministry
    ("All") has no ministries of its own."""

    row: Action
    everyone: bool
    at: Place

    @property
    def id(self) -> str:
        return self.row.id


@dataclass
class Draft:
    pillars: list[DraftPillar]
    actions: list[DraftAction] = field(default_factory=list)
    ministries: list[ListedMinistry] = field(default_factory=list)  # those with an action
    problems: list[Problem] = field(default_factory=list)


def draft_register(
    matrix: Matrix, listed: Sequence[ListedMinistry], words: Vocabulary, list_file: str
) -> Draft:
    """The register the matrix describes, as far as its words allow."""
    headings = list(dict.fromkeys(row.pillar or row.sheet for row in matrix.rows))
    draft = Draft(_pillars(matrix, headings, words))
    draft.problems += matrix.problems
    drafter = _Drafter(draft, matrix.file, Matcher(listed, words), words, list_file)
    for pillar, heading in zip(draft.pillars, headings, strict=True):
        rows = [r for r in matrix.rows if (r.pillar or r.sheet) == heading]
        drafter.pillar(pillar, rows)
    draft.problems += [
        problem("import-heading-left-out", file=matrix.file, sheet=at[0], cell=at[1], value=text)
        for text, at in matrix.headings.items()
        if text not in headings
    ]
    used = {code for a in draft.actions for code in a.row.ministries}
    everyone = any(a.everyone for a in draft.actions)
    draft.ministries = [m for m in listed if everyone or m.code in used]
    draft.problems += [
        problem("import-ministry-unused", file=list_file, cell=f"line {m.line}", value=m.code)
        for m in listed
        if m not in draft.ministries
    ]
    return draft


def _pillars(matrix: Matrix, headings: list[str], words: Vocabulary) -> list[DraftPillar]:
    """Numbered as the matrix numbers them when it numbers each once, else in its order."""
    parsed = [pillar_heading(h, words) for h in headings]
    numbers = [n for n, _ in parsed]
    if None in numbers or len(set(numbers)) != len(numbers):
        numbers = list(range(1, len(headings) + 1))
    pillars = []
    for number, (_, name), heading in zip(numbers, parsed, headings, strict=True):
        at = next(r.pillar_at for r in matrix.rows if (r.pillar or r.sheet) == heading)
        pillars.append(DraftPillar(roman(number or 0), one_line(name), heading, at))
    return pillars


def one_line(text: str) -> str:
    """A cell's line breaks as spaces: one row of actions.csv is then one line, and the
    line numbers `nap plan` gives are the rows Excel shows."""
    return " ".join(text.split())


class _Drafter:
    """Turns the rows of one pillar into actions, noting every guess."""

    def __init__(
        self, draft: Draft, file: str, matcher: Matcher, words: Vocabulary, list_file: str
    ) -> None:
        self.draft, self.file, self.matcher, self.words = draft, file, matcher, words
        self.list_file = list_file
        self.ids: set[str] = set()
        self.renumbered = False  # said once: the note column keeps each matrix number

    def note(self, code: str, at: Place, action: str = "", **fields: object) -> None:
        self.draft.problems.append(
            problem(code, file=self.file, sheet=at[0], cell=at[1], action=action, **fields)
        )

    def pillar(self, pillar: DraftPillar, rows: list[MatrixRow]) -> None:
        self.note("import-pillar-read", pillar.at, value=f"{pillar.id} '{pillar.name}'")
        for number, row in enumerate(rows, start=1):
            self.draft.actions.append(self.action(pillar, number, row))

    def action(self, pillar: DraftPillar, number: int, row: MatrixRow) -> DraftAction:
        texts = row.texts
        action_id = self._id(pillar, number, row)
        objective = row.objective or pillar.name
        if not row.objective:
            self.note("import-no-objective", (row.sheet, row.at()), action_id)
        indicator = texts.get("indicator", "")
        if not indicator:
            self.note("import-no-indicator", (row.sheet, row.at("indicator")), action_id)
        for joined in row.joined:
            self.note("import-row-joined", (row.sheet, f"A{joined}"), action_id)
        bodies, everyone = self._responsible(action_id, row)
        guess = self._measures(action_id, row, indicator)
        action = Action(
            id=action_id,
            pillar=pillar.id,
            objective=one_line(objective),
            action=one_line(texts["action"]),
            indicator=one_line(indicator),
            responsible_printed=one_line(texts.get("responsible", "")),
            bodies=bodies,
            ministries=bodies,
            measures=guess.measures,
            count_label=guess.count_label,
            note=self._numbered(row, action_id),
        )
        return DraftAction(action, everyone, (row.sheet, row.at()))

    def _measures(self, action_id: str, row: MatrixRow, indicator: str) -> MeasureGuess:
        guess = guess_measures(indicator, self.words)
        at = (row.sheet, row.at("indicator"))
        if guess.cues:
            cues = ", ".join(f"'{c}'" for c in guess.cues)
            measures = ";".join(guess.measures)
            self.note("import-measures-guessed", at, action_id, value=measures, cue=cues)
        else:
            self.note("import-measures-default", at, action_id)
        return guess

    def _id(self, pillar: DraftPillar, number: int, row: MatrixRow) -> str:
        """The matrix's own id when it is one of the register's form in this pillar."""
        given = row.texts.get("id", "")
        if ID_PATTERN.match(given) and given.startswith(f"{pillar.id}.") and given not in self.ids:
            self.ids.add(given)
            return given
        action_id = f"{pillar.id}.{number:02d}"
        while action_id in self.ids:
            number += 1
            action_id = f"{pillar.id}.{number:02d}"
        self.ids.add(action_id)
        if given and not self.renumbered:
            self.renumbered = True
            self.note("import-renumbered", (row.sheet, row.at("id")), action_id, value=given)
        return action_id

    def _numbered(self, row: MatrixRow, action_id: str) -> str:
        given = row.texts.get("id", "")
        return f"{given} in the matrix" if given and given != action_id else ""

    def _responsible(self, action_id: str, row: MatrixRow) -> tuple[tuple[str, ...], bool]:
        """The ministries the responsible cell names, or that it names them all; a body that
        is no ministry of the list is kept as printed and named in the review."""
        found = self.matcher.find(row.texts.get("responsible", ""))
        at = (row.sheet, row.at("responsible"))
        for body in found.unmapped:
            self.note("import-body-unmapped", at, action_id, value=body, list=self.list_file)
        if not found.codes and not found.everyone:
            self.note("import-no-ministry", at, action_id, list=self.list_file)
        return found.codes, found.everyone
