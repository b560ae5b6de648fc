"""The tidy long table of all accepted values, for analysts: CSV or Parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.atomic import atomic_path
from pipeline.failures import NapError

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
    """Write `values` to `dest` (.csv or .parquet) atomically."""
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
