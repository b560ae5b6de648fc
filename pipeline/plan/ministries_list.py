"""The reporting ministries of a plan being imported (MINISTRIES.csv: code,name,aliases), and
which of them a responsible cell of the drafted matrix names."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.failures import NapError, UsageError
from pipeline.plan.words import Vocabulary, fold, phrase, plain
from pipeline.problems import Problem, problem

COLUMNS = ("code", "name", "aliases")
CODE = re.compile(r"^[A-Z][A-Z0-9-]{0,15}$")
# Written in capitals (MDIGI, SRE, D7): an acronym, matched as written so that "ME" is
# never found in "me".
ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9/.-]{0,11}$")
SEPARATORS = r"[,;/\n+&()\[\]:]|\s[-–]\s"


@dataclass(frozen=True)
class ListedMinistry:
    code: str
    name: str
    aliases: tuple[str, ...]
    line: int


def read_ministries(path: Path) -> tuple[list[ListedMinistry], list[Problem]]:
    """The ministries of the list, and every problem of it (rows with one are left out)."""
    if not path.is_file():
        raise UsageError(f"the ministries list {path} does not exist; give --ministries FILE")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                header = ",".join(COLUMNS)
                bad = problem(
                    "ministries-bad-header", file=path.name, cell="line 1", expected=header
                )
                return [], [bad]
            rows = [
                (reader.line_num, {k: (row[k] or "").strip() for k in COLUMNS}) for row in reader
            ]
    except UnicodeDecodeError:
        raise NapError(f"{path} is not UTF-8 text; save it as 'CSV UTF-8' in Excel") from None
    listed: list[ListedMinistry] = []
    problems: list[Problem] = []
    for line, row in rows:
        if not any(row.values()):
            continue
        found = _check_row(path.name, line, row, listed)
        problems += found
        if not found:
            aliases = tuple(a.strip() for a in row["aliases"].split(";") if a.strip())
            listed.append(ListedMinistry(row["code"], row["name"], aliases, line))
    problems += _ambiguous(path.name, listed)
    return listed, problems


def _check_row(
    file: str, line: int, row: dict[str, str], listed: list[ListedMinistry]
) -> list[Problem]:
    found = []
    if not CODE.match(row["code"]):
        found.append(
            problem("ministries-bad-code", file=file, cell=f"line {line}, code", value=row["code"])
        )
    first = next((m.line for m in listed if m.code == row["code"]), None)
    if first is not None:
        found.append(
            problem(
                "ministries-duplicate-code",
                file=file,
                cell=f"line {line}, code",
                value=row["code"],
                first=first,
            )
        )
    if not row["name"]:
        found.append(problem("ministries-empty-name", file=file, cell=f"line {line}, name"))
    return found


def _names(ministry: ListedMinistry) -> list[str]:
    return [ministry.code, ministry.name, *ministry.aliases]


def _ambiguous(file: str, listed: list[ListedMinistry]) -> list[Problem]:
    """A name or alias given to two ministries could not tell them apart."""
    owner: dict[str, ListedMinistry] = {}
    found = []
    for ministry in listed:
        for name in dict.fromkeys(plain(n) for n in _names(ministry)):
            other = owner.setdefault(name, ministry)
            if other is not ministry:
                found.append(
                    problem(
                        "ministries-ambiguous-alias",
                        file=file,
                        cell=f"line {ministry.line}, aliases",
                        value=name,
                        other=other.code,
                    )
                )
    return found


@dataclass(frozen=True)
class Found:
    """What a responsible cell names: ministries of the list (in its order), or all of
    them, and the bodies that match none."""

    codes: tuple[str, ...]
    everyone: bool
    unmapped: tuple[str, ...]


class Matcher:
    """Finds the ministries of the list in a responsible cell, the longest name first, so
    that "Ministry of Family Affairs" is not taken for "Family"."""

    def __init__(self, listed: Sequence[ListedMinistry], words: Vocabulary) -> None:
        self.order = {m.code: i for i, m in enumerate(listed)}
        names = [(name, m.code) for m in listed for name in _names(m)]
        names.sort(key=lambda item: -len(item[0]))
        self.patterns = [
            (re.compile(rf"(?<!\w){re.escape(name)}(?!\w)"), code, False)
            if ACRONYM.match(name)
            else (phrase(name), code, True)
            for name, code in names
        ]
        self.everyone = {plain(w) for w in words.all_ministries}
        self.everyone_phrases = [phrase(w) for w in words.all_ministries if " " in w.strip()]
        linking = "|".join(phrase(w).pattern for w in sorted(words.ignore, key=len)[::-1])
        self.leading = re.compile(rf"^\s*(?:{linking or '(?!)'})\s*")
        self.trailing = re.compile(rf"\s*(?:{linking or '(?!)'})\s*$")

    def find(self, text: str) -> Found:
        folded = fold(text)
        if plain(text) in self.everyone or any(p.search(folded) for p in self.everyone_phrases):
            return Found((), True, ())
        taken = [False] * len(text)
        codes = set()
        for pattern, code, on_folded in self.patterns:
            for match in pattern.finditer(folded if on_folded else text):
                if not any(taken[match.start() : match.end()]):
                    taken[match.start() : match.end()] = [True] * (match.end() - match.start())
                    codes.add(code)
        rest = "".join("\n" if t else c for c, t in zip(text, taken, strict=True))
        return Found(tuple(sorted(codes, key=self.order.__getitem__)), False, self._bodies(rest))

    def _bodies(self, rest: str) -> tuple[str, ...]:
        """What is left of a cell once the ministries are cut out: the names of other
        bodies, cut at punctuation, without the linking words around them ("and", "in
        collaboration with"), which may also stand inside a name."""
        parts = (self._trim(part) for part in re.split(SEPARATORS, rest))
        return tuple(dict.fromkeys(p for p in parts if len(re.findall(r"\w", p)) >= 2))

    def _trim(self, part: str) -> str:
        part = " ".join(part.split()).strip(" .-'\"*")
        while True:
            folded = fold(part)
            match = self.leading.match(folded) or self.trailing.search(folded)
            if match is None or not match.group():
                return part
            part = part[match.end() :] if match.start() == 0 else part[: match.start()]
            part = part.strip(" .-'\"*")
