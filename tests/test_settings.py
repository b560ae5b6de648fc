"""nap.toml as coordinators type it: each mistake named with its line, key, the value typed and
an example to copy, all of them at once; and the office's time zone for its messages."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.failures import NapError
from pipeline.settings import load_settings, read_settings


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[smtp]\nhost = "smtp.example.org"\nport = "587x"\n',
            "line 3, smtp.port: '587x' is not a port number from 1 to 65535; e.g. port = 587",
        ),
        (
            'office = "MAEE"\nlanguage = "de"\n',
            "line 2, language: 'de' is not one of en, fr; e.g. language = \"fr\"",
        ),
        (
            'deadline = "31.03"\n',
            "line 1, deadline: '31.03' is not a month and day MM-DD in the year after the "
            'period, or a date; e.g. deadline = "03-31"',
        ),
        (
            'deadline = "02-30"\n',
            "line 1, deadline: '02-30' is not a month and day MM-DD",
        ),
        (
            "sample = 1\n",
            "line 1, sample: 1 is not true or false, without quotes; e.g. sample = false",
        ),
        (
            'hold_changes_over = "50%"\n',
            "line 1, hold_changes_over: '50%' is not a percentage, 0 or more, without quotes",
        ),
        (
            '[smtp]\nsecurity = "tls"\n',
            "line 2, smtp.security: 'tls' is not one of none, starttls or ssl",
        ),
        (
            'time_zone = "CET+1"\n',
            "line 1, time_zone: 'CET+1' is not a time zone name such as Europe/Luxembourg",
        ),
        (
            'deadlne = "03-31"\n',
            "line 1, deadlne: unknown setting; did you mean deadline? the settings are listed in "
            "docs/coordinator-guide.md",
        ),
        (
            "[contact]\nmail = 'a@b.lu'\n",
            "line 2, contact.mail: unknown setting; did you mean email?",
        ),
        (
            'office = "Ministry\n',
            "not a valid settings file: Illegal character",
        ),
    ],
)
def test_a_mistake_is_named_with_its_line_key_value_and_form(tmp_path, toml, message):
    path = tmp_path / "nap.toml"
    path.write_text(toml, encoding="utf-8")

    _, problems = read_settings(path)
    with pytest.raises(NapError) as caught:
        load_settings(path)

    assert len(problems) == 1
    assert f"nap.toml: {message}" in str(caught.value)


def test_every_mistake_is_listed_at_once_and_the_others_keep_their_defaults(tmp_path):
    path = tmp_path / "nap.toml"
    path.write_text(
        'office = "Ministère"\nlate_after_days = -3\n\n[smtp]\nport = 0\ntimeout = 0\n',
        encoding="utf-8",
    )

    settings, problems = read_settings(path)

    assert [p.cell for p in problems] == [
        "line 2, late_after_days",
        "line 5, smtp.port",
        "line 6, smtp.timeout",
    ]
    assert (settings.office, settings.late_after_days, settings.smtp.port) == ("Ministère", 0, 25)
    with pytest.raises(NapError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(
        "nap.toml: line 2, late_after_days: -3 is not a whole number of days, 0 or more; "
        "e.g. late_after_days = 0; line 5, smtp.port: 0 is not"
    )
    assert str(caught.value).endswith(f"(correct {path})")


def test_every_command_stops_at_a_mistake_with_one_line(workspace):
    (workspace.root / "nap.toml").write_text('[smtp]\nport = "587x"\n', encoding="utf-8")

    result = CliRunner().invoke(cli, ["status", "--period", "2019", "--root", str(workspace.root)])

    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith("Error: nap.toml: line 2, smtp.port: '587x' is not a port number")


def test_the_sender_is_the_contact_address_unless_given(tmp_path):
    path = tmp_path / "nap.toml"
    path.write_text('[contact]\nemail = "wps@maee.example"\n', encoding="utf-8")
    assert load_settings(path).smtp.sender.address == "wps@maee.example"

    path.write_text(
        '[contact]\nemail = "wps@maee.example"\n[smtp]\nsender = "noreply@maee.example"\n',
        encoding="utf-8",
    )
    assert load_settings(path).smtp.sender.address == "noreply@maee.example"


def test_the_office_time_zone_dates_its_messages(tmp_path):
    path = tmp_path / "nap.toml"
    path.write_text('time_zone = "Europe/Luxembourg"\n', encoding="utf-8")

    now = load_settings(path).now()

    assert now.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))
    assert str(now.tzinfo) == "Europe/Luxembourg"
