"""The one reader of figures: a returned cell becomes the number the ministry meant, or a
refusal that quotes what it holds and says how to type it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

HEAD_COUNT, COUNT, AMOUNT = "women_men", "count", "amount"  # the register's measures
_SPACES = " \u00a0\u202f\u2009"  # space, no-break, narrow no-break and thin space
_CURRENCY = re.compile(r"(?i)^(?:(?:€|eur)\s*)?(.*?)(?:\s*(?:€|eur))?$")
_SIGNED = re.compile(r"^([-−+]?)([0-9., \u00a0\u202f\u2009]*[0-9])$")
_DOUBLED = re.compile(r"[., \u00a0\u202f\u2009]{2}")
_EPOCH = dt.date(1899, 12, 30)  # day 0 of the spreadsheets' 1900 date system, as they count


class Refused(ValueError):
    """A figure that cannot be read as meant. `code` names it in the problem catalogue and
    `fields` fill its message."""

    def __init__(self, code: str, **fields: str) -> None:
        self.code, self.fields = code, fields
        super().__init__(code)


@dataclass(frozen=True)
class DateSpan:
    """The days on which a date typed without a year ("1/2", "02.01") could fall while the
    template was being filled in, as spreadsheet day numbers."""

    first: int
    last: int

    @classmethod
    def of(cls, period: int, filled_by: dt.date) -> DateSpan:
        """From the start of the period to the end of the year after `filled_by`."""
        start, end = dt.date(period, 1, 1), dt.date(filled_by.year + 1, 12, 31)
        return cls((start - _EPOCH).days, (end - _EPOCH).days)

    def __contains__(self, number: Decimal) -> bool:
        return number == number.to_integral_value() and self.first <= number <= self.last


def read_figure(
    value: str | float | bool,
    measure: str,
    number_format: str = "",
    dates: DateSpan | None = None,
) -> Decimal:
    """The number in a figure cell of a measure (HEAD_COUNT, COUNT or AMOUNT), or Refused.

    The rule, as the coordinator's guide writes it:
    - A number cell is taken as it is, unless its format makes it a date, a time or a
      percentage ("number-date-format"), or, for a head count or a count, it is a whole
      number that is also the day number of a date in `dates` ("number-like-date"): what
      "1/2" becomes when typed into a cell formatted as a number.
    - A text is read when it can mean one number only. Spaces, no-break and narrow no-break
      spaces group thousands; an amount may carry EUR or € before or after; one dot or
      comma separates the decimals. When a dot and a comma both appear, the last is the
      decimal separator (1.234,56 and 1,234.56). A dot or comma that appears more than once
      groups thousands (1.200.000).
    - A text whose only separator is one dot or comma with one to three digits before it
      and exactly three after (1.200, 1,000, € 5.000) is refused as ambiguous
      ("number-ambiguous"): it is 1200 in French and German, 1.2 in English.
    - Anything else is refused as not a number ("number-not-numeric"): two signs, stray
      letters, groups that are not of three digits, a percent sign.
    Whether the number is whole, not negative and plausible is for the caller to judge.
    """
    if isinstance(value, bool):
        raise Refused("number-not-numeric", value=str(value).upper())
    if isinstance(value, float):
        return _read_number(value, measure, number_format, dates)
    return read_text(value, measure)


def _read_number(value: float, measure: str, number_format: str, dates: DateSpan | None) -> Decimal:
    number = Decimal(repr(value))
    kind = format_kind(number_format)
    if kind:
        raise Refused("number-date-format", value=shown(value, kind), kind=kind)
    if measure != AMOUNT and dates is not None and number in dates:
        raise Refused("number-like-date", value=plain(number), date=shown(value, "date"))
    return number


def read_text(text: str, measure: str) -> Decimal:
    """A number typed as text; see read_figure for the rule."""
    typed = text.strip()
    body = _CURRENCY.fullmatch(typed)[1] if measure == AMOUNT else typed
    match = _SIGNED.fullmatch(body)
    parts = _parts(match[2]) if match and not _DOUBLED.search(body) else None
    if parts is None:
        raise Refused("number-not-numeric", value=typed)
    whole, mark, fraction = parts
    minus = "-" if match[1] in ("-", "−") else ""
    number = Decimal(f"{minus}{whole}.{fraction or '0'}")
    if mark and len(fraction) == 3 and 1 <= len(whole) <= 3 and whole.strip("0"):
        raise Refused(
            "number-ambiguous",
            value=typed,
            whole=plain(Decimal(f"{minus}{whole}{fraction}")),
            fraction=plain(number).replace(".", mark),
        )
    return number


def _parts(digits: str) -> tuple[str, str, str] | None:
    """(whole digits, the separator if it may be either, decimal digits) of an unsigned number
    as typed, or None when its separators do not make a number. The separator is given only
    for a lone dot or comma, the one case where it may group thousands or mark decimals."""
    marks = [ch for ch in digits if ch in ".,"]
    spaced = any(ch in _SPACES for ch in digits)
    kinds = set(marks)
    if not marks:
        whole, fraction = _grouped(digits, _SPACES), ""
    elif len(kinds) == 1 and len(marks) > 1:
        whole, fraction = (None if spaced else _grouped(digits, marks[0])), ""
    elif len(kinds) == 2 and (spaced or marks.count(marks[-1]) > 1):
        return None
    else:
        head, _, fraction = digits.rpartition(marks[-1])
        grouping = _SPACES if spaced else ".,".replace(marks[-1], "")
        whole = _grouped(head, grouping) if head else "0"
        if whole is None or not fraction.isdigit():
            return None
        lone = len(marks) == 1 and not spaced and head != ""
        return whole, marks[-1] if lone else "", fraction
    return (whole, "", fraction) if whole is not None else None


def _grouped(text: str, separators: str) -> str | None:
    """The digits of a whole number written with these thousands separators, or None when
    its groups are not one to three digits followed by groups of exactly three."""
    groups = re.split(f"[{re.escape(separators)}]", text)
    if not all(group.isdigit() for group in groups):
        return None
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        return None
    return "".join(groups)


@lru_cache(maxsize=512)
def format_kind(code: str) -> str:
    """ "date", "time" or "percentage" when a number format shows a number as one, else "".

    Quoted text, escaped characters, colours, conditions and locale tags are not codes; [h],
    [m] and [s] are elapsed time. Only the format of positive numbers counts.
    """
    section = code.split(";")[0]
    bare = re.sub(r'"[^"]*"|\\.|_.|\*.|\[(?![hms]+\])[^\]]*\]', "", section.lower())
    if "%" in bare:
        return "percentage"
    timed = re.search("[hs]", bare) is not None
    if re.search("[dy]", bare) or ("m" in bare and not timed):
        return "date"
    return "time" if timed else ""


def shown(value: float, kind: str) -> str:
    """What a person sees in a cell of that kind, in words that read the same in every
    language: 2 January 2026, 12:30, 50%."""
    if kind == "percentage":
        return f"{plain(Decimal(repr(value)) * 100)}%"
    try:
        moment = dt.datetime.combine(_EPOCH, dt.time()) + dt.timedelta(days=value)
    except OverflowError:
        return plain(Decimal(repr(value)))
    if kind == "time":
        return moment.strftime("%H:%M")
    return f"{moment.day} {moment.strftime('%B')} {moment.year}"


def plain(number: Decimal) -> str:
    """The number in digits, without exponent, thousands separator or trailing zeros."""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def grouped(number: Decimal) -> str:
    """A large number as everyone reads it: groups of three digits parted by spaces."""
    return (
        f"{number:,f}".replace(",", " ") if number == number.to_integral_value() else plain(number)
    )
