"""The `nap` command line: reads options, calls one library function, prints the outcome."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from pipeline import __version__
from pipeline.failures import NapError, UsageError
from pipeline.language import LANGUAGES
from pipeline.problems import errors


class Invocation:
    """The global options of one `nap` command: the workspace folder, --debug, and the
    --plan of the subcommand."""

    def __init__(self, root: Path, debug: bool) -> None:
        self.root, self.debug = root, debug
        self.plan: str | None = None
        self.language: str | None = None

    def workspace(self, *, create: bool = False, period: int | None = None):
        """The workspace, working on the plan given with --plan, else on the period's."""
        from pipeline.workspace import Workspace

        ws = Workspace.open(self.root, create=create, plan=self.plan).speaking(self.language)
        return ws if period is None else ws.for_period(period)


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


def _remember_plan(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_object(Invocation).plan = value


plan_option = click.option(
    "--plan",
    metavar="ID|FILE",
    expose_value=False,
    callback=_remember_plan,
    help="A plan of the workspace (its id) or a plan file, instead of the plan of the period.",
)


def _remember_language(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_object(Invocation).language = value


language_option = click.option(
    "--language",
    type=click.Choice(LANGUAGES, case_sensitive=False),
    expose_value=False,
    callback=_remember_language,
    help="Write the documents in this language (en or fr), whatever nap.toml and the "
    "ministries' language column in contacts.csv say.",
)


wait_option = click.option(
    "--wait",
    type=click.FloatRange(0),
    default=300,
    show_default=True,
    help="Seconds to wait for another nap command in the same workspace, or for another "
    "program writing to the ledger.",
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
    _announce_waits()


class _Stderr(logging.Handler):
    """The library's lines for the person at the terminal, such as a wait for a busy ledger."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"nap: {record.getMessage()}", err=True)


def _announce_waits() -> None:
    ledger_log = logging.getLogger("nap.ledger")
    if not any(isinstance(h, _Stderr) for h in ledger_log.handlers):
        ledger_log.addHandler(_Stderr())


@cli.group("plan", invoke_without_command=True)
@plan_option
@click.pass_context
def plan_group(ctx: click.Context) -> None:
    """The plan registers: check them (the same as `nap plan show`), or import the next plan
    from the matrix its working group drafted.

    \b
    Example:
      nap plan
      nap plan --plan lu-wps-2024-2028
      nap plan import matrix.xlsx --id lu-wps-2024-2028 --periods 2024-2028 --ministries m.csv
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(plan_show_cmd)


@plan_group.command("show")
@plan_option
@click.pass_obj
def plan_show_cmd(obj: Invocation) -> None:
    """Check each plan register of the workspace (or the one given) and print its summary:
    actions per pillar and per ministry, and the ceilings above which a returned figure is
    refused as a typing error; then that no two plans claim the same year.

    \b
    Example:
      nap plan show
      nap plan show --plan workbook_templates/plans/next-plan/plan.toml
    """
    from pipeline.plan.checking import check_plans

    checked = check_plans(obj.root, obj.plan)
    for index, check in enumerate(checked.plans):
        if index:
            click.echo("")
        for p in check.problems:
            click.echo(str(p))
        if check.plan is not None:
            _print_plan(check.plan)
        for previous in dict.fromkeys(link.previous_plan for link in check.links):
            count = sum(link.previous_plan == previous for link in check.links)
            click.echo(f"Carried over from {previous}: {count} action(s)")
    for p in checked.overlaps:
        click.echo(str(p))
    if checked.failures:
        raise NapError("; ".join(checked.failures))


def _print_plan(plan) -> None:
    from pipeline.outputs.figures import pooling_lines

    click.echo(f"{plan.title} ({plan.id}), periods {plan.first_period}-{plan.last_period}")
    click.echo(f"{len(plan.actions)} actions")
    for pillar in plan.pillars:
        count = sum(1 for a in plan.actions if a.pillar == pillar.id)
        click.echo(f"  {pillar.title:<40} {count:>3}")
    click.echo("Actions per reporting ministry:")
    for m in plan.ministries:
        click.echo(f"  {m.code:<6} {len(plan.actions_for(m.code)):>3}  {m.name}")
    for line in pooling_lines(plan):
        click.echo(line)
    click.echo("Largest plausible figure in one cell ([plausibility] in the plan file):")
    for what, limit in plan.plausibility.listed():
        click.echo(f"  {what:<20} {limit:>17}")


@plan_group.command("import")
@click.argument("matrix", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "plan_id", required=True, help="The new plan's id, e.g. lu-wps-2024-2028.")
@click.option("--periods", required=True, metavar="FIRST-LAST", help="Its reporting years.")
@click.option(
    "--ministries",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="MINISTRIES.csv",
    help="The reporting ministries: code,name,aliases (aliases separated by ;).",
)
@click.option("--title", default="", help="The plan's title (default: the matrix's own).")
@click.option("--replace", is_flag=True, help="Import again over a plan with no return yet.")
@click.pass_obj
def plan_import_cmd(
    obj: Invocation,
    matrix: Path,
    plan_id: str,
    periods: str,
    ministries: Path,
    title: str,
    replace: bool,
) -> None:
    """Write the register of the next plan (workbook_templates/plans/<ID>/) from the matrix
    the working group drafted in Excel: one row per action, with columns for pillar or
    objective, action, indicator and responsible bodies, headed in English or French.

    The measures are guessed from each indicator's words and the responsible bodies mapped
    to the ministries of MINISTRIES.csv; review.csv beside the register lists every guess and
    every body that maps to no ministry. Check the register with `nap plan --plan ID`.

    \b
    Example:
      nap plan import matrix.xlsx --id lu-wps-2024-2028 --periods 2024-2028 --ministries m.csv
    """
    from pipeline.plan.importer import import_plan

    first, last = _period_range(periods)
    ws = obj.workspace(create=True)
    done = import_plan(ws, matrix, plan_id, (first, last), ministries, title=title, replace=replace)
    _print_import(done, ws.root)


def _print_import(done, root: Path) -> None:
    if done.kept:
        click.echo(f"kept the plan in force, copied to {_rel(done.kept, root)}/")
    draft = done.draft
    click.echo(f"wrote {_rel(done.folder, root)}/: plan.toml, actions.csv, bodies.csv")
    for pillar in draft.pillars:
        count = sum(1 for a in draft.actions if a.row.pillar == pillar.id)
        title = f"{pillar.id}. {pillar.name}"
        click.echo(f"  {title:<40} {count:>3}")
    codes = [m.code + (" (new)" if m.code in done.new_ministries else "") for m in draft.ministries]
    click.echo(f"{len(draft.actions)} actions; reporting ministries: {', '.join(codes)}")
    if done.new_contacts:
        click.echo(
            f"added {', '.join(done.new_contacts)} to {_rel(done.contacts, root)}: "
            "fill in the focal point and email"
        )
    click.echo(
        f"review: {_rel(done.review, root)}: {len(done.to_correct)} to correct, "
        f"{len(draft.problems) - len(done.to_correct)} to check"
    )
    for p in done.to_correct:
        click.echo(f"  {p}")
    if done.plan is None:
        click.echo(f"Correct it, then check it with: nap plan --plan {done.plan_id}")
    else:
        click.echo(f"The register loads. Next: nap plan --plan {done.plan_id}")


@cli.command("templates")
@period_option
@language_option
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

    ws = obj.workspace(create=True, period=period)
    paths = issue_templates(
        ws,
        period,
        ministries=[m.upper() for m in ministries],
        notify=click.echo,
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
    report = ingest(ws, progress=_progress("Ingest"), wait=wait)
    _print_ingest(report)


def _print_ingest(report) -> None:
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
    """Show, per ministry: template issued, last file received, accepted, held for your
    decision or rejected, completeness, warnings, possible double counts on shared actions,
    and who is still missing.

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
    click.echo(f"Accepted: {len(st.ministries) - len(st.missing)} of {len(st.ministries)}.")
    if st.held:
        click.echo("Held for your decision: " + ", ".join(st.held) + " (nap review)")
    click.echo("Missing: " + (", ".join(st.absent) or "none"))


@cli.group("mail")
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
    "--resend",
    is_flag=True,
    help="With --send: send again, as new messages, those sent or pending before.",
)


def mail_options(command):
    """The options both mail commands take."""
    options = (period_option, ministry_option, plan_option, send_option, resend_option)
    for option in reversed((*options, language_option, wait_option)):
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
    """Compose, write (and send), then one line per message, a summary, the addresses
    refused, and exit code 1 when a message did not reach every recipient."""
    from pipeline.delivery.send import deliver

    if resend and not send:
        raise UsageError("--resend only applies with --send")
    ws = obj.workspace(period=period)
    codes = list(dict.fromkeys(m.upper() for m in ministries))
    messages = compose(ws, period, ministries=codes)
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
        return f"{label} {_rel(d.path, root)} to {addresses}"
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
        DeliveryStatus.WRITTEN: f"written to {_rel(mail_dir, root)}/",
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


@cli.command("consolidate")
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
        click.echo(f"wrote {_rel(path, ws.root)}")


@cli.command("report")
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
        first, last = _period_range(periods)
        ws = obj.workspace(period=first)
        paths = [write_interim(ws, *ws.check_periods(first, last), final=final)]
    elif period is None:
        raise UsageError("give --period YEAR, --interim --periods FIRST-LAST, or --plan-review")
    else:
        ws = obj.workspace(period=period)
        paths, closed = _annual(ws, period, final)
    for path in paths:
        click.echo(f"wrote {_rel(path, ws.root)}")
    if pdf:
        from pipeline.outputs.pdf import to_pdf

        (made,) = to_pdf(paths[:1], paths[0].parent)
        click.echo(f"wrote {_rel(made, ws.root)}")
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


def _period_range(text: str | None) -> tuple[int, int]:
    try:
        first, last = (int(x) for x in (text or "").split("-"))
    except ValueError:
        raise UsageError("give --periods FIRST-LAST, e.g. --periods 2018-2020") from None
    return first, last


@cli.command("accessibility")
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


@cli.command("run")
@period_option
@language_option
@plan_option
@wait_option
@click.pass_obj
def run_cmd(obj: Invocation, period: int, wait: float) -> None:
    """Ingest, consolidate and report in one idempotent step: the nightly job (cron or a
    systemd timer; see docs/). When nothing changed since the last run, it writes nothing.
    Logs go to outbox/logs/. A rejected file is an outcome, not a failure: the exit code is
    non-zero only when the tool could not complete.

    \b
    Example:
      nap --root /srv/wps run --period 2019
    """
    from pipeline.run import log, run_cycle, setup_log_file

    ws = obj.workspace(period=period)
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
        held = f"held for your decision: {', '.join(st.held)}; " if st.held else ""
        click.echo(
            f"Period {period}: {accepted} of {len(st.ministries)} ministries accepted; "
            f"{held}missing: {', '.join(st.absent) or 'none'}"
        )
    for note in summary.notes:
        click.echo(note)
    for path in summary.outputs:
        click.echo(f"wrote {_rel(path, ws.root)}")
    click.echo(f"log: {_rel(log_path, ws.root)}")


reason_option = click.option(
    "--reason", required=True, metavar="TEXT", help="Why: kept in the ledger with your name."
)
file_id_argument = click.argument("file_id", metavar="ID", type=click.IntRange(1))


@cli.command("review")
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


@cli.command("accept")
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


@cli.command("reject")
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


@cli.command("revert")
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


@cli.command("close")
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


@cli.command("reopen")
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


@cli.command("reprocess")
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
        _print_ingest(report)
    else:
        click.echo("no rejected file to read again")


@cli.command("demo")
@language_option
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--plan-review",
    is_flag=True,
    help="The whole 2018-2023 plan instead, ending in its final implementation report.",
)
@click.pass_obj
def demo_cmd(obj: Invocation, folder: Path | None, plan_review: bool) -> None:
    """Run a whole reporting cycle on SAMPLE data in a new workspace (default: demo/) and
    show where every output is: templates, feedback, consolidated workbook, report, mail.
    With --plan-review, run every year of the plan instead (two of them without any return)
    and end with the plan's final implementation report and its workbook.

    \b
    Example:
      nap demo
      nap demo /tmp/wps-demo
      nap demo --plan-review /tmp/wps-review
      nap demo --language fr demo-fr
    """
    from pipeline.demo import PERIOD, run_demo
    from pipeline.demo_review import run_plan_review_demo
    from pipeline.workspace import LEDGER_FILE

    root = folder or (obj.root / "demo" if obj.root == Path(".") else obj.root)
    if (root / LEDGER_FILE).exists():
        raise UsageError(
            f"{root} already holds a ledger; give the demo a new folder, e.g. nap demo demo2"
        )
    run = run_plan_review_demo if plan_review else run_demo
    result = run(root, say=lambda line: click.echo(f"- {line}"), language=obj.language)
    for report in result.ingests:
        _print_ingest(report)
    click.echo(f"\nThe demo workspace is {result.root}")
    for key, label in DEMO_LABELS.items():
        paths = result.outputs.get(key, [])
        if paths:
            _print_paths(label, paths)
    where = _rel(result.root, Path.cwd())
    if plan_review:
        click.echo(f"Next: nap --root {where} report --plan-review --final")
    else:
        click.echo(f"Next: nap --root {where} status --period {PERIOD}")


DEMO_LABELS = {
    "templates": "Templates sent to the ministries",
    "feedback": "Feedback workbook for the rejected file",
    "consolidated": "Consolidated workbook",
    "report": "Committee report",
    "mail": "Messages (.eml), open them in Thunderbird or Outlook",
    "plan_review": "Final implementation report",
    "plan_review_workbook": "Its tables, one sheet per view",
}


def _print_paths(label: str, paths: list[Path]) -> None:
    click.echo(f"{label}:")
    shown = paths if len(paths) <= 3 else [*paths[:2]]
    for path in shown:
        click.echo(f"  {_rel(path, Path.cwd())}")
    if len(paths) > len(shown):
        click.echo(
            f"  ... and {len(paths) - len(shown)} more in {_rel(paths[0].parent, Path.cwd())}"
        )


def main() -> None:
    """Everything built is frozen on the way out, so the interpreter's exit does not walk
    it all in one last full garbage collection (a fifth of a short run)."""
    import gc

    try:
        cli(prog_name="nap")
    finally:
        gc.freeze()
