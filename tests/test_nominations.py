"""The nomination and Koordinierungsgruppe checks: who may nominate, tenders, limits, dates.

Each check is asserted by the line a user reads (``herne-tui check --db``, the Prüfungen view).
"""

from __future__ import annotations

from datetime import date

import pytest

from herne_tui.db.models import DissentRow, RuleRow
from herne_tui.errors import InvalidInput, NotFound
from herne_tui.services import checks, edits, papers


def texts(db) -> list[str]:
    return [v.message for v in checks.nomination_violations(db)]


def test_a_post_filled_by_the_wrong_party_names_both_parties(db):
    edits.update_post(db, key="buergermeister-2", changes={"holder_party": "SPD"}, user="a")
    edits.update_post(
        db, key="bezirksbuergermeister-wanne", changes={"holder_party": "CDU"}, user="a"
    )
    edits.update_post(db, key="buergermeister-1", changes={"holder_party": "SPD"}, user="a")
    assert texts(db) == [
        "Zweiter Bürgermeister: Partei SPD, das Vorschlagsrecht hat CDU",
        "Bezirksbürgermeister Wanne: Partei CDU, das Vorschlagsrecht hat SPD",
    ]
    [v, _] = checks.nomination_violations(db)
    assert (v.rule, v.ref) == ("vorschlagsrecht", "post:buergermeister-2")


@pytest.mark.parametrize(
    "changes",
    [{"state": "gewählt"}, {"state": "nominiert"}, {"vote_date": "2026-02-01"}],
    ids=["gewaehlt", "nominiert", "ratsbeschluss"],  # ASCII ids: mutmut passes them back,
)
def test_dezernat_filled_or_voted_without_a_tender(db, changes):
    edits.update_post(db, key="dezernat-3", changes=changes, user="a")
    assert texts(db) == ["Dezernent/in Dezernat III: besetzt ohne externe Ausschreibung"]
    edits.update_post(db, key="dezernat-3", changes={"tender_date": "2026-01-10"}, user="a")
    assert texts(db) == []


def test_a_post_still_open_needs_no_tender_yet(db):
    edits.update_post(db, key="dezernat-3", changes={"holder": "Dr. Y"}, user="a")
    assert texts(db) == []


def test_dezernat_tender_after_the_council_vote(db):
    edits.update_post(
        db,
        key="dezernat-3",
        changes={"state": "gewählt", "vote_date": "2026-02-01", "tender_date": "2026-02-10"},
        user="a",
    )
    assert texts(db) == [
        "Dezernent/in Dezernat III: Ausschreibung (10.02.2026) nach dem Ratsbeschluss (01.02.2026)"
    ]
    assert [(v.rule, v.ref) for v in checks.nomination_violations(db)] == [
        ("externe-ausschreibung", "post:dezernat-3")
    ]
    edits.update_post(db, key="dezernat-3", changes={"tender_date": "2026-02-01"}, user="a")
    assert texts(db) == []  # the same day is in time


def test_a_seat_nominated_by_the_wrong_party(db):
    edits.update_seat(
        db,
        key="wfg-geschaeftsfuehrung",
        changes={"nominee_party": "SPD", "tender_done": True},
        user="a",
    )
    edits.update_seat(
        db,
        key="feg-geschaeftsfuehrung",
        changes={"nominee_party": "SPD", "tender_done": True},
        user="a",
    )
    assert texts(db) == ["WFG – Geschäftsführung: Vorschlag SPD, das Vorschlagsrecht hat CDU"]
    [v] = checks.nomination_violations(db)
    assert (v.rule, v.ref) == ("vorschlagsrecht", "seat:wfg-geschaeftsfuehrung")


