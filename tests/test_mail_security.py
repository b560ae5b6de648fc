"""Logging in and TLS as offices run them: any password (UTF-8), never a part of it in a
message; a server certificate signed by the office's own CA, trusted only through ca_file."""

from __future__ import annotations

import ssl

import pytest
import trustme
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

from pipeline.cli import cli
from tests.mailserver import (
    PERIOD,
    Collector,
    nap_mail,
    no_smtp_env,
    outcomes,
    start,
    with_settings,
    ws,
)

__all__ = ["no_smtp_env", "ws"]  # fixtures

PASSWORD = "Sécurité-4711"
USER = "wps-coordination"


def send_mj(ws, *args: str):
    return nap_mail(ws, "templates", "--period", str(PERIOD), "--ministry", "MJ", "--send", *args)


# Any password


def auth_server(monkeypatch, request, mechanism: str, logins: list) -> Collector:
    """A server that offers one mechanism and accepts only PASSWORD, and carelessly repeats
    a wrong password in its refusal."""

    def authenticator(server, session, envelope, mech, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        logins.append((mech, auth_data.login, auth_data.password))
        if auth_data.password == PASSWORD.encode():
            return AuthResult(success=True)
        given = auth_data.password.decode(errors="replace")
        return AuthResult(success=False, handled=False, message=f"535 5.7.8 bad password {given}")

    handler = Collector()
    other = {"PLAIN": "LOGIN", "LOGIN": "PLAIN"}[mechanism]
    start(
        monkeypatch,
        request,
        handler,
        authenticator=authenticator,
        auth_require_tls=False,
        auth_exclude_mechanism=[other],
    )
    monkeypatch.setenv("NAP_SMTP_USER", USER)
    return handler


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_a_password_with_accents_logs_in_as_utf8(ws, monkeypatch, request, mechanism):
    logins: list = []
    handler = auth_server(monkeypatch, request, mechanism, logins)
    monkeypatch.setenv("NAP_SMTP_PASSWORD", PASSWORD)

    result = send_mj(ws)

    assert result.exit_code == 0, result.output
    assert logins == [(mechanism, USER.encode(), PASSWORD.encode())]
    assert len(handler.envelopes) == 1


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_no_part_of_a_refused_password_is_ever_shown(ws, monkeypatch, request, mechanism):
    wrong = "Sécurité-4712"
    auth_server(monkeypatch, request, mechanism, [])
    monkeypatch.setenv("NAP_SMTP_PASSWORD", wrong)

    args = ["mail", "templates", "--period", str(PERIOD), "--ministry", "MJ", "--send"]
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "--debug", *args])

    assert result.exit_code == 1
    assert f"refused the login of '{USER}' (535 5.7.8 bad password ***)" in result.output
    assert "check NAP_SMTP_USER and NAP_SMTP_PASSWORD" in result.output
    shown = result.output + result.stderr
    leaks = {
        wrong[i:j]
        for i in range(len(wrong))
        for j in range(i + 4, len(wrong) + 1)
        if wrong[i:j] in shown
    }
    assert leaks == set()


# TLS with the office's CA


@pytest.fixture(scope="module")
def office_ca() -> trustme.CA:
    return trustme.CA(organization_name="Ministry IT, internal CA")


def tls_server(monkeypatch, request, ca: trustme.CA, security: str, name: str = "127.0.0.1"):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    handler = Collector()
    if security == "ssl":
        start(monkeypatch, request, handler, ssl_context=context)
    else:
        start(monkeypatch, request, handler, tls_context=context, require_starttls=True)
    return handler


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_server_signed_by_an_unknown_ca_is_refused_with_the_setting_to_change(
    ws, monkeypatch, request, office_ca, security
):
    handler = tls_server(monkeypatch, request, office_ca, security)
    ws = with_settings(ws, f'[smtp]\nsecurity = "{security}"\n')

    result = send_mj(ws)

    assert result.exit_code == 1
    error = result.output.strip().splitlines()[-1]
    assert ": the server's certificate is not trusted (" in error
    assert "set ca_file under [smtp] in nap.toml (or NAP_SMTP_CA_FILE) to your office's CA" in error
    assert "ssl for port 465" not in error
    assert handler.envelopes == []
    assert outcomes(ws) == [], "nothing was recorded as sent, nor as pending"


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_ca_file_trusts_the_offices_ca(ws, monkeypatch, request, office_ca, security):
    handler = tls_server(monkeypatch, request, office_ca, security)
    office_ca.cert_pem.write_to_path(str(ws.root / "office-ca.pem"))
    ws = with_settings(ws, f'[smtp]\nsecurity = "{security}"\nca_file = "office-ca.pem"\n')

    result = send_mj(ws)

    assert result.exit_code == 0, result.output
    assert len(handler.envelopes) == 1


def test_nap_smtp_ca_file_trusts_the_offices_ca_too(ws, monkeypatch, request, office_ca, tmp_path):
    handler = tls_server(monkeypatch, request, office_ca, "starttls")
    office_ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("NAP_SMTP_CA_FILE", str(tmp_path / "ca.pem"))
    ws = with_settings(ws, '[smtp]\nsecurity = "starttls"\n')

    assert send_mj(ws).exit_code == 0
    assert len(handler.envelopes) == 1


def test_a_certificate_for_another_name_says_which_setting(ws, monkeypatch, request, office_ca):
    tls_server(monkeypatch, request, office_ca, "ssl", name="mail.office.example")
    office_ca.cert_pem.write_to_path(str(ws.root / "office-ca.pem"))
    ws = with_settings(ws, '[smtp]\nsecurity = "ssl"\nca_file = "office-ca.pem"\n')

    result = send_mj(ws)

    assert result.exit_code == 1
    assert ": the server's certificate is for another name (" in result.output
    assert "set host under [smtp] in nap.toml to the name on the certificate" in result.output


def test_a_ca_file_that_is_no_certificate_stops_before_anything_is_sent(ws):
    (ws.root / "office-ca.pem").write_text("not a certificate\n", encoding="utf-8")
    ws = with_settings(ws, '[smtp]\nsecurity = "starttls"\nca_file = "office-ca.pem"\n')

    result = send_mj(ws)

    assert result.exit_code == 1
    path = ws.root / "office-ca.pem"
    assert result.output.startswith(f"Error: nap.toml: smtp.ca_file {path}: not a certificate")
    assert "-----BEGIN CERTIFICATE-----" in result.output
    assert not ws.mail_dir(PERIOD).exists()
