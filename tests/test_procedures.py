"""The coalition's procedure rules as pure functions: deadlines, consensus, deferral, limits."""

from __future__ import annotations

from datetime import date

import pytest

from herne_tui.domain import procedures as p
from herne_tui.errors import InvalidInput

PARTNERS = ("SPD", "CDU")


@pytest.mark.parametrize(
    "filing,expected",
    [
        (date(2026, 3, 20), date(2026, 3, 6)),  # plain
        (date(2026, 3, 10), date(2026, 2, 24)),  # across a month end (February, 28 days)
        (date(2028, 3, 10), date(2028, 2, 25)),  # leap year: 29 February counts
        (date(2028, 3, 14), date(2028, 2, 29)),  # lands on the leap day
        (date(2026, 1, 5), date(2025, 12, 22)),  # across the year end
        (date(2026, 5, 31), date(2026, 5, 17)),  # month end to mid-month (a Sunday: no shift)
    ],
)
def test_partner_deadline_is_fourteen_calendar_days_before_filing(filing, expected):
    assert p.partner_deadline(filing) == expected


def test_partner_deadline_uses_the_rule_parameter_and_none():
    assert p.partner_deadline(date(2026, 3, 20), 7) == date(2026, 3, 13)
    assert p.partner_deadline(None) is None


@pytest.mark.parametrize(
    "positions,expected",
    [
        ({"SPD": "zustimmen", "CDU": "zustimmen"}, "konsens"),
        ({"SPD": "ablehnen", "CDU": "ablehnen"}, "konsens"),
        ({"SPD": "enthalten", "CDU": "enthalten"}, "konsens"),
        ({"SPD": "zustimmen", "CDU": "ablehnen"}, "dissens"),
        ({"SPD": "zustimmen", "CDU": "enthalten"}, "dissens"),
        ({"SPD": "zustimmen", "CDU": "offen"}, "offen"),
        ({"SPD": "zustimmen"}, "offen"),
        ({}, "offen"),
    ],
)
def test_consensus(positions, expected):
    assert p.consensus(positions, PARTNERS) == expected


def _verdict(state, *, meeting, today=date(2026, 3, 10), legal=False, harm=False):
    return p.verdict(
        state,
        {"SPD": "zustimmen", "CDU": "ablehnen"},
        meeting_date=meeting,
        today=today,
        legally_required=legal,
        harmful_to_defer=harm,
    )


def test_without_consensus_at_the_meeting_the_paper_is_deferred():
    assert _verdict("dissens", meeting=date(2026, 3, 10)) == "zurückstellen"
    assert _verdict("offen", meeting=date(2026, 3, 9)) == "zurückstellen"


def test_before_the_meeting_there_is_still_time():
    assert _verdict("dissens", meeting=date(2026, 3, 11)) == "Dissens klären"
    assert _verdict("offen", meeting=date(2026, 3, 11)) == "Positionen abstimmen"
    assert _verdict("offen", meeting=None) == "Positionen abstimmen"


def test_the_two_exceptions_are_discussed_not_deferred():
    legal = _verdict("dissens", meeting=date(2026, 3, 10), legal=True)
    harm = _verdict("dissens", meeting=date(2026, 3, 10), harm=True)
    assert legal.startswith("beraten") and "rechtlich" in legal
    assert harm.startswith("beraten") and "finanzieller Schaden" in harm


def test_consensus_verdict_names_the_common_stand():
    v = p.verdict(
        "konsens",
        {"SPD": "ablehnen", "CDU": "ablehnen"},
        meeting_date=date(2026, 3, 1),
        today=date(2026, 3, 10),
        legally_required=False,
        harmful_to_defer=False,
    )
    assert v == "gemeinsam: ablehnen"


def test_participant_limit():
    eight = {"SPD": [f"S{i}" for i in range(8)], "CDU": ["C1"]}
    assert p.check_participants(eight, PARTNERS)["SPD"] == eight["SPD"]
    with pytest.raises(InvalidInput, match="höchstens 8"):
        p.check_participants({"CDU": [f"C{i}" for i in range(9)]}, PARTNERS)
    with pytest.raises(InvalidInput, match="keine Partei"):
        p.check_participants({"FDP": ["F"]}, PARTNERS)
    with pytest.raises(InvalidInput, match="doppelte"):
        p.check_participants({"SPD": ["A", "A"]}, PARTNERS)
    assert p.check_participants({"SPD": ["  Anna   Beispiel ", ""]}, PARTNERS) == {
        "SPD": ["Anna Beispiel"]
    }


def test_annual_reviews_and_midterm():
    assert p.annual_reviews(date(2025, 11, 4), date(2030, 10, 31)) == [
        date(2026, 11, 4),
        date(2027, 11, 4),
        date(2028, 11, 4),
        date(2029, 11, 4),
    ]
    assert p.annual_reviews(date(2024, 2, 29), date(2026, 3, 1)) == [
        date(2025, 2, 28),
        date(2026, 2, 28),
    ]
    assert p.midterm(date(2025, 11, 1), date(2030, 10, 31)) == date(2028, 5, 1)


def test_a_per_party_limit_applies_to_that_party():
    limits = {"SPD": 2}
    with pytest.raises(p.InvalidInput, match="SPD hat 3 Teilnehmende, erlaubt sind höchstens 2"):
        p.check_participants({"SPD": ["A", "B", "C"]}, ("SPD", "CDU"), limits)
    assert p.check_participants({"CDU": list("ABCDEFGH")}, ("SPD", "CDU"), limits)["CDU"]
