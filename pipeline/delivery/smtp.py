"""One connection to the mail server: TLS verified against the system's CAs and the office's
own, a login that takes any password, and one transaction per message that tells each
recipient's outcome apart, and a failure before the server had the message from one after."""

from __future__ import annotations

import base64
import ipaddress
import os
import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.failures import NapError
from pipeline.settings import Smtp
from pipeline.workspace import Workspace

SECURITIES = ("none", "starttls", "ssl")
SETTINGS = "under [smtp] in nap.toml"


@dataclass(frozen=True)
class Server:
    """The SMTP settings in effect: nap.toml overridden by the environment, the password
    (from the environment only) and the office's CA file, resolved."""

    smtp: Smtp
    password: str
    ca_file: Path | None = None

    @property
    def name(self) -> str:
        return f"{self.smtp.host}:{self.smtp.port}"

    def tls_context(self) -> ssl.SSLContext:
        """The system's CAs, and the office's own when ca_file is set: an office server's
        certificate is usually signed by the latter."""
        context = ssl.create_default_context()
        if self.ca_file is not None:
            context.load_verify_locations(cafile=self.ca_file)
        return context


def smtp_settings(ws: Workspace) -> Server:
    """The password comes only from the environment, so it is never written in a file. Every
    setting is checked here, before any message is written or sent."""
    env = os.environ
    port = env.get("NAP_SMTP_PORT", "").strip()
    if port and not port.isdigit():
        raise NapError(f"NAP_SMTP_PORT '{port}' is not a port number, e.g. 587")
    smtp = replace(
        ws.settings.smtp,
        host=env.get("NAP_SMTP_HOST", "").strip() or ws.settings.smtp.host,
        port=int(port) if port else ws.settings.smtp.port,
        user=env.get("NAP_SMTP_USER", "").strip() or ws.settings.smtp.user,
    )
    password = env.get("NAP_SMTP_PASSWORD", "")
    if smtp.security not in SECURITIES:
        raise NapError(f"nap.toml: smtp security '{smtp.security}' must be none, starttls or ssl")
    if smtp.user and not password:
        raise NapError(
            f"the SMTP user '{smtp.user}' is set but NAP_SMTP_PASSWORD is not; set it in the "
            "environment of the command"
        )
    if smtp.user and smtp.security == "none" and not _is_loopback(smtp.host):
        raise NapError(
            f"refusing to send the SMTP password unencrypted to {smtp.host}; set security = "
            f'"starttls" (port 587) or "ssl" (port 465) {SETTINGS}'
        )
    server = Server(smtp, password, _ca_file(ws, smtp))
    _check_ca_file(server)
    return server


def _ca_file(ws: Workspace, smtp: Smtp) -> Path | None:
    text = os.environ.get("NAP_SMTP_CA_FILE", "").strip() or smtp.ca_file.strip()
    return (ws.root / Path(text).expanduser()).resolve() if text else None


def _check_ca_file(server: Server) -> None:
    if server.ca_file is None:
        return
    from_env = os.environ.get("NAP_SMTP_CA_FILE", "").strip()
    where = "NAP_SMTP_CA_FILE" if from_env else "nap.toml: smtp.ca_file"
    try:
        server.tls_context()
    except (OSError, ssl.SSLError) as exc:
        reason = "it does not exist" if isinstance(exc, FileNotFoundError) else str(exc)
        raise NapError(
            f"{where} {server.ca_file}: not a certificate file ({reason}); give the office's "
            "CA certificate as a PEM file (text that begins with -----BEGIN CERTIFICATE-----)"
        ) from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Reply:
    code: int
    text: str
    to_data: bool = False  # the answer to the message itself, not to its recipient

    @classmethod
    def of(cls, code: int, text: bytes | str, *, to_data: bool = False) -> Reply:
        text = text.decode(errors="replace") if isinstance(text, bytes) else text
        return cls(code, " ".join(text.split()), to_data)

    @property
    def accepted(self) -> bool:
        return self.code in (250, 251)

    def __str__(self) -> str:
        return f"{self.code} {self.text}".strip()


