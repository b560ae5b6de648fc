"""What an import guesses from the words of a matrix: the measures an indicator asks for
(with the phrases that suggested them), and the number and name of a pillar's heading."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.plan.register import MEASURES
from pipeline.plan.words import Vocabulary, fold, phrase

# What "number of" counts ends at the first of these.
_OBJECT_END = re.compile(r"[,;/()\n:]|\s(?:and|or|et|ou|per|par|by)\s", re.IGNORECASE)
_ROMAN = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = (("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


@dataclass(frozen=True)
class MeasureGuess:
    measures: tuple[str, ...]
    count_label: str
    cues: tuple[str, ...]  # the indicator's phrases that suggested them; () when assumed


def guess_measures(indicator: str, words: Vocabulary) -> MeasureGuess:
    """People are counted by sex (women_men), things as a count, money as an amount; an
    indicator that names no figure is reported in words (text)."""
    folded = fold(indicator)
    found: dict[str, str] = {}
    for measure in ("women_men", "amount", "text"):
        for cue in words.measures[measure]:
            if match := phrase(cue).search(folded):
                found.setdefault(measure, indicator[match.start() : match.end()])
    label = ""
    for cue in words.measures["count"]:
        for match in phrase(cue).finditer(folded):
            counted = _counted(indicator[match.end() :])
            if not counted:
                continue
            cue_text = indicator[match.start() : match.end()]
            shown = cue_text + ("" if cue_text.endswith("'") else " ") + counted
            if any(phrase(p).match(fold(counted)) for p in words.measures["people"]):
                found.setdefault("women_men", shown)
            else:
                found.setdefault("count", shown)
                label = label or counted[:1].upper() + counted[1:]
    if not found:
        return MeasureGuess(("text",), "", ())
    measures = tuple(m for m in MEASURES if m in found)
    return MeasureGuess(measures, label, tuple(found[m] for m in measures))


def _counted(after: str) -> str:
    """The words naming what is counted, up to the next clause, at most 60 characters."""
    text = " ".join(_OBJECT_END.split(after.strip(), maxsplit=1)[0].split())
    return text if len(text) <= 60 else text[:60].rsplit(" ", 1)[0]


def roman(number: int) -> str:
    out = ""
    for letters, value in _ROMAN_VALUES:
        count, number = divmod(number, value)
        out += letters * count
    return out.upper()


def _from_roman(text: str) -> int | None:
    if not text or not _ROMAN.match(text):
        return None
    total, rest = 0, text
    for letters, value in _ROMAN_VALUES:
        while rest.startswith(letters):
            total, rest = total + value, rest[len(letters) :]
    return total


def pillar_heading(text: str, words: Vocabulary) -> tuple[int | None, str]:
    """The number and the name of a pillar's heading: "Pillar I: Participation", "Pilier 2 -
    Prévention", "III. Protection"; (None, text) when it carries no number."""
    labels = "|".join(phrase(w).pattern for w in sorted(words.pillar_labels, key=len)[::-1])
    folded = fold(text)
    match = re.match(
        rf"\s*(?:(?:{labels})\s*)?(?:no?\s*)?([ivx]+|\d+)(?:\s*[.:)]\s*|\s+|$)", folded
    )
    if match is None:
        return None, text
    token = match.group(1)
    number = int(token) if token.isdigit() else _from_roman(token)
    if not number or number > 39:
        return None, text
    name = text[match.end() :].strip(" .:-–—")
    return number, name or text
