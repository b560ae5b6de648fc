"""The tidy long table for analysts, CSV or Parquet: one row per value expected of each
action report of each period, with its state, so that a missing return or an empty cell is
never read as 0 by whoever sums the column."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pipeline.atomic import atomic_path
from pipeline.failures import NapError
from pipeline.outputs import figures as f
from pipeline.outputs.period_data import PeriodData
from pipeline.plan.register import Action
from pipeline.template.contract import INPUTS, is_open

KEYS = ["period", "action_id", "ministry", "field"]


def unit(action: Action, field: str) -> str:
    """What a figure counts: the count's label, people of a kind, or EUR."""
    if field == "count":
        return action.count_label
    if field in ("women", "men"):
        return f"people ({action.head_count})" if action.head_count else "people"
    return "EUR" if field == "amount" else ""


def tidy_table(periods: Sequence[PeriodData], values: pd.DataFrame) -> pd.DataFrame:
    """Every input the template opened for each action report of each period: its state
    (given, left_empty, no_status, not_applicable, no_return, rejected, held), whether a
    figure is counted in the totals, and the value with its file and cell where one was
    given."""
    plan = periods[-1].plan
    rows = []
    for data in periods:
        for action, ministry in f.reports_of(plan.actions):
            category = data.category(action.id, ministry)
            for column in (c for c in INPUTS if is_open(c, action.measures)):
                name = column.field
                counted = f.counted(data, action, ministry, name) is not None
                rows.append(
                    {
                        "period": data.period, "pillar": action.pillar,
                        "action_id": action.id, "ministry": ministry, "field": name,
                        "unit": unit(action, name), "row_status": category,
                        "state": f.figure_state(data, action, ministry, name),
                        "counted": counted if name in f.FIGURE_FIELDS else None,
                    }
                )  # fmt: skip
    given = values.drop(columns=["pillar"])
    return pd.DataFrame.from_records(rows).merge(given, how="left", on=KEYS, validate="1:1")


# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would read as a formula get a leading apostrophe, the
    usual mark of literal text; numbers are left alone (-5 stays a number)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype != object and not pd.api.types.is_string_dtype(frame[column]):
            continue
        text = frame[column]
        risky = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS))
        if "number" in frame and column == "value":
            risky &= frame["number"].isna()
        frame[column] = text.where(~risky, "'" + text.astype(str))
    return frame


def write_tidy(values: pd.DataFrame, dest: Path) -> Path:
    """Write `values` (tidy_table) to `dest` (.csv or .parquet) atomically."""
    suffix = dest.suffix.lower()
    with atomic_path(dest) as tmp:
        if suffix == ".csv":
            # utf-8-sig: Excel reads the accents right only with the byte order mark.
            defuse(values).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
        else:
            try:
                values.to_parquet(tmp, index=False)
            except ImportError as exc:
                raise NapError(
                    "--format parquet needs pyarrow: pip install 'nap-reporting[parquet]' "
                    "(or use --format csv)"
                ) from exc
    return dest
