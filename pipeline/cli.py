"""The `nap` command line: reads options, calls one library function, prints the outcome."""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from pipeline import __version__
from pipeline.failures import NapError, UsageError
from pipeline.problems import errors


class Invocation:
    """The global options of one `nap` command: the workspace folder, --debug, and the
    --plan of the subcommand."""

    def __init__(self, root: Path, debug: bool) -> None:
        self.root, self.debug = root, debug
        self.plan: Path | None = None

    def workspace(self, *, create: bool = False):
        from pipeline.workspace import Workspace

        return Workspace.open(self.root, create=create, plan=self.plan)


class NapGroup(click.Group):
    """Turns library errors into one `Error: ...` line; tracebacks only with --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The reader of the output went away (nap plan | head): not worth an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except UsageError as exc:
            _fail(ctx, exc, 2)
        except NapError as exc:
            _fail(ctx, exc, 1)
        except Exception as exc:
            _fail(ctx, exc, 1, unexpected=True)


def _fail(ctx: click.Context, exc: Exception, code: int, unexpected: bool = False) -> None:
    debug = bool(ctx.obj and ctx.obj.debug)
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    message = str(exc) or type(exc).__name__
    if unexpected:
        message = f"unexpected failure: {type(exc).__name__}: {message}" + (
            "" if debug else " (run again with --debug for details)"
        )
    click.echo(f"Error: {message}", err=True)
    ctx.exit(code)


period_option = click.option(
    "--period", type=click.IntRange(1900, 2999), required=True, help="Reporting year, e.g. 2019."
)


def _remember_plan(ctx: click.Context, _: click.Parameter, value: Path | None) -> None:
    ctx.find_object(Invocation).plan = value


plan_option = click.option(
    "--plan",
    type=click.Path(dir_okay=False, path_type=Path),
    expose_value=False,
    callback=_remember_plan,
    help="Plan file (plan.toml) to use instead of the workspace's.",
)


wait_option = click.option(
    "--wait",
    type=click.FloatRange(0),
    default=300,
    show_default=True,
    help="Seconds to wait for another nap command working in the same workspace.",
)


@click.group(cls=NapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default="the current folder",
    help="Workspace folder holding inbox/ and outbox/.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@click.version_option(__version__, prog_name="nap")
@click.pass_context
def cli(ctx: click.Context, root: Path, debug: bool) -> None:
    """Run the yearly reporting cycle of a National Action Plan on Women, Peace and Security.

    \b
    A year's cycle:
      nap templates --period 2019        issue one Excel template per ministry
      nap mail templates --period 2019   the messages that carry them (--send to send)
      nap ingest                         check the files returned into inbox/
      nap status --period 2019           who has answered, who is missing
      nap mail reminders --period 2019   remind the missing and the rejected
      nap consolidate --period 2019      the consolidated workbook
      nap report --period 2019           the committee report (.docx)
    """
    ctx.obj = Invocation(root, debug)


@cli.command("plan")
@plan_option
@click.pass_obj
def plan_cmd(obj: Invocation) -> None:
    """Check the plan register and print its summary: actions per pillar and per ministry,
    and the ceilings above which a returned figure is refused as a typing error.

    \b
    Example:
      nap plan
      nap plan --plan workbook_templates/plans/next-plan/plan.toml
    """
    from pipeline.plan.register import read_plan
    from pipeline.workspace import plan_file_for

    path = plan_file_for(obj.root, obj.plan)
    plan, problems = read_plan(path)
    for p in problems:
        click.echo(str(p))
    if plan is None:
        raise NapError(f"the plan register {path} has {len(problems)} problem(s), listed above")
    click.echo(f"{plan.title} ({plan.id}), periods {plan.first_period}-{plan.last_period}")
    click.echo(f"{len(plan.actions)} actions")
    for pillar in plan.pillars:
        count = sum(1 for a in plan.actions if a.pillar == pillar.id)
        click.echo(f"  {pillar.title:<40} {count:>3}")
    click.echo("Actions per reporting ministry:")
    for m in plan.ministries:
        click.echo(f"  {m.code:<6} {len(plan.actions_for(m.code)):>3}  {m.name}")
    click.echo("Largest plausible figure in one cell ([plausibility] in the plan file):")
    for what, limit in plan.plausibility.listed():
        click.echo(f"  {what:<20} {limit:>17}")


@cli.command("templates")
@period_option
@click.option(
    "--ministry",
    "ministries",
    multiple=True,
    metavar="CODE",
    help="Only this ministry (repeatable).",
)
@plan_option
@click.pass_obj
def templates_cmd(obj: Invocation, period: int, ministries: tuple[str, ...]) -> None:
    """Write one pre-filled, signed Excel template per ministry to outbox/<period>/templates/.

    Creates the workspace (inbox/, outbox/) if needed. Re-running rewrites the same files.
    The deadline they show is the one of nap.toml (by default March 31 of the next year),
    the same that the messages, the reminders and the reports use.

    \b
    Example:
      nap templates --period 2019
      nap templates --period 2019 --ministry MJ
    """
    from pipeline.template.issue import issue_templates

    ws = obj.workspace(create=True)
    paths = issue_templates(
        ws,
        period,
        ministries=[m.upper() for m in ministries],
    )
    for path in paths:
        click.echo(f"wrote {_rel(path, ws.root)}")


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


@cli.command("ingest")
@plan_option
@wait_option
@click.pass_obj
def ingest_cmd(obj: Invocation, wait: float) -> None:
    """Check every workbook in inbox/: accept it into the ledger or reject it with reasons.

    Accepted files go to archive/<period>/<CODE>/, rejected ones to archive/rejected/ with a
    .txt of reasons, and a feedback workbook to outbox/<period>/feedback/. A rejected file is
    an outcome, not a failure: the exit code is 0.

    \b
    Example:
      nap ingest
      nap --root /srv/wps ingest
    """
    from pipeline.intake.ingest import ingest

    ws = obj.workspace()
    report = ingest(ws, progress=_progress("Ingest"), wait=wait)
    _print_ingest(report)


def _print_ingest(report) -> None:
    from pipeline.ledger import Outcome

    for o in report.outcomes:
        if o.outcome is Outcome.ACCEPTED:
            extra = " (replaces the earlier submission)" if o.supersedes else ""
            warn = f", {len(o.warnings)} warning(s)" if o.warnings else ""
            click.echo(f"accepted  {o.name}: {o.ministry} {o.period}{warn}{extra}")
        elif o.outcome is Outcome.REJECTED:
            found = errors(o.problems)
            more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
            first = found[0].describe(with_file=False) if found else ""
            click.echo(f"rejected  {o.name}: {first}{more}")
            if o.feedback_path:
                click.echo(f"          feedback: {o.feedback_path}")
        else:
            click.echo(f"duplicate {o.name}: same content as {o.stored_path}, already processed")
        for note in o.notes:
            click.echo(f"          note: {note}")
    for name, why in report.skipped:
        click.echo(f"skipped   {name}: {why}")
    if not report.outcomes and not report.skipped:
        click.echo("inbox is empty: nothing to do")


def _progress(label: str):
    """A progress bar on a terminal for long work, nothing otherwise."""

    def wrap(items, total: int):
        if total < 20 or not sys.stderr.isatty():
            return items
        from tqdm import tqdm

        return tqdm(items, total=total, desc=label, unit="file", leave=False)

    return wrap


@cli.command("status")
@period_option
@plan_option
@click.option("--changes", is_flag=True, help="List every value a resubmission changed.")
@click.pass_obj
def status_cmd(obj: Invocation, period: int, changes: bool) -> None:
    """Show, per ministry: template issued, last file received, accepted or rejected,
    completeness, warnings, possible double counts on shared actions, and who is still
    missing.

    \b
    Example:
      nap status --period 2019
      nap status --period 2019 --changes
    """
    from pipeline.intake.status import period_status
    from pipeline.ledger import Outcome

    st = period_status(obj.workspace(), period)
    today = dt.date.today()
    click.echo(
        f"Period {period}, deadline {st.deadline.isoformat()}"
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
            click.echo(f"{'':<8}first reason: {m.first_reason}")
            if m.accepted_file:
                click.echo(f"{'':<8}an earlier accepted file stands: {m.accepted_file}")
        for double in (p for p in st.double_counts if p.ministry == m.code):
            click.echo(f"{'':<8}{double.place}: {double.message}")
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
    missing = st.missing
    click.echo(f"Accepted: {len(st.ministries) - len(missing)} of {len(st.ministries)}.")
    click.echo("Missing: " + (", ".join(missing) if missing else "none"))


@cli.group("mail")
def mail_group() -> None:
    """The messages to the ministries: their template, then reminders.

    Without --send, each message is written to outbox/<period>/mail/ as an .eml file that
    opens in Outlook or Thunderbird, ready to check and send by hand. With --send, the
    messages also go over SMTP (the [smtp] settings in nap.toml; the password only from
    NAP_SMTP_PASSWORD), each is recorded in the ledger, and a later run sends nothing twice.

    \b
    Example:
      nap mail templates --period 2019
      nap mail reminders --period 2019 --send
    """


ministry_option = click.option(
    "--ministry",
    "ministries",
    multiple=True,
    metavar="CODE",
    help="Only this ministry (repeatable).",
)
send_option = click.option(
    "--send", is_flag=True, help="Also send the messages over SMTP ([smtp] in nap.toml)."
)
resend_option = click.option(
    "--resend", is_flag=True, help="With --send: send again the messages sent before."
)


def mail_options(command):
    """The options both mail commands take."""
    options = (period_option, ministry_option, plan_option, send_option, resend_option)
    for option in reversed((*options, wait_option)):
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
    wait: float,
) -> None:
    """Compose, write (and send), then one line per message and a summary."""
    from pipeline.delivery.send import deliver

    if resend and not send:
        raise UsageError("--resend only applies with --send")
    ws = obj.workspace()
    codes = list(dict.fromkeys(m.upper() for m in ministries))
    messages = compose(ws, period, ministries=codes)
    if not messages:
        who = f"{', '.join(codes)} {'have' if len(codes) > 1 else 'has'}" if codes else ""
        click.echo(f"0 messages: {who or 'every ministry has'} an accepted file for {period}")
        return
    deliveries = deliver(ws, period, messages, send=send, resend=resend, wait=wait)
    for d in deliveries:
        click.echo(_delivery_line(d, ws.root))
    click.echo(_delivery_summary(deliveries, ws.mail_dir(period), ws.root))


DELIVERY_LABELS = {"written": "written", "sent": "sent", "skipped-already-sent": "skipped"}


def _delivery_line(d, root: Path) -> str:
    """written: where the .eml is and to whom; sent: to whom, and any address refused;
    skipped: when it was sent before."""
    from pipeline.delivery.compose import DeliveryStatus

    label = f"{DELIVERY_LABELS.get(d.status, d.status):<8} {d.ministry:<6}"
    if d.status is DeliveryStatus.WRITTEN:
        return f"{label} {_rel(d.path, root)} to {d.recipients}"
    if d.status is DeliveryStatus.SENT:
        return f"{label} to {d.recipients}" + (f"; {d.detail}" if d.detail else "")
    return f"{label} {d.detail}"


def _delivery_summary(deliveries, mail_dir: Path, root: Path) -> str:
    from pipeline.delivery.compose import DeliveryStatus

    counts: dict[str, int] = {}
    for d in deliveries:
        counts[d.status] = counts.get(d.status, 0) + 1
    parts = []
    if counts.get(DeliveryStatus.WRITTEN):
        parts.append(f"{counts[DeliveryStatus.WRITTEN]} written to {_rel(mail_dir, root)}/")
    if counts.get(DeliveryStatus.SENT):
        refused = sum(1 for d in deliveries if d.status is DeliveryStatus.SENT and d.detail)
        parts.append(
            f"{counts[DeliveryStatus.SENT]} sent"
            + (f" ({refused} with an address refused)" if refused else "")
        )
    if counts.get(DeliveryStatus.SKIPPED):
        parts.append(f"{counts[DeliveryStatus.SKIPPED]} skipped (already sent; --resend)")
    parts += [f"{n} {status}" for status, n in counts.items() if status not in DELIVERY_LABELS]
    n = len(deliveries)
    hint = "; --send to send them" if counts.get(DeliveryStatus.WRITTEN) == n else ""
    return f"{n} message{'s' * (n != 1)}: {', '.join(parts)}{hint}"


@cli.command("consolidate")
@period_option
@plan_option
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["csv", "parquet"]),
    help="Also write the tidy table of all values (repeatable).",
)
@click.pass_obj
def consolidate_cmd(obj: Invocation, period: int, formats: tuple[str, ...]) -> None:
    """Write outbox/<period>/consolidated_<period>.xlsx from the ledger: overview, actions,
    by pillar, indicators, issues, history and charts.

    \b
    Example:
      nap consolidate --period 2019
      nap consolidate --period 2019 --format csv
    """
    from pipeline.outputs.consolidated.workbook import consolidate

    ws = obj.workspace()
    for path in consolidate(ws, period, formats=formats):
        click.echo(f"wrote {_rel(path, ws.root)}")


@cli.command("report")
@click.option(
    "--period", type=click.IntRange(1900, 2999), help="Reporting year of the annual report."
)
@click.option("--interim", is_flag=True, help="The mid-term report across --periods instead.")
@click.option(
    "--periods", metavar="FIRST-LAST", help="Periods of the interim report, e.g. 2018-2020."
)
@click.option("--final", is_flag=True, help="Leave out the DRAFT mark.")
@plan_option
@click.pass_obj
def report_cmd(
    obj: Invocation,
    period: int | None,
    interim: bool,
    periods: str | None,
    final: bool,
) -> None:
    """Write the committee report (.docx) of a period, or the interim report across periods.

    \b
    Example:
      nap report --period 2019
      nap report --period 2019 --final
      nap report --interim --periods 2018-2020
    """
    if interim:
        first, last = _period_range(periods)
    elif period is None:
        raise UsageError("give --period YEAR, or --interim --periods FIRST-LAST")
    ws = obj.workspace()
    from pipeline.outputs.report.writer import write_interim, write_report

    if interim:
        path = write_interim(ws, first, last, final=final)
    else:
        path = write_report(ws, period, final=final)
    click.echo(f"wrote {_rel(path, ws.root)}")


def _period_range(text: str | None) -> tuple[int, int]:
    try:
        first, last = (int(x) for x in (text or "").split("-"))
    except ValueError:
        raise UsageError("give --periods FIRST-LAST, e.g. --periods 2018-2020") from None
    if first > last:
        raise UsageError(f"--periods {text}: the first year comes after the last")
    return first, last


@cli.command("run")
@period_option
@plan_option
@wait_option
@click.pass_obj
def run_cmd(obj: Invocation, period: int, wait: float) -> None:
    """Ingest, consolidate and report in one idempotent step: the nightly job (cron or a
    systemd timer; see docs/). Logs go to outbox/logs/. A rejected file is an outcome, not a
    failure: the exit code is non-zero only when the tool could not complete.

    \b
    Example:
      nap --root /srv/wps run --period 2019
    """
    from pipeline.run import log, run_cycle, setup_log_file

    ws = obj.workspace()
    log_path = setup_log_file(ws)
    try:
        summary = run_cycle(ws, period, wait=wait, progress=_progress("Ingest"))
    except Exception as exc:
        log.error("run failed: %s", exc)
        raise
    _print_ingest(summary.ingest)
    st = summary.status
    if st is not None:
        accepted = len(st.ministries) - len(st.missing)
        click.echo(
            f"Period {period}: {accepted} of {len(st.ministries)} ministries accepted; "
            f"missing: {', '.join(st.missing) or 'none'}"
        )
    for note in summary.notes:
        click.echo(note)
    for path in summary.outputs:
        click.echo(f"wrote {_rel(path, ws.root)}")
    click.echo(f"log: {_rel(log_path, ws.root)}")


@cli.command("demo")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def demo_cmd(obj: Invocation, folder: Path | None) -> None:
    """Run a whole reporting cycle on SAMPLE data in a new workspace (default: demo/) and
    show where every output is: templates, feedback, consolidated workbook, report, mail.

    \b
    Example:
      nap demo
      nap demo /tmp/wps-demo
    """
    from pipeline.demo import PERIOD, run_demo
    from pipeline.workspace import LEDGER_FILE

    root = folder or (obj.root / "demo" if obj.root == Path(".") else obj.root)
    if (root / LEDGER_FILE).exists():
        raise UsageError(
            f"{root} already holds a ledger; give the demo a new folder, e.g. nap demo demo2"
        )
    result = run_demo(root, say=lambda line: click.echo(f"- {line}"))
    for report in result.ingests:
        _print_ingest(report)
    click.echo(f"\nThe demo workspace is {result.root}")
    labels = {
        "templates": "Templates sent to the ministries",
        "feedback": "Feedback workbook for the rejected file",
        "consolidated": "Consolidated workbook",
        "report": "Committee report",
        "mail": "Messages (.eml), open them in Thunderbird or Outlook",
    }
    for key, label in labels.items():
        paths = result.outputs.get(key, [])
        click.echo(f"{label}:")
        shown = paths if len(paths) <= 3 else [*paths[:2]]
        for path in shown:
            click.echo(f"  {_rel(path, Path.cwd())}")
        if len(paths) > len(shown):
            click.echo(
                f"  ... and {len(paths) - len(shown)} more in {_rel(paths[0].parent, Path.cwd())}"
            )
    click.echo(f"Next: nap --root {_rel(result.root, Path.cwd())} status --period {PERIOD}")


def main() -> None:
    cli(prog_name="nap")
