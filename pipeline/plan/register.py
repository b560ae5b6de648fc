"""The plan register: pillars, actions, responsible bodies and reporting ministries, loaded
and checked."""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pipeline.failures import NapError
from pipeline.plan.plausibility import Plausibility, read_plausibility
from pipeline.problems import Problem, errors, problem

T = TypeVar("T")

MEASURES = ("count", "women_men", "amount", "text")
# What a head count (women_men) counts: people reached during the year, or people in post on
# a date. Figures of two kinds are never added together.
HEAD_COUNTS = ("flow", "stock")
ALL = "All"
ACTION_COLUMNS = (
    "id",
    "pillar",
    "objective",
    "action",
    "indicator",
    "responsible_printed",
    "bodies",
    "ministries",
    "measures",
    "count_label",
    "note",
)
# Columns a register may leave out (registers written before they existed stay loadable).
OPTIONAL_ACTION_COLUMNS = ("head_count",)
REQUIRED = (
    "id",
    "pillar",
    "objective",
    "action",
    "indicator",
    "responsible_printed",
    "ministries",
    "measures",
)
ID_PATTERN = re.compile(r"^[IVX]+\.\d{2}$")


@dataclass(frozen=True)
class Ministry:
    code: str
    name: str
    includes: str = ""


@dataclass(frozen=True)
class Pillar:
    id: str
    name: str
    main_objective: str
    commitments: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"{self.id}. {self.name}"


@dataclass(frozen=True)
class Body:
    code: str
    name: str
    ministry: str


@dataclass(frozen=True)
class Action:
    id: str
    pillar: str
    objective: str
    action: str
    indicator: str
    responsible_printed: str
    bodies: tuple[str, ...]
    ministries: tuple[str, ...]
    measures: tuple[str, ...]
    count_label: str = ""
    note: str = ""
    line: int = 0
    head_count: str = ""  # flow or stock for a women_men measure; "" when not declared


@dataclass(frozen=True)
class GlossaryEntry:
    """An acronym and its definition, the one thing the committee reads; the note and the
    source are the coordinator's, shown in the consolidated workbook only."""

    term: str
    meaning: str
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    country: str
    first_period: int
    last_period: int
    coordinator: str
    committee: str
    ministries: tuple[Ministry, ...]
    pillars: tuple[Pillar, ...]
    bodies: tuple[Body, ...]
    actions: tuple[Action, ...]
    glossary: tuple[GlossaryEntry, ...]
    path: Path = field(compare=False, default=Path())
    plausibility: Plausibility = field(default_factory=Plausibility)

    @property
    def ministry_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.ministries)

    def ministry(self, code: str) -> Ministry:
        for m in self.ministries:
            if m.code == code:
                return m
        raise KeyError(code)

    def pillar(self, pillar_id: str) -> Pillar:
        for p in self.pillars:
            if p.id == pillar_id:
                return p
        raise KeyError(pillar_id)

    def action(self, action_id: str) -> Action:
        for a in self.actions:
            if a.id == action_id:
                return a
        raise KeyError(action_id)

    def actions_for(self, ministry: str) -> list[Action]:
        return [a for a in self.actions if ministry in a.ministries]

    @cached_property
    def memo(self) -> dict[object, object]:
        """Values derived from the plan (the hashes templates sign), computed once: the plan
        is immutable, and ingest asks for them once per file."""
        return {}

    def derived(self, key: tuple, make: Callable[[], T]) -> T:
        """What `make` derives from the plan, made once and kept in `memo` under `key`."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]  # type: ignore[return-value]


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _read_csv(
    path: Path, columns: tuple[str, ...], problems: list[Problem], optional: tuple[str, ...] = ()
) -> list[tuple[int, dict]]:
    """Rows with their line numbers as a spreadsheet shows them (header is line 1); an
    `optional` column left out reads as empty."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = tuple(reader.fieldnames or ())
        extra = tuple(h for h in header if h not in columns)
        if header[: len(columns)] != columns or not _known(extra, optional):
            expected = ",".join(columns)
            if optional:
                expected += f" (then, if used: {','.join(optional)})"
            problems.append(
                problem("register-bad-header", file=path.name, cell="line 1", expected=expected)
            )
            return []
        blank = dict.fromkeys(optional, "")
        return [
            (reader.line_num, blank | {k: (v or "").strip() for k, v in row.items()})
            for row in reader
        ]


def _known(extra: tuple[str, ...], optional: tuple[str, ...]) -> bool:
    return len(set(extra)) == len(extra) and set(extra) <= set(optional)


def read_plan(path: Path) -> tuple[Plan | None, list[Problem]]:
    """Load a plan file and its CSV tables, collecting every problem; the plan is None
    when there is any error."""
    path = Path(path)
    meta, ministries, pillars, glossary = _read_plan_file(path)
    head = meta["plan"]
    problems: list[Problem] = []
    bodies = _read_bodies(path.parent / head["bodies"], ministries, problems)
    actions = _read_actions(path.parent / head["actions"], ministries, pillars, bodies, problems)
    ids = {a.id for a in actions}
    plausibility = read_plausibility(meta.get("plausibility"), path.name, ids, problems)
    if errors(problems):
        return None, problems
    plan = Plan(
        id=head["id"],
        title=head["title"],
        country=head.get("country", ""),
        first_period=int(head["first_period"]),
        last_period=int(head["last_period"]),
        coordinator=head.get("coordinator", ""),
        committee=head.get("committee", ""),
        ministries=ministries,
        pillars=pillars,
        bodies=tuple(bodies.values()),
        actions=tuple(actions),
        glossary=glossary,
        path=path,
        plausibility=plausibility,
    )
    return plan, problems


