"""`nap ingest`, `nap status` and `nap reprocess`: the returned files, and who stands where."""

from __future__ import annotations

import datetime as dt

import click

from pipeline.cli.app import Invocation, NapCommand
from pipeline.cli.options import period_option, plan_option, progress, wait_option
from pipeline.problems import errors


@click.command("ingest", cls=NapCommand)
@plan_option
@wait_option
@click.pass_obj
def ingest_cmd(obj: Invocation, wait: float) -> None:
    """Check every workbook in inbox/: accept it into the ledger, hold it for your decision,
    or reject it with reasons.

    Accepted and held files go to archive/<period>/<CODE>/, rejected ones to
    archive/rejected/ with a .txt of reasons, and a feedback workbook to
    outbox/<period>/feedback/. A held return changes nothing until you decide (nap review).
    A rejected file is an outcome, not a failure: the exit code is 0. Without the signing key
    that signed the templates, nothing is read and the files stay in inbox/.

    \b
    Example:
      nap ingest
      nap --root /srv/wps ingest
    """
    from pipeline.intake.ingest import ingest

    ws = obj.workspace()
    report = ingest(ws, progress=progress("Ingest"), wait=wait)
    print_ingest(report)


def print_ingest(report) -> None:
    from pipeline.ledger import Outcome

    for o in report.outcomes:
        if o.outcome is Outcome.ACCEPTED:
            extra = " (replaces the earlier submission)" if o.supersedes else ""
            warn = f", {len(o.warnings)} warning(s)" if o.warnings else ""
            click.echo(f"accepted  {o.name}: {o.ministry} {o.period}{warn}{extra}")
        elif o.outcome is Outcome.HELD:
            why = o.held_for.describe(with_file=False) if o.held_for else ""
            more = f" (+{o.held_reasons - 1} more)" if o.held_reasons > 1 else ""
            click.echo(
                f"held      {o.name}: {o.ministry} {o.period}, file {o.file_id}, waits for your "
                f"decision: {why}{more}; see nap review"
            )
        elif o.outcome is Outcome.REJECTED:
            found = errors(o.problems)
            more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
            first = found[0].describe(with_file=False) if found else ""
            click.echo(f"rejected  {o.name}: {first}{more}")
            if o.feedback_path:
                click.echo(f"          feedback: {o.feedback_path}")
        else:
            click.echo(f"duplicate {o.name}: same content as {o.stored_path}, already processed")
            if o.earlier is Outcome.REJECTED:
                click.echo(f"          it was rejected; if wrongly: nap reprocess {o.file_id}")
            elif o.earlier is Outcome.HELD:
                click.echo(f"          it waits for your decision as file {o.file_id}: nap review")
        for note in o.notes:
            click.echo(f"          note: {note}")
    for name, why in report.skipped:
        click.echo(f"skipped   {name}: {why}")
    if not report.outcomes and not report.skipped:
        click.echo("inbox is empty: nothing to do")


@click.command("status", cls=NapCommand)
@period_option
@plan_option
@click.option("--changes", is_flag=True, help="List every value a resubmission changed.")
@click.pass_obj
def status_cmd(obj: Invocation, period: int, changes: bool) -> None:
    """Show, per ministry: template issued, last file received, accepted, held for your
    decision or rejected, completeness, warnings, and who is still missing.

    \b
    Example:
      nap status --period 2019
      nap status --period 2019 --changes
    """
    from pipeline.intake.status import period_status
    from pipeline.ledger import Outcome

    ws = obj.workspace(period=period)
    st = period_status(ws, ws.check_period(period))
    today = dt.date.today()
    click.echo(
        f"Period {period} of the plan {st.plan.id}, deadline {st.deadline.isoformat()}"
        + (" (passed)" if today > st.deadline else "")
    )
    click.echo(
        f"{'Ministry':<9}{'Issued':<12}{'Last file received':<40}"
        f"{'Outcome':<10}{'Complete':>9}{'Warn':>6}"
    )
    for m in st.ministries:
        last = f"{m.last_file[:24]} {m.last_received[:10]}" if m.last_file else "-"
        outcome = m.last_outcome or "missing"
        complete = f"{m.completeness:.0%}" if not m.missing else "-"
        click.echo(
            f"{m.code:<9}{m.issued or 'no':<12}{last:<40}{outcome:<10}{complete:>9}{m.warnings:>6}"
        )
        if m.last_outcome is Outcome.REJECTED:
            click.echo(f"{'':<8}first reason: {m.first_reason} (file {m.last_id})")
        for held in m.held:
            click.echo(f"{'':<8}held for your decision: file {held.id}, {held.name} (nap review)")
        if m.accepted_file and m.last_outcome is not Outcome.ACCEPTED:
            click.echo(f"{'':<8}an earlier accepted file stands: {m.accepted_file}")
        if m.changes:
            click.echo(f"{'':<8}resubmission changed {len(m.changes)} value(s)")
            if changes:
                for ch in m.changes:
                    click.echo(
                        f"{'':<10}{ch.action_id} {ch.field}: "
                        f"{ch.old or '(empty)'} -> {ch.new or '(empty)'}"
                    )
    for name, received, reason in st.unidentified:
        click.echo(f"unidentified file {name} ({received[:10]}): {reason}")
    click.echo(f"Accepted: {len(st.ministries) - len(st.missing)} of {len(st.ministries)}.")
    if st.held:
        click.echo("Held for your decision: " + ", ".join(st.held) + " (nap review)")
    click.echo("Missing: " + (", ".join(st.absent) or "none"))


@click.command("reprocess", cls=NapCommand)
@click.argument("file_ids", metavar="[ID]...", nargs=-1, type=click.IntRange(1))
@click.option("--rejected", is_flag=True, help="Every file the checks rejected.")
@plan_option
@wait_option
@click.pass_obj
def reprocess_cmd(obj: Invocation, file_ids: tuple[int, ...], rejected: bool, wait: float) -> None:
    """Read rejected files again from the archive, as ingest would: for rejections that were
    the office's doing (the signing key was wrong, the disk was full). A file now valid is
    accepted or held like any return; the numbers are those nap status shows.

    \b
    Example:
      nap reprocess 7
      nap reprocess --rejected
    """
    from pipeline.intake.reprocess import reprocess

    report = reprocess(obj.workspace(), file_ids, rejected=rejected, wait=wait)
    if report.outcomes:
        print_ingest(report)
    else:
        click.echo("no rejected file to read again")
