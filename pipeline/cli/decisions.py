"""The coordinator's decisions: `nap review`, `accept`, `reject`, `revert`, `close`, `reopen`."""

from __future__ import annotations

import click

from pipeline.cli.app import Invocation, NapCommand
from pipeline.cli.options import period_option, plan_option

reason_option = click.option(
    "--reason", required=True, metavar="TEXT", help="Why: kept in the ledger with your name."
)
file_id_argument = click.argument("file_id", metavar="ID", type=click.IntRange(1))


@click.command("review", cls=NapCommand)
@click.option(
    "--period", type=click.IntRange(1900, 2999), help="Only this year; also its decisions."
)
@plan_option
@click.pass_obj
def review_cmd(obj: Invocation, period: int | None) -> None:
    """List the returns that wait for your decision: who sent them, why they are held, and
    every value accepting one would change (action, column, old -> new).

    A valid return is held, not applied, when its period is closed, when it would empty cells
    of the accepted return, when after the deadline it changes a figure by more than
    hold_changes_over (nap.toml, 50%), when the ministry saved it before the accepted return,
    or when two versions came together and which is the newer cannot be told.

    \b
    Example:
      nap review
      nap review --period 2019
    """
    from pipeline.intake.review import held_returns

    ws = obj.workspace(period=period)
    held = held_returns(ws, period)
    for h in held:
        _print_held(h)
    click.echo(f"{len(held)} return{'s' * (len(held) != 1)} waiting for your decision.")
    if period is not None:
        _print_decisions(ws, period)


def _print_held(h) -> None:
    from pipeline.template.contract import HEADER_OF

    f = h.file
    saved = f" saved {f.saved[:19].replace('T', ' ')} UTC," if f.saved else ""
    click.echo(f"file {f.id}: {f.ministry} {f.period}, {f.name},{saved} received {f.received[:10]}")
    for reason in h.reasons:
        place = f"{reason.sheet}!{reason.cell}: " if reason.cell else ""
        click.echo(f"  held: {place}{reason.message}")
    for d in h.decisions:
        click.echo(f"  earlier: {_describe(d)}")
    against = f"the accepted file {h.accepted.file_name}" if h.accepted else "no accepted return"
    click.echo(f"  accepting it changes {len(h.changes)} value(s) against {against}:")
    for ch in h.changes:
        old, new = ch.old or "(empty)", ch.new or "(empty)"
        click.echo(f"    {ch.action_id} {HEADER_OF.get(ch.field, ch.field)}: {old} -> {new}")
    click.echo(f"  nap accept {f.id}   or   nap reject {f.id} --reason TEXT")


def _describe(decision) -> str:
    from pipeline.intake.review import describe

    return describe(decision)


def _print_decisions(ws, period: int) -> None:
    from pipeline.ledger import connect, period_decisions

    with connect(ws.ledger_path) as conn:
        decisions = period_decisions(conn, period)
    click.echo(f"Decisions on {period}: {len(decisions) or 'none yet'}")
    for d in decisions:
        click.echo(f"  {_describe(d)}")


@click.command("accept", cls=NapCommand)
@file_id_argument
@click.option("--reason", default="", metavar="TEXT", help="Why, if you wish to say: recorded.")
@plan_option
@click.pass_obj
def accept_cmd(obj: Invocation, file_id: int, reason: str) -> None:
    """Apply a held return: it becomes the ministry's return for its period (the one it
    replaces stays in the history). ID is the file number nap review shows.

    \b
    Example:
      nap accept 12
      nap accept 12 --reason "corrected figures confirmed by phone"
    """
    _decide(obj, "accept", file_id, reason)


@click.command("reject", cls=NapCommand)
@file_id_argument
@reason_option
@plan_option
@click.pass_obj
def reject_cmd(obj: Invocation, file_id: int, reason: str) -> None:
    """Refuse a held return. The reason goes to the ministry in a feedback workbook (its own
    file) attached to its next reminder (nap mail reminders).

    \b
    Example:
      nap reject 12 --reason "these are the 2020 figures; send those of 2019"
    """
    _decide(obj, "reject", file_id, reason)


@click.command("revert", cls=NapCommand)
@file_id_argument
@reason_option
@plan_option
@click.pass_obj
def revert_cmd(obj: Invocation, file_id: int, reason: str) -> None:
    """Undo a decision made by mistake, yours or a run's. An accepted return is taken back
    (the return it replaced is in force again); a rejected one is no longer rejected. Either
    way it waits for your decision again.

    \b
    Example:
      nap revert 12 --reason "accepted by mistake: the figures are those of 2020"
    """
    _decide(obj, "revert", file_id, reason)


def _decide(obj: Invocation, kind: str, file_id: int, reason: str) -> None:
    """Make the decision, then say what it did."""
    from pipeline.intake.review import decide
    from pipeline.ledger import Kind

    done = decide(obj.workspace(), Kind(kind), file_id, reason=reason)
    f = done.file
    if done.kind is Kind.ACCEPT:
        replaced = f", replacing {done.other}" if done.other else ""
        click.echo(
            f"accepted file {f.id} ({f.name}) as the return of {f.ministry} for {f.period}"
            f"{replaced}; the next nap run (or nap consolidate) updates the outputs"
        )
    elif done.kind is Kind.REJECT:
        click.echo(f"rejected file {f.id} ({f.name}) of {f.ministry} for {f.period}")
        if done.feedback:
            click.echo(f"          feedback: {done.feedback}")
    else:
        again = f"; in force again: {done.other}" if done.other else ""
        click.echo(
            f"reverted the decision on file {f.id} ({f.name}): it waits for your decision "
            f"again{again}"
        )


@click.command("close", cls=NapCommand)
@period_option
@click.option("--reason", default="", metavar="TEXT", help="Why, if you wish to say: recorded.")
@plan_option
@click.pass_obj
def close_cmd(obj: Invocation, period: int, reason: str) -> None:
    """Close a period: from now on every return for it waits for your decision, and its
    consolidated workbook and report are never rewritten. nap report --period YEAR --final
    closes it too, after writing the final report.

    \b
    Example:
      nap close --period 2019
      nap close --period 2019 --reason "report sent to the committee"
    """
    from pipeline.intake.closing import close_period

    close_period(obj.workspace(period=period), period, reason=reason)
    click.echo(f"period {period} closed; nap reopen --period {period} --reason TEXT reopens it")


@click.command("reopen", cls=NapCommand)
@period_option
@reason_option
@plan_option
@click.pass_obj
def reopen_cmd(obj: Invocation, period: int, reason: str) -> None:
    """Reopen a closed period: returns apply again as before, and its outputs can be
    written again. Returns held while it was closed stay held (nap review).

    \b
    Example:
      nap reopen --period 2019 --reason "MJ corrects its figures at the committee's request"
    """
    from pipeline.intake.closing import reopen_period

    reopen_period(obj.workspace(period=period), period, reason=reason)
    click.echo(f"period {period} reopened")
