"""A failure of the mail server as one line: what went wrong, with which server and which
ministry's message, and which setting to change; never a part of the password."""

from __future__ import annotations

import smtplib
import ssl

from pipeline.delivery.smtp import SETTINGS, Reply, Server, redact

NAME_MISMATCH = (62, 64)  # X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH


def describe(server: Server, exc: OSError, doing: str = "") -> str:
    """`doing` names the message being sent, e.g. "the templates message to MJ"."""
    what, fix = _diagnosis(server, exc)
    return _line(server, doing, what, fix)


def describe_unanswered(server: Server, exc: OSError, doing: str) -> str:
    """The server had the whole message, then gave no answer to it."""
    fix = "whether it took charge of the message is unknown"
    if _timed_out(exc):
        what = f"gave no answer within {server.smtp.data_timeout:g} s after the whole message"
        fix += f"; if the server is only slow, raise data_timeout {SETTINGS}"
    else:
        what = f"closed the connection after the whole message ({exc})"
    return _line(server, doing, what, fix)


def _line(server: Server, doing: str, what: str, fix: str) -> str:
    during = f" (sending {doing})" if doing else ""
    return redact(f"the mail server {server.name}{during}: {what}; {fix}", server.password)


def _diagnosis(server: Server, exc: OSError) -> tuple[str, str]:
    smtp = server.smtp
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"refused the login of '{smtp.user}' ({Reply.of(exc.smtp_code, exc.smtp_error)})",
            "check NAP_SMTP_USER and NAP_SMTP_PASSWORD",
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        reply = Reply.of(exc.smtp_code, exc.smtp_error)
        return (
            f"refused the sender {smtp.sender.ascii_address} ({reply})",
            f"check sender {SETTINGS}",
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"does not support {exc}", f"check security and user {SETTINGS}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return (
            f"answered {Reply.of(exc.smtp_code, exc.smtp_error)}",
            f"check the settings {SETTINGS}",
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _certificate(exc)
    if isinstance(exc, ssl.SSLError):
        return (
            f"the TLS handshake failed ({exc.reason or exc})",
            f"check security {SETTINGS}: ssl for port 465, starttls for 587",
        )
    if _timed_out(exc):
        return (
            f"did not answer within {smtp.timeout:g} s",
            f"check that the server is up; if it is only slow, raise timeout {SETTINGS}",
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"closed the connection ({exc})", "run the command again later"
    if isinstance(exc, smtplib.SMTPException):
        return f"failed ({' '.join(str(exc).split())})", f"check the settings {SETTINGS}"
    return (
        f"cannot be reached ({exc})",
        f"check host, port and security {SETTINGS}, or NAP_SMTP_HOST and NAP_SMTP_PORT",
    )


def _certificate(exc: ssl.SSLCertVerificationError) -> tuple[str, str]:
    why = exc.verify_message or str(exc)
    if exc.verify_code in NAME_MISMATCH:
        return (
            f"the server's certificate is for another name ({why})",
            f"set host {SETTINGS} to the name on the certificate",
        )
    return (
        f"the server's certificate is not trusted ({why})",
        f"set ca_file {SETTINGS} (or NAP_SMTP_CA_FILE) to your office's CA, a .pem file",
    )


def _timed_out(exc: BaseException) -> bool:
    """smtplib reports a timeout as a closed connection: the timeout is its context."""
    return isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)
