"""The tables of the consolidated workbook, computed with pandas from the ledger.

Every table here is plain data (no formats): the workbook writer lays them out and the tests
check the figures against the filled files. A figure cell holds a number or the word for why
there is none (outputs/figures.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from operator import attrgetter

import pandas as pd

from pipeline.ledger import Connection, PeriodValue, period_values
from pipeline.outputs.consolidated.figure_tables import (
    FigureTables,
    figure_tables,
    in_totals,
    report_figures,
)
from pipeline.outputs.consolidated.history import history_table, revised_text
from pipeline.outputs.period_data import CATEGORIES, NO_STATUS, PeriodData
from pipeline.outputs.wording import Wording
from pipeline.template.contract import (
    INPUTS,
    LETTER,
    NUMERIC_FIELDS,
    STATUSES,
    description,
)

TEXT_FIELDS = tuple(c.field for c in INPUTS if c.field not in NUMERIC_FIELDS)
FIRST_INPUT, LAST_INPUT = LETTER[INPUTS[0].field], LETTER[INPUTS[-1].field]
DESCRIPTIONS = ("pillar", "objective", "action", "indicator", "responsible")
# The roll-up of an action across its ministries, in words; written on the Roll-up sheet.
ROLL_UP_RULE = (
    "An action's roll-up status combines what each of its reporting ministries reported: "
    "Completed only when every ministry reports it Completed; Ongoing when every ministry "
    "reports Completed or Ongoing; In progress when at least one reports progress (In "
    "progress, Ongoing or Completed); Not started when the ministries that reported all say "
    "Not started. A ministry reporting Not applicable is left out of the others; an action "
    "that every ministry reports Not applicable is Not applicable. A ministry with no return "
    "or no status keeps an action from being Completed or Ongoing; when no ministry gave a "
    "status, the roll-up is No status."
)


def roll_up(statuses: Sequence[str | None]) -> str:
    """One status for an action from its ministries' statuses (None: no status given)."""
    unknown = sum(1 for s in statuses if not s)
    known = [s for s in statuses if s and s != "Not applicable"]
    if not known:
        return NO_STATUS if unknown or not statuses else "Not applicable"
    if not unknown and all(s == "Completed" for s in known):
        return "Completed"
    if not unknown and all(s in ("Completed", "Ongoing") for s in known):
        return "Ongoing"
    if any(s in ("In progress", "Ongoing", "Completed") for s in known):
        return "In progress"
    return "Not started"


ROLL_UP_CATEGORIES = (*STATUSES, NO_STATUS)


@dataclass(frozen=True)
class Tables:
    """What the consolidated workbook shows about one period."""

    data: PeriodData
    periods: tuple[PeriodData, ...]  # every period with a return up to this one, in order
    pairs: pd.DataFrame  # one row per action and reporting ministry, in plan order
    rollup: pd.DataFrame  # one row per action
    by_pillar: pd.DataFrame  # action reports by pillar (rows) and category (columns)
    rollup_by_pillar: pd.DataFrame  # actions by pillar and roll-up status, with totals
    figures: FigureTables
    history: pd.DataFrame  # one row per action and ministry, columns per period

    @property
    def history_periods(self) -> tuple[int, ...]:
        return tuple(d.period for d in self.periods)


VALUE_COLUMNS = [f.name for f in fields(PeriodValue)]
_value_row = attrgetter(*VALUE_COLUMNS)


def read_values(conn: Connection, period: int, plan) -> pd.DataFrame:
    """The tidy long table of every accepted value up to `period`, in a stable order."""
    rows = [_value_row(v) for v in period_values(conn, period, plan_id=plan.id)]
    values = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    values["value"] = values["value"].astype(object)
    action_order = {a.id: i for i, a in enumerate(plan.actions)}
    ministry_order = {code: i for i, code in enumerate(plan.ministry_codes)}
    field_order = {f: i for i, f in enumerate(c.field for c in INPUTS)}
    keys = pd.DataFrame(
        {
            "p": values["period"],
            "a": values["action_id"].map(action_order).fillna(len(action_order)),
            "m": values["ministry"].map(ministry_order).fillna(len(ministry_order)),
            "f": values["field"].map(field_order).fillna(len(field_order)),
        }
    )
    order = keys.sort_values(["p", "a", "m", "f"], kind="stable").index
    values = values.loc[order].reset_index(drop=True)
    pillar_of = {a.id: a.pillar for a in plan.actions}
    values.insert(3, "pillar", values["action_id"].map(pillar_of).fillna(""))
    return values


