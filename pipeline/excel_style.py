"""The house style of the workbooks and reports: one colour-blind-safe palette shared by the
workbooks, the Word reports and their charts, the cell formats the templates and the
consolidated workbook have in common, and row heights that show wrapped text."""

from __future__ import annotations

# Colours as RRGGBB, the form python-docx and openpyxl take; xlsxwriter wants "#" before them.
NAVY = "1F3864"  # titles, headings and header rows
INPUT_BLUE = "2E75B6"  # the headers of the columns a ministry fills in
DARK_GREY = "404040"  # subtitles, chart lines and text
MID_GREY = "7F7F7F"  # outlines of chart bars
LINE_GREY = "BFBFBF"  # cell borders, and the inputs an action does not use
PALE_GREY = "F2F2F2"  # locked cells, labels and totals
WHITE = "FFFFFF"
PALE_YELLOW = "FFF2CC"  # the status input, the one cell every row needs

# Paul Tol's "light" scheme, made for cells that carry a label and told apart with every
# common colour-vision deficiency; black text reads on each of them. Colour is never the
# only sign: every coloured cell or bar also says what it means in words.
MINT, LIGHT_BLUE, LIGHT_YELLOW, ORANGE = "44BB99", "77AADD", "EEDD88", "EE8866"
PINK, PEAR, TOL_GREY = "FFAABB", "BBCC33", "DDDDDD"
STATUS_COLOURS = {
    "Completed": MINT,
    "Ongoing": LIGHT_BLUE,
    "In progress": LIGHT_YELLOW,
    "Not started": ORANGE,
    "Not applicable": TOL_GREY,
}
NO_STATUS_COLOUR = WHITE
NO_RETURN_COLOUR = PINK
ON_TIME_FILL = MINT  # a return accepted by the deadline
LATE_FILL = PEAR  # a return accepted after the deadline
MISSING_FILL = PINK  # a ministry with no accepted return
WOMEN = LIGHT_BLUE  # the bars of the share of women
PARITY = DARK_GREY  # the line at 50%

# xlsxwriter turns strings that look like formulas, links or numbers into them by default:
# text stays text in every workbook written here.
TEXT_STAYS_TEXT = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

# xlsxwriter format properties.
CELL = {
    "font_name": "Calibri",
    "font_size": 10,
    "valign": "top",
    "border": 1,
    "border_color": f"#{LINE_GREY}",
}
TITLE = {"bold": True, "font_size": 14, "font_color": f"#{NAVY}"}
SUBTITLE = {"italic": True, "font_size": 10, "font_color": f"#{DARK_GREY}"}
HEADING = {"bold": True, "font_size": 11, "font_color": f"#{NAVY}"}
HEADER = {
    **CELL,
    "bold": True,
    "bg_color": f"#{NAVY}",
    "font_color": f"#{WHITE}",
    "text_wrap": True,
}

MAX_ROW_HEIGHT = 409.0  # points; Excel's limit


def row_height(cells: list[tuple[str, float]], line: float = 13.0) -> float:
    """Height in points that shows wrapped text whole: spreadsheet programs do not grow rows
    by themselves when a file sets none, and a fixed default hides text."""
    lines = 1
    for text, width in cells:
        per_line = max(int(width * 1.2), 1)
        lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in text.split("\n")))
    return lines * line + 3
