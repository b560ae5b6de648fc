"""The number reader, read as its rule: tables of (what was typed, measure) -> number or the
refusal's code, and properties that hold for every number and every way of writing it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.intake.numbers import (
    AMOUNT,
    COUNT,
    HEAD_COUNT,
    DateSpan,
    Refused,
    format_kind,
    grouped,
    plain,
    read_figure,
    shown,
)

# A template for 2025 filled in during 2026: "1/2" typed then is 2 January 2026.
DATES = DateSpan.of(2025, dt.date(2026, 3, 1))
PROPERTY = settings(deadline=None, derandomize=True, database=None, max_examples=400)


def outcome(value: object, measure: str, number_format: str = "") -> Decimal | str:
    try:
        return read_figure(value, measure, number_format, DATES)
    except Refused as refused:
        return refused.code


@pytest.mark.parametrize(
    ("typed", "measure", "expected"),
    [
        # The cases of the issue: refused, never read at another magnitude
        ("1.200", AMOUNT, "number-ambiguous"),
        ("1.000", HEAD_COUNT, "number-ambiguous"),
        ("€ 5.000", AMOUNT, "number-ambiguous"),
        ("1,000", COUNT, "number-ambiguous"),
        ("-1.200", AMOUNT, "number-ambiguous"),
        # Read: one meaning only
        ("1.234,56", AMOUNT, Decimal("1234.56")),
        ("1,234.56", AMOUNT, Decimal("1234.56")),
        ("1 200", HEAD_COUNT, Decimal(1200)),
        ("1\u00a0200", COUNT, Decimal(1200)),
        ("1\u202f200", COUNT, Decimal(1200)),
        ("1,5", AMOUNT, Decimal("1.5")),
        ("12.5", AMOUNT, Decimal("12.5")),
        ("EUR 5000", AMOUNT, Decimal(5000)),
        ("5 000,75 €", AMOUNT, Decimal("5000.75")),
        ("5000eur", AMOUNT, Decimal(5000)),
        ("1.200.000", COUNT, Decimal(1200000)),
        ("1,200,000.50", AMOUNT, Decimal("1200000.5")),
        ("1 234 567,5", AMOUNT, Decimal("1234567.5")),
        ("1.200,00", COUNT, Decimal(1200)),
        ("0,500", AMOUNT, Decimal("0.5")),  # 0 thousands is no way to write 500
        (",5", AMOUNT, Decimal("0.5")),
        ("1234.567", AMOUNT, Decimal("1234.567")),  # 1234 is no group of thousands
        ("1,2345", AMOUNT, Decimal("1.2345")),
        (" 12 ", HEAD_COUNT, Decimal(12)),
        ("007", COUNT, Decimal(7)),
        ("-5", HEAD_COUNT, Decimal(-5)),  # read; the rules refuse it as negative
        ("−5", AMOUNT, Decimal(-5)),
        ("+5", COUNT, Decimal(5)),
        # Refused: not a number as typed
        ("€ 5", HEAD_COUNT, "number-not-numeric"),  # a currency only with an amount
        ("5 EUR", COUNT, "number-not-numeric"),
        ("12 00", COUNT, "number-not-numeric"),  # groups of three or none
        ("1.2.3", COUNT, "number-not-numeric"),
        ("1.000 000", COUNT, "number-not-numeric"),  # two ways of grouping
        ("1 000.000.000", COUNT, "number-not-numeric"),
        ("1.234.5,6", AMOUNT, "number-not-numeric"),
        ("1,234,56.7", AMOUNT, "number-not-numeric"),
        ("1,5,6.7", AMOUNT, "number-not-numeric"),
        ("1  200", COUNT, "number-not-numeric"),
        ("1/2", HEAD_COUNT, "number-not-numeric"),
        ("50%", COUNT, "number-not-numeric"),
        ("1e6", COUNT, "number-not-numeric"),
        ("ten", HEAD_COUNT, "number-not-numeric"),
        ("about 100", AMOUNT, "number-not-numeric"),
        ("5.", AMOUNT, "number-not-numeric"),
        ("--5", AMOUNT, "number-not-numeric"),
        ("- 5", AMOUNT, "number-not-numeric"),
        ("€", AMOUNT, "number-not-numeric"),
        ("١٢", COUNT, "number-not-numeric"),  # digits of another script are not guessed
        ("nan", AMOUNT, "number-not-numeric"),
        ("inf", AMOUNT, "number-not-numeric"),
    ],
)
def test_a_text_is_read_as_one_number_or_refused(typed, measure, expected):
    assert outcome(typed, measure) == expected


@pytest.mark.parametrize(
    ("value", "number_format", "measure", "expected"),
    [
        (12.0, "", HEAD_COUNT, Decimal(12)),
        (12.0, "#,##0", COUNT, Decimal(12)),
        (2500.5, "#,##0.00", AMOUNT, Decimal("2500.5")),
        (1e12, "", HEAD_COUNT, Decimal(10**12)),  # read; the rules judge plausibility
        # What LibreOffice and Excel make of "1/2", "12:30" and "50%"
        (46024.0, "DD/MM/YY", COUNT, "number-date-format"),
        (46024.0, "mm-dd-yy", HEAD_COUNT, "number-date-format"),
        (46024.0, "yyyy-mm-dd", AMOUNT, "number-date-format"),
        (0.5208, "h:mm", HEAD_COUNT, "number-date-format"),
        (0.5, "0%", COUNT, "number-date-format"),
        (0.05, "0.00%", AMOUNT, "number-date-format"),
        # "1/2" typed into a cell formatted as a number keeps that format (LibreOffice)
        (46024.0, "#,##0", HEAD_COUNT, "number-like-date"),
        (46024.0, "", COUNT, "number-like-date"),
        (46024.0, "#,##0.00", AMOUNT, Decimal(46024)),  # a plausible amount in euros
        (45658.0, "#,##0", COUNT, "number-like-date"),  # 1 January 2025, start of the period
        (45657.0, "#,##0", COUNT, Decimal(45657)),  # the day before
        (46752.0, "#,##0", COUNT, "number-like-date"),  # 31 December 2027, the year after
        (46753.0, "#,##0", COUNT, Decimal(46753)),
        (46024.5, "", AMOUNT, Decimal("46024.5")),
        (True, "", COUNT, "number-not-numeric"),
    ],
)
def test_a_number_cell_is_taken_as_it_is_unless_it_is_a_date_a_time_or_a_percentage(
    value, number_format, measure, expected
):
    assert outcome(value, measure, number_format) == expected


def test_refusals_quote_what_the_cell_shows():
    with pytest.raises(Refused) as date:
        read_figure(46024.0, COUNT, "DD/MM/YY", DATES)
    assert date.value.fields == {"value": "2 January 2026", "kind": "date"}
    with pytest.raises(Refused) as like:
        read_figure(46024.0, COUNT, "#,##0", DATES)
    assert like.value.fields == {"value": "46024", "date": "2 January 2026"}
    with pytest.raises(Refused) as ambiguous:
        read_figure("€ 5.000", AMOUNT)
    assert ambiguous.value.fields == {"value": "€ 5.000", "whole": "5000", "fraction": "5"}
    with pytest.raises(Refused) as comma:
        read_figure("1,250", AMOUNT)
    assert (comma.value.fields["whole"], comma.value.fields["fraction"]) == ("1250", "1,25")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("", ""),
        ("General", ""),
        ("0", ""),
        ("#,##0", ""),
        ("#,##0.00", ""),
        ('#,##0 "€"', ""),
        ("[$€-407] #,##0.00", ""),
        ("[Red]#,##0;[Blue]-#,##0", ""),
        ('"days: "0', ""),
        ("0.00E+00", ""),
        ("@", ""),
        ("DD/MM/YY", "date"),
        ("[$-409]mmmm d, yyyy", "date"),
        ("m/d/yy h:mm", "date"),
        ("mmm-yy", "date"),
        ("h:mm AM/PM", "time"),
        ("[h]:mm:ss", "time"),
        ("mm:ss", "time"),
        ("0%", "percentage"),
        ("0.00%", "percentage"),
    ],
)
def test_the_kind_of_a_number_format(code, kind):
    assert format_kind(code) == kind


def test_what_a_cell_shows_reads_the_same_in_every_language():
    assert shown(46024.0, "date") == "2 January 2026"
    assert shown(0.5, "time") == "12:00"
    assert shown(0.125, "percentage") == "12.5%"
    assert shown(1e300, "date") == plain(Decimal("1e300"))
    assert grouped(Decimal(1_000_000)) == "1 000 000" and grouped(Decimal("2.5")) == "2.5"


# Properties: for any number and any way of writing it, the number or a refusal


SPACES = (" ", "\u00a0", "\u202f")


@st.composite
def written(draw: st.DrawFn) -> tuple[Decimal, str, str]:
    """A number, and a text a person could type for it in some language's style."""
    places = draw(st.integers(0, 4))
    number = Decimal(draw(st.integers(-(10**12), 10**12))).scaleb(-places)
    mark = draw(st.sampled_from(".,"))
    group = draw(st.sampled_from(("", *SPACES, ".,".replace(mark, ""))))
    whole, _, fraction = f"{abs(number):f}".partition(".")
    if group:
        head = len(whole) % 3 or 3
        whole = group.join([whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)])
    sign = draw(st.sampled_from(("-", "−"))) if number < 0 else draw(st.sampled_from(("", "+")))
    text = sign + whole + (mark + fraction if fraction else "")
    measure = draw(st.sampled_from((HEAD_COUNT, COUNT, AMOUNT)))
    if measure == AMOUNT:
        text = draw(st.sampled_from(("{}", "€ {}", "EUR {}", "{} €", "{}EUR", "{} eur"))).format(
            text
        )
    return number, text, measure


@PROPERTY
@given(written())
def test_any_number_written_any_way_is_read_as_itself_or_refused_as_ambiguous(case):
    number, text, measure = case
    try:
        read = read_figure(text, measure)
    except Refused as refused:
        assert refused.code == "number-ambiguous", (text, refused.code)
        readings = {refused.fields["whole"], refused.fields["fraction"].replace(",", ".")}
        assert plain(number) in readings, (text, readings)
        return
    assert read == number, (text, read)


@PROPERTY
@given(st.text(alphabet="0123456789.,  \u00a0\u202f-+€EURxe%/", max_size=14))
def test_whatever_is_typed_no_digit_is_invented_or_lost(text):
    measure = AMOUNT
    try:
        read = read_figure(text, measure)
    except Refused as refused:
        assert refused.code in ("number-not-numeric", "number-ambiguous")
        return
    digits = "".join(ch for ch in text if ch.isdigit())
    assert plain(abs(read)).replace(".", "").strip("0") == digits.strip("0"), (text, read)


@PROPERTY
@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(("", "#,##0", "0.00")))
def test_a_number_cell_in_a_number_format_is_the_number_itself(value, number_format):
    assert read_figure(value, AMOUNT, number_format, DATES) == Decimal(repr(value))