@pytest.mark.parametrize(
    "changes", [{"nominee": "Z"}, {"state": "besetzt"}, {"state": "nominiert"}]
)
def test_a_seat_filled_without_a_tender(db, changes):
    edits.update_seat(db, key="hcr-geschaeftsfuehrung", changes=changes, user="a")
    assert texts(db) == ["HCR – Geschäftsführung: besetzt ohne externe Ausschreibung"]
    [v] = checks.nomination_violations(db)
    assert (v.rule, v.ref) == ("externe-ausschreibung", "seat:hcr-geschaeftsfuehrung")
    edits.update_seat(db, key="hcr-geschaeftsfuehrung", changes={"tender_done": True}, user="a")
    assert texts(db) == []


def test_a_seat_tendered_after_it_was_filled(db):
    edits.update_seat(
        db,
        key="hcr-geschaeftsfuehrung",
        changes={
            "state": "besetzt",
            "state_date": "2026-02-01",
            "tender_done": True,
            "tender_date": "2026-02-02",
        },
        user="a",
    )
    assert texts(db) == ["HCR – Geschäftsführung: Ausschreibung nach der Besetzung"]
    edits.update_seat(
        db, key="hcr-geschaeftsfuehrung", changes={"tender_date": "2026-02-01"}, user="a"
    )
    assert texts(db) == []
    # a seat only planned (not filled) is not judged by its dates
    edits.update_seat(
        db,
        key="feg-geschaeftsfuehrung",
        changes={"tender_done": True, "tender_date": "2026-03-01", "state_date": "2026-02-01"},
        user="a",
    )
    assert texts(db) == []


def a_dissent(db):
    return papers.raise_dissent(db, subject="measure:ARB-01", reason="Finanzierung", user="anna")


def decide(db, dissent_id, participants, **kw):
    values = dict(
        decision="einstimmig", outcome="Wird geändert", decided_on="05.03.2026", user="anna"
    )
    values.update(kw)
    return papers.decide_dissent(db, dissent_id=dissent_id, participants=participants, **values)


def test_the_group_takes_at_most_eight_people_per_party(db):
    d = a_dissent(db)
    eight = [f"Person {i}" for i in range(8)]
    with pytest.raises(
        InvalidInput,
        match="^Koordinierungsgruppe: CDU hat 9 Teilnehmende, erlaubt sind höchstens 8 für CDU$",
    ):
        decide(db, d.id, {"SPD": eight, "CDU": [*eight, "Neun"]})
    decided = decide(db, d.id, {"SPD": eight, "CDU": ["  Clara   C ", "", "  "]})
    assert dict(decided.participants) == {"SPD": tuple(eight), "CDU": ("Clara C",)}


def test_the_limit_comes_from_the_agreements_rule(db):
    def set_limit(session):
        rule = session.get(RuleRow, "koordinierungsgruppe")
        rule.params = {"max_per_party": 2}
        session.add(rule)

    db.write(set_limit)
    d = a_dissent(db)
    with pytest.raises(InvalidInput, match="SPD hat 3 Teilnehmende, erlaubt sind höchstens 2"):
        decide(db, d.id, {"SPD": ["A", "B", "C"]})
    assert decide(db, d.id, {"SPD": ["A", "B"]}).state == "entschieden"


def test_group_names_parties_and_emptiness(db):
    d = a_dissent(db)
    with pytest.raises(InvalidInput, match="^Koordinierungsgruppe: doppelte Namen bei SPD$"):
        decide(db, d.id, {"SPD": ["Anna A", "Anna  A"]})
    with pytest.raises(
        InvalidInput, match="„FDP“ ist keine Partei der Vereinbarung \\(SPD, CDU\\)"
    ):
        decide(db, d.id, {"FDP": ["X"]})
    with pytest.raises(InvalidInput, match="^Teilnehmende der Koordinierungsgruppe fehlen$"):
        decide(db, d.id, {"SPD": [" "], "CDU": []})
    assert papers.list_dissents(db, open_only=True)[0].id == d.id  # nothing was decided


