"""Mail that never loses or doubles a message, tested as an office would meet it: a server that
refuses an address, a ledger held by another program during a send, a connection cut before or
after the message, a slow server; each recipient's outcome is what the ledger keeps."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from pipeline.delivery.compose import compose_templates
from pipeline.delivery.send import deliver
from tests.mailserver import (
    CC,
    PERIOD,
    Collector,
    focal,
    hold_ledger,
    nap_mail,
    no_smtp_env,
    outcomes,
    server,
    start,
    with_settings,
    write_contacts,
    ws,
)

__all__ = ["no_smtp_env", "server", "ws"]  # fixtures

V1_LEDGER = Path(__file__).parent / "fixtures" / "v1" / "ledger.sqlite"
WHEN = "2020-01-20T10:00:00+01:00"
REFUSAL = "550 5.1.1 <focal.mj@example.org>: Recipient address rejected"


def send_templates(ws, *args: str):
    return nap_mail(ws, "templates", "--period", str(PERIOD), "--send", *args)


def rcpts(handler: Collector) -> list[list[str]]:
    return [sorted(e.rcpt_tos) for e in handler.envelopes]


# A refused recipient


def test_a_refused_to_with_an_accepted_cc_is_not_recorded_as_delivered(ws, plan, server):
    server.refuse[focal("MJ")] = REFUSAL

    result = send_templates(ws)

    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert f"refused  MJ     for {focal('MJ')}; sent to {CC['MJ'][0]}" in lines
    assert lines[-3:] == [
        "Addresses refused by the mail server (correct them in contacts.csv):",
        f"  MJ     To  {focal('MJ')} (contacts.csv line 7): {REFUSAL}",
        "Error: 1 address refused: correct it in contacts.csv and run the command again, which "
        "sends the message to the corrected addresses only",
    ]
    assert [o for o in outcomes(ws) if o[0] == "MJ"] == [
        ("MJ", focal("MJ"), "To", "refused"),
        ("MJ", CC["MJ"][0], "Cc", "accepted"),
    ]
    assert [CC["MJ"][0]] in rcpts(server)
    assert len(server.envelopes) == 8


def test_the_next_run_sends_only_to_the_corrected_address(ws, plan, server):
    server.refuse[focal("MJ")] = REFUSAL
    send_templates(ws)
    first_id = next(m["Message-ID"] for m in server.messages() if m["Cc"] == CC["MJ"][0])

    still = send_templates(ws)  # contacts.csv not corrected yet: refused again, nothing else

    assert still.exit_code == 1
    assert (
        still.output.splitlines()[-4]
        == "8 messages: 1 with an address refused, 7 skipped (already sent; --resend)"
    )
    assert len(server.envelopes) == 8

    write_contacts(ws, plan, {"MJ": "justice.wps@mj.example"})
    fixed = send_templates(ws)

    assert fixed.exit_code == 0, fixed.output
    assert "sent     MJ     to justice.wps@mj.example" in fixed.output
    assert rcpts(server)[-1] == ["justice.wps@mj.example"]
    resent = server.messages()[-1]
    assert [a.addr_spec for a in resent["To"].addresses] == ["justice.wps@mj.example"]
    assert [a.addr_spec for a in resent["Cc"].addresses] == [CC["MJ"][0]]
    assert resent["Message-ID"] == first_id, "the same message, to the one who lacked it"

    assert send_templates(ws).output.strip().splitlines()[-1] == (
        "8 messages: 8 skipped (already sent; --resend)"
    )


def test_a_ministry_whose_only_address_is_refused_does_not_stop_the_others(ws, plan, server):
    server.refuse[focal("MSI")] = "550 5.1.1 no such user"

    for _ in range(2):
        report = deliver(ws, PERIOD, compose_templates(ws, PERIOD), send=True)

        assert report.failure == ""
        assert [d.ministry for d in report.deliveries if d.status == "refused"] == ["MSI"]
        assert "1 address refused" in report.problem()
    assert sorted(e.rcpt_tos[0] for e in server.envelopes) == sorted(
        focal(c) for c in plan.ministry_codes if c != "MSI"
    )
    assert ("MSI", focal("MSI"), "To", "refused") in outcomes(ws)


def test_a_message_refused_after_its_data_is_not_blamed_on_the_addresses(ws, monkeypatch, request):
    handler = Collector(fail_after=0)
    start(monkeypatch, request, handler)

    result = send_templates(ws, "--ministry", "MJ")

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-2:] == [
        "  MJ     templates message: 554 5.7.1 quota exceeded",
        "Error: 1 message refused by the server for the reason shown: run the command again "
        "once it is resolved",
    ]
    assert {o[3] for o in outcomes(ws)} == {"rejected"}


# A busy ledger


def test_a_ledger_held_during_a_send_is_waited_for_and_the_send_recorded_once(ws, server):
    held = []

    def hold_once() -> None:
        if not held:
            held.append(hold_ledger(ws.ledger_path, 2.0))

    server.at_data = hold_once

    result = send_templates(ws, "--ministry", "MJ", "--ministry", "ME")

    assert result.exit_code == 0, result.output
    assert "nap: waiting for the ledger" in result.output
    assert "restore" not in result.output
    assert {o[3] for o in outcomes(ws)} == {"accepted"}
    assert send_templates(ws, "--ministry", "MJ").exit_code == 0
    assert len(server.envelopes) == 2


def test_a_ledger_held_too_long_leaves_a_pending_send_that_is_never_repeated_blindly(ws, server):
    server.at_data = lambda: holders.append(hold_ledger(ws.ledger_path, 3.0))
    holders: list = []

    result = send_templates(ws, "--ministry", "MJ", "--wait", "1")

    assert result.exit_code == 1
    assert "pending  MJ     sending #1: not sent again; see nap mail pending" in result.output
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("Error: the templates message to MJ went to the server, but this ")
    assert "stayed busy for 1 s" in error and "restore" not in error
    holders[0].join()
    server.at_data = None

    again = send_templates(ws, "--ministry", "MJ")

    assert again.exit_code == 1
    assert "1 message pending: nap mail pending says what to do" in again.output
    assert len(server.envelopes) == 1, "not sent twice"

    listed = nap_mail(ws, "pending")
    assert listed.exit_code == 0
    first_id = server.messages()[0]["Message-ID"]
    assert listed.output.splitlines()[0].endswith(f"{PERIOD} MJ     templates  {first_id}")
    assert f"to {focal('MJ')}, {CC['MJ'][0]}" in listed.output

    confirmed = nap_mail(ws, "confirm", "1")
    assert confirmed.exit_code == 0
    assert confirmed.output.strip() == (
        f"#1: the templates message of {PERIOD} to MJ ({focal('MJ')}, {CC['MJ'][0]}) is delivered"
    )
    assert nap_mail(ws, "pending").output.strip() == "No sending is pending."
    assert send_templates(ws, "--ministry", "MJ").exit_code == 0
    assert len(server.envelopes) == 1


def test_resend_sends_a_pending_message_again_under_a_new_id_that_references_the_first(ws, server):
    server.hang_up = "DATA"
    send_templates(ws, "--ministry", "MJ")
    server.hang_up = ""

    resent = send_templates(ws, "--ministry", "MJ", "--resend")

    assert resent.exit_code == 0, resent.output
    first, second = server.messages()
    assert second["Message-ID"] == first["Message-ID"].replace("@", ".r1@")
    assert second["References"] == first["Message-ID"]
    assert nap_mail(ws, "pending").output.strip() == "No sending is pending."
    assert send_templates(ws, "--ministry", "MJ").exit_code == 0
    assert len(server.envelopes) == 2


def test_confirm_refuses_an_unknown_or_settled_sending(ws, server):
    send_templates(ws, "--ministry", "MJ")

    unknown = nap_mail(ws, "confirm", "7")
    settled = nap_mail(ws, "confirm", "1")

    assert (unknown.exit_code, settled.exit_code) == (2, 2)
    assert (
        unknown.output.strip() == "Error: no sending #7 in the ledger; nap mail pending lists them"
    )
    assert settled.output.startswith("Error: sending #1 is not pending: it is answered (")


# A connection cut


def test_a_connection_cut_after_the_message_leaves_it_pending(ws, server):
    server.hang_up = "DATA"

    result = send_templates(ws, "--ministry", "MJ", "--ministry", "ME")

    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0] == "pending  MJ     sending #1: not sent again; see nap mail pending"
    assert lines[1].startswith("not sent ME")
    assert (
        lines[-1].startswith("Error: the mail server 127.0.0.1:")
        and "(sending the templates message to MJ): closed the connection after the whole"
        in lines[-1]
    )
    assert "nap mail pending says what to do" in lines[-1]

    server.hang_up = ""
    nap_mail(ws, "confirm", "1", "--not-sent")
    after = send_templates(ws, "--ministry", "MJ", "--ministry", "ME")

    assert after.exit_code == 0, after.output
    ids = [m["Message-ID"] for m in server.messages()]
    assert len(ids) == 3 and ids[0] == ids[1], "the same message, sent once more"


def test_a_connection_cut_before_the_message_resumes_exactly(ws, plan, server):
    server.hang_up = "RCPT"

    result = send_templates(ws)

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-2] == "8 messages: 8 not sent"
    assert server.envelopes == []
    assert {o[3] for o in outcomes(ws)} == {"not-tried"}

    server.hang_up = ""
    after = send_templates(ws)

    assert after.exit_code == 0, after.output
    assert sorted(e.rcpt_tos[0] for e in server.envelopes) == sorted(
        focal(c) for c in plan.ministry_codes
    )


# A slow server


def test_a_slow_answer_after_the_data_is_waited_for_up_to_data_timeout(ws, server):
    ws = with_settings(ws, "[smtp]\ntimeout = 0.5\ndata_timeout = 5\n")
    server.delay = 1.0

    result = send_templates(ws, "--ministry", "MJ")

    assert result.exit_code == 0, result.output
    assert {o[3] for o in outcomes(ws)} == {"accepted"}


def test_no_answer_within_data_timeout_names_the_ministry_and_the_setting(ws, server):
    ws = with_settings(ws, "[smtp]\ndata_timeout = 0.3\n")
    server.delay = 1.0

    result = send_templates(ws, "--ministry", "MJ")

    assert result.exit_code == 1
    error = result.output.strip().splitlines()[-1]
    assert "(sending the templates message to MJ): gave no answer within 0.3 s after" in error
    assert "raise data_timeout under [smtp] in nap.toml" in error
    with closing(sqlite3.connect(ws.ledger_path)) as conn, conn:
        assert conn.execute("SELECT state FROM mail_log").fetchall() == [("pending",)]


# A ledger of the version before


def test_messages_logged_by_the_version_before_are_not_sent_again(ws, server):
    shutil.copyfile(V1_LEDGER, ws.ledger_path)
    messages = compose_templates(ws, PERIOD)
    with closing(sqlite3.connect(ws.ledger_path)) as conn, conn:
        conn.executemany(
            """INSERT INTO mail_log (period, ministry, kind, recipients, subject, message_id,
                                     mode, path, sent)
               VALUES (2019, ?, 'templates', ?, 'Report', ?, 'smtp', 'x.eml', ?)""",
            [
                (m.ministry, ", ".join(r.address for r in m.recipients), m.message_id, WHEN)
                for m in messages
            ],
        )

    report = deliver(ws, PERIOD, messages, send=True)

    assert {d.status for d in report.deliveries} == {"skipped"}
    assert server.envelopes == []
    assert [o for o in outcomes(ws) if o[0] == "MJ"] == [
        ("MJ", focal("MJ"), "To", "accepted"),
        ("MJ", CC["MJ"][0], "Cc", "accepted"),
    ]