def _read_plan_file(
    path: Path,
) -> tuple[dict, tuple[Ministry, ...], tuple[Pillar, ...], tuple[GlossaryEntry, ...]]:
    """plan.toml: the whole file, its ministries, pillars and glossary; a file that cannot be
    read at all stops the command, since nothing else can be checked without it."""
    if not path.is_file():
        raise NapError(f"plan file {path} not found; give --plan FILE or check nap.toml")
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NapError(f"{path}: not a valid plan file: {exc}") from exc
    try:
        head = meta["plan"]
        ministries = tuple(Ministry(**m) for m in meta["ministries"])
        pillars = tuple(
            Pillar(p["id"], p["name"], p["main_objective"], tuple(p.get("commitments", ())))
            for p in meta["pillars"]
        )
        glossary = tuple(GlossaryEntry(**g) for g in meta.get("glossary", ()))
        tables = (head["actions"], head["bodies"])
    except (KeyError, TypeError) as exc:
        raise NapError(
            f"{path}: missing or malformed entry {exc}; compare with the shipped plan"
        ) from exc
    for table in tables:
        if not (path.parent / table).is_file():
            raise NapError(f"{path}: the table {table} it names is missing beside it")
    return meta, ministries, pillars, glossary


def _read_bodies(
    file: Path, ministries: tuple[Ministry, ...], problems: list[Problem]
) -> dict[str, Body]:
    codes = {m.code for m in ministries}
    bodies: dict[str, Body] = {}
    for line, row in _read_csv(file, ("code", "name", "ministry"), problems):
        if row["ministry"] not in codes:
            problems.append(
                problem(
                    "register-unknown-ministry",
                    file=file.name,
                    cell=f"line {line}, ministry",
                    value=row["ministry"],
                )
            )
        bodies[row["code"]] = Body(row["code"], row["name"], row["ministry"])
    return bodies


def _read_actions(
    file: Path,
    ministries: tuple[Ministry, ...],
    pillars: tuple[Pillar, ...],
    bodies: dict[str, Body],
    problems: list[Problem],
) -> list[Action]:
    codes = {m.code for m in ministries}
    pillar_ids = {p.id for p in pillars}
    order = {m.code: i for i, m in enumerate(ministries)}
    first_line: dict[str, int] = {}
    actions: list[Action] = []
    for line, row in _read_csv(file, ACTION_COLUMNS, problems, OPTIONAL_ACTION_COLUMNS):
        found = _check_action(row, line, file.name, pillar_ids, bodies, codes, order, first_line)
        problems.extend(found)
        if not found:
            actions.append(_action(row, line, ministries))
    return actions


def _action(row: dict, line: int, ministries: tuple[Ministry, ...]) -> Action:
    listed = row["ministries"]
    return Action(
        id=row["id"],
        pillar=row["pillar"],
        objective=row["objective"],
        action=row["action"],
        indicator=row["indicator"],
        responsible_printed=row["responsible_printed"],
        bodies=_split(row["bodies"]),
        ministries=tuple(m.code for m in ministries) if listed == ALL else _split(listed),
        measures=tuple(m for m in MEASURES if m in _split(row["measures"])),
        count_label=row["count_label"],
        note=row["note"],
        line=line,
        head_count=row["head_count"],
    )


def _check_action(
    row: dict,
    line: int,
    file: str,
    pillar_ids: set[str],
    bodies: dict[str, Body],
    codes: set[str],
    order: dict[str, int],
    first_line: dict[str, int],
) -> list[Problem]:
    """Every problem of one action row; one rule per check, all of them run."""
    found: list[Problem] = []

    def add(code: str, column: str, **fields: object) -> None:
        found.append(
            problem(
                code, file=file, cell=f"line {line}, {column}", action=row.get("id", ""), **fields
            )
        )

    for column in REQUIRED:
        if not row[column]:
            add("register-missing-field", column, field=column)
    action_id = row["id"]
    if action_id:
        if not ID_PATTERN.match(action_id):
            add("register-bad-id", "id", value=action_id)
        if action_id in first_line:
            add("register-duplicate-id", "id", value=action_id, first=first_line[action_id])
        else:
            first_line[action_id] = line
    if row["pillar"] and row["pillar"] not in pillar_ids:
        add("register-unknown-pillar", "pillar", value=row["pillar"])
    for measure in _split(row["measures"]):
        if measure not in MEASURES:
            add("register-unknown-measure", "measures", value=measure)
    if row["head_count"] and row["head_count"] not in HEAD_COUNTS:
        add("register-unknown-head-count", "head_count", value=row["head_count"])
    for body in _split(row["bodies"]):
        if body not in bodies:
            add("register-unknown-body", "bodies", value=body)
    if row["ministries"] != ALL:
        listed = _split(row["ministries"])
        unknown = [code for code in listed if code not in codes]
        for code in unknown:
            add("register-unknown-ministry", "ministries", value=code)
        of_bodies = {bodies[b].ministry for b in _split(row["bodies"]) if b in bodies}
        if of_bodies and not unknown and set(listed) != of_bodies:
            expected = ";".join(sorted(of_bodies, key=lambda c: order.get(c, 99)))
            add(
                "register-ministries-mismatch",
                "ministries",
                value=row["ministries"],
                expected=expected,
            )
    return found


def load_plan(path: Path) -> Plan:
    """Load a plan that must be free of errors."""
    plan, problems = read_plan(path)
    if plan is None:
        first = errors(problems)
        more = (
            f" (and {len(first) - 1} more; run `nap plan` to list them)" if len(first) > 1 else ""
        )
        raise NapError(f"the plan register does not load: {first[0]}{more}")
    return plan
