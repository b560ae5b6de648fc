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
    if report.stop is not None:
        print_stop(report.stop, report.left, "nap ingest takes them")


def print_stop(stop, left: list[str], then: str) -> None:
    """What a stop left undone, on stderr, and the exit code of the signal: what was done is
    listed above it."""
    click.echo(
        f"Interrupted by {stop.said}: the files above are done; {len(left)} file(s) left in "
        f"inbox/ for the next run; {then}",
        err=True,
    )
    raise click.exceptions.Exit(stop.exit_code)


SHOWN_WARNINGS = 5  # per file; all are on the Issues sheet of the consolidated workbook


def print_ingest(report) -> None:
    """One line per file with its outcome, then its warnings, notes and the next step; then
    every entry of the inbox left alone, with why."""
    for o in report.outcomes:
        click.echo(_outcome_line(o))
        for line in [*_warning_lines(o), *_next_steps(o)]:
            click.echo(f"          {line}")
    for name, why in report.skipped:
        click.echo(f"skipped   {name}: {why}")
    if not report.outcomes:
        click.echo("no workbook to read in inbox/" if report.skipped else "inbox is empty")


def _outcome_line(o) -> str:
    from pipeline.ledger import Outcome

    count = len(o.warnings)
    warned = f", {count} warning{'s' * (count != 1)}" if count else ""
    if o.outcome is Outcome.ACCEPTED:
        extra = " (replaces the earlier submission)" if o.supersedes else ""
        return f"accepted  {o.name}: {o.ministry} {o.period}{warned}{extra}"
    if o.outcome is Outcome.HELD:
        why = o.held_for.describe(with_file=False) if o.held_for else ""
        more = f" (+{o.held_reasons - 1} more)" if o.held_reasons > 1 else ""
        return (
            f"held      {o.name}: {o.ministry} {o.period}{warned}, file {o.file_id}, waits for "
            f"your decision: {why}{more}; see nap review"
        )
    if o.outcome is Outcome.REJECTED:
        found = errors(o.problems)
        more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
        first = found[0].describe(with_file=False) if found else ""
        return f"rejected  {o.name}: {first}{more}"
    return f"duplicate {o.name}: same content as {o.stored_path}, already processed"


def _warning_lines(o) -> list[str]:
    """The first warnings of a valid file, in full: a count alone says nothing."""
    from pipeline.ledger import Outcome

    if o.outcome not in (Outcome.ACCEPTED, Outcome.HELD):
        return []
    shown = [w.describe(with_file=False) for w in o.warnings[:SHOWN_WARNINGS]]
    left = len(o.warnings) - len(shown)
    if left:
        shown.append(
            f"and {left} more, on the Issues sheet of the consolidated workbook "
            f"(nap consolidate --period {o.period})"
        )
    return shown


def _next_steps(o) -> list[str]:
    from pipeline.ledger import Outcome

    lines = [f"feedback: {o.feedback_path}"] if o.feedback_path else []
    if o.outcome is Outcome.DUPLICATE and o.earlier is Outcome.REJECTED:
        lines.append(f"it was rejected; if wrongly: nap reprocess {o.file_id}")
    elif o.outcome is Outcome.DUPLICATE and o.earlier is Outcome.HELD:
        lines.append(f"it waits for your decision as file {o.file_id}: nap review")
    return [*lines, *(f"note: {note}" for note in o.notes)]


@click.command("status", cls=NapCommand)
@period_option
@plan_option
@click.option("--changes", is_flag=True, help="List every value a resubmission changed.")
@click.pass_obj
def status_cmd(obj: Invocation, period: int, changes: bool) -> None:
    """Show, per ministry: template issued, last file received, accepted, held for your
    decision or rejected, completeness, warnings, possible double counts on shared actions,
    and who is still missing.

    \b
    Example:
      nap status --period 2019
      nap status --period 2019 --changes
    """
    from pipeline.intake.status import period_status

    ws = obj.workspace(period=period)
    st = period_status(ws, ws.check_period(period))
    passed = " (passed)" if dt.date.today() > st.deadline else ""
    click.echo(f"Period {period} of the plan {st.plan.id}, deadline {st.deadline}{passed}")
    click.echo(
        f"{'Ministry':<9}{'Issued':<12}{'Last file received':<40}"
        f"{'Outcome':<10}{'Complete':>9}{'Warn':>6}"
    )
    for m in st.ministries:
        doubles = [p for p in st.double_counts if p.ministry == m.code]
        for line in _ministry_lines(m, doubles, changes):
            click.echo(line)
    for name, received, reason in st.unidentified:
        click.echo(f"unidentified file {name} ({received[:10]}): {reason}")
    for line in _summary_lines(st):
        click.echo(line)


def _ministry_lines(m, doubles: list, changes: bool) -> list[str]:
    from pipeline.ledger import Outcome

    last = f"{clip(m.last_file, 24)} {m.last_received[:10]}" if m.last_file else "-"
    outcome = m.last_outcome or "missing"
    complete = f"{m.completeness:.0%}" if not m.missing else "-"
    warned = m.warnings + len(doubles)  # the file's own warnings and those listed below
    lines = [f"{m.code:<9}{m.issued or 'no':<12}{last:<40}{outcome:<10}{complete:>9}{warned:>6}"]
    if m.last_outcome is Outcome.REJECTED:
        lines.append(f"{'':<8}first reason: {m.first_reason} (file {m.last_id})")
    for held in m.held:
        lines.append(f"{'':<8}held for your decision: file {held.id}, {held.name} (nap review)")
    if m.accepted_file and m.last_outcome is not Outcome.ACCEPTED:
        lines.append(f"{'':<8}an earlier accepted file stands: {m.accepted_file}")
    lines += [f"{'':<8}{double.place}: {double.message}" for double in doubles]
    if m.changes:
        count = len(m.changes)
        lines.append(f"{'':<8}resubmission changed {count} value{'s' * (count != 1)}")
    for ch in m.changes if changes else ():
        old, new = ch.old or "(empty)", ch.new or "(empty)"
        lines.append(f"{'':<10}{ch.action_id} {ch.field}: {old} -> {new}")
    return lines


def _summary_lines(st) -> list[str]:
    """Who is where, each ministry in one group: a rejected ministry has answered, and is
    never called missing."""
    lines = [f"Accepted: {len(st.ministries) - len(st.missing)} of {len(st.ministries)}."]
    if st.held:
        lines.append(f"Held for your decision: {', '.join(st.held)} (nap review)")
    if st.rejected:
        lines.append(
            f"Rejected, a corrected file awaited: {', '.join(st.rejected)} "
            "(nap mail reminders sends each its feedback)"
        )
    lines.append(f"Missing, nothing received: {', '.join(st.absent) or 'none'}")
    return lines


def clip(text: str, width: int) -> str:
    """The text in `width` characters, ending in "…" when it had to be cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


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