def build_tables(periods: Sequence[PeriodData], values: pd.DataFrame, words: Wording) -> Tables:
    """The tables of the last of `periods`; the earlier ones make its history."""
    data = periods[-1]
    plan = data.plan
    pairs = _pairs(data, values[values["period"] == data.period], words)
    rollup = _rollup(data, pairs, words)
    return Tables(
        data=data,
        periods=tuple(periods),
        pairs=pairs,
        rollup=rollup,
        by_pillar=_counts_by_pillar(plan, pairs, "category", CATEGORIES),
        rollup_by_pillar=_counts_by_pillar(plan, rollup, "roll_up", ROLL_UP_CATEGORIES),
        figures=figure_tables(data, words),
        history=history_table(periods, words),
    )


def _pairs(data: PeriodData, this: pd.DataFrame, words: Wording) -> pd.DataFrame:
    """Every action report with its texts, and its figures or the word for why there is
    none; the cells of the ministry's file it came from."""
    plan = data.plan
    texts = this.pivot(index=["action_id", "ministry"], columns="field", values="value")
    rows_of = this.assign(row=this["cell"].str.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").astype(int))
    rows_of = rows_of.groupby(["action_id", "ministry"]).agg(
        sheet=("sheet", "first"), row=("row", "first")
    )
    files = {m.code: m.accepted_file for m in data.status.ministries if not m.missing}
    records = []
    for action in plan.actions:
        for ministry in action.ministries:
            key = (action.id, ministry)
            record: dict[str, object] = {"action_id": action.id}
            record.update({f: description(plan, action, f) for f in DESCRIPTIONS})
            record.update(pillar_id=action.pillar, ministry=ministry)
            record["category"] = data.category(action.id, ministry)
            for field in TEXT_FIELDS:
                value = texts.at[key, field] if key in texts.index and field in texts else None
                record[field] = None if pd.isna(value) else value
            record.update(report_figures(data, words, action, ministry))
            record["in_totals"] = in_totals(data, words, action, ministry)
            record["count_label"] = action.count_label
            record["revised"] = revised_text(data.revised(action.id, ministry), words)
            record["file"] = files.get(ministry, "")
            record["cells"] = ""
            if key in rows_of.index:
                sheet, row = rows_of.at[key, "sheet"], rows_of.at[key, "row"]
                record["cells"] = f"{sheet}!{FIRST_INPUT}{row}:{LAST_INPUT}{row}"
            records.append(record)
    return pd.DataFrame.from_records(records)


def _rollup(data: PeriodData, pairs: pd.DataFrame, words: Wording) -> pd.DataFrame:
    plan = data.plan
    records = []
    statuses = pairs.groupby("action_id", sort=False)["status"].apply(list)
    for action in plan.actions:
        given = statuses.get(action.id, [])
        given = [s if isinstance(s, str) and s else None for s in given]
        records.append(
            {
                "action_id": action.id,
                "pillar": plan.pillar(action.pillar).title,
                "pillar_id": action.pillar,
                "action": action.action,
                "ministries": ", ".join(action.ministries),
                "reported": sum(1 for s in given if s),
                "of": len(action.ministries),
                "statuses": words.listed(
                    words.label(m) + words.status(data.category(action.id, m))
                    for m in action.ministries
                ),
                "roll_up": roll_up(given),
            }
        )
    return pd.DataFrame.from_records(records)


def _counts_by_pillar(
    plan, frame: pd.DataFrame, column: str, categories: Sequence[str]
) -> pd.DataFrame:
    """Counts of `frame` rows by pillar and `column`, every category and pillar present."""
    table = pd.pivot_table(
        frame.assign(n=1),
        index="pillar_id",
        columns=column,
        values="n",
        aggfunc="sum",
        fill_value=0,
    )
    table = table.reindex(
        index=[p.id for p in plan.pillars], columns=list(categories), fill_value=0
    ).astype(int)
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    names = {p.id: p.title for p in plan.pillars} | {"Total": "Total"}
    table.index = [names[i] for i in table.index]
    table.columns.name = None
    return table