def test_decision_parts_and_dates(db):
    d = a_dissent(db)
    with pytest.raises(
        InvalidInput,
        match="^Entscheidung „vertagt“ gibt es nicht \\(einstimmig, dissens-festgestellt\\)$",
    ):
        decide(db, d.id, {"SPD": ["A"]}, decision="vertagt")
    with pytest.raises(InvalidInput, match="^Ergebnis des einstimmigen Beschlusses fehlt$"):
        decide(db, d.id, {"SPD": ["A"]}, outcome="  ")
    with pytest.raises(InvalidInput, match="Verfahren für den Einzelfall"):
        decide(db, d.id, {"SPD": ["A"]}, decision="dissens-festgestellt", procedure=" ")
    with pytest.raises(InvalidInput, match="^Datum der Entscheidung fehlt$"):
        decide(db, d.id, {"SPD": ["A"]}, decided_on="")
    with pytest.raises(InvalidInput, match="Datum"):
        decide(db, d.id, {"SPD": ["A"]}, decided_on="32.03.2026")
    decided = decide(
        db,
        d.id,
        {"SPD": ["A"]},
        decision="dissens-festgestellt",
        outcome="",
        procedure="  Freigabe  ",
        decided_on="2026-03-07",
    )
    assert (decided.decision, decided.procedure, decided.decided_on) == (
        "dissens-festgestellt",
        "Freigabe",
        date(2026, 3, 7),
    )
    with pytest.raises(NotFound, match="Dissens „999“ gibt es nicht"):
        decide(db, 999, {"SPD": ["A"]})


def test_raising_a_dissent_checks_subject_party_and_reason(db):
    with pytest.raises(InvalidInput, match="^Dissens: Begründung fehlt$"):
        papers.raise_dissent(db, subject="measure:ARB-01", reason="  ", user="a")
    for subject in ("measure:ZZZ-99", "paper:abc", "paper:999", "beschluss:1", "ARB-01"):
        with pytest.raises(NotFound, match="gibt es nicht \\(measure:ID oder paper:NR\\)"):
            papers.raise_dissent(db, subject=subject, reason="x", user="a")
    with pytest.raises(InvalidInput, match="^„FDP“ ist keine Partei der Vereinbarung$"):
        papers.raise_dissent(db, subject="measure:ARB-01", reason="x", user="a", party="FDP")
    d = papers.raise_dissent(
        db, subject="measure:ARB-01", reason="  zu teuer ", user="anna", party="CDU"
    )
    assert (d.subject, d.reason, d.party, d.raised_by, d.state) == (
        "measure:ARB-01",
        "zu teuer",
        "CDU",
        "anna",
        "offen",
    )


def test_a_stored_group_over_the_limit_is_a_violation(db):
    d = a_dissent(db)

    def crowd(session):
        row = session.get(DissentRow, d.id)
        row.participants = {"SPD": [f"P{i}" for i in range(9)], "CDU": ["C"]}
        session.add(row)

    db.write(crowd)
    assert texts(db) == [f"Koordinierungsgruppe (Dissens {d.id}): SPD mit 9 Personen, höchstens 8"]
    [v] = checks.nomination_violations(db)
    assert (v.rule, v.ref) == ("koordinierungsgruppe", f"dissent:{d.id}")


def test_the_groups_size_comes_from_the_seeds_rule_per_party(db):
    """Sizes other than the default: one party's limit applies to that party only."""
    x = papers.raise_dissent(db, subject="measure:ARB-01", reason="r", user="anna", party="SPD")

    def plant(session):
        rule = session.get(RuleRow, "koordinierungsgruppe")
        rule.params = {"max_per_party": {"SPD": 2, "CDU": 3}}
        session.add(rule)
        row = session.get(DissentRow, x.id)
        row.participants = {"SPD": ["A", "B", "C"], "CDU": ["D", "E", "F"]}
        session.add(row)

    db.write(plant)
    found = [v for v in checks.nomination_violations(db) if v.rule == "koordinierungsgruppe"]
    assert [(v.ref, v.message) for v in found] == [
        (
            f"dissent:{x.id}",
            f"Koordinierungsgruppe (Dissens {x.id}): SPD mit 3 Personen, höchstens 2",
        )
    ]
