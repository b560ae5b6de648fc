"""The words of the outputs: the wording file, its $placeholders, and the one way dates are
written, so the workbook and the reports name every figure alike."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from string import Template

from pipeline.failures import NapError

WORDING = "report/wording.toml"


class Wording:
    """The fixed texts of wording.toml, filled with the output's $placeholders."""

    def __init__(self, path: Path, values: dict[str, object]) -> None:
        try:
            self.data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise NapError(
                f"{path}: not a valid wording file ({exc}); restore the shipped one"
            ) from exc
        self.path, self.values = path, {k: str(v) for k, v in values.items()}

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
        """A date in the long form of the report's language (30 November 2026); the ledger's
        ISO times are taken by their day. Every date of the outputs is written here."""
        if isinstance(day, str):
            day = dt.date.fromisoformat(day[:10])
        months = self._raw("dates.months")
        if not isinstance(months, list) or len(months) != 12:
            raise NapError(f"{self.path.name}: [dates] months must list the 12 month names")
        return self("dates.format", day=day.day, month=months[day.month - 1], year=day.year)
