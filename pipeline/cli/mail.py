"""`nap mail`: the messages to the ministries, their sending and its outcome."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from pipeline.cli.app import Invocation, NapSubgroup
from pipeline.cli.options import (
    allow_placeholders_option,
    language_option,
    ministry_option,
    period_option,
    plan_option,
    rel,
    wait_option,
)
from pipeline.failures import NapError, UsageError


@click.group("mail", cls=NapSubgroup)
def mail_group() -> None:
    """The messages to the ministries: their template, then reminders.

    Without --send, each message is written to outbox/<period>/mail/ as an .eml file that
    opens in Outlook or Thunderbird, ready to check and send by hand. With --send, the
    messages also go over SMTP (the [smtp] settings in nap.toml; the password only from
    NAP_SMTP_PASSWORD) to the focal points of the workspace's contacts.csv. Each recipient's
    outcome is recorded in the ledger: a later run sends nothing twice, and sends a message
    whose address was refused to that address only, once corrected. The exit code is 1 when
    an address was refused or a sending is pending.

    \b
    Example:
      nap mail templates --period 2019
      nap mail reminders --period 2019 --send
      nap mail pending
    """


send_option = click.option(
    "--send", is_flag=True, help="Also send the messages over SMTP ([smtp] in nap.toml)."
)
resend_option = click.option(
    "--resend",
    is_flag=True,
    help="With --send: send again, as new messages, those sent or pending before.",
)


def mail_options(command):
    """The options both mail commands take."""
    options = (period_option, ministry_option, plan_option, send_option, resend_option)
    for option in reversed((*options, language_option, allow_placeholders_option, wait_option)):
        command = option(command)
    return command


@mail_group.command("templates")
@mail_options
@click.pass_obj
def mail_templates_cmd(obj: Invocation, **options) -> None:
    """One message per ministry with its template attached (issue them first with
    nap templates). Writes outbox/<period>/mail/templates_<CODE>.eml; --send also sends them.

    \b
    Example:
      nap mail templates --period 2019
      nap mail templates --period 2019 --send
      nap mail templates --period 2019 --ministry MJ --send --resend
    """
    from pipeline.delivery.compose import compose_templates

    _mail(obj, compose_templates, **options)


@mail_group.command("reminders")
@mail_options
@click.pass_obj
def mail_reminders_cmd(obj: Invocation, **options) -> None:
    """A reminder to every ministry with no accepted file for the period: one whose last file
    was rejected gets its feedback workbook and every reason, the others their template again.
    Writes outbox/<period>/mail/reminder_<CODE>.eml; --send also sends them, once a day at
    most.

    \b
    Example:
      nap mail reminders --period 2019
      nap mail reminders --period 2019 --send
    """
    from pipeline.delivery.compose import compose_reminders

    _mail(obj, compose_reminders, **options)


def _mail(
    obj: Invocation,
    compose: Callable[..., list],
    *,
    period: int,
    ministries: tuple[str, ...],
    send: bool,
    resend: bool,
    allow_placeholders: bool,
    wait: float,
) -> None:
    """Compose, write (and send), then one line per message, a summary, the addresses
    refused, and exit code 1 when a message did not reach every recipient."""
    from pipeline.delivery.send import deliver

    if resend and not send:
        raise UsageError("--resend only applies with --send")
    ws = obj.workspace(period=period)
    codes = list(dict.fromkeys(m.upper() for m in ministries))
    messages = compose(ws, period, ministries=codes, allow_placeholders=allow_placeholders)
    if not messages:
        who = f"{', '.join(codes)} {'have' if len(codes) > 1 else 'has'}" if codes else ""
        click.echo(f"0 messages: {who or 'every ministry has'} an accepted file for {period}")
        return
    report = deliver(ws, period, messages, send=send, resend=resend, wait=wait)
    for d in report.deliveries:
        click.echo(_delivery_line(d, ws.root))
    click.echo(_delivery_summary(report, ws.mail_dir(period), ws.root))
    _print_refused(report)
    if report.problem():
        raise NapError(report.problem())


def _delivery_line(d, root: Path) -> str:
    """One line per message: where the .eml is, to whom it went, who refused it, or why it
    was not sent."""
    from pipeline.delivery.outcome import DeliveryStatus

    label = f"{d.status.replace('-', ' '):<8} {d.ministry:<6}"
    addresses = ", ".join(r.address for r in d.recipients)
    if d.status is DeliveryStatus.WRITTEN:
        return f"{label} {rel(d.path, root)} to {addresses}"
    if d.status is DeliveryStatus.SENT:
        return f"{label} to {addresses}"
    if d.status is DeliveryStatus.REFUSED:
        sent = ", ".join(r.address for r in d.accepted)
        refused = ", ".join(r.address for r in (*d.refused, *d.rejected))
        return f"{label} for {refused}" + (f"; sent to {sent}" if sent else "")
    if d.status is DeliveryStatus.NOT_SENT:
        return f"{label} to {addresses}: the run stopped before it"
    if d.status is DeliveryStatus.PENDING:
        return f"{label} {d.detail}: not sent again; see nap mail pending"
    return f"{label} {d.detail}"


def _delivery_summary(report, mail_dir: Path, root: Path) -> str:
    from pipeline.delivery.outcome import DeliveryStatus

    labels = {
        DeliveryStatus.WRITTEN: f"written to {rel(mail_dir, root)}/",
        DeliveryStatus.SENT: "sent",
        DeliveryStatus.REFUSED: "with an address refused",
        DeliveryStatus.SKIPPED: "skipped (already sent; --resend)",
        DeliveryStatus.PENDING: "pending",
        DeliveryStatus.NOT_SENT: "not sent",
    }
    parts = [f"{report.count(s)} {label}" for s, label in labels.items() if report.count(s)]
    n = len(report.deliveries)
    hint = "; --send to send them" if report.count(DeliveryStatus.WRITTEN) == n else ""
    return f"{n} message{'s' * (n != 1)}: {', '.join(parts)}{hint}"


def _print_refused(report) -> None:
    """The refused addresses, each with its ministry, the server's reason and the line of
    contacts.csv to correct; then the messages the server refused whole."""
    refused = [(d, r) for d in report.deliveries for r in d.refused]
    if refused:
        click.echo("Addresses refused by the mail server (correct them in contacts.csv):")
    for d, r in refused:
        line = f" (contacts.csv line {d.contact_line})" if d.contact_line else ""
        click.echo(f"  {d.ministry:<6} {r.header:<3} {r.address}{line}: {r.reply}")
    rejected = [d for d in report.deliveries if d.rejected]
    if rejected:
        click.echo("Messages refused by the mail server (the next run tries them again):")
    for d in rejected:
        click.echo(f"  {d.ministry:<6} {d.kind} message: {d.rejected[0].reply}")


@mail_group.command("pending")
@click.pass_obj
def mail_pending_cmd(obj: Invocation) -> None:
    """List the sendings whose outcome is unknown: the connection was cut, or the ledger
    stayed busy, after the message reached the server and before its answer was recorded.
    None is sent again by itself: check whether it arrived (ask the ministry, or the server's
    log, with its Message-ID), then record what you found with nap mail confirm.

    \b
    Example:
      nap mail pending
    """
    from pipeline.delivery.pending import pending_messages

    pending = pending_messages(obj.workspace())
    for s in pending:
        when = s.started[:16].replace("T", " ")
        click.echo(f"#{s.id:<5} {when}  {s.period} {s.ministry:<6} {s.kind:<10} {s.message_id}")
        click.echo(f"{'':7}to {', '.join(r.address for r in s.recipients)}")
    if not pending:
        click.echo("No sending is pending.")
        return
    click.echo(
        "Check whether each arrived (ask the ministry, or the mail server's log, with its "
        "Message-ID), then:\n"
        "  nap mail confirm ID              it arrived: no run sends it again\n"
        "  nap mail confirm ID --not-sent   it did not: the next run with --send sends it\n"
        "  or the mail command again with --send --resend: a new message, sent now"
    )


@mail_group.command("confirm")
@click.argument("mail_id", metavar="ID", type=click.IntRange(1))
@click.option(
    "--not-sent", is_flag=True, help="It did not arrive: the next run with --send sends it."
)
@wait_option
@click.pass_obj
def mail_confirm_cmd(obj: Invocation, mail_id: int, not_sent: bool, wait: float) -> None:
    """Record what became of a pending sending (see nap mail pending): by default that it
    arrived, so no run sends it again; with --not-sent that it did not, so the next run sends
    it, under the same Message-ID.

    \b
    Example:
      nap mail confirm 12
      nap mail confirm 12 --not-sent
    """
    from pipeline.delivery.pending import confirm

    s = confirm(obj.workspace(), mail_id, delivered=not not_sent, wait=wait)
    to = ", ".join(r.address for r in s.recipients)
    what = "not delivered: the next run with --send sends it" if not_sent else "delivered"
    click.echo(f"#{s.id}: the {s.kind} message of {s.period} to {s.ministry} ({to}) is {what}")
