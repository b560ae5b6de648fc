"""A whole reporting cycle on SAMPLE data, so a newcomer sees every output in one step."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.intake.ingest import IngestReport, ingest
from pipeline.intake.returned import read_meta
from pipeline.language import ENGLISH
from pipeline.template.issue import issue_templates
from pipeline.template.sample import Answers, fill_template, sample_answers
from pipeline.workspace import CONTACTS_FILE, DATA_DIR, Workspace, shipped_data_file

PERIOD = 2019
REJECTED = "MSI"  # returns a file with an error, and is sent its feedback
RESUBMITTED = "MEGA"  # sends a corrected file before the deadline, which replaces its first
LATE = "MAEE"  # sends a correction after the deadline: held, then accepted by the coordinator
MISSING = "ME"  # never answers
ENGLISH_SPEAKING = "MISA"  # in a French workspace, works in English (contacts.csv)
# The demo's year, as it happened: the deadline of 2019 is 31 March 2020.
ISSUED = dt.date(2020, 1, 15)
RETURNED = dt.datetime(2020, 3, 10, 9, 30)
CORRECTED = dt.datetime(2020, 3, 20, 14, 0)
REMINDED = dt.datetime(2020, 4, 2, 9, 0)
LATE_CORRECTION = dt.datetime(2020, 6, 15, 11, 0)
DECIDED = dt.datetime(2020, 6, 16, 10, 0)
LATE_REASON = "MAEE confirmed the corrected figures by phone"


@dataclass
class DemoResult:
    root: Path
    ingests: list[IngestReport] = field(default_factory=list)
    outputs: dict[str, list[Path]] = field(default_factory=dict)
    held: list[int] = field(default_factory=list)  # the ledger's numbers of the held returns


# Who signs the documents, in the language they are written in.
OFFICE_IN = {
    "fr": 'office = "Ministère des Affaires étrangères et européennes"\n'
    "[contact]\n"
    'name = "Coordination du plan d\'action FPS, Direction des affaires politiques"\n',
}


def write_demo_settings(settings: Path, deadline: str = "", language: str = ENGLISH) -> None:
    """Made-up data, said so on every page. Without a `deadline` (MM-DD or a date), the
    returns, which arrive today, years after their period, have one a month away so that
    they are not reported late."""
    if not settings.exists():
        deadline = deadline or (dt.date.today() + dt.timedelta(days=30)).isoformat()
        settings.write_text(
            f"# Settings of the demo workspace (see the coordinator's guide).\n"
            f'deadline = "{deadline}"\n'
            "# The language of the documents (en or fr); contacts.csv may say otherwise.\n"
            f'language = "{language}"\n'
            "# After the deadline, a larger change to a figure waits for the coordinator.\n"
            "hold_changes_over = 50\n"
            "# Made-up data: the reports and the workbook say SAMPLE on every page.\n"
            "sample = true\n" + OFFICE_IN.get(language, ""),
            encoding="utf-8",
        )


def run_demo(
    root: Path, *, say: Callable[[str], None] = lambda _: None, language: str | None = None
) -> DemoResult:
    """Issue, fill (as the ministries would), ingest, remind, decide on a held return,
    consolidate and report: one reporting year, each step on the day it would happen. In
    French, one ministry still works in English, so both kinds of return meet."""
    from pipeline.outputs.consolidated.workbook import consolidate
    from pipeline.outputs.report.writer import write_report

    ws = _workspace(root, language or ENGLISH)
    result = DemoResult(ws.root)
    say(f"Issuing the {PERIOD} templates of {len(ws.plan.ministries)} ministries")
    result.outputs["templates"] = issue_templates(ws, PERIOD, today=ISSUED)
    result.outputs["mail"] = _mail(ws, "templates", at(ISSUED))
    say("Filling them in with SAMPLE data, as the ministries would, and returning them")
    _first_returns(ws)
    result.ingests.append(ingest(ws, now=lambda: at(RETURNED)))
    say(f"{RESUBMITTED} sends a corrected file before the deadline, which replaces its first one")
    again = sample_answers(
        ws.plan, RESUBMITTED, PERIOD, seed=1, language=_language(ws, RESUBMITTED)
    )
    _return(ws, RESUBMITTED, again, "v2", CORRECTED)
    result.ingests.append(ingest(ws, now=lambda: at(CORRECTED)))
    say("After the deadline: reminders to the ministry rejected and to the one missing")
    result.outputs["mail"] += _mail(ws, "reminders", at(REMINDED))
    _late_correction(ws, result, say)
    say("Consolidating and writing the committee report")
    result.outputs["consolidated"] = consolidate(ws, PERIOD)
    result.outputs["report"] = [write_report(ws, PERIOD, today=DECIDED.date())]
    result.outputs["feedback"] = sorted(ws.feedback_dir(PERIOD).glob("*.xlsx"))
    return result


def at(moment: dt.date | dt.datetime) -> dt.datetime:
    """A moment of the demo's year, in the machine's time zone."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(9))
    return moment.astimezone()


