"""Charts of the reports as PNG bytes at print resolution, identical for identical data."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pipeline import excel_style as style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 200
WIDTH_IN = 6.3  # the text width of an A4 page with 2 cm margins, a little less
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": f"#{style.DARK_GREY}",
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
Axes2 = tuple[str, str]  # the titles of the x and y axes
LABEL_ROOM_PT = 11.0  # a segment shorter than this has no room for its number inside


def _stacked(
    fig: Figure,
    ax: Axes,
    names: list[str],
    series: Series,
    shown: Callable[[float], str],
    top: float | None = None,
) -> None:
    """Stacked bars with each segment's number in its middle, left out of a segment too short
    to hold it (the table beside the chart gives every number); empty series are left out of
    the legend so that it lists only what the chart shows. The y axis ends at `top`, or at
    the highest bar."""
    bottoms = [0.0] * len(names)
    drawn = []
    for label, values, colour in series:
        if not any(values):
            continue
        bars = ax.bar(
            names, values, bottom=bottoms, color=f"#{colour}", edgecolor=f"#{style.MID_GREY}",
            linewidth=0.5, label=label, width=0.6,
        )  # fmt: skip
        drawn.append((bars, values))
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    top = top or max(bottoms, default=0) or 1
    ax.set_ylim(0, top)
    handles, labels = ax.get_legend_handles_labels()  # listed top down, as stacked
    ax.legend(
        handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False
    )
    fig.tight_layout()
    points_per_unit = ax.get_window_extent().height * 72 / fig.dpi / top
    for bars, values in drawn:
        fits = [shown(v) if v and v * points_per_unit >= LABEL_ROOM_PT else "" for v in values]
        ax.bar_label(bars, fits, label_type="center")


def _titles(ax: Axes, axes: Axes2) -> None:
    ax.set_xlabel(axes[0])
    ax.set_ylabel(axes[1])


def status_by_pillar(pillars: Sequence[str], series: Series, axes: Axes2) -> bytes:
    """One bar per pillar, stacked by status; `series` gives the action reports per pillar."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig, ax = _figure(3.4)
        names = [textwrap.fill(p, 18) for p in pillars]  # long pillar names would overlap
        _titles(ax, axes)
        _stacked(fig, ax, names, series, lambda v: f"{v:g}")
        return _png(fig)


def progress_over_time(names: Sequence[str], series: Series, axes: Axes2) -> bytes:
    """One bar per reporting year, stacked by the shares in `series` (fractions of 1);
    `names` label the bars, a year with the base of its shares."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig, ax = _figure(2.8)
        _percent(ax, "y")
        _titles(ax, axes)
        _stacked(fig, ax, list(names), series, lambda v: f"{v:.0%}", top=1)
        return _png(fig)


def women_share(
    labels: Sequence[str], shares: Sequence[float], values: Sequence[str], axes: Axes2
) -> bytes:
    """Horizontal bars of the share of women, with the parity line at 50%; `values` are
    written beside the bars."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig, ax = _figure(1.1 + 0.28 * len(labels))
        positions = range(len(labels))
        ax.barh(
            positions, shares, color=f"#{style.WOMEN}", edgecolor=f"#{style.MID_GREY}",
            linewidth=0.5,
        )  # fmt: skip
        for y, text in zip(positions, values, strict=True):
            # In a column right of the axes, clear of the parity line whatever the share.
            ax.text(1.03, y, text, va="center", clip_on=False)
        ax.axvline(0.5, color=f"#{style.PARITY}", linestyle="--", linewidth=1)
        ax.set_yticks(list(positions), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        _percent(ax, "x")
        _titles(ax, axes)
        fig.tight_layout()
        return _png(fig)
