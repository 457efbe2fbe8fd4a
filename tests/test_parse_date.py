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
