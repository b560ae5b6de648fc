"""The one address parser, and every place that reads an address with it: the sender in
nap.toml, contacts.csv; a sender with a comma in its name and an internationalised domain go
out as one mailbox, in ASCII on the wire, to a real server on loopback."""

from __future__ import annotations

from email.headerregistry import Address

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.failures import NapError
from pipeline.plan.addresses import AddressError, parse_mailbox, parse_mailboxes
from pipeline.plan.contacts import load_contacts
from pipeline.workspace import Workspace
from tests.mailserver import (
    PERIOD,
    focal,
    nap_mail,
    no_smtp_env,
    server,
    with_settings,
    write_contacts,
    ws,
)
from tests.office import OFFICE_EMAIL

__all__ = ["no_smtp_env", "server", "ws"]  # fixtures

SENDER = "Coordination FPS, Ministère des Affaires étrangères <noreply@mae.example.lu>"


@pytest.mark.parametrize(
    ("text", "name", "ascii_address"),
    [
        ("a.b@example.org", "", "a.b@example.org"),
        ("  A.B@Example.ORG ", "", "A.B@example.org"),
        ("Jane Doe <jane@example.org>", "Jane Doe", "jane@example.org"),
        ('"Doe, Jane" <jane@example.org>', "Doe, Jane", "jane@example.org"),
        (SENDER, "Coordination FPS, Ministère des Affaires étrangères", "noreply@mae.example.lu"),
        ("<jane@example.org>", "", "jane@example.org"),
        ("wps@ministère.example.lu", "", "wps@xn--ministre-60a.example.lu"),
    ],
)
def test_a_mailbox_is_read_as_people_type_it(text, name, ascii_address):
    mailbox = parse_mailbox(text)

    assert (mailbox.display_name, mailbox.ascii_address) == (name, ascii_address)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "it is empty"),
        ("x@", "there must be something after the @-sign"),
        ("x@y", "it should have a period"),
        ("Jane Doe jane@example.org", "invalid characters before the @-sign"),
        ("Jane <jane@example.org", "a '<' without its '>'"),
        ("a@example.org, b@example.org", "more than one address where one is expected"),
        ("Jane <a@example.org> <b@example.org>", "more than one <address>"),
        ("jané@example.org", "internationalized characters before the @-sign"),
    ],
)
def test_a_bad_mailbox_says_why(text, reason):
    with pytest.raises(AddressError) as caught:
        parse_mailbox(text)

    assert str(caught.value).startswith(f"'{text.strip()}' is not an email address (")
    assert reason in caught.value.reason.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a@example.org; b@example.org", ["a@example.org", "b@example.org"]),
        ("a@example.org, b@example.org;", ["a@example.org", "b@example.org"]),
        (
            "Doe, Jane <jane@example.org>, bob@example.org",
            ['"Doe, Jane" <jane@example.org>', "bob@example.org"],
        ),
        ('"A; B" <a@example.org>;c@example.org', ['"A; B" <a@example.org>', "c@example.org"]),
        (" ; ", []),
    ],
)
def test_a_list_is_cut_at_commas_and_semicolons_outside_names(text, expected):
    assert [str(m) for m in parse_mailboxes(text)] == expected


def test_a_list_with_a_word_that_is_no_address_is_refused():
    with pytest.raises(AddressError, match=r"'Doe' is not an email address \(it has no @\)"):
        parse_mailboxes("a@example.org, Doe")


def test_a_display_name_with_a_comma_is_quoted_in_the_header():
    header = parse_mailbox(SENDER).header

    assert header == Address(
        "Coordination FPS, Ministère des Affaires étrangères", "noreply", "mae.example.lu"
    )


# Where addresses are read


def test_a_sender_with_a_comma_goes_out_as_one_mailbox(ws, server):
    ws = with_settings(ws, f'[smtp]\nsender = "{SENDER}"\n')

    result = nap_mail(ws, "templates", "--period", str(PERIOD), "--ministry", "MJ", "--send")

    assert result.exit_code == 0, result.output
    (envelope,) = server.envelopes
    assert envelope.mail_from == "noreply@mae.example.lu"
    (message,) = server.messages()
    assert message["From"].addresses == (parse_mailbox(SENDER).header,)
    assert message["Message-ID"].endswith("@mae.example.lu>")
    assert message["Reply-To"].addresses[0].addr_spec == OFFICE_EMAIL


def test_an_internationalised_domain_is_sent_in_punycode(ws, plan, server):
    write_contacts(ws, plan, {"MJ": "wps@ministère.example.lu"})

    result = nap_mail(ws, "templates", "--period", str(PERIOD), "--ministry", "MJ", "--send")

    assert result.exit_code == 0, result.output
    assert server.envelopes[0].rcpt_tos[0] == "wps@xn--ministre-60a.example.lu"
    assert server.messages()[0]["To"].addresses[0].domain == "xn--ministre-60a.example.lu"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[smtp]\nsender = "Coordination FPS"\n',
            "nap.toml: line 2, smtp.sender: 'Coordination FPS' is not an email address (",
        ),
        (
            '[contact]\nemail = "wps-coordination@"\n',
            "nap.toml: line 2, contact.email: 'wps-coordination@' is not an email address (",
        ),
        (
            "[smtp]\ndata_timeout = 0\n",
            "nap.toml: line 2, smtp.data_timeout: 0 is not a number of seconds above 0",
        ),
    ],
)
def test_a_bad_setting_is_refused_with_the_file_and_key(tmp_path, toml, message):
    root = tmp_path / "ws"
    Workspace.open(root, create=True)
    (root / "nap.toml").write_text(toml, encoding="utf-8")

    result = CliRunner().invoke(cli, ["--root", str(root), "mail", "pending"])

    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_contacts_addresses_are_read_with_names_and_lists(tmp_path, plan):
    path = write_contacts(Workspace.open(tmp_path / "ws", create=True), plan)
    text = path.read_text(encoding="utf-8").replace(
        f"{focal('MJ')},legal@mj.example",
        f'"Jane Doe <{focal("MJ")}>","Legal, MJ <legal@mj.example>; x@mj.example"',
    )
    path.write_text(text, encoding="utf-8")

    mj = load_contacts(path, plan)["MJ"]

    assert str(mj.email) == f"Jane Doe <{focal('MJ')}>"
    assert [str(m) for m in mj.cc] == ['"Legal, MJ" <legal@mj.example>', "x@mj.example"]
    assert mj.line == 7


def test_a_bad_contact_address_names_the_line_and_the_column(tmp_path, plan):
    path = write_contacts(Workspace.open(tmp_path / "ws", create=True), plan, {"MJ": "wps@mj"})

    with pytest.raises(NapError) as caught:
        load_contacts(path, plan)

    assert str(caught.value).startswith(
        "contacts.csv: line 7, email: 'wps@mj' is not an email address ("
    )