def _workspace(root: Path, language: str) -> Workspace:
    root.mkdir(parents=True, exist_ok=True)
    write_demo_settings(root / "nap.toml", "03-31", language)  # 31 March 2020 for 2019
    ws = Workspace.open(root, create=True)
    own = ws.root / DATA_DIR / CONTACTS_FILE  # a workspace mails only to its own contacts
    if not own.exists():
        own.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped_data_file(CONTACTS_FILE), own)
        if language != ENGLISH:
            with_language_column(own, {ENGLISH_SPEAKING: ENGLISH})
    return ws


def with_language_column(path: Path, languages: dict[str, str]) -> None:
    """The contacts list with the language of some ministries filled in, as a coordinator
    would (the others as nap.toml says)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        columns = list(reader.fieldnames or ())
        rows = list(reader)
    if "language" not in columns:
        columns.append("language")
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "language": languages.get(row["ministry"], "")})


def _mail(ws: Workspace, kind: str, now: dt.datetime) -> list[Path]:
    """The messages as .eml files only: the demo sends nothing."""
    from pipeline.delivery.compose import compose_reminders, compose_templates
    from pipeline.delivery.send import deliver

    compose = compose_templates if kind == "templates" else compose_reminders
    return [d.path for d in deliver(ws, PERIOD, compose(ws, PERIOD, now=now)).deliveries]


def _return(ws: Workspace, code: str, answers: Answers, version: str, when: dt.datetime) -> None:
    """The ministry's file in the inbox, saved the day before it arrives."""
    suffix = f" {version}" if version else ""
    fill_template(
        ws.template_path(PERIOD, code),
        ws.inbox / f"{code} report {PERIOD}{suffix}.xlsx",
        answers,
        saved=at(when - dt.timedelta(days=1)),
    )


def _language(ws: Workspace, code: str) -> str:
    """The language the ministry's template was issued in, which its answers are typed in."""
    return (read_meta(ws.template_path(PERIOD, code)) or {}).get("language", ENGLISH)


def _first_returns(ws: Workspace) -> None:
    for code in ws.plan.ministry_codes:
        if code == MISSING:
            continue
        answers = sample_answers(ws.plan, code, PERIOD, language=_language(ws, code))
        if code == REJECTED:
            first = next(iter(answers))
            answers[first]["women"] = "about twenty"  # text where a number is expected
            answers[first]["status"] = "Finished"  # not one of the five statuses
        _return(ws, code, answers, "", RETURNED)


def _late_correction(ws: Workspace, result: DemoResult, say: Callable[[str], None]) -> None:
    """A figure tripled after the deadline: the run holds it, the coordinator accepts it."""
    from pipeline.intake.review import decide
    from pipeline.ledger import Kind

    answers = sample_answers(ws.plan, LATE, PERIOD, language=_language(ws, LATE))
    action = next(a for a in ws.plan.actions_for(LATE) if "women_men" in a.measures)
    answers[action.id]["women"] = int(answers[action.id]["women"]) * 3
    say(f"{LATE} sends a correction in June, after the deadline: a figure triples, so it waits")
    _return(ws, LATE, answers, "corrected", LATE_CORRECTION)
    report = ingest(ws, now=lambda: at(LATE_CORRECTION))
    result.ingests.append(report)
    result.held = [o.file_id for o in report.outcomes if o.outcome == "held" and o.file_id]
    for file_id in result.held:
        say(f'The coordinator checks it with {LATE} and accepts it: nap accept {file_id} '
            f'--reason "{LATE_REASON}"')  # fmt: skip
        decide(ws, Kind.ACCEPT, file_id, reason=LATE_REASON, now=lambda: at(DECIDED))
