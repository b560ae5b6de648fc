"""Tests edit a copy of the shipped register the way a coordinator would: one action row."""

from __future__ import annotations

import csv
from pathlib import Path


def edit_action(actions_csv: Path, action_id: str, **changes: str) -> None:
    """Change the named columns of one action row, keeping the file's own columns."""
    with actions_csv.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["id"] == action_id:
            row.update(changes)
    with actions_csv.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
