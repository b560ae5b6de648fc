"""Draw the pictures of the coordinator's guide (docs/images/*.png) from a demo cycle.

Run `python docs/make_pictures.py` from the repository after changing the template layout,
the feedback workbook, the consolidated workbook or the committee report, and commit the
PNGs it writes. It needs LibreOffice (`soffice`) and poppler (`pdftoppm`, `pdftotext`).
It runs the demo in a temporary folder, prints the outputs to PDF with LibreOffice, finds
the pages by their text, renders them with poppler and crops and joins them with Pillow.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from PIL import Image, ImageChops, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipeline.demo import run_demo
from pipeline.outputs.pdf import to_pdf as pipeline_pdf

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
DPI = 200  # rendered at this resolution, then scaled down to WIDTH pixels at most
WIDTH = 1400
GAP = 24  # pixels between joined pages
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    pdf: Path
    number: int  # from 1
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        """Just below the page's first line, its running header."""
        return self.words[0].y1 + 4

    def find(self, phrase: str) -> Word:
        """The first word of the topmost occurrence of `phrase` on the page."""
        parts, texts = phrase.split(), [w.text for w in self.words]
        found = [
            self.words[i]
            for i in range(len(texts) - len(parts) + 1)
            if texts[i : i + len(parts)] == parts
        ]
        if not found:
            raise SystemExit(f"make_pictures: no {phrase!r} on page {self.number} of {self.pdf}")
        return min(found, key=lambda w: (w.y0, w.x0))

    @cached_property
    def image(self) -> Image.Image:
        out, n = self.pdf.with_name(f"{self.pdf.stem}-{self.number}"), str(self.number)
        run("pdftoppm", "-png", "-r", str(DPI), "-f", n, "-l", n, "-singlefile", self.pdf, out)
        return Image.open(out.with_suffix(".png")).convert("RGB")

    def render(self, x0: float = 0, y0: float = 0, x1: float = 1e5, y1: float = 1e5) -> Image.Image:
        """The box of the page from (x0, y0) to (x1, y1), in points."""
        x0, y0, x1, y1 = (max(0, round(v * DPI / 72)) for v in (x0, y0, x1, y1))
        return self.image.crop((x0, y0, min(x1, self.image.width), min(y1, self.image.height)))


def run(*args: str | Path) -> None:
    subprocess.run([str(a) for a in args], check=True, capture_output=True)


def to_pdf(src: Path, outdir: Path, *, one_page_per_sheet: bool = False) -> Path:
    """Each sheet on one page, as on screen, if `one_page_per_sheet`; else as printed."""
    options = {"SinglePageSheets": {"type": "boolean", "value": "true"}}
    return pipeline_pdf([src], outdir, options=options if one_page_per_sheet else None)[0]


def pages(pdf: Path) -> list[Page]:
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [
        Page(pdf, i, [Word(html.unescape(t), *map(float, xy)) for *xy, t in WORD.findall(p)])
        for i, p in enumerate(bbox.split("<page ")[1:], start=1)
    ]


def page_with(all_pages: list[Page], *phrases: str, header: str | None = None) -> Page:
    """The first page showing every phrase (and `header` at the end of its first line)."""
    for page in all_pages:
        first_line = [w.text for w in page.words if page.words and w.y0 == page.words[0].y0]
        if header is not None and not " ".join(first_line).endswith(header):
            continue
        if all(p in page.text for p in phrases):
            return page
    raise SystemExit(f"make_pictures: no page of {all_pages[0].pdf.name} shows {phrases}")


def trim(image: Image.Image, pad: int = 16) -> Image.Image:
    """Cut the white margins, leaving `pad` pixels."""
    ink = ImageChops.difference(image, Image.new("RGB", image.size, "white")).convert("L")
    box = ink.point(lambda v: 255 if v > 16 else 0).getbbox()
    return ImageOps.expand(image.crop(box), pad, "white") if box else image


def join(
    images: list[Image.Image], *, across: bool, gap: int = GAP, fill: str = "white"
) -> Image.Image:
    """The images side by side (across) or one under the other, top or left aligned."""
    if across:
        size = (
            sum(i.width for i in images) + gap * (len(images) - 1),
            max(i.height for i in images),
        )
    else:
        size = (
            max(i.width for i in images),
            sum(i.height for i in images) + gap * (len(images) - 1),
        )
    out, at = Image.new("RGB", size, fill), 0
    for image in images:
        out.paste(image, (at, 0) if across else (0, at))
        at += (image.width if across else image.height) + gap
    return out


