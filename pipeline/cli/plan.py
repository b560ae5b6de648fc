"""`nap plan`: check the plan registers, and import the next plan from its drafted matrix."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.app import Invocation, NapSubgroup
from pipeline.cli.options import period_range, plan_option, rel
from pipeline.failures import NapError


@click.group("plan", cls=NapSubgroup, invoke_without_command=True)
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

    first, last = period_range(periods)
    ws = obj.workspace(create=True)
    done = import_plan(ws, matrix, plan_id, (first, last), ministries, title=title, replace=replace)
    _print_import(done, ws.root)


def _print_import(done, root: Path) -> None:
    if done.kept:
        click.echo(f"kept the plan in force, copied to {rel(done.kept, root)}/")
    draft = done.draft
    click.echo(f"wrote {rel(done.folder, root)}/: plan.toml, actions.csv, bodies.csv")
    for pillar in draft.pillars:
        count = sum(1 for a in draft.actions if a.row.pillar == pillar.id)
        title = f"{pillar.id}. {pillar.name}"
        click.echo(f"  {title:<40} {count:>3}")
    codes = [m.code + (" (new)" if m.code in done.new_ministries else "") for m in draft.ministries]
    click.echo(f"{len(draft.actions)} actions; reporting ministries: {', '.join(codes)}")
    if done.new_contacts:
        click.echo(
            f"added {', '.join(done.new_contacts)} to {rel(done.contacts, root)}: "
            "fill in the focal point and email"
        )
    click.echo(
        f"review: {rel(done.review, root)}: {len(done.to_correct)} to correct, "
        f"{len(draft.problems) - len(done.to_correct)} to check"
    )
    for p in done.to_correct:
        click.echo(f"  {p}")
    if done.plan is None:
        click.echo(f"Correct it, then check it with: nap plan --plan {done.plan_id}")
    else:
        click.echo(f"The register loads. Next: nap plan --plan {done.plan_id}")
