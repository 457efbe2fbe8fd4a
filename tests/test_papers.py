"""Motions, positions, dissent and decisions, deadlines and nomination checks (data layer)."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from helpers import REPO

from herne_tui.db.schema import open_database
from herne_tui.errors import Conflict, InvalidInput
from herne_tui.reports.minutes import render_minutes
from herne_tui.services import checks, deadlines, edits, papers, queries


def joint_motion(db, **extra):
    values = {
        "title": "Mehr Schulsozialarbeit",
        "kind": "gemeinsamer-antrag",
        "body": "Ausschuss für Schule und Weiterbildung",
        "meeting_date": "2026-03-26",
        "filing_deadline": "16.03.2026",
        "number": "2026/0123",
        "measure_ids": "SCH-06 SOZ-03",
    }
    values.update(extra)
    return papers.add_paper(db, values=values, user="anna")


def test_joint_motion_gets_a_partner_deadline(db, clock):
    p = joint_motion(db)  # today (clock) is 02.03.2026
    assert p.partner_deadline == date(2026, 3, 2)
    assert not p.partner_overdue  # the last day itself is still in time
    clock.advance(days=1)
    assert papers.list_papers(db)[0].partner_overdue
    papers.update_paper(db, paper_id=p.id, changes={"proposal_sent": "2026-03-02"}, user="a")
    assert not papers.list_papers(db)[0].partner_overdue
    own = papers.add_paper(
        db,
        values={
            "title": "Anfrage",
            "kind": "anfrage",
            "body": "Rat",
            "filing_deadline": "2026-03-16",
        },
        user="a",
    )
    assert own.partner_deadline is None


def test_paper_input_is_validated(db):
    with pytest.raises(InvalidInput, match="ZZZ-01"):
        joint_motion(db, measure_ids="ZZZ-01")
    with pytest.raises(InvalidInput, match="Einreichfrist"):
        joint_motion(db, filing_deadline="30.02.2026")
    with pytest.raises(InvalidInput, match="Art"):
        joint_motion(db, kind="resolution")
    assert papers.list_papers(db) == ()


def test_positions_and_consensus(db, clock):
    p = joint_motion(db)
    p = papers.set_position(db, paper_id=p.id, party="SPD", position="zustimmen", user="a")
    assert p.consensus == "offen"
    p = papers.set_position(db, paper_id=p.id, party="CDU", position="ablehnen", user="b")
    assert p.consensus == "dissens" and p.verdict == "Dissens klären"
    clock.advance(days=30)  # the meeting has come
    assert papers.list_papers(db)[0].verdict == "zurückstellen"
    papers.update_paper(db, paper_id=p.id, changes={"harmful_to_defer": True}, user="a")
    assert papers.list_papers(db)[0].verdict.startswith("beraten")
    p = papers.set_position(db, paper_id=p.id, party="CDU", position="zustimmen", user="b")
    assert p.consensus == "konsens" and p.verdict == "gemeinsam: zustimmen"
    changes = [h for h in queries.history(db, entity="position")]
    assert [(h.entity_id.split(":")[1], h.old, h.new) for h in changes] == [
        ("SPD", "offen", "zustimmen"),
        ("CDU", "offen", "ablehnen"),
        ("CDU", "ablehnen", "zustimmen"),
    ]


def test_dissent_and_decision_with_participant_limit(db):
    p = joint_motion(db)
    dissent = papers.raise_dissent(
        db, subject=f"paper:{p.id}", reason="Finanzierung unklar", user="anna", party="SPD"
    )
    assert [x.id for x in papers.list_dissents(db, open_only=True)] == [dissent.id]
    too_many = {"SPD": [f"S{i}" for i in range(9)], "CDU": ["C1"]}
    with pytest.raises(InvalidInput, match="höchstens 8"):
        papers.decide_dissent(
            db,
            dissent_id=dissent.id,
            decision="einstimmig",
            outcome="Antrag wird geändert",
            participants=too_many,
            decided_on="05.03.2026",
            user="anna",
        )
    with pytest.raises(InvalidInput, match="Verfahren"):
        papers.decide_dissent(
            db,
            dissent_id=dissent.id,
            decision="dissens-festgestellt",
            outcome="",
            participants={"SPD": ["S1"]},
            decided_on="05.03.2026",
            user="anna",
        )
    decided = papers.decide_dissent(
        db,
        dissent_id=dissent.id,
        decision="dissens-festgestellt",
        outcome="",
        procedure="Abstimmung freigegeben, Antrag wird nicht gemeinsam gestellt",
        participants={"SPD": ["Anna A", "Bert B"], "CDU": ["Clara C"]},
        decided_on="05.03.2026",
        user="anna",
    )
    assert decided.state == "entschieden" and decided.decided_on == date(2026, 3, 5)
    assert papers.list_dissents(db, open_only=True) == ()
    for fmt in ("md", "html", "text"):
        minutes = render_minutes(db, fmt)
        assert "Mehr Schulsozialarbeit" in minutes and "Dissens festgestellt" in minutes
        assert "Abstimmung freigegeben" in minutes and "Clara C" in minutes
    assert (
        "Mehr Schulsozialarbeit"
        not in render_minutes(db, "md", date(2026, 3, 6)).split("Offene Dissense")[0]
    )
    fields = {h.field for h in queries.history(db, entity="dissent")}
    assert {"*", "decision", "procedure", "participants", "decided_on", "state"} <= fields


def test_dissent_on_unknown_subject(db):
    with pytest.raises(Exception, match="gibt es nicht"):
        papers.raise_dissent(db, subject="measure:ZZZ-99", reason="x", user="a")


def test_deadlines_soonest_first(db, clock):
    joint_motion(db)
    edits.update_measure(db, measure_id="ARB-01", changes={"due": "2026-02-01"}, user="a")
    items = deadlines.upcoming(db)
    kinds = [(x.when, x.kind) for x in items]
    assert [x.when for x in items] == sorted(x.when for x in items)
    assert (date(2026, 3, 2), "Vorschlag an Partner") in kinds
    assert (date(2026, 3, 16), "Einreichfrist") in kinds
    assert (date(2026, 3, 26), "Sitzung") in kinds
    assert next(x for x in items if x.kind == "Fällig").overdue  # 01.02.2026 has passed
    assert (date(2026, 11, 4), "Jahresbilanz") in kinds
    assert (date(2028, 5, 1), "Halbzeit") in kinds


def test_freshly_seeded_data_has_no_violations(db):
    assert checks.nomination_violations(db) == []


def test_each_nomination_violation(db):
    edits.update_post(
        db, key="buergermeister-2", changes={"holder": "X", "holder_party": "SPD"}, user="a"
    )
    edits.update_post(
        db,
        key="dezernat-3",
        changes={"holder": "Dr. Y", "holder_party": "SPD", "state": "gewählt"},
        user="a",
    )
    edits.update_seat(
        db,
        key="wfg-geschaeftsfuehrung",
        changes={"nominee": "Z", "nominee_party": "SPD", "tender_done": True},
        user="a",
    )
    edits.update_seat(
        db,
        key="hcr-geschaeftsfuehrung",
        changes={"nominee": "W", "nominee_party": "SPD", "state": "besetzt"},
        user="a",
    )
    found = {(v.rule, v.ref) for v in checks.nomination_violations(db)}
    assert found == {
        ("vorschlagsrecht", "post:buergermeister-2"),
        ("externe-ausschreibung", "post:dezernat-3"),
        ("vorschlagsrecht", "seat:wfg-geschaeftsfuehrung"),
        ("externe-ausschreibung", "seat:hcr-geschaeftsfuehrung"),
    }
    # the honorary mayor posts need no tender
    edits.update_post(
        db,
        key="buergermeister-1",
        changes={"holder": "V", "holder_party": "SPD", "state": "gewählt"},
        user="a",
    )
    assert not any(v.ref == "post:buergermeister-1" for v in checks.nomination_violations(db))
    # fixing the facts removes the violations
    edits.update_post(db, key="dezernat-3", changes={"tender_date": "2026-01-10"}, user="a")
    edits.update_seat(db, key="hcr-geschaeftsfuehrung", changes={"tender_done": True}, user="a")
    assert {v.ref for v in checks.nomination_violations(db)} == {
        "post:buergermeister-2",
        "seat:wfg-geschaeftsfuehrung",
    }


def test_check_db_cli(db, db_path, cli):
    ok = cli("check", "--db", str(db_path))
    assert ok.returncode == 0 and "keine Verstöße" in ok.stdout
    edits.update_seat(
        db,
        key="feg-geschaeftsfuehrung",
        changes={"nominee": "Q", "nominee_party": "CDU", "tender_done": True},
        user="a",
    )
    bad = cli("check", "--db", str(db_path))
    assert bad.returncode == 2
    assert "seat:feg-geschaeftsfuehrung" in bad.stdout and "SPD" in bad.stdout


def test_minutes_cli(db, db_path, cli):
    d = papers.raise_dissent(db, subject="measure:MOB-01", reason="Tempo 30", user="anna")
    papers.decide_dissent(
        db,
        dissent_id=d.id,
        decision="einstimmig",
        outcome="Tempo 30 nur an Schulen",
        participants={"CDU": ["B"]},
        decided_on="2026-03-03",
        user="anna",
    )
    out = cli("report", "minutes", "--db", str(db_path), "--format", "md")
    assert out.returncode == 0, out.stderr
    assert "Tempo 30 nur an Schulen" in out.stdout and "einstimmig" in out.stdout


def test_v1_database_is_upgraded_to_hold_papers(tmp_path):
    copy = tmp_path / "v1.db"
    shutil.copy(REPO / "tests" / "fixtures" / "schema-v1.db", copy)
    db = open_database(str(copy))
    p = papers.add_paper(
        db, values={"title": "Nach dem Upgrade", "kind": "vorlage", "body": "Rat"}, user="a"
    )
    assert papers.list_papers(db)[0].id == p.id
    assert len(queries.load_board(db).measures) == 140
    backups = [f for f in tmp_path.iterdir() if f.name.startswith("v1.db.v1-")]
    assert len(backups) == 1  # the old file was kept before the upgrade


def test_forget_reaches_the_coordination_records(db, db_path):
    from herne_tui.services.privacy import forget

    d = papers.raise_dissent(
        db, subject="measure:MOB-01", reason="Bedenken von Hanna Muster", user="anna"
    )
    papers.decide_dissent(
        db,
        dissent_id=d.id,
        decision="einstimmig",
        outcome="geklärt",
        participants={"SPD": ["Hanna Muster", "Bert B"]},
        decided_on="2026-03-03",
        user="anna",
    )
    forget(db, name="Hanna Muster", user="admin")
    assert b"Hanna Muster" not in db_path.read_bytes()
    assert "Hanna Muster" not in render_minutes(db, "md")
    assert "Bert B" in render_minutes(db, "md")


def test_positions_are_saved_all_or_nothing(db):
    from herne_tui.errors import Conflict

    p = joint_motion(db)
    papers.set_position(db, paper_id=p.id, party="CDU", position="ablehnen", user="b")
    with pytest.raises(Conflict):
        papers.set_positions(
            db,
            paper_id=p.id,
            positions={"SPD": "zustimmen", "CDU": "zustimmen"},
            user="a",
            expected_versions={"SPD": 0, "CDU": 0},
        )
    after = dict((party, pos) for party, pos, _ in papers.list_papers(db)[0].positions)
    assert after == {"SPD": "offen", "CDU": "ablehnen"}  # SPD was not written either
    both = papers.set_positions(
        db,
        paper_id=p.id,
        positions={"SPD": "zustimmen", "CDU": "zustimmen"},
        user="a",
        expected_versions={"SPD": 0, "CDU": 1},
    )
    assert both.consensus == "konsens"
    txns = {h.txn for h in queries.history(db, entity="position") if h.user == "a"}
    assert len(txns) == 1


def test_a_decision_on_a_stale_dissent_is_refused_and_every_decision_is_a_new_version(db):
    p = joint_motion(db)
    dissent = papers.raise_dissent(
        db, subject=f"paper:{p.id}", reason="Finanzierung unklar", user="anna", party="SPD"
    )
    decision = dict(
        decision="einstimmig",
        outcome="Antrag wird geändert",
        participants={"SPD": ["Anna A"], "CDU": ["Clara C"]},
        decided_on="05.03.2026",
    )
    first = papers.decide_dissent(
        db, dissent_id=dissent.id, user="anna", expected_version=dissent.version, **decision
    )
    assert first.version == dissent.version + 1
    # bernd still sees the open dissent: his decision must not overwrite anna's
    with pytest.raises(Conflict) as err:
        papers.decide_dissent(
            db,
            dissent_id=dissent.id,
            user="bernd",
            expected_version=dissent.version,
            **{**decision, "decision": "dissens-festgestellt", "procedure": "frei"},
        )
    assert err.value.theirs == {"decision": "einstimmig"}
    assert err.value.mine == {"decision": "dissens-festgestellt"}
    assert papers.list_dissents(db)[0].decision == "einstimmig"
    # the same decision recorded again is still a new version, with no new field rows
    again = papers.decide_dissent(
        db, dissent_id=dissent.id, user="anna", expected_version=first.version, **decision
    )
    assert again.version == first.version + 1
    decisions = [h for h in queries.history(db, entity="dissent") if h.action == "decision"]
    assert {h.user for h in decisions} == {"anna"}
    assert len({h.txn for h in decisions}) == 1


def test_a_paper_is_named_by_title_and_number_never_by_its_row_id(db):
    """Issue 12, item 8: "Papier 1" is the row id, which no user ever typed."""
    from herne_tui.reports.minutes import render_minutes

    p = joint_motion(db)
    papers.update_paper(db, paper_id=p.id, changes={"body": "Rat"}, user="anna")
    with pytest.raises(Conflict) as err:
        papers.update_paper(
            db, paper_id=p.id, changes={"body": "Schulausschuss"}, user="b", expected_version=1
        )
    assert err.value.message.startswith("Papier „Mehr Schulsozialarbeit“ (2026/0123) wurde")
    papers.raise_dissent(db, subject=f"paper:{p.id}", reason="Kosten", user="anna")
    [dissent] = papers.list_dissents(db)
    assert dissent.subject_label == "Papier „Mehr Schulsozialarbeit“ (2026/0123)"
    assert f"Papier {p.id}" not in render_minutes(db, "text")
    plain = papers.add_paper(
        db, values={"title": "Ohne Nummer", "kind": "anfrage", "body": "Rat"}, user="a"
    )
    papers.raise_dissent(db, subject=f"paper:{plain.id}", reason="Form", user="anna")
    labels = {x.subject_label for x in papers.list_dissents(db)}
    assert "Papier „Ohne Nummer“" in labels


def test_a_stale_paper_or_position_is_refused_with_what_changed(db):
    p = joint_motion(db)
    papers.update_paper(db, paper_id=p.id, changes={"title": "Neu"}, user="a")
    with pytest.raises(Conflict):
        papers.update_paper(
            db, paper_id=p.id, changes={"title": "Alt"}, user="b", expected_version=p.version
        )
    assert papers.list_papers(db)[0].title == "Neu"
    papers.set_position(db, paper_id=p.id, party="CDU", position="ablehnen", user="b")
    with pytest.raises(Conflict) as stale:
        papers.set_position(
            db, paper_id=p.id, party="CDU", position="zustimmen", user="c", expected_version=0
        )
    assert str(stale.value) == (
        "Position CDU zu diesem Papier wurde inzwischen geändert; nichts gespeichert"
    )


def test_paper_and_dissent_history_name_what_they_are_about(db):
    long_body = "Ausschuss für " + "sehr " * 40 + "lange Namen"  # over a title's 200
    p = papers.add_paper(db, values={"title": "T", "kind": "vorlage", "body": long_body}, user="a")
    assert p.body == long_body  # a body may be longer than a title
    added = queries.history(db, entity="paper")[-1]
    assert (added.entity_id, added.field) == (str(p.id), "*")
    x = papers.raise_dissent(db, subject=f"paper:{p.id}", reason="zu teuer", user="a", party="SPD")
    raised = queries.history(db, entity="dissent")[-1]
    assert raised.new == {"subject": f"paper:{p.id}", "reason": "zu teuer", "party": "SPD"}
    with pytest.raises(InvalidInput, match="^Ergebnis: "):
        papers.decide_dissent(
            db,
            dissent_id=x.id,
            decision="einstimmig",
            outcome="x" * 20001,
            participants={"SPD": ["A"]},
            decided_on="02.03.2026",
            user="a",
        )


def test_a_proposal_keeps_its_source_and_comment(db):
    from herne_tui.services import confirm, users

    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    edits.update_measure(
        db,
        measure_id="ARB-01",
        changes={"status": "umgesetzt"},
        user="anna",
        source="https://ris.example/beschluss/1",
        comment="Ratsbeschluss",
    )
    (waiting,) = confirm.waiting(db)
    assert waiting.source == "https://ris.example/beschluss/1"
    proposed = queries.history(db, entity_id="ARB-01")[-1]
    assert (proposed.entity, proposed.action, proposed.comment) == (
        "measure",
        "propose",
        "Ratsbeschluss",
    )
    assert proposed.source == "https://ris.example/beschluss/1"
