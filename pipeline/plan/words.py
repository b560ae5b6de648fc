"""Words compared as a reader compares them: case, accents, hyphens and curly apostrophes
ignored, positions kept so that a match can be cut out of the original text; and the words
a plan matrix is read with (plan_import.toml)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.failures import NapError

VOCABULARY_FILE = "plan_import.toml"
ROLES = ("id", "pillar", "objective", "action", "indicator", "responsible")
MEASURE_CUES = ("women_men", "count", "amount", "text", "people")


@cache
def _fold_char(char: str) -> str:
    if char in "-‐‑–—_":
        return " "
    if char in "’‘`´":
        return "'"
    base = unicodedata.normalize("NFKD", char)[:1] or char
    return base.casefold()[:1] or char


def fold(text: str) -> str:
    """The text with case, accents and hyphens ignored, one character for each of the
    original's, so that positions found in one hold in the other."""
    return "".join(_fold_char(c) for c in text)


def plain(text: str) -> str:
    """Folded, without punctuation and with single spaces: how a header or a whole cell is
    compared ("N°" reads "n", "Responsable(s)" reads "responsable s")."""
    return " ".join(re.sub(r"[^\w']+", " ", fold(text)).split())


@cache
def phrase(words: str) -> re.Pattern[str]:
    """A pattern finding `words` in folded text as whole words, any spacing between them."""
    body = r"\s+".join(re.escape(w) for w in fold(words).split())
    start = r"(?<!\w)" if re.match(r"\w", words) else ""
    end = r"(?!\w)" if re.search(r"\w$", words) else ""
    return re.compile(start + body + end)


@dataclass(frozen=True)
class Vocabulary:
    headers: dict[str, tuple[str, ...]]  # role -> the headers that name it
    pillar_labels: tuple[str, ...]
    all_ministries: tuple[str, ...]
    ignore: tuple[str, ...]
    measures: dict[str, tuple[str, ...]]  # measure (and "people") -> cue phrases


def load_vocabulary(path: Path) -> Vocabulary:
    """The words of plan_import.toml; a file that does not read names the entry to fix."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        words = {
            section: {key: tuple(str(w) for w in value) for key, value in data[section].items()}
            for section in ("headers", "pillars", "responsible", "measures")
        }
        vocabulary = Vocabulary(
            headers={role: words["headers"][role] for role in ROLES},
            pillar_labels=words["pillars"]["labels"],
            all_ministries=words["responsible"]["all"],
            ignore=words["responsible"]["ignore"],
            measures={cue: words["measures"][cue] for cue in MEASURE_CUES},
        )
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NapError(f"{path}: not a valid word list ({exc}); restore the shipped one") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise NapError(
            f"{path}: the entry {exc} is missing or is not a list of words; copy it from the "
            "shipped file"
        ) from exc
    return vocabulary
