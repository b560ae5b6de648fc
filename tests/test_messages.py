"""What a focal point reads: the office's name in From, a greeting by name (never by role), the
office's local time in Date, a polite word on lateness, and a resend that servers do not take
for a duplicate."""

from __future__ import annotations

import datetime as dt
from email.headerregistry import Address
from zoneinfo import ZoneInfo

import pytest

from pipeline.delivery.compose import compose_reminders, compose_templates
from pipeline.delivery.send import deliver
from pipeline.failures import NapError
from pipeline.workspace import Workspace
from tests.mailserver import NOW, PERIOD, no_smtp_env, server, with_settings, ws
from tests.office import OFFICE_EMAIL, OFFICE_SETTINGS

__all__ = ["no_smtp_env", "server", "ws"]  # fixtures

OFFICE = "Ministry of Foreign and European Affairs"


def named_contacts(ws: Workspace, plan) -> None:
    """MJ's focal point has a name; the others are known by their role only."""
    lines = ["ministry,name,role,email,cc,language"]
    for code in plan.ministry_codes:
        name = "Anne Muller" if code == "MJ" else ""
        lines.append(f"{code},{name},Focal point WPS,wps@{code.lower()}.example,,en")
    (ws.root / "workbook_templates" / "contacts.csv").write_text("\n".join(lines) + "\n")


def body(message) -> str:
    return message.email.get_body(("plain",)).get_content()


def test_the_greeting_uses_the_focal_points_name_or_greets_the_team(ws, plan):
    named_contacts(ws, plan)

    messages = {m.ministry: m for m in compose_templates(ws, PERIOD, now=NOW)}

    assert body(messages["MJ"]).startswith("Dear Anne Muller,\n")
    assert body(messages["MSI"]).startswith("Dear colleagues,\n")
    assert messages["MJ"].email["To"].addresses == (
        Address("Anne Muller", addr_spec="wps@mj.example"),
    )
    assert messages["MSI"].email["To"].addresses == (
        Address("Focal point WPS", addr_spec="wps@msi.example"),
    )


def test_a_french_speaking_focal_point_is_greeted_and_reminded_in_french(ws, plan):
    named_contacts(ws, plan)
    path = ws.root / "workbook_templates" / "contacts.csv"
    path.write_text(path.read_text().replace("wps@mj.example,,en", "wps@mj.example,,fr"))
    late = dt.datetime(2026, 11, 30, 9, tzinfo=NOW.tzinfo)

    messages = {m.ministry: m for m in compose_templates(ws, PERIOD, now=NOW)}
    reminders = {m.ministry: m for m in compose_reminders(ws, PERIOD, now=late)}

    assert body(messages["MJ"]).startswith("Bonjour Anne Muller,\n")
    assert body(messages["MSI"]).startswith("Dear colleagues,\n")
    assert "Le délai du 31 mars 2020 est dépassé." in body(reminders["MJ"])
    (english,) = compose_templates(ws.speaking("en"), PERIOD, ministries=["MJ"], now=NOW)
    assert body(english).startswith("Dear Anne Muller,\n")  # --language wins


def test_from_carries_the_offices_name_unless_the_sender_has_its_own(ws):
    (message, *_) = compose_templates(ws, PERIOD, now=NOW)
    assert message.email["From"].addresses == (Address(OFFICE, addr_spec=OFFICE_EMAIL),)

    ws = with_settings(ws, '[smtp]\nsender = "WPS coordination <noreply@maee.example>"\n')
    (message, *_) = compose_templates(ws, PERIOD, now=NOW)
    assert str(message.email["From"]) == "WPS coordination <noreply@maee.example>"
    assert message.email["Reply-To"].addresses[0].addr_spec == OFFICE_EMAIL


def test_the_date_is_the_offices_local_time(ws):
    settings = 'time_zone = "Europe/Luxembourg"\n' + OFFICE_SETTINGS
    (ws.root / "nap.toml").write_text(settings, encoding="utf-8")
    ws = Workspace.open(ws.root)

    (message, *_) = compose_templates(ws, PERIOD)

    sent = message.email["Date"].datetime
    assert sent.utcoffset() == dt.datetime.now(ZoneInfo("Europe/Luxembourg")).utcoffset()
    assert abs(sent - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


@pytest.mark.parametrize(
    ("today", "said"),
    [
        (dt.date(2020, 3, 20), "The deadline is 31 March 2020."),
        (dt.date(2020, 3, 31), "The deadline is today, 31 March 2020."),
        (dt.date(2026, 11, 30), "The deadline of 31 March 2020 has passed."),
    ],
)
def test_reminders_speak_of_the_deadline_politely(ws, today, said):
    now = dt.datetime.combine(today, dt.time(9), tzinfo=NOW.tzinfo)

    (reminder, *_) = compose_reminders(ws, PERIOD, now=now)

    assert f"{said} Please send the file to {OFFICE_EMAIL}." in body(reminder)
    assert "days ago" not in body(reminder)


def test_a_resend_is_a_new_message_with_its_own_id_and_date(ws, server):
    first = deliver(
        ws, PERIOD, compose_templates(ws, PERIOD, ministries=["MJ"], now=NOW), send=True
    )
    later = NOW + dt.timedelta(days=2)

    again = compose_templates(ws, PERIOD, ministries=["MJ"], now=later)
    deliver(ws, PERIOD, again, send=True, resend=True)

    original, resent = server.messages()
    assert first.deliveries[0].status == "sent"
    assert resent["Message-ID"] != original["Message-ID"]
    assert resent["References"] == original["Message-ID"]
    assert resent["Date"].datetime == later != original["Date"].datetime


def test_a_wording_phrase_with_a_typo_stops_before_anything_is_written(ws):
    phrases = ws.root / "workbook_templates" / "mail" / "phrases.toml"
    phrases.parent.mkdir(parents=True, exist_ok=True)
    phrases.write_text(
        'greeting_named = "Dear $nmae,"\ngreeting_unnamed = "Dear colleagues,"\n'
        'deadline_ahead = "x"\ndeadline_today = "x"\ndeadline_passed = "x"\n',
        encoding="utf-8",
    )

    with pytest.raises(NapError, match=r"greeting_named: unknown placeholder \$nmae"):
        compose_templates(ws, PERIOD, now=NOW)
