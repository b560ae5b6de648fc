"""Mail: each ministry gets its own template, reminders reach only the late and the rejected,
nothing is sent twice, and a real SMTP server on loopback receives what the ledger records."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.delivery.compose import compose_reminders, compose_templates
from pipeline.delivery.send import deliver
from pipeline.failures import NapError
from pipeline.intake.ingest import ingest
from pipeline.intake.returned import read_meta
from pipeline.plan.contacts import load_contacts
from pipeline.template.issue import issue_templates
from tests.filling import fill_template, sample_answers
from tests.mailserver import (
    CC,
    NOW,
    PERIOD,
    Collector,
    focal,
    free_port,
    mail_log,
    nap_mail,
    no_smtp_env,
    role,
    server,
    start,
    write_contacts,
    ws,
)
from tests.office import OFFICE_EMAIL

__all__ = ["no_smtp_env", "server", "ws"]  # fixtures

OFFICE = "Ministry of Foreign and European Affairs"  # the default office of nap.toml
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REJECTED, MISSING = "MJ", "ME"


@pytest.fixture
def returned(ws, plan):
    """Six ministries answered correctly, MJ sent a file with an error, ME nothing."""
    for code in plan.ministry_codes:
        if code == MISSING:
            continue
        answers = sample_answers(plan, code, PERIOD)
        if code == REJECTED:
            first = next(a.id for a in plan.actions_for(code) if "women_men" in a.measures)
            answers[first]["women"] = "many"
        template = ws.templates_dir(PERIOD) / f"{code}.xlsx"
        fill_template(template, ws.inbox / f"{code} report.xlsx", answers)
    ingest(ws, settle=0)
    return ws


def by_code(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    codes = {
        focal(code): code for code in ("MAEE", "MSI", "MENJE", "MEGA", "MIFA", "MJ", "MISA", "ME")
    }
    found = {codes[m["To"].addresses[0].addr_spec]: m for m in messages}
    assert len(found) == len(messages), "a ministry received two messages"
    return found


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    (part,) = message.iter_attachments()
    assert part.get_content_type() == XLSX
    return part.get_filename(), part.get_content()


# Templates


def test_each_ministry_receives_exactly_its_own_template(ws, plan, server, tmp_path):
    deliveries = deliver(ws, PERIOD, compose_templates(ws, PERIOD, now=NOW), send=True).deliveries

    assert [(d.ministry, d.status) for d in deliveries] == [
        (c, "sent") for c in plan.ministry_codes
    ]
    received = by_code(server.messages())
    assert sorted(received) == sorted(plan.ministry_codes)
    for code, message in received.items():
        name, data = attachment(message)
        assert data == (ws.templates_dir(PERIOD) / f"{code}.xlsx").read_bytes()
        copy = tmp_path / name
        copy.write_bytes(data)
        assert read_meta(copy)["ministry"] == code
        assert plan.ministry(code).name in message["Subject"]


def test_cc_addresses_receive_the_message_too(ws, server):
    deliver(ws, PERIOD, compose_templates(ws, PERIOD, ministries=["MAEE", "MJ", "MSI"]), send=True)

    envelopes = {e.rcpt_tos[0]: sorted(e.rcpt_tos) for e in server.envelopes}
    assert envelopes == {
        focal("MAEE"): sorted([focal("MAEE"), *CC["MAEE"]]),
        focal("MJ"): sorted([focal("MJ"), *CC["MJ"]]),
        focal("MSI"): [focal("MSI")],
    }
    assert by_code(server.messages())["MAEE"]["Cc"].addresses[1].addr_spec == CC["MAEE"][1]


def test_running_again_sends_nothing_twice_and_resend_sends_again(ws, server):
    deliver(ws, PERIOD, compose_templates(ws, PERIOD, now=NOW), send=True)
    issue_templates(ws, PERIOD, today=dt.date(2020, 2, 1))  # the same files, first issue date kept
    later = NOW + dt.timedelta(days=3)

    again = deliver(ws, PERIOD, compose_templates(ws, PERIOD, now=later), send=True).deliveries

    assert {d.status for d in again} == {"skipped"}
    assert "--resend" in again[0].detail
    assert len(server.envelopes) == 8

    resent = deliver(ws, PERIOD, compose_templates(ws, PERIOD), send=True, resend=True).deliveries

    assert {d.status for d in resent} == {"sent"}
    assert len(server.envelopes) == 16
    assert mail_log(ws) == [(d.ministry, "templates", "smtp") for d in again + resent]


def test_a_template_issued_anew_is_sent_again(ws, server):
    deliver(ws, PERIOD, compose_templates(ws, PERIOD), send=True)
    issue_templates(ws, PERIOD, ministries=["MJ"], deadline=dt.date(2020, 5, 15))

    again = deliver(ws, PERIOD, compose_templates(ws, PERIOD), send=True).deliveries

    assert [d.ministry for d in again if d.status == "sent"] == ["MJ"]


def test_message_ids_are_stable_across_runs_and_distinct_across_ministries(ws):
    first = compose_templates(ws, PERIOD, now=NOW)
    second = compose_templates(ws, PERIOD, now=NOW + dt.timedelta(hours=5))

    assert [m.message_id for m in first] == [m.message_id for m in second]
    assert len({m.message_id for m in first}) == len(first)
    assert first[0].email["Date"] != second[0].email["Date"]


def test_eml_files_open_as_standard_messages_with_the_attachment(ws, plan):
    deliveries = deliver(ws, PERIOD, compose_templates(ws, PERIOD, now=NOW)).deliveries

    assert {d.status for d in deliveries} == {"written"}
    for d in deliveries:
        assert d.path == ws.mail_dir(PERIOD) / f"templates_{d.ministry}.eml"
        message = message_from_bytes(d.path.read_bytes(), policy=policy.default)
        assert message["To"].addresses == (
            Address(role(plan, d.ministry), addr_spec=focal(d.ministry)),
        )
        assert message["From"].addresses == (Address(OFFICE, addr_spec=OFFICE_EMAIL),)
        assert message["Date"].datetime == NOW
        assert plan.title in message["Subject"]
        assert message.get_body(("plain",)).get_content().startswith("Dear colleagues,")
        name, data = attachment(message)
        assert name == f"{plan.id}_{PERIOD}_{d.ministry}.xlsx"
        assert data == (ws.templates_dir(PERIOD) / f"{d.ministry}.xlsx").read_bytes()
    assert mail_log(ws) == [], "writing .eml files sends nothing and records nothing"


def test_templates_not_issued_yet_stop_with_the_command_to_run(workspace, plan):
    write_contacts(workspace, plan)

    with pytest.raises(NapError, match="run nap templates --period 2019 first"):
        compose_templates(workspace, PERIOD)


def test_a_workspace_without_its_own_contacts_refuses_to_mail(workspace):
    issue_templates(workspace, PERIOD)

    with pytest.raises(NapError, match="this workspace has no contacts list of its own") as caught:
        compose_templates(workspace, PERIOD)

    own = workspace.root / "workbook_templates" / "contacts.csv"
    assert f"({own}); copy " in str(caught.value)
    assert not workspace.mail_dir(PERIOD).exists()


def test_a_typo_in_a_placeholder_stops_before_any_message(ws):
    wording = ws.root / "workbook_templates" / "mail" / "templates.txt"
    wording.parent.mkdir()
    wording.write_text("Subject: Report for $period\n\nDear $ministy_name,\n", encoding="utf-8")

    with pytest.raises(NapError, match=r"templates.txt: unknown placeholder \$ministy_name"):
        compose_templates(ws, PERIOD)


# Reminders


def test_reminders_go_only_to_the_missing_and_the_rejected(returned, server):
    deliver(returned, PERIOD, compose_reminders(returned, PERIOD, now=NOW), send=True)

    assert sorted(by_code(server.messages())) == sorted([REJECTED, MISSING])


def test_the_rejected_ministry_gets_its_feedback_and_every_reason(returned):
    (feedback,) = returned.feedback_dir(PERIOD).glob(f"{REJECTED}_*.xlsx")
    reminders = {m.ministry: m.email for m in compose_reminders(returned, PERIOD, now=NOW)}

    rejected = reminders[REJECTED]
    body = rejected.get_body(("plain",)).get_content()
    assert attachment(rejected) == (feedback.name, feedback.read_bytes())
    assert "- Report!J" in body
    assert "'many' in Women is not a number" in body
    assert f"{REJECTED} report.xlsx" in body
    assert "The deadline of 31 March 2020 has passed." in body
    assert "days" not in body

    missing = reminders[MISSING]
    body = missing.get_body(("plain",)).get_content()
    assert "have not received" in body
    assert (
        attachment(missing)[1] == (returned.templates_dir(PERIOD) / f"{MISSING}.xlsx").read_bytes()
    )


def test_a_reminder_goes_once_a_day(returned, server):
    for now in (NOW, NOW + dt.timedelta(hours=6), NOW + dt.timedelta(days=1)):
        deliver(returned, PERIOD, compose_reminders(returned, PERIOD, now=now), send=True)

    assert len(server.envelopes) == 4
    assert mail_log(returned) == [(c, "reminder", "smtp") for c in (REJECTED, MISSING) * 2]


def test_no_reminder_once_every_ministry_answered(ws, plan):
    for code in plan.ministry_codes:
        template = ws.templates_dir(PERIOD) / f"{code}.xlsx"
        fill_template(template, ws.inbox / f"{code}.xlsx", sample_answers(plan, code, PERIOD))
    ingest(ws, settle=0)

    assert compose_reminders(ws, PERIOD) == []


def test_the_draft_reminder_of_a_ministry_that_answered_is_withdrawn(returned, plan):
    deliver(returned, PERIOD, compose_reminders(returned, PERIOD, now=NOW))
    drafts = returned.mail_dir(PERIOD)
    assert (drafts / f"reminder_{MISSING}.eml").is_file()
    template = returned.templates_dir(PERIOD) / f"{MISSING}.xlsx"
    answers = sample_answers(plan, MISSING, PERIOD)
    fill_template(template, returned.inbox / f"{MISSING}.xlsx", answers)
    ingest(returned, settle=0)

    deliver(returned, PERIOD, compose_reminders(returned, PERIOD, now=NOW))

    assert sorted(p.name for p in drafts.glob("reminder_*.eml")) == [f"reminder_{REJECTED}.eml"]


# Contacts

BAD_CONTACTS = """ministry,focal_point,email,cc
MAEE,Focal point WPS,maee@example.org,
MSI,Focal point WPS,x@,
MENJE,,menje@example.org,
MX,Focal point WPS,mx@example.org,
MAEE,Focal point WPS,maee2@example.org,
MEGA,Focal point WPS,mega@example.org,ok@example.org; not an address
MIFA,Focal point WPS,,
"""


@pytest.mark.parametrize(
    ("where", "fragment"),
    [
        ("line 3, email", "'x@' is not an email address"),
        ("line 5, ministry", "'MX' is not a ministry of the plan"),
        ("line 6, ministry", "MAEE already has a row (line 2)"),
        ("line 7, cc", "'not an address' is not an email address"),
        ("line 8, email", "empty"),
        ("ministry", "MJ of the plan has no row"),
        ("ministry", "ME of the plan has no row"),
    ],
)
def test_contacts_errors_name_line_and_field(tmp_path, plan, where, fragment):
    path = tmp_path / "contacts.csv"
    path.write_text(BAD_CONTACTS, encoding="utf-8")

    with pytest.raises(NapError) as caught:
        load_contacts(path, plan)

    message = str(caught.value)
    assert message.startswith("contacts.csv: line 3, email: ")
    assert f"{where}: {fragment}" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "ministry,focal point,email\n",
            "line 1: the header must be: ministry,name,role,email,cc,language",
        ),
        (
            "ministry,focal_point,email,cc\nMJ,Focal point, Justice,mj@example.org,\n",
            "line 2: more fields",
        ),
    ],
)
def test_contacts_layout_errors(tmp_path, plan, text, fragment):
    path = tmp_path / "contacts.csv"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(NapError, match=fragment):
        load_contacts(path, plan)


def test_shipped_contacts_cover_the_plan(plan):
    from pipeline.workspace import shipped_data_file

    contacts = load_contacts(shipped_data_file("contacts.csv"), plan)

    assert sorted(contacts) == sorted(plan.ministry_codes)


# SMTP


def test_a_user_without_password_stops_before_connecting(ws, monkeypatch):
    monkeypatch.setenv("NAP_SMTP_USER", "wps-coordination")

    with pytest.raises(NapError, match="NAP_SMTP_PASSWORD is not"):
        deliver(ws, PERIOD, compose_templates(ws, PERIOD), send=True)


def test_an_unreachable_server_is_one_line_naming_it(ws, monkeypatch):
    port = free_port()  # nothing listens there
    monkeypatch.setenv("NAP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("NAP_SMTP_PORT", str(port))

    report = deliver(ws, PERIOD, compose_templates(ws, PERIOD), send=True)

    assert report.failure.startswith(f"the mail server 127.0.0.1:{port}: cannot be reached (")
    assert "check host, port" in report.failure
    assert len(list(ws.mail_dir(PERIOD).glob("*.eml"))) == 8, "the .eml files are still written"
    assert mail_log(ws) == []


def test_a_quota_midway_keeps_what_was_sent_and_the_next_run_sends_the_rest(
    ws, plan, monkeypatch, request
):
    handler = Collector(fail_after=3)
    start(monkeypatch, request, handler)

    first = deliver(ws, PERIOD, compose_templates(ws, PERIOD), send=True)

    assert [d.status for d in first.deliveries] == ["sent"] * 3 + ["refused"] * 5
    assert {r.reply for d in first.deliveries[3:] for r in d.recipients} == {
        "554 5.7.1 quota exceeded"
    }
    assert "5 messages refused by the server for the reason shown" in first.problem()
    assert "contacts.csv" not in first.problem()

    handler.fail_after = None
    rest = deliver(ws, PERIOD, compose_templates(ws, PERIOD), send=True).deliveries

    assert [d.status for d in rest] == ["skipped"] * 3 + ["sent"] * 5
    assert [m["Message-ID"] for m in handler.messages()[3:]] == [
        d.message_id for d in compose_templates(ws, PERIOD)[3:]
    ]
    assert sorted(by_code(handler.messages())) == sorted(plan.ministry_codes)


def test_resend_needs_send(ws):
    with pytest.raises(NapError, match="--resend only applies with --send"):
        deliver(ws, PERIOD, [], resend=True)


# The command line: nap mail templates / reminders


def test_cli_writes_the_templates_as_eml_files_without_send(ws, plan):
    result = nap_mail(ws, "templates", "--period", str(PERIOD))

    assert result.exit_code == 0, result.output
    *lines, summary = result.output.strip().splitlines()
    assert lines == [
        f"written  {code:<6} outbox/{PERIOD}/mail/templates_{code}.eml to "
        + ", ".join([focal(code), *CC.get(code, ())])
        for code in plan.ministry_codes
    ]
    assert summary == f"8 messages: 8 written to outbox/{PERIOD}/mail/; --send to send them"
    assert sorted(p.name for p in ws.mail_dir(PERIOD).glob("*.eml")) == sorted(
        f"templates_{code}.eml" for code in plan.ministry_codes
    )
    assert mail_log(ws) == [], "writing .eml files sends nothing and records nothing"


def test_cli_sends_once_and_resends_only_with_resend(ws, plan, server):
    first = nap_mail(ws, "templates", "--period", str(PERIOD), "--send")

    assert first.exit_code == 0, first.output
    *lines, summary = first.output.strip().splitlines()
    assert lines[0] == f"sent     MAEE   to {focal('MAEE')}, {', '.join(CC['MAEE'])}"
    assert [line.split()[:2] for line in lines] == [["sent", c] for c in plan.ministry_codes]
    assert summary == "8 messages: 8 sent"
    assert sorted(by_code(server.messages())) == sorted(plan.ministry_codes)

    again = nap_mail(ws, "templates", "--period", str(PERIOD), "--send")

    assert again.exit_code == 0, again.output
    *lines, summary = again.output.strip().splitlines()
    assert all(line.startswith("skipped  ") and "--resend to send again" in line for line in lines)
    assert len(lines) == 8
    assert summary == "8 messages: 8 skipped (already sent; --resend)"
    assert len(server.envelopes) == 8, "nothing is sent twice"

    resent = nap_mail(
        ws, "templates", "--period", str(PERIOD), "--ministry", "mj", "--send", "--resend"
    )

    assert resent.exit_code == 0, resent.output
    assert resent.output.strip().splitlines() == [
        f"sent     MJ     to {focal('MJ')}, {CC['MJ'][0]}",
        "1 message: 1 sent",
    ]
    assert len(server.envelopes) == 9
    assert [e.rcpt_tos[0] for e in server.envelopes[8:]] == [focal("MJ")]
    assert mail_log(ws) == [(c, "templates", "smtp") for c in [*plan.ministry_codes, "MJ"]]


def test_cli_reminders_go_only_to_ministries_without_an_accepted_file(returned, server):
    written = nap_mail(returned, "reminders", "--period", str(PERIOD))

    assert written.exit_code == 0, written.output
    assert [line.split()[:3] for line in written.output.strip().splitlines()[:-1]] == [
        ["written", code, f"outbox/{PERIOD}/mail/reminder_{code}.eml"]
        for code in (REJECTED, MISSING)
    ]
    assert server.envelopes == []

    sent = nap_mail(returned, "reminders", "--period", str(PERIOD), "--send")

    assert sent.exit_code == 0, sent.output
    assert sent.output.strip().splitlines()[-1] == "2 messages: 2 sent"
    assert sorted(by_code(server.messages())) == sorted([REJECTED, MISSING])
    feedback = by_code(server.messages())[REJECTED]
    assert attachment(feedback)[0].startswith(f"{REJECTED}_{PERIOD}_feedback_")


def test_cli_no_reminder_to_a_ministry_that_answered(returned, server):
    result = nap_mail(
        returned, "reminders", "--period", str(PERIOD), "--ministry", "MAEE", "--send"
    )

    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"0 messages: MAEE has an accepted file for {PERIOD}"
    assert server.envelopes == []


@pytest.mark.parametrize("kind", ["templates", "reminders"])
def test_cli_resend_without_send_is_a_usage_error(ws, kind):
    result = nap_mail(ws, kind, "--period", str(PERIOD), "--resend")

    assert result.exit_code == 2
    assert result.output.strip() == "Error: --resend only applies with --send"
    assert not ws.mail_dir(PERIOD).exists(), "nothing is written"


@pytest.mark.parametrize("kind", ["templates", "reminders"])
def test_cli_an_unknown_ministry_is_one_line(ws, plan, kind):
    result = nap_mail(ws, kind, "--period", str(PERIOD), "--ministry", "MJ", "--ministry", "XYZ")

    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: unknown ministry code XYZ; the plan has {', '.join(plan.ministry_codes)}"
    )
    assert not ws.mail_dir(PERIOD).exists()


def test_cli_an_unreachable_server_is_one_error_line_and_exit_code_1(ws, plan, monkeypatch):
    port = free_port()  # nothing listens there
    monkeypatch.setenv("NAP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("NAP_SMTP_PORT", str(port))

    result = nap_mail(ws, "templates", "--period", str(PERIOD), "--send")

    assert result.exit_code == 1
    *lines, summary, error = result.output.strip().splitlines()
    assert [line.split()[:3] for line in lines] == [
        ["not", "sent", code] for code in plan.ministry_codes
    ]
    assert summary == "8 messages: 8 not sent"
    assert error.startswith(f"Error: the mail server 127.0.0.1:{port}: cannot be reached (")
    assert error.endswith("; run the command again to send the messages not sent")
    assert "Traceback" not in result.output


def test_cli_templates_not_issued_yet_name_the_command_to_run(workspace, plan):
    write_contacts(workspace, plan)
    result = CliRunner().invoke(
        cli, ["--root", str(workspace.root), "mail", "templates", "--period", str(PERIOD)]
    )

    assert result.exit_code == 1
    assert result.output.startswith("Error: no template issued for MAEE, MSI")
    assert result.output.strip().endswith(f"run nap templates --period {PERIOD} first")
