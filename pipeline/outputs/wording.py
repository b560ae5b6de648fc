"""The words of the documents: the wording catalogue of their language (English where a key
is not translated), its $placeholders, and the one way dates, numbers and amounts are
written (Babel, in the language's conventions), so every document names a figure alike."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from pipeline.failures import NapError
from pipeline.language import ENGLISH, LOCALES

if TYPE_CHECKING:
    from pipeline.workspace import Workspace

WORDING = "report/wording.toml"


def read_catalogue(path: Path) -> dict[str, dict[str, object]]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NapError(
            f"{path}: not a valid wording file ({exc}); restore the shipped one"
        ) from exc


def keys_of(data: dict[str, dict[str, object]]) -> list[str]:
    return [f"{section}.{name}" for section, table in data.items() for name in table]


class Wording:
    """The fixed texts of one language, filled with the document's $placeholders; a key the
    language's file lacks is taken from the English file."""

    def __init__(
        self,
        path: Path,
        values: dict[str, object],
        language: str = ENGLISH,
        own: Path | None = None,
    ) -> None:
        self.data = read_catalogue(path)
        self.language, self.path = language, path
        if own is not None and own.exists():
            for section, table in read_catalogue(own).items():
                self.data.setdefault(section, {}).update(table)
            self.path = own
        self.values = {k: str(v) for k, v in values.items()}
        self.locale = LOCALES[language]
        self.unphrased: set[str] = set()  # workbook texts shown in English for want of one

    def _raw(self, key: str) -> str | list[str]:
        section, name = key.split(".")
        try:
            return self.data[section][name]
        except (KeyError, TypeError):
            raise NapError(
                f"{self.path.name} lacks '{name}' under [{section}]; copy it from the shipped file"
            ) from None

    def _fill(self, key: str, text: str, extra: dict[str, object]) -> str:
        try:
            return Template(text).substitute(self.values, **{k: str(v) for k, v in extra.items()})
        except KeyError as exc:
            problem = f"unknown placeholder ${exc.args[0]}"
        except ValueError:
            problem = "a $ that starts no placeholder"
        known = ", ".join(f"${k}" for k in sorted({*self.values, *extra}))
        raise NapError(
            f"{self.path.name}, {key}: {problem}; use one of {known}, or $$ for a dollar sign"
        )

    def __call__(self, key: str, **extra: object) -> str:
        return self._fill(key, str(self._raw(key)), extra)

    def label(self, text: str) -> str:
        """A label with the punctuation that introduces what follows: "Pillar: ", "Pilier : "."""
        return self("punctuation.label", label=text)

    def listed(self, items: Iterable[str]) -> str:
        """Items that commas cannot part, one after the other: "ME: no return; MJ: rejected"."""
        return self("punctuation.between").join(items)

    def get(self, key: str, default: str) -> str:
        """A text that English takes from the template contract rather than from its file."""
        section, name = key.split(".")
        return str(self.data.get(section, {}).get(name, default))

    def status(self, category: str) -> str:
        """A status (or No status, No return) as the document's language names it: the
        template's names, so a ministry finds in the report the words it chose from."""
        from pipeline.template.contract import vocabulary

        return self.get(
            f"statuses.{category}", vocabulary(self.language).statuses.get(category, category)
        )

    def phrase(self, english: str, **extra: object) -> str:
        """A fixed text of the consolidated workbook in the document's language: the
        [workbook] table of a translation gives it, keyed by its English text (as a message
        catalogue does); its $placeholders are then filled. English where it has none."""
        table = self.data.get("workbook", {})
        if english not in table and self.language != ENGLISH:
            self.unphrased.add(english)
        text = str(table.get(english, english))
        return Template(text).safe_substitute(self.values, **{k: str(v) for k, v in extra.items()})

    def header(self, field: str) -> str:
        """A column of the template as the document's language heads it."""
        from pipeline.template.contract import vocabulary

        return vocabulary(self.language).headers[field]

    def paragraphs(self, key: str) -> list[str]:
        raw = self._raw(key)
        return [self._fill(key, text, {}) for text in ([raw] if isinstance(raw, str) else raw)]

    def terms(self, key: str) -> list[tuple[str, str]]:
        """A list of [term, meaning] entries, such as the definitions of the figures."""
        raw = self._raw(key)
        if not isinstance(raw, list) or not all(
            isinstance(e, list) and len(e) == 2 and all(isinstance(t, str) for t in e) for e in raw
        ):
            raise NapError(
                f"{self.path.name}: {key} must be a list of [term, meaning] entries; copy it from "
                "the shipped file"
            )
        return [(self._fill(key, term, {}), self._fill(key, meaning, {})) for term, meaning in raw]

    def date(self, day: dt.date | str) -> str:
        """A date in the long form of the language (30 November 2026, 30 novembre 2026); the
        ledger's ISO times are taken by their day. Every date of the documents is written here."""
        return long_date(day, self.language)

    def number(self, value: float) -> str:
        """A figure as the language groups it (1,234 or 1 234), with cents only if it has some."""
        from babel.numbers import format_decimal

        pattern = "#,##0" if float(value).is_integer() else "#,##0.00"
        return format_decimal(value, pattern, locale=self.locale)

    def amount(self, value: float) -> str:
        """An amount in euros: 1,234.50 EUR, 1 234,50 EUR."""
        return f"{self.number(value)} EUR"

    def percent(self, share: float | None, digits: int = 1) -> str:
        """A share as a percentage (42.5%, 42,5 %); a dash when there is no share to give."""
        from babel import Locale
        from babel.numbers import format_percent

        if share is None:
            return "–"
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        decimals = "#,##0." + "0" * digits if digits else "#,##0"
        return format_percent(share, pattern.replace("#,##0", decimals, 1), locale=self.locale)


def long_date(day: dt.date | str, language: str) -> str:
    """The long date of a language, for the documents and the messages alike."""
    from babel.dates import format_date

    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return format_date(day, "long", locale=LOCALES[language])


def words_for(ws: Workspace, values: dict[str, object], language: str | None = None) -> Wording:
    """The wording of the workspace's documents in their language (or the one given)."""
    language = language or ws.language
    english, own = ws.data_file(WORDING), ws.data_file_in(WORDING, language)
    return Wording(english, values, language, own if own != english else None)
