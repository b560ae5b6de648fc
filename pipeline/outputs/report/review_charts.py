"""The small trend charts of the final implementation report: one small panel per
sex-disaggregated indicator, women and men over the plan's years, a gap where none was given."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

from pipeline import excel_style as style
from pipeline.outputs.report.charts import DPI, STYLE, WIDTH_IN, _png

COLUMNS = 3
PER_FIGURE = 12  # panels on one page at most
PANEL_HEIGHT_IN = 1.55
# Told apart by colour, line and marker, so that no reader depends on the colour alone.
LINES = ((f"#{style.WOMEN}", "-", "o"), (f"#{style.ORANGE}", "--", "s"))

Panel = tuple[str, Mapping[int, float | None], Mapping[int, float | None]]


def women_and_men(
    years: Sequence[int], panels: Sequence[Panel], legend: tuple[str, str]
) -> list[bytes]:
    """PNG figures of at most PER_FIGURE panels each, every panel with its own scale (the
    indicators count different things), all starting at zero."""
    return [
        _figure(years, panels[i : i + PER_FIGURE], legend)
        for i in range(0, len(panels), PER_FIGURE)
    ]


def _figure(years: Sequence[int], panels: Sequence[Panel], legend: tuple[str, str]) -> bytes:
    import matplotlib
    from matplotlib.figure import Figure

    rows = math.ceil(len(panels) / COLUMNS)
    with matplotlib.rc_context({**STYLE, "font.size": 6.5}):
        fig = Figure(figsize=(WIDTH_IN, 0.5 + PANEL_HEIGHT_IN * rows), dpi=DPI)
        axes = list(fig.subplots(rows, COLUMNS, squeeze=False).flat)
        for ax, (title, women, men) in zip(axes, panels, strict=False):
            for values, (colour, line, marker), label in zip(
                (women, men), LINES, legend, strict=True
            ):
                shown = [math.nan if values.get(y) is None else values[y] for y in years]
                ax.plot(years, shown, color=colour, linestyle=line, marker=marker, markersize=2.5,
                        label=label)  # fmt: skip
            ax.set_title(textwrap.fill(title, 34), fontsize=6.5, loc="left")
            ax.set_xticks(list(years), [f"’{y % 100:02d}" for y in years])
            ax.set_ylim(bottom=0)
        for ax in axes[len(panels) :]:
            ax.set_visible(False)
        handles, labels = fig.axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper right", ncols=2, frameon=False)
        fig.tight_layout(rect=(0, 0, 1, 0.95))
        return _png(fig)
