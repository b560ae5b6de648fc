"""A page-sized picture measured in points and drawn with Pillow at print resolution: what the
reports' few bar charts need (boxes, lines, text in DejaVu Sans), without matplotlib's half
second of import and its two drawings of every figure."""

from __future__ import annotations

import importlib.util
import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.failures import NapError

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

DPI = 200
SCALE = DPI / 72  # pixels per point
FONT_PT = 8.0
BLACK = (0, 0, 0)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


@cache
def _font_file() -> Path:
    """DejaVu Sans, as in the reports' other figures: matplotlib ships it, and finding it
    does not import matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec and spec.submodule_search_locations) or []:
        path = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.is_file():
            return path
    raise NapError("the font DejaVu Sans of matplotlib is missing; reinstall the tool")


@cache
def font(size_pt: float = FONT_PT) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(_font_file()), round(size_pt * SCALE))


def text_width(text: str, size_pt: float = FONT_PT) -> float:
    """In points; the widest line of a text on several lines."""
    return max(font(size_pt).getlength(line) for line in text.split("\n")) / SCALE


def line_height(size_pt: float = FONT_PT) -> float:
    return size_pt * 1.2


class Canvas:
    """White, `width` x `height` points; every coordinate in points from the top left."""

    def __init__(self, width: float, height: float) -> None:
        from PIL import Image, ImageDraw

        self.width, self.height = width, height
        self.image = Image.new("RGB", (round(width * SCALE), round(height * SCALE)), "white")
        self.draw = ImageDraw.Draw(self.image)

    def box(self, x0: float, y0: float, x1: float, y1: float, fill: str, edge: str) -> None:
        """A filled rectangle with a thin (half-point) edge."""
        corners = [round(min(x0, x1) * SCALE), round(min(y0, y1) * SCALE)]
        corners += [round(max(x0, x1) * SCALE), round(max(y0, y1) * SCALE)]
        self.draw.rectangle(corners, fill=_rgb(fill), outline=_rgb(edge), width=1)

    def line(
        self, x0: float, y0: float, x1: float, y1: float, colour: str, width: float = 0.8
    ) -> None:
        ends = [(round(x0 * SCALE), round(y0 * SCALE)), (round(x1 * SCALE), round(y1 * SCALE))]
        self.draw.line(ends, fill=_rgb(colour), width=max(1, round(width * SCALE)))

    def dashed(self, x: float, y0: float, y1: float, colour: str, width: float = 1.0) -> None:
        """A vertical dashed line, dashes and gaps in matplotlib's proportions."""
        dash, gap = 3.7 * width, 1.6 * width
        y = y0
        while y < y1:
            self.line(x, y, x, min(y + dash, y1), colour, width)
            y += dash + gap

    def text(
        self, x: float, y: float, text: str, anchor: str = "la", size_pt: float = FONT_PT
    ) -> None:
        """`anchor` as Pillow's: l/m/r horizontally, a (top)/m/d (bottom) vertically; lines
        of a text on several lines are centred on each other when `anchor` centres."""
        align = {"l": "left", "m": "center", "r": "right"}[anchor[0]]
        spacing = (line_height(size_pt) - size_pt) * SCALE
        self.draw.multiline_text(
            (x * SCALE, y * SCALE), text, fill=BLACK, font=font(size_pt), anchor=anchor,
            align=align, spacing=spacing,
        )  # fmt: skip

    def upright_text(self, x: float, y: float, text: str, size_pt: float = FONT_PT) -> None:
        """Text read bottom to top (a y axis's title), centred on (x, y)."""
        from PIL import Image, ImageDraw

        face = font(size_pt)
        strip = Image.new(
            "RGB", (round(face.getlength(text)) + 1, round(size_pt * 1.3 * SCALE)), "white"
        )
        ImageDraw.Draw(strip).text((0, 0), text, fill=BLACK, font=face)
        turned = strip.rotate(90, expand=True)
        self.image.paste(
            turned, (round(x * SCALE - turned.width / 2), round(y * SCALE - turned.height / 2))
        )

    def png(self) -> bytes:
        """The same bytes for the same drawing: Pillow writes no time into a PNG."""
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", dpi=(DPI, DPI))
        return buffer.getvalue()
