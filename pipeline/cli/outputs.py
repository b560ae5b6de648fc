"""`nap consolidate`, `nap report` and `nap accessibility`: the documents of a period or a plan."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.app import Invocation, NapCommand
from pipeline.cli.options import language_option, period_option, period_range, plan_option, rel
from pipeline.failures import NapError, UsageError


@click.command("consolidate", cls=NapCommand)
@period_option
@language_option
@plan_option
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["csv", "parquet"]),
    help="Also write the tidy table of every expected value, with its state (repeatable).",
)
@click.pass_obj
def consolidate_cmd(obj: Invocation, period: int, formats: tuple[str, ...]) -> None:
    """Write outbox/<period>/consolidated_<period>.xlsx from the ledger: overview, actions,
    roll-up, by pillar, indicators, women and men, counts, amounts, issues, history, files,
    definitions, glossary and charts. With --format, also the tidy table: one row per value
    expected of each action and ministry, with its state (a missing return is never 0).

    \b
    Example:
      nap consolidate --period 2019
      nap consolidate --period 2019 --format csv
    """
    from pipeline.outputs.consolidated.workbook import consolidate

    ws = obj.workspace(period=period)
    for path in consolidate(ws, period, formats=formats):
        click.echo(f"wrote {rel(path, ws.root)}")


@click.command("report", cls=NapCommand)
@language_option
@click.option(
    "--period", type=click.IntRange(1900, 2999), help="Reporting year of the annual report."
)
@click.option("--interim", is_flag=True, help="The mid-term report across --periods instead.")
@click.option(
    "--periods", metavar="FIRST-LAST", help="Periods of the interim report, e.g. 2018-2020."
)
@click.option(
    "--plan-review",
    is_flag=True,
    help="The final implementation report of a whole plan (--plan ID), with its workbook.",
)
@click.option("--final", is_flag=True, help="Leave out the DRAFT mark.")
@click.option(
    "--pdf", is_flag=True, help="Also a PDF beside it, contents numbered (needs LibreOffice)."
)
@plan_option
@click.pass_obj
def report_cmd(
    obj: Invocation,
    period: int | None,
    interim: bool,
    periods: str | None,
    plan_review: bool,
    final: bool,
    pdf: bool,
) -> None:
    """Write the committee report (.docx) of a period, the interim report across periods, or
    the final implementation report of a plan over all its periods (.docx and .xlsx); with
    --pdf, also a PDF ready to send, made by LibreOffice.

    With --final, the annual report leaves out the DRAFT mark, the consolidated workbook is
    written again from the same ledger, and the period is closed: neither is rewritten
    afterwards, and any later return for the period waits for your decision (nap reopen
    --period YEAR --reason TEXT to change them).

    \b
    Example:
      nap report --period 2019
      nap report --period 2019 --final --pdf
      nap report --interim --periods 2018-2020
      nap report --plan-review --plan lu-wps-2018-2023
    """
    from pipeline.outputs.report.writer import write_interim, write_plan_review

    closed = False
    if plan_review:
        if interim or period is not None:
            raise UsageError("--plan-review covers every period of the plan: give it alone")
        ws = obj.workspace()
        paths = write_plan_review(ws, final=final)
    elif interim:
        first, last = period_range(periods)
        ws = obj.workspace(period=first)
        paths = [write_interim(ws, *ws.check_periods(first, last), final=final)]
    elif period is None:
        raise UsageError("give --period YEAR, --interim --periods FIRST-LAST, or --plan-review")
    else:
        ws = obj.workspace(period=period)
        paths, closed = _annual(ws, period, final)
    for path in paths:
        click.echo(f"wrote {rel(path, ws.root)}")
    if pdf:
        from pipeline.outputs.pdf import to_pdf

        (made,) = to_pdf(paths[:1], paths[0].parent)
        click.echo(f"wrote {rel(made, ws.root)}")
    if closed:
        click.echo(
            f"period {period} closed: its outputs stay as they are and any later return for it "
            f"waits for your decision (nap reopen --period {period} --reason TEXT to change them)"
        )


def _annual(ws, period: int, final: bool) -> tuple[list[Path], bool]:
    """The report first (the one made into a PDF); a final one with its workbook, and the
    period closed."""
    from pipeline.outputs.report.writer import write_report
    from pipeline.run import final_outputs

    if not final:
        return [write_report(ws, period)], False
    done = final_outputs(ws, period)
    return [done.report, *done.workbooks], True


@click.command("accessibility", cls=NapCommand)
@click.argument(
    "documents",
    nargs=-1,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
def accessibility_cmd(documents: tuple[Path, ...]) -> None:
    """Check reports (.docx) for what a screen reader and a printed page need: pictures with
    alternative text, tables with a repeating header row and rows that stay whole, headings
    in order, a title and a language. Run it again after editing a report in Word; it exits
    with 1 when something is missing.

    \b
    Example:
      nap accessibility outbox/2019/committee_report_2019.docx
    """
    from pipeline.outputs.report.accessibility import check_document

    findings = [f for path in documents for f in check_document(path)]
    for finding in findings:
        click.echo(str(finding))
    if findings:
        raise NapError(
            f"{len(findings)} accessibility problem(s) in {len(documents)} document(s); "
            "fix each in Word as said above, then check again"
        )
    click.echo(f"{len(documents)} document(s) checked: nothing missing")
