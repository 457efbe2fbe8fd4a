"""Every form in which the app shows a date can be typed back (issue 12, item 9)."""

from datetime import date

import pytest

from herne_tui.domain.objects import DateError, format_date, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.03.26", date(2026, 3, 31)),
        ("31.3.26", date(2026, 3, 31)),
        ("1.3.26", date(2026, 3, 1)),
        ("31.03.2026", date(2026, 3, 31)),
        ("2026-03-31", date(2026, 3, 31)),
        (" 31.03.26 ", date(2026, 3, 31)),
        ("01.01.00", date(2000, 1, 1)),
        ("31.12.99", date(2099, 12, 31)),
    ],
)
def test_accepted_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["31.03.2", "31.03.202", "31.03.20266", "x31.03.26", "31.03.26x", "26-03-31", "", "31/03/26"],
)
def test_refused_forms_name_the_accepted_ones(text: str) -> None:
    with pytest.raises(DateError, match="TT.MM.JJ"):
        parse_date(text)


@pytest.mark.parametrize("text", ["31.02.26", "29.02.25", "00.01.26", "31.13.26"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(DateError, match="gibt es nicht"):
        parse_date(text)


def test_shown_card_date_round_trips() -> None:
    day = date(2026, 3, 31)
    assert parse_date(day.strftime("%d.%m.%y")) == day
    assert parse_date(format_date(day)) == day


@pytest.mark.parametrize(
    "text", ["x2026-03-31", "2026-03-31x", "12026-03-31", "2026-003-31", "2026-03-311", "2026-3"]
)
def test_iso_form_is_anchored_too(text: str) -> None:
    with pytest.raises(DateError, match="^Datum „.*“ nicht lesbar: bitte TT.MM.JJJJ, TT.MM.JJ"):
        parse_date(text)


def test_iso_with_single_digits_and_blanks() -> None:
    assert parse_date(" 2026-3-1 ") == date(2026, 3, 1)


@pytest.mark.parametrize("text", ["1899-12-31", "2201-01-01", "01.01.1899", "31.12.2201"])
def test_absurd_years_are_refused(text: str) -> None:
    with pytest.raises(DateError, match="das Jahr muss zwischen 1900 und 2200 liegen"):
        parse_date(text)


@pytest.mark.parametrize(("text", "year"), [("1900-01-01", 1900), ("31.12.2200", 2200)])
def test_the_year_bounds_themselves_are_fine(text: str, year: int) -> None:
    assert parse_date(text).year == year


def test_impossible_date_names_what_was_typed() -> None:
    with pytest.raises(DateError, match="^Datum „31.02.26“ gibt es nicht: bitte ein gültiges"):
        parse_date("31.02.26")


def test_formatting_for_people() -> None:
    from datetime import datetime

    from herne_tui.domain.objects import format_datetime

    assert format_date(date(2026, 3, 1)) == "01.03.2026"
    assert format_date(None) == ""
    assert format_datetime(datetime(2026, 3, 1, 9, 5)) == "01.03.2026 09:05"
    assert format_datetime(None) == ""
