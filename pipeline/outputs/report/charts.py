"""The reports' bar charts as PNG bytes at print resolution, identical for identical data.
Drawn with Pillow on a canvas in points (see canvas.py), in the look matplotlib gave them:
a tenth of the time, and no matplotlib to import for the annual report."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline import excel_style as style
from pipeline.outputs.report.canvas import FONT_PT, Canvas, line_height, text_width

WIDTH_IN = 6.3  # the text width of an A4 page with 2 cm margins, a little less
WIDTH = WIDTH_IN * 72
TICK, PAD, EDGE = 3.5, 3.5, 4.0  # tick length, tick to label, picture edge to text
LINE = line_height()
AXIS = f"#{style.DARK_GREY}"
BAR_EDGE = f"#{style.MID_GREY}"

Series = Sequence[tuple[str, Sequence[float], str]]  # (label, value per bar, hex colour)
Axes2 = tuple[str, str]  # the titles of the x and y axes
LABEL_ROOM_PT = 11.0  # a segment shorter than this has no room for its number inside


@dataclass(frozen=True)
class Frame:
    """The plotting area in points, and the data range it shows on each axis."""

    x0: float
    y0: float
    x1: float
    y1: float
    xs: tuple[float, float]
    ys: tuple[float, float]  # bottom, top: reversed for a list read top down

    def x(self, value: float) -> float:
        low, high = self.xs
        return self.x0 + (value - low) / (high - low) * (self.x1 - self.x0)

    def y(self, value: float) -> float:
        low, high = self.ys
        return self.y1 - (value - low) / (high - low) * (self.y1 - self.y0)


def _ticks(top: float) -> list[float]:
    """Round steps, at most six of them up to `top`, as an axis in a report would have."""
    magnitude = 10 ** (len(str(int(top))) - 1) if top >= 1 else 0.1
    steps = [m * magnitude / 100 for m in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000)]
    step = next(s for s in steps if top / s <= 6)
    count = int(top / step + 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def _axes(canvas: Canvas, frame: Frame, titles: Axes2, y_title_x: float, x_title_y: float) -> None:
    """The left and bottom spines and both axis titles."""
    canvas.line(frame.x0, frame.y0, frame.x0, frame.y1, AXIS)
    canvas.line(frame.x0, frame.y1, frame.x1, frame.y1, AXIS)
    canvas.text((frame.x0 + frame.x1) / 2, x_title_y, titles[0], "ma")
    canvas.upright_text(y_title_x, (frame.y0 + frame.y1) / 2, titles[1])


def _y_ticks(canvas: Canvas, frame: Frame, ticks: Sequence[float], labels: Sequence[str]) -> None:
    for value, label in zip(ticks, labels, strict=True):
        y = frame.y(value)
        canvas.line(frame.x0 - TICK, y, frame.x0, y, AXIS)
        canvas.text(frame.x0 - TICK - PAD, y, label, "rm")


def _x_ticks(canvas: Canvas, frame: Frame, ticks: Sequence[float], labels: Sequence[str]) -> None:
    for value, label in zip(ticks, labels, strict=True):
        x = frame.x(value)
        canvas.line(x, frame.y1, x, frame.y1 + TICK, AXIS)
        canvas.text(x, frame.y1 + TICK + PAD, label, "ma")


def _legend(canvas: Canvas, x: float, y: float, entries: Sequence[tuple[str, str]]) -> None:
    """Swatch and label, one below the other, the first at the top, as stacked."""
    for i, (label, colour) in enumerate(entries):
        middle = y + 0.4 * FONT_PT + LINE / 2 + i * (LINE + 0.4 * FONT_PT)
        swatch = x + 0.4 * FONT_PT
        canvas.box(swatch, middle - 2.8, swatch + 2 * FONT_PT, middle + 2.8, colour, BAR_EDGE)
        canvas.text(swatch + 2.8 * FONT_PT, middle, label, "lm")


def _stacked(
    height_in: float,
    names: list[str],
    series: Series,
    shown: Callable[[float], str],
    titles: Axes2,
    top: float | None = None,
) -> bytes:
    """Stacked bars with each segment's number in its middle, left out of a segment too short
    to hold it (the table beside the chart gives every number); empty series are left out of
    the legend so that it lists only what the chart shows. The y axis ends at `top`, or at
    the highest bar."""
    drawn = [(label, values, f"#{colour}") for label, values, colour in series if any(values)]
    totals = [sum(values[i] for _, values, _ in drawn) for i in range(len(names))]
    top = top or max(totals, default=0) or 1
    ticks = _ticks(top)
    tick_labels = [shown(t) for t in ticks]
    legend = [(label, colour) for label, _, colour in reversed(drawn)]
    legend_width = 3.2 * FONT_PT + max((text_width(label) for label, _ in legend), default=0)
    lines = max((name.count("\n") + 1 for name in names), default=1)
    x0 = EDGE + LINE + PAD + max(text_width(t) for t in tick_labels) + PAD + TICK
    height = height_in * 72
    y1 = height - (EDGE + LINE + PAD + lines * LINE + PAD + TICK)
    x1 = WIDTH - 2 * EDGE - legend_width - 0.01 * WIDTH
    margin = 0.05 * (len(names) - 0.4)
    frame = Frame(x0, 8.0, x1, y1, (-0.3 - margin, len(names) - 0.7 + margin), (0, top))
    canvas = Canvas(WIDTH, height)
    bottoms = [0.0] * len(names)
    room = (frame.y1 - frame.y0) / top
    for _, values, colour in drawn:
        for i, value in enumerate(values):
            if not value:
                continue
            low, high = frame.y(bottoms[i]), frame.y(bottoms[i] + value)
            canvas.box(frame.x(i - 0.3), high, frame.x(i + 0.3), low, colour, BAR_EDGE)
            if value * room >= LABEL_ROOM_PT:
                canvas.text(frame.x(i), (low + high) / 2, shown(value), "mm")
            bottoms[i] += value
    _axes(canvas, frame, titles, EDGE + LINE / 2, y1 + TICK + PAD + lines * LINE + PAD)
    _y_ticks(canvas, frame, ticks, tick_labels)
    _x_ticks(canvas, frame, list(range(len(names))), names)
    _legend(canvas, x1 + 0.01 * WIDTH, frame.y0, legend)
    return canvas.png()


def status_by_pillar(pillars: Sequence[str], series: Series, axes: Axes2) -> bytes:
    """One bar per pillar, stacked by status; `series` gives the action reports per pillar."""
    names = [textwrap.fill(p, 18) for p in pillars]  # long pillar names would overlap
    return _stacked(3.4, names, series, lambda v: f"{v:g}", axes)


def progress_over_time(names: Sequence[str], series: Series, axes: Axes2) -> bytes:
    """One bar per reporting year, stacked by the shares in `series` (fractions of 1);
    `names` label the bars, a year with the base of its shares."""
    return _stacked(2.8, list(names), series, lambda v: f"{v:.0%}", axes, top=1)


def women_share(
    labels: Sequence[str], shares: Sequence[float], values: Sequence[str], axes: Axes2
) -> bytes:
    """Horizontal bars of the share of women, with the parity line at 50%; `values` are
    written in a column right of the bars, clear of the parity line whatever the share."""
    height = (1.1 + 0.28 * len(labels)) * 72
    x0 = EDGE + LINE + PAD + max((text_width(t) for t in labels), default=0) + PAD + TICK
    value_width = max((text_width(v) for v in values), default=0)
    x1 = x0 + (WIDTH - EDGE - value_width - x0) / 1.03
    y1 = height - (EDGE + LINE + PAD + LINE + PAD + TICK)
    margin = 0.05 * (len(labels) - 0.2)
    frame = Frame(x0, 8.0, x1, y1, (0, 1), (len(labels) - 0.6 + margin, -0.4 - margin))
    canvas = Canvas(WIDTH, height)
    for row, (share, text) in enumerate(zip(shares, values, strict=True)):
        top, bottom = frame.y(row - 0.4), frame.y(row + 0.4)
        canvas.box(frame.x(0), top, frame.x(share), bottom, f"#{style.WOMEN}", BAR_EDGE)
        canvas.text(frame.x(1.03), frame.y(row), text, "lm")
    canvas.dashed(frame.x(0.5), frame.y0, frame.y1, f"#{style.PARITY}")
    _axes(canvas, frame, axes, EDGE + LINE / 2, y1 + TICK + PAD + LINE + PAD)
    _y_ticks(canvas, frame, list(range(len(labels))), labels)
    quarters = [0, 0.25, 0.5, 0.75, 1.0]
    _x_ticks(canvas, frame, quarters, [f"{q:.0%}" for q in quarters])
    return canvas.png()
