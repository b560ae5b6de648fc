"""The working languages of the documents: which one a document speaks, and the file of a
catalogue in that language, falling back to English where a translation is missing."""

from __future__ import annotations

from pathlib import Path

ENGLISH = "en"
LANGUAGES = (ENGLISH, "fr")
# The locale Babel formats dates and numbers in, and the language a Word document declares.
LOCALES = {"en": "en_GB", "fr": "fr_FR"}


def check_language(value: str, where: str) -> str:
    """A language code as the settings, the contacts list and --language take it."""
    code = value.strip().lower()
    if code in LANGUAGES:
        return code
    raise ValueError(
        f"{where}: unknown language '{value}'; use one of {', '.join(LANGUAGES)} (e.g. fr)"
    )


def localised(relative: str, language: str) -> str:
    """The name of a catalogue file in a language: report/wording.toml in French is
    report/wording.fr.toml; English keeps the name it always had."""
    if language == ENGLISH:
        return relative
    path = Path(relative)
    return str(path.with_name(f"{path.stem}.{language}{path.suffix}"))
