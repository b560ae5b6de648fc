"""A real SMTP server on loopback (aiosmtpd) that can refuse, stall, hang up or hold the ledger
as real servers and offices do, and the workspace the mail tests send from."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.template.issue import issue_templates
from pipeline.workspace import Workspace
from tests.office import OFFICE_SETTINGS

PERIOD = 2019
NOW = dt.datetime(2020, 4, 6, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
CC = {
    "MAEE": ("defence@maee.example", "development@maee.example"),
    "MJ": ("legal@mj.example",),
}
SMTP_ENV = (
    "NAP_SMTP_HOST",
    "NAP_SMTP_PORT",
    "NAP_SMTP_USER",
    "NAP_SMTP_PASSWORD",
    "NAP_SMTP_CA_FILE",
)


def focal(code: str) -> str:
    return f"focal.{code.lower()}@{code.lower()}.example"


def role(plan, code: str) -> str:
    return f"Focal point WPS, {plan.ministry(code).name}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps every envelope. `refuse` maps an address to the reply it
    gets at RCPT; `fail_after` refuses the data of the messages after that many (a quota);
    `at_data` runs when a message's data has arrived; `delay` stalls the answer to the data;
    `hang_up` closes the connection at "RCPT" or at "DATA" (after keeping the message)."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.envelopes: list = []
        self.fail_after = fail_after
        self.refuse: dict[str, str] = {}
        self.at_data: Callable[[], None] | None = None
        self.delay = 0.0
        self.hang_up = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.hang_up == "RCPT":
            server.transport.abort()
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.fail_after is not None and len(self.envelopes) >= self.fail_after:
            return "554 5.7.1 quota exceeded"
        self.envelopes.append(envelope)
        if self.at_data is not None:
            self.at_data()
        if self.hang_up == "DATA":
            server.transport.abort()
        await asyncio.sleep(self.delay)
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def start(monkeypatch: pytest.MonkeyPatch, request, handler: Collector, **kwargs) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    request.addfinalizer(controller.stop)
    monkeypatch.setenv("NAP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("NAP_SMTP_PORT", str(controller.port))
    return controller


def hold_ledger(path: Path, seconds: float) -> threading.Timer:
    """Another program takes the ledger for writing, as a nightly run or a database viewer
    with unsaved changes would, and lets go after `seconds`."""
    holder = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")

    def release() -> None:
        holder.execute("ROLLBACK")
        holder.close()

    timer = threading.Timer(seconds, release)
    timer.daemon = True
    timer.start()
    return timer


def write_contacts(ws: Workspace, plan, change: dict[str, str] | None = None) -> Path:
    """The workspace's own contacts.csv; `change` gives some ministries another email."""
    change = change or {}
    rows = ["ministry,focal_point,email,cc"] + [
        f'{code},"{role(plan, code)}",{change.get(code, focal(code))},{";".join(CC.get(code, ()))}'
        for code in plan.ministry_codes
    ]
    path = ws.root / "workbook_templates" / "contacts.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def with_settings(ws: Workspace, toml: str) -> Workspace:
    """The workspace opened again with this nap.toml, as the next command would."""
    (ws.root / "nap.toml").write_text(OFFICE_SETTINGS + toml, encoding="utf-8")
    return Workspace.open(ws.root)


def mail_log(ws: Workspace) -> list[tuple]:
    with closing(sqlite3.connect(ws.ledger_path)) as conn, conn:
        return conn.execute("SELECT ministry, kind, mode FROM mail_log ORDER BY id").fetchall()


def outcomes(ws: Workspace) -> list[tuple]:
    """(ministry, address, header, outcome) of every recipient of every sending, in order."""
    with closing(sqlite3.connect(ws.ledger_path)) as conn, conn:
        return conn.execute(
            """SELECT l.ministry, r.address, r.header, r.outcome
               FROM mail_recipients r JOIN mail_log l ON l.id = r.mail_id
               ORDER BY l.id, r.rowid"""
        ).fetchall()


def nap_mail(ws: Workspace, *args: str):
    return CliRunner().invoke(cli, ["--root", str(ws.root), "mail", *args])


@pytest.fixture(autouse=True)
def no_smtp_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SMTP_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server(monkeypatch, request) -> Collector:
    handler = Collector()
    start(monkeypatch, request, handler)
    return handler


@pytest.fixture
def ws(workspace, plan) -> Workspace:
    """A workspace with its own contacts list and the period's templates issued."""
    write_contacts(workspace, plan)
    issue_templates(workspace, PERIOD, today=dt.date(2020, 1, 15))
    return workspace