class Interrupted(Exception):
    """The connection failed after the whole message reached the server and before its answer:
    whether the server took charge of the message is unknown."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


class Session:
    """One SMTP connection, opened for the first message to send: none at all when every
    message was sent before."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        if self.smtp is None:
            self.smtp = _connect(self.server)

    def transact(self, sender: str, recipients: Sequence[str], data: bytes) -> dict[str, Reply]:
        """Each recipient's reply: the server's answer to the data for those it accepted at
        RCPT. A failure before the server had the whole message raises its OSError (nothing
        was delivered); a failure after raises Interrupted."""
        self.open()
        assert self.smtp is not None
        code, text = self.smtp.mail(sender)
        if code != 250:
            self._reset()
            raise smtplib.SMTPSenderRefused(code, text, sender)
        replies = {r: Reply.of(*self.smtp.rcpt(r)) for r in recipients}
        if not any(reply.accepted for reply in replies.values()):
            self._reset()
            return replies
        final = self._data(data)
        return {r: final if reply.accepted else reply for r, reply in replies.items()}

    def _data(self, data: bytes) -> Reply:
        """DATA as smtplib sends it, but with the server's final answer awaited for
        data_timeout, and a failure then told apart."""
        assert self.smtp is not None
        code, text = self.smtp.docmd("DATA")
        if code != 354:
            self._reset()
            return Reply.of(code, text, to_data=True)
        self.smtp.send(_dot_stuffed(data))
        try:
            if self.smtp.sock is not None:
                self.smtp.sock.settimeout(self.server.smtp.data_timeout)
            return Reply.of(*self.smtp.getreply(), to_data=True)
        except OSError as exc:
            raise Interrupted(exc) from exc
        finally:
            if self.smtp.sock is not None:
                self.smtp.sock.settimeout(self.server.smtp.timeout)

    def _reset(self) -> None:
        """RSET after a refusal, so the next message starts clean; a server that has hung
        up meanwhile fails the next command instead."""
        try:
            assert self.smtp is not None
            self.smtp.rset()
        except OSError:
            pass

    def close(self) -> None:
        if self.smtp is not None:
            _close(self.smtp)
            self.smtp = None


def _dot_stuffed(data: bytes) -> bytes:
    """RFC 5321 4.5.2: a line that starts with a dot gets another; then the end marker."""
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _connect(server: Server) -> smtplib.SMTP:
    smtp = server.smtp
    context = server.tls_context()
    if smtp.security == "ssl":
        session: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=smtp.timeout, context=context
        )
    else:
        session = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    try:
        session.ehlo_or_helo_if_needed()
        if smtp.security == "starttls":
            session.starttls(context=context)
            session.ehlo()
        if smtp.user:
            login(session, smtp.user, server.password)
    except BaseException:
        _close(session)
        raise
    return session


def login(session: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH PLAIN, else LOGIN, with the credentials in UTF-8 as RFC 4616 and today's servers
    expect: smtplib encodes them as ASCII and fails on 'é', showing where in the password. No
    reply of the server is passed on with a part of the password in it."""
    offered = session.esmtp_features.get("auth", "").upper().split()
    if not session.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH (it asks no login: remove user)")
    if "PLAIN" in offered:
        token = _b64(b"\0" + user.encode() + b"\0" + password.encode())
        code, text = session.docmd("AUTH", f"PLAIN {token}")
        if code == 334:  # a server that wants the credentials after an empty challenge
            code, text = session.docmd(token)
    elif "LOGIN" in offered:
        code, text = session.docmd("AUTH", f"LOGIN {_b64(user.encode())}")
        if code == 334:
            code, text = session.docmd(_b64(password.encode()))
    else:
        raise smtplib.SMTPNotSupportedError(
            f"AUTH PLAIN or LOGIN (it offers {' '.join(offered) or 'none'})"
        )
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, redact(Reply.of(code, text).text, password))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _close(session: smtplib.SMTP) -> None:
    """QUIT politely; a server that already hung up is no failure."""
    try:
        session.quit()
    except OSError:
        session.close()


def redact(text: str, secret: str) -> str:
    """The text without any run of four or more characters of the secret, nor its base64."""
    if not secret:
        return text
    for encoded in (_b64(secret.encode()), secret):
        for length in range(len(encoded), 3, -1):
            for start in range(len(encoded) - length + 1):
                text = text.replace(encoded[start : start + length], "***")
    return text
