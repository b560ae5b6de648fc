"""The reports' bar charts: the same bytes for the same data, at the size printed, with every
series that has a value drawn in its own colour."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pipeline.outputs.report import charts

PILLARS = ["I. Participation", "II. Prevention", "III. Protection, relief and recovery"]
SERIES = [
    ("Not started", [3, 9, 7], "EE8866"),
    ("Ongoing", [0, 0, 0], "77AADD"),  # nothing: neither drawn nor in the legend
    ("Completed", [3, 10, 8], "44BB99"),
]
AXES = ("Pillar", "Action reports")


def picture(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def colours(png: bytes) -> set[tuple[int, int, int]]:
    return {colour for _, colour in picture(png).getcolors(maxcolors=1 << 20)}


def test_the_same_data_gives_the_same_bytes_at_print_size():
    first = charts.status_by_pillar(PILLARS, SERIES, AXES)
    assert first == charts.status_by_pillar(PILLARS, SERIES, AXES)
    image = Image.open(io.BytesIO(first))
    assert image.size == (1260, 680)  # 6.3 x 3.4 inches at 200 dpi
    assert round(image.info["dpi"][0]) == 200


def test_only_the_series_with_values_are_drawn():
    drawn = colours(charts.status_by_pillar(PILLARS, SERIES, AXES))
    assert {(0xEE, 0x88, 0x66), (0x44, 0xBB, 0x99)} <= drawn
    assert (0x77, 0xAA, 0xDD) not in drawn


def test_the_share_of_women_grows_a_row_per_indicator():
    one = charts.women_share(["I.01 Staff"], [0.4], ["40% (4 women of 10)"], ("Share", "Action"))
    three = charts.women_share(
        ["I.01 Staff", "I.02 Police", "II.11 Training"],
        [0.4, 0.5, 0.75],
        ["40% (4 women of 10)", "50% (5 women of 10)", "75% (3 women of 4)"],
        ("Share", "Action"),
    )
    assert picture(three).height - picture(one).height == round(2 * 0.28 * 200)
    assert (0x77, 0xAA, 0xDD) in colours(three)  # the bars, in the colour of women


def test_progress_ends_at_one_hundred_percent_whatever_the_shares():
    low = charts.progress_over_time(["2019", "2020"], [("Completed", [0.1, 0.2], "44BB99")], AXES)
    high = charts.progress_over_time(["2019", "2020"], [("Completed", [0.9, 1.0], "44BB99")], AXES)
    green = (0x44, 0xBB, 0x99)
    areas = [dict((c, n) for n, c in picture(png).getcolors(1 << 20))[green] for png in (low, high)]
    assert areas[1] / areas[0] == pytest.approx((0.9 + 1.0) / (0.1 + 0.2), rel=0.1)
