"""contacts.csv as coordinators save it: the columns of this version and of the last one, the
semicolons of Excel in French or German, each focal point's name and language."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.failures import NapError
from pipeline.plan.contacts import load_contacts, missing_rows, read_contacts
from pipeline.workspace import shipped_data_file

CODES = ("MAEE", "MSI", "MENJE", "MEGA", "MIFA", "MJ", "MISA", "ME")


def rows(separator: str = ",") -> list[str]:
    header = separator.join(("ministry", "name", "role", "email", "cc", "language"))
    body = [
        separator.join((code, "", "Focal point WPS", f"wps@{code.lower()}.example", "", ""))
        for code in CODES
    ]
    return [header, *body]


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")  # as Excel saves it
    return path


def test_a_focal_point_with_a_name_and_a_language(tmp_path, plan):
    lines = rows()
    lines[6] = 'MJ,Anne Muller,"Focal point WPS, Ministry of Justice",wps@mj.example,,FR'

    mj = load_contacts(write(tmp_path, lines), plan)["MJ"]

    assert (mj.name, mj.role, mj.language, mj.line) == (
        "Anne Muller",
        "Focal point WPS, Ministry of Justice",
        "fr",
        7,
    )
    assert str(mj.email) == "Anne Muller <wps@mj.example>"
    assert load_contacts(write(tmp_path, rows()), plan)["MJ"].language == ""  # as nap.toml


def test_a_list_saved_with_semicolons_is_read_the_same(tmp_path, plan):
    lines = rows(";")
    lines[2] = 'MSI;Jean Weber;Focal point;wps@msi.example;"a@msi.example; b@msi.example";en'

    contacts = load_contacts(write(tmp_path, lines), plan)

    assert sorted(contacts) == sorted(CODES)
    assert [m.address for m in contacts["MSI"].cc] == ["a@msi.example", "b@msi.example"]


def test_the_columns_may_come_in_any_order_and_some_may_be_left_out(tmp_path, plan):
    lines = ["email,ministry"] + [f"wps@{code.lower()}.example,{code}" for code in CODES]

    contacts = load_contacts(write(tmp_path, lines), plan)

    assert contacts["ME"].email.address == "wps@me.example"
    assert (contacts["ME"].name, contacts["ME"].role, contacts["ME"].language) == ("", "", "")


def test_a_list_of_the_earlier_version_is_still_read_with_a_warning(tmp_path, plan):
    lines = ["ministry,focal_point,email,cc"] + [
        f'{code},"Focal point WPS, {code}",wps@{code.lower()}.example,' for code in CODES
    ]

    contacts, problems = read_contacts(write(tmp_path, lines), plan)

    assert contacts["MJ"].role == "Focal point WPS, MJ" and contacts["MJ"].name == ""
    assert [str(p) for p in problems] == [
        "contacts.csv: line 1: warning: the columns of an earlier version: focal_point is read "
        "as the role; to greet each focal point by name, rename it role and add the columns "
        "name and language"
    ]
    assert len(load_contacts(write(tmp_path, lines), plan)) == 8  # a warning stops nothing


def test_a_list_of_the_earlier_version_with_a_language_column_keeps_the_languages(tmp_path, plan):
    lines = ["ministry,focal_point,email,cc,language"] + [
        f"{code},Focal point WPS,wps@{code.lower()}.example,,{'fr' if code == 'MJ' else ''}"
        for code in CODES
    ]

    contacts = load_contacts(write(tmp_path, lines), plan)

    assert (contacts["MJ"].role, contacts["MJ"].language) == ("Focal point WPS", "fr")
    assert contacts["ME"].language == ""  # as nap.toml says


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (("wps@mj.example,,", "wps@mj.example,,de"), "line 7, language: 'de' is not a language"),
        (("wps@mj.example", "wps@mj"), "line 7, email: 'wps@mj' is not an email address"),
        (("ministry,name", "ministry,nom"), "line 1: the header must be: ministry,name,role"),
    ],
)
def test_a_mistake_names_its_line_and_column(tmp_path, plan, change, found):
    text = "\n".join(rows()).replace(*change)
    path = tmp_path / "contacts.csv"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(NapError, match=found):
        load_contacts(path, plan)


def test_a_list_saved_in_another_encoding_says_how_to_save_it(tmp_path, plan):
    path = tmp_path / "contacts.csv"
    path.write_bytes("\n".join(rows(";")).replace("Focal", "Délégué").encode("cp1252"))

    _, problems = read_contacts(path, plan)

    assert [str(p) for p in problems] == [
        "contacts.csv: error: not UTF-8 text; in Excel, save it as 'CSV UTF-8 (Comma delimited)'"
    ]


def test_rows_for_new_ministries_follow_the_lists_own_columns_and_separator():
    text = "ministry;name;role;email;cc;language\nMJ;;;wps@mj.example;;en\n"

    new, added = missing_rows(text, ["MJ", "MDIGI"])

    assert (new, added) == (["MDIGI"], "MDIGI;;;;;\n")
    assert missing_rows("email,ministry\nx@y.example,MJ\n", ["MAI"])[1] == ",MAI\n"


def test_the_shipped_list_has_the_columns_of_this_version():
    header = shipped_data_file("contacts.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "ministry,name,role,email,cc,language"
