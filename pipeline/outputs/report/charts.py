"""Charts of the reports as PNG bytes at print resolution, identical for identical data."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 200
WIDTH_IN = 6.3  # the text width of an A4 page with 2 cm margins, a little less
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": "#595959",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _figure(height_in: float) -> tuple[Figure, Axes]:
    """A bare Figure, not pyplot: no global state, and half a second less to import."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
    return fig, fig.add_subplot()


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _percent(ax: Axes, axis: str) -> None:
    from matplotlib.ticker import PercentFormatter

    getattr(ax, f"{axis}axis").set_major_formatter(PercentFormatter(1.0, decimals=0))


Series = Sequence[tuple[str, Sequence[float], str]]  # (label, value per bar, hex colour)


def _stacked(ax: Axes, names: list[str], series: Series, shown: Callable[[float], str]) -> None:
    """Stacked bars with each segment labelled in its middle; empty series are left out of
    the legend so that it lists only what the chart shows."""
    bottoms = [0.0] * len(names)
    for label, values, colour in series:
        if not any(values):
            continue
        bars = ax.bar(
            names, values, bottom=bottoms, color=f"#{colour}", edgecolor="#595959",
            linewidth=0.5, label=label, width=0.6,
        )  # fmt: skip
        ax.bar_label(bars, [shown(v) if v else "" for v in values], label_type="center")
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    handles, labels = ax.get_legend_handles_labels()  # listed top down, as stacked
    ax.legend(
        handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False
    )


def status_by_pillar(pillars: Sequence[str], series: Series) -> bytes:
    """One bar per pillar, stacked by status; `series` gives the pairs per pillar."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig, ax = _figure(3.2)
        names = [textwrap.fill(p, 18) for p in pillars]  # long pillar names would overlap
        _stacked(ax, names, series, lambda v: f"{v:g}")
        ax.set_ylabel("Action rows (action and ministry)")
        fig.tight_layout()
        return _png(fig)


def progress_over_time(periods: Sequence[int], series: Series) -> bytes:
    """One bar per reporting year, stacked by the shares in `series` (fractions of 1)."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig, ax = _figure(2.8)
        _stacked(ax, [str(p) for p in periods], series, lambda v: f"{v:.0%}")
        ax.set_ylim(0, 1)
        _percent(ax, "y")
        ax.set_ylabel("Share of pairs (not applicable left out)")
        fig.tight_layout()
        return _png(fig)


def women_share(labels: Sequence[str], women: Sequence[float], men: Sequence[float]) -> bytes:
    """Horizontal bars of the share of women, with the parity line at 50%."""
    import matplotlib

    shares = [w / (w + m) if w + m else 0.0 for w, m in zip(women, men, strict=True)]
    with matplotlib.rc_context(STYLE):
        fig, ax = _figure(0.9 + 0.28 * len(labels))
        positions = range(len(labels))
        ax.barh(positions, shares, color="#9DC3E6", edgecolor="#595959", linewidth=0.5)
        for y, share, w, m in zip(positions, shares, women, men, strict=True):
            # In a column right of the axes, clear of the parity line whatever the share.
            ax.text(1.03, y, f"{share:.0%} ({w:g} of {w + m:g})", va="center", clip_on=False)
        ax.axvline(0.5, color="#C00000", linestyle="--", linewidth=1)
        ax.set_yticks(list(positions), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        _percent(ax, "x")
        ax.set_xlabel("Share of women (dashed line: parity)")
        fig.tight_layout()
        return _png(fig)
