"""The deadlines list (key ``d``): what is due when, what is overdue, in which order."""

from __future__ import annotations

from datetime import date

from herne_tui.services import deadlines, edits, papers


def motion(db, **extra):
    values = {
        "title": "Mehr Schulsozialarbeit",
        "kind": "gemeinsamer-antrag",
        "body": "Schulausschuss",
        "meeting_date": "2026-03-26",
        "filing_deadline": "16.03.2026",
    }
    values.update(extra)
    return papers.add_paper(db, values=values, user="anna")


def of(db, ref: str) -> list[tuple]:
    return [(x.when, x.kind, x.label, x.overdue) for x in deadlines.upcoming(db) if x.ref == ref]


def test_a_joint_motion_brings_its_three_dates(db, clock):
    p = motion(db)  # the clock stands at 02.03.2026, the partner deadline itself
    assert of(db, f"paper:{p.id}") == [
        (date(2026, 3, 2), "Vorschlag an Partner", "Mehr Schulsozialarbeit", False),
        (date(2026, 3, 16), "Einreichfrist", "Mehr Schulsozialarbeit", False),
        (
            date(2026, 3, 26),
            "Sitzung",
            "Schulausschuss: Mehr Schulsozialarbeit – Positionen abstimmen",
            False,
        ),
    ]


def test_missed_dates_are_overdue_until_the_proposal_is_sent(db, clock):
    p = motion(db)
    clock.advance(days=1)  # 03.03.2026
    assert of(db, f"paper:{p.id}")[0][3] is True
    papers.update_paper(db, paper_id=p.id, changes={"proposal_sent": "01.03.2026"}, user="anna")
    first = of(db, f"paper:{p.id}")[0]
    assert first == (
        date(2026, 3, 2),
        "Vorschlag an Partner",
        "Mehr Schulsozialarbeit (gesendet 01.03.2026)",
        False,
    )
    clock.advance(days=14)  # 17.03.2026: the filing deadline has passed
    assert of(db, f"paper:{p.id}")[1][1:] == ("Einreichfrist", "Mehr Schulsozialarbeit", True)
    clock.advance(days=15)  # after the meeting: the verdict, never "overdue"
    meeting = of(db, f"paper:{p.id}")[2]
    assert meeting[2] == "Schulausschuss: Mehr Schulsozialarbeit – zurückstellen"
    assert meeting[3] is False


def test_other_papers_have_no_partner_deadline(db):
    p = motion(db, kind="vorlage")
    assert [k for _, k, _, _ in of(db, f"paper:{p.id}")] == ["Einreichfrist", "Sitzung"]
    bare = papers.add_paper(
        db, values={"title": "Anfrage", "kind": "anfrage", "body": "Rat"}, user="anna"
    )
    assert of(db, f"paper:{bare.id}") == []


def test_due_measures_are_overdue_only_after_the_day_and_while_not_done(db, clock):
    edits.update_measure(db, measure_id="ARB-01", changes={"due": "2026-03-02"}, user="a")
    edits.update_measure(db, measure_id="ARB-02", changes={"due": "2026-03-01"}, user="a")
    edits.update_measure(
        db, measure_id="ARB-03", changes={"due": "2026-03-01", "status": "umgesetzt"}, user="a"
    )
    [arb01] = of(db, "measure:ARB-01")
    assert arb01[:2] == (date(2026, 3, 2), "Fällig") and arb01[3] is False  # due today
    assert arb01[2].startswith("ARB-01 Blumenthal-Quartier")
    assert of(db, "measure:ARB-02")[0][3] is True
    assert of(db, "measure:ARB-03")[0][3] is False  # done
    assert of(db, "measure:ARB-04") == []  # no due date, no entry


def test_reviews_of_the_term_and_the_order_of_everything(db):
    assert of(db, "review:annual") == [
        (date(year, 11, 4), "Jahresbilanz", "Gemeinsame Auswertung als Jahresbilanz", False)
        for year in (2026, 2027, 2028, 2029)
    ]
    assert of(db, "review:midterm") == [
        (date(2028, 5, 1), "Halbzeit", "Evaluation der Kooperation zur Halbzeit", False)
    ]
    edits.update_measure(db, measure_id="SCH-02", changes={"due": "2026-11-04"}, user="a")
    edits.update_measure(db, measure_id="ARB-02", changes={"due": "2026-11-04"}, user="a")
    items = deadlines.upcoming(db)
    keys = [(x.when, x.kind, x.label) for x in items]
    assert keys == sorted(keys)
    same_day = [(x.kind, x.ref) for x in items if x.when == date(2026, 11, 4)]
    assert same_day == [
        ("Fällig", "measure:ARB-02"),
        ("Fällig", "measure:SCH-02"),
        ("Jahresbilanz", "review:annual"),
    ]
