"""`nap plan import`: the next plan's register, written from the matrix the working group
drafted in Excel, with a review file of every guess for the coordinator."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.failures import NapError, UsageError
from pipeline.ledger import connect, plan_has_returns
from pipeline.plan import register_writer as out
from pipeline.plan.draft import Draft, draft_register
from pipeline.plan.matrix import read_matrix
from pipeline.plan.ministries_list import read_ministries
from pipeline.plan.periods import PLAN_FILE, PlanHead, plan_files
from pipeline.plan.register import Plan, read_plan
from pipeline.plan.words import VOCABULARY_FILE, load_vocabulary
from pipeline.problems import Problem, errors
from pipeline.settings import DEFAULT_PLAN
from pipeline.workspace import DATA_DIR, PLANS_DIR, Workspace, shipped_data_file

PLAN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
YEARS = re.compile(r"\b(19|20)\d\d\s*[-–]\s*(19|20)\d\d\b")


@dataclass
class Imported:
    """What an import wrote, and what the coordinator must look at."""

    plan_id: str
    folder: Path
    draft: Draft
    review: Path
    contacts: Path
    new_ministries: list[str] = field(default_factory=list)  # in no plan of the workspace
    new_contacts: list[str] = field(default_factory=list)  # rows added to contacts.csv
    kept: Path | None = None  # the shipped plan, copied into the workspace to stay served
    plan: Plan | None = None  # None while the register has errors
    register_problems: list[Problem] = field(default_factory=list)

    @property
    def to_correct(self) -> list[Problem]:
        return errors(self.draft.problems)


def import_plan(
    ws: Workspace,
    matrix_path: Path,
    plan_id: str,
    periods: tuple[int, int],
    ministries_path: Path,
    *,
    title: str = "",
    replace: bool = False,
    today: dt.date | None = None,
) -> Imported:
    """Write workbook_templates/plans/<plan_id>/ in the workspace from a drafted matrix."""
    folder = _target(ws, plan_id, periods, replace)
    words = load_vocabulary(ws.data_file(VOCABULARY_FILE))
    listed, problems = read_ministries(ministries_path)
    if errors(problems):
        listed_problems = "; ".join(p.describe() for p in errors(problems))
        raise NapError(f"{listed_problems} (correct {ministries_path} and import again)")
    matrix = read_matrix(matrix_path, words)
    draft = draft_register(matrix, listed, words, ministries_path.name)
    draft.problems[:0] = problems
    head = _previous_head(ws)
    if not title:
        title = _title(matrix.title, head, periods)
        draft.problems.append(out.title_problem(title, matrix.file))
    known = set(ws.ministry_codes)
    kept = _keep_shipped_plan(ws)
    codes = [m.code for m in draft.ministries]
    contacts, added = out.add_contacts(ws, codes, draft.problems)
    review = folder / out.REVIEW_FILE
    folder.mkdir(parents=True, exist_ok=True)
    out.write_review(review, draft)
    out.write_tables(folder, draft)
    today = today or dt.date.today()
    head_fields = _head(plan_id, title, periods, head)
    out.write_plan_toml(folder / PLAN_FILE, head_fields, draft, matrix.file, today)
    done = Imported(plan_id, folder, draft, review, contacts, kept=kept)
    done.new_ministries = [code for code in codes if code not in known]
    done.new_contacts = added
    done.plan, done.register_problems = read_plan(folder / PLAN_FILE)
    return done


def _target(ws: Workspace, plan_id: str, periods: tuple[int, int], replace: bool) -> Path:
    """The new plan's folder, once it is sure that no plan, year or return is overwritten."""
    if not PLAN_ID.match(plan_id):
        raise UsageError(
            f"--id {plan_id}: use letters, digits, '-', '.' or '_', e.g. --id lu-wps-2024-2028"
        )
    first, last = periods
    folder = ws.root / DATA_DIR / PLANS_DIR / plan_id
    for head in ws.plan_heads:
        same = head.path.parent == folder.resolve()
        if head.id == plan_id and not same:
            raise UsageError(f"the workspace already has a plan {plan_id} ({head.path})")
        if not same and head.first_period <= last and first <= head.last_period:
            raise UsageError(
                f"--periods {first}-{last} overlap the plan {head.label}: a year belongs to one "
                f"plan; give years after {head.last_period} or before {head.first_period}"
            )
    if (folder / PLAN_FILE).exists():
        if not replace:
            raise UsageError(
                f"{folder} already holds a plan; give --replace to import it again (edits made "
                "to its files since are lost), or another --id"
            )
        if ws.ledger_path.exists():
            with connect(ws.ledger_path) as conn:
                if plan_has_returns(conn, plan_id):
                    raise NapError(
                        f"returns were accepted under the plan {plan_id}, so its register is "
                        "history and is not replaced; import the new version with another --id"
                    )
    return folder


def _previous_head(ws: Workspace) -> dict[str, object]:
    """The [plan] table of the workspace's newest plan: same country, coordinator and
    committee, most likely."""
    newest: PlanHead = ws.plan_heads[-1]
    try:
        return tomllib.loads(newest.path.read_text(encoding="utf-8"))["plan"]
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        return {}


def _title(matrix_title: str, previous: dict[str, object], periods: tuple[int, int]) -> str:
    """The matrix's own title, else the previous plan's with the new years."""
    if matrix_title:
        return " ".join(matrix_title.split())
    years = f"{periods[0]}-{periods[1]}"
    old = str(previous.get("title", ""))
    return YEARS.sub(years, old) if YEARS.search(old) else f"{old} {years}".strip()


def _head(
    plan_id: str, title: str, periods: tuple[int, int], previous: dict[str, object]
) -> dict[str, object]:
    return {
        "id": plan_id,
        "title": title,
        "country": previous.get("country", ""),
        "first_period": periods[0],
        "last_period": periods[1],
        "coordinator": previous.get("coordinator", ""),
        "committee": previous.get("committee", ""),
        "actions": out.ACTIONS_FILE,
        "bodies": out.BODIES_FILE,
    }


def _keep_shipped_plan(ws: Workspace) -> Path | None:
    """A workspace that served the shipped plan keeps serving it once it has a plan of its
    own: the shipped folder is copied beside the new one (the copy is its register from then
    on, which the templates already issued were signed against)."""
    own = plan_files(ws.root / DATA_DIR / PLANS_DIR)
    if own or ws.settings.plan:
        return None
    shipped = shipped_data_file(DEFAULT_PLAN).parent
    copy = ws.root / DATA_DIR / PLANS_DIR / shipped.name
    shutil.copytree(shipped, copy, dirs_exist_ok=True)
    return copy
