"""The tables of the figures reported, each adding up only figures of one unit and kind: per
indicator, counts per unit, women and men per kind of head count, amounts (all in EUR) per
pillar and ministry; every total with its coverage, every missing figure a word."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.outputs import figures as f
from pipeline.outputs.period_data import PeriodData
from pipeline.outputs.wording import Wording
from pipeline.plan.register import Action


@dataclass(frozen=True)
class FigureTables:
    heads: pd.DataFrame  # one row per sex-disaggregated indicator of the plan
    heads_by_kind: pd.DataFrame  # flows, stocks: the indicators each pools
    counts: pd.DataFrame  # one row per count indicator of the plan
    counts_by_unit: pd.DataFrame  # one row per unit that several indicators share
    amounts: pd.DataFrame  # one row per amount indicator of the plan
    amounts_by_pillar: pd.DataFrame  # with a total row
    amounts_by_ministry: pd.DataFrame  # with a total row


def figure_tables(data: PeriodData, words: Wording) -> FigureTables:
    plan = data.plan
    return FigureTables(
        heads=_heads(data, words, [a for a in plan.actions if "women_men" in a.measures]),
        heads_by_kind=_heads_by_kind(data, words),
        counts=_per_indicator(data, words, "count"),
        counts_by_unit=_counts_by_unit(data, words),
        amounts=_per_indicator(data, words, "amount"),
        amounts_by_pillar=_amounts_by(data, words, "pillar"),
        amounts_by_ministry=_amounts_by(data, words, "ministry"),
    )


def report_figures(
    data: PeriodData, words: Wording, action: Action, ministry: str
) -> dict[str, float | str]:
    """One action report's figures, each a number or the word for why there is none; women
    and men added up, and the share of women, only when both are given."""
    found = {name: f.cell(data, words, action, ministry, name) for name in f.FIGURE_FIELDS}
    women, men = found["women"], found["men"]
    if isinstance(women, float) and isinstance(men, float):
        both = women + men
        found["total"] = both
        found["women_share"] = women / both if both else words("states.none")
    else:
        found["total"] = found["women_share"] = women if isinstance(women, str) else men
    return found


def in_totals(data: PeriodData, words: Wording, action: Action, ministry: str) -> str:
    """Whether the report's figures are in the totals, and if a figure given is not, why."""
    asked = [n for n in f.FIGURE_FIELDS if f.MEASURE_OF[n] in action.measures]
    if any(f.counted(data, action, ministry, n) is not None for n in asked):
        return words.phrase("yes")
    given = [n for n in asked if f.figure_state(data, action, ministry, n) == f.GIVEN]
    if not given:
        return ""
    reason = f.left_out_reason(data, action, ministry, given[0])
    return words.label(words.phrase("no")) + f.state_word(words, reason)


def _heads_row(data: PeriodData, words: Wording, actions: list[Action], of: str) -> dict:
    """Women, men, their sum and the share of women over the reports of `actions`, with the
    base of the share and the coverage of the sums."""
    found = f.heads(data, f.reports_of(actions))
    women, men = f.total_cell(words, found.women), f.total_cell(words, found.men)
    people = None
    if found.women.value is not None and found.men.value is not None:
        people = found.women.value + found.men.value
    if people is None:  # the word of a missing sum says why
        people = next(c for c in (women, men) if isinstance(c, str))
    return {
        "women": women,
        "men": men,
        "total": people,
        "women_share": found.share.value,  # blank when no report gives both: no bar charted
        "share_base": f.share_text(words, found.share),
        "coverage": f.coverage(words, found.women, of=of),
    }


def _heads(data: PeriodData, words: Wording, actions: list[Action]) -> pd.DataFrame:
    """Every sex-disaggregated indicator of the plan, with figures or not, so that the table
    keeps its rows from year to year."""
    records = [
        {
            "action_id": a.id,
            "indicator": a.indicator,
            "head_count": a.head_count,
            **_heads_row(data, words, [a], "ministries"),
        }
        for a in actions
    ]
    return pd.DataFrame.from_records(records, columns=HEADS_COLUMNS)


HEADS_COLUMNS = [
    "action_id", "indicator", "head_count", "women", "men", "total", "women_share",
    "share_base", "coverage",
]  # fmt: skip


def _heads_by_kind(data: PeriodData, words: Wording) -> pd.DataFrame:
    records = [
        {
            "head_count": kind,
            "indicators": f.pooled_ids(actions),
            **_heads_row(data, words, list(actions), "reports"),
        }
        for kind, actions in f.by_kind(data.plan)
    ]
    columns = ["head_count", "indicators", *HEADS_COLUMNS[3:]]
    return pd.DataFrame.from_records(records, columns=columns)


def _per_indicator(data: PeriodData, words: Wording, field: str) -> pd.DataFrame:
    """Every indicator of the plan that asks for `field`, its total over its ministries."""
    records = []
    for action in data.plan.actions:
        if f.MEASURE_OF[field] not in action.measures:
            continue
        found = f.total(data, f.reports_of([action]), field)
        records.append(
            {
                "action_id": action.id,
                "indicator": action.indicator,
                "count_label": action.count_label,
                field: f.total_cell(words, found),
                "coverage": f.coverage(words, found),
            }
        )
    columns = ["action_id", "indicator", "count_label", field, "coverage"]
    return pd.DataFrame.from_records(records, columns=columns)


def _counts_by_unit(data: PeriodData, words: Wording) -> pd.DataFrame:
    """Counts added up across the indicators that share a unit; a unit of one indicator is
    its own row of the counts per indicator."""
    records = []
    for unit, actions in f.by_unit(data.plan):
        if len(actions) < 2:
            continue
        found = f.total(data, f.reports_of(actions), "count")
        records.append(
            {
                "count_label": unit,
                "indicators": f.pooled_ids(actions),
                "count": f.total_cell(words, found),
                "coverage": f.coverage(words, found, of="reports"),
            }
        )
    columns = ["count_label", "indicators", "count", "coverage"]
    return pd.DataFrame.from_records(records, columns=columns)


def _amounts_by(data: PeriodData, words: Wording, by: str) -> pd.DataFrame:
    """Amounts (one unit, EUR) per pillar or ministry, "not asked" where none of its
    indicators asks for one; a last row for all of them."""
    plan = data.plan
    reports = f.reports_of(plan.actions)
    if by == "pillar":
        named = [(p.id, p.title) for p in plan.pillars]
        groups = [(k, n, [r for r in reports if r[0].pillar == k]) for k, n in named]
    else:
        named = [(m.code, m.name) for m in plan.ministries]
        groups = [(k, n, [r for r in reports if r[1] == k]) for k, n in named]
    groups.append(("Total", words.phrase(ALL_OF[by]), reports))
    records = []
    for key, name, members in groups:
        found = f.total(data, members, "amount")
        coverage = f.coverage(words, found, of="reports") if found.expected else ""
        records.append(
            {"key": key, "name": name, "amount": f.total_cell(words, found), "coverage": coverage}
        )
    return pd.DataFrame.from_records(records, columns=["key", "name", "amount", "coverage"])


ALL_OF = {"pillar": "All pillars", "ministry": "All ministries"}