def save(image: Image.Image, name: str) -> Path:
    if image.width > WIDTH:
        image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
    path = IMAGES / name
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


def report_sheet(
    page: Page, rows: int, columns: list[tuple[str, str | None]], *, title: bool
) -> Image.Image:
    """The header and first `rows` rows of a Report sheet (with its title, if `title`), in
    the column ranges given by their first column's header and the next one's (None: to the
    end), joined as on screen with the panes frozen after column A."""
    pillar = page.find("Pillar").x0
    ids = [w for w in page.words if re.fullmatch(r"[IVX]+\.\d+", w.text) and w.x0 < pillar]
    top = 0 if title else page.find("Action ID").y0 - 4
    strips = [
        page.render(page.find(a).x0 - 2, top, page.find(b).x0 - 2 if b else 1e5, ids[rows].y0 - 2)
        for a, b in columns
    ]
    return join(strips, across=True, gap=3, fill="#808080")


def template_picture(sheet: Page) -> Image.Image:
    """The locked description of the actions, then, scrolled right, the cells to fill in."""
    described = report_sheet(sheet, 2, [("Action ID", "Status")], title=True)
    to_fill = report_sheet(sheet, 2, [("Action ID", "Pillar"), ("Status", None)], title=False)
    return join([trim(described), trim(to_fill)], across=False)


def feedback_picture(errors: Page, sheet: Page) -> Image.Image:
    """The Errors sheet above the marked cells of the Report sheet."""
    columns = [("Action ID", "Pillar"), ("Status", "Activities carried out")]
    marked = report_sheet(sheet, 3, columns, title=False)
    return join([trim(errors.render()), trim(marked)], across=False)


def report_picture(cover: Page, contents: Page, summary: Page, pillar: Page) -> Image.Image:
    """The cover, the contents, the top of the executive summary and of a pillar's first
    page, side by side."""
    parts = [
        cover.render(),
        contents.render(0, contents.top, y1=contents.words[-1].y0 - 4),  # above the footer
        summary.render(0, summary.top, y1=summary.find("Amount reported").y1 + 8),
        pillar.render(0, pillar.top, y1=pillar.find("Reports by action").y0 - 6),
    ]
    parts = [trim(p, pad=48) for p in parts]
    height = max(p.height for p in parts)
    parts = [ImageOps.pad(p, (p.width, height), color="white", centering=(0, 0)) for p in parts]
    return join([ImageOps.expand(p, 2, "#b0b0b0") for p in parts], across=True)


def main() -> None:
    missing = [tool for tool in ("soffice", "pdftoppm", "pdftotext") if not shutil.which(tool)]
    if missing:
        raise SystemExit(
            f"make_pictures: {', '.join(missing)} not found; install LibreOffice and poppler-utils"
        )
    os.environ.setdefault("NAP_SIGNING_KEY", "docs-pictures-not-a-secret")
    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nap-pictures-") as tmp:
        tmpdir = Path(tmp)
        outputs = run_demo(tmpdir / "demo").outputs
        pdfdir = tmpdir / "pdf"
        template = pages(to_pdf(outputs["templates"][0], pdfdir, one_page_per_sheet=True))
        feedback = pages(to_pdf(outputs["feedback"][0], pdfdir, one_page_per_sheet=True))
        consolidated = pages(to_pdf(outputs["consolidated"][0], pdfdir))
        report = pages(to_pdf(outputs["report"][0], pdfdir))

        sheet = page_with(template, "Fill in the white cells only", "Action ID")
        errors = page_with(feedback, "This file was not accepted")
        marked = page_with(feedback, "Fill in the white cells only", "Action ID")
        overview = page_with(consolidated, "Key figures", header="Overview")
        footer = overview.words[-1].y0 - 4
        contents = page_with(report, "Contents", "Executive summary", header="SAMPLE · DRAFT")
        summary = page_with(report, "Executive summary", "Returns accepted")
        pillar = page_with(report, "Main objective:")
        pictures = {
            "template.png": template_picture(sheet),
            "feedback.png": feedback_picture(errors, marked),
            "consolidated.png": trim(overview.render(0, overview.top, y1=footer)),
            "report.png": report_picture(report[0], contents, summary, pillar),
        }
        for name, image in pictures.items():
            path = save(image, name)
            print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
