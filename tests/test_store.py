"""Seeding, merging, services and exports on a temporary database (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from helpers import REPO
from sqlalchemy import text

from herne_tui.backup import portable
from herne_tui.db.schema import SCHEMA_VERSION, open_database
from herne_tui.errors import Conflict, InvalidInput, NotFound, SchemaError
from herne_tui.reports import export
from herne_tui.seeding.apply import seed_database
from herne_tui.seeding.load import load_seed
from herne_tui.services import edits, queries

pytestmark = pytest.mark.both_backends


def dump(path: Path) -> dict:
    """Every user table of an SQLite file (without history), for equality checks."""
    with sqlite3.connect(path) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name != 'history'"
            )
        ]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}


def dump_db(db) -> dict:
    """Every table but the history, on any engine, for equality checks."""
    tables = portable.dump_tables(db)["tables"]
    return {name: sorted(map(repr, t["rows"])) for name, t in tables.items() if name != "history"}


def test_seeding_builds_one_card_per_distinct_measure(db, bundled_seed):
    board = queries.load_board(db)
    assert len(board.measures) == 140
    assert len({m.id for m in board.measures}) == 140
    assert [t.key for t in board.topics][:3] == ["ARB", "SCH", "KJF"]
    assert [s.key for s in board.statuses] == [
        "offen",
        "vorbereitung",
        "beratung",
        "umsetzung",
        "umgesetzt",
        "zurueckgestellt",
    ]
    assert [s.key for s in board.statuses if s.done] == ["umgesetzt"]
    assert all(m.status == "offen" for m in board.measures)
    by_id = {m.id: m for m in board.measures}
    assert by_id["ARB-01"].text.startswith("Realisierung des Projekts Blumenthal-Quartier")
    # the repeated paragraphs are known to their card, not separate cards
    assert [(p.topic, p.paragraph) for p in by_id["MOB-09"].duplicates] == [("MOB", 10)]
    wohnungsbau = next(
        m for m in board.measures if m.text.startswith("Wir setzen uns dafür ein, die Bauanträge")
    )
    assert wohnungsbau.topic == "WOH"
    assert [p.topic for p in wohnungsbau.duplicates] == ["FIN"]
    assert board.meta["agreement"]["signed"] == "2025-11-04"
    assert board.meta["agreement"]["partners"] == ["SPD", "CDU"]


def test_personnel_and_rules_are_seeded(db):
    committees = {c.name: c for c in queries.list_committees(db)}
    assert "Ausschuss für Bürgerbeteiligung" in committees
    assert "Ausschuss für Sicherheit, Ordnung und Bevölkerungsschutz" in committees
    assert committees["Ausschuss für Bürgerbeteiligung"].chair_role == "Bürgerbeauftragter"
    social = next(c for c in committees.values() if "Soziales, Gesundheit und Senioren" in c.name)
    linked = queries.get_measure(db, social.measure)
    assert "Inklusion" in linked.text and linked.topic == "SOZ"
    posts = queries.list_posts(db)
    rights = {(p.title, p.district): p.right for p in posts}
    assert rights[("Erster Bürgermeister", "")] == "SPD"
    assert rights[("Zweiter Bürgermeister", "")] == "CDU"
    for district in ("Herne-Mitte", "Wanne", "Eickel", "Sodingen"):
        assert rights[("Bezirksbürgermeister", district)] == "SPD"
        assert rights[("Erster stellvertretender Bezirksbürgermeister", district)] == "CDU"
    dezernat = next(p for p in posts if p.kind == "dezernat")
    assert "III" in dezernat.title and dezernat.right == "SPD" and dezernat.tender_required
    holdings = {h.key: h for h in queries.list_holdings(db)}
    assert {"WFG", "FEG", "EH", "HCR", "SEG", "HGW"} <= set(holdings)
    assert all(s.right == "CDU" for s in holdings["WFG"].seats)
    eh = {s.title: s for s in holdings["EH"].seats}
    assert eh["Vorstand für Haushalt und Personal"].right == "CDU"
    assert eh["Vorstand für Haushalt und Personal"].to_create
    others = [
        s
        for k, h in holdings.items()
        if k != "WFG"
        for s in h.seats
        if s.title != "Vorstand für Haushalt und Personal"
    ]
    assert others and all(s.right == "SPD" for s in others)
    assert "FEG" in holdings["WFG"].linked
    rules = {r.key: r for r in queries.list_rules(db)}
    assert rules["joint-motion-lead"].params["lead_days"] == 14
    assert rules["koordinierungsgruppe"].params["max_per_party"] == 8
    assert "Haushaltskonsolidierung" in rules["budget-reservation"].text
    assert rules["joint-votes"].summary.startswith("Gemeinsame Abstimmung zu Vorlagen")
    assert rules["joint-votes"].section


def test_a_seat_added_later_gets_the_default_right(tmp_path, clock, fresh_url):
    folder = tmp_path / "seed"
    shutil.copytree(REPO / "seed", folder)
    with open(folder / "personnel.toml", "a", encoding="utf-8") as f:
        f.write(
            '\n[[seats]]\nkey = "hcr-aufsichtsrat-neu"\nholding = "HCR"\n'
            'title = "Neuer Aufsichtsratssitz"\n'
        )
    db = open_database(fresh_url, clock=clock)
    seed_database(db, load_seed(folder))
    seat = next(
        s for h in queries.list_holdings(db) for s in h.seats if s.key == "hcr-aufsichtsrat-neu"
    )
    assert seat.right == "SPD"
    db.dispose()


def test_seeding_twice_changes_nothing(db, db_path, bundled_seed):
    before = dump_db(db)
    if db.is_sqlite:
        raw = dump(db_path)
    report = seed_database(db, bundled_seed)
    assert (report.added, report.updated) == ([], [])
    assert dump_db(db) == before
    if db.is_sqlite:
        assert dump(db_path) == raw


def test_user_edit_survives_reseed_and_seed_changes_apply_elsewhere(db, tmp_path):
    edits.update_measure(
        db, measure_id="SCH-02", changes={"status": "beratung", "lead": "CDU"}, user="anna"
    )
    folder = tmp_path / "seed"
    shutil.copytree(REPO / "seed", folder)
    text = (folder / "measures.toml").read_text(encoding="utf-8")
    for mid in ("SCH-02", "SCH-03"):
        text = text.replace(f'id = "{mid}"\n', f'id = "{mid}"\nstatus = "vorbereitung"\n', 1)
    (folder / "measures.toml").write_text(text, encoding="utf-8")
    report = seed_database(db, load_seed(folder))
    board = {m.id: m for m in queries.load_board(db).measures}
    assert board["SCH-02"].status == "beratung"  # the user's move wins
    assert board["SCH-02"].lead == "CDU"
    assert board["SCH-03"].status == "vorbereitung"  # untouched card follows the seed
    assert any("SCH-02" in k and "status" in k for k in report.kept)


def test_update_validates_before_writing(db):
    before = len(queries.history(db))
    with pytest.raises(InvalidInput):
        edits.update_measure(
            db, measure_id="ARB-01", changes={"status": "beratung", "due": "31.02.2026"}, user="a"
        )
    with pytest.raises(InvalidInput):
        edits.update_measure(db, measure_id="ARB-01", changes={"status": "fertig"}, user="a")
    with pytest.raises(InvalidInput):
        edits.update_measure(db, measure_id="ARB-01", changes={"lead": "FDP"}, user="a")
    with pytest.raises(NotFound):
        edits.move_measure(db, measure_id="XYZ-01", status="offen", user="a")
    assert queries.get_measure(db, "ARB-01").status == "offen"
    assert len(queries.history(db)) == before


def test_dates_in_both_spellings(db):
    m = edits.update_measure(db, measure_id="ARB-01", changes={"due": "31.03.2026"}, user="a")
    assert m.due == date(2026, 3, 31)
    m = edits.update_measure(db, measure_id="ARB-02", changes={"due": "2026-04-30"}, user="a")
    assert m.due == date(2026, 4, 30)


def test_stale_version_is_refused(db):
    m = queries.get_measure(db, "ARB-01")
    edits.move_measure(
        db, measure_id="ARB-01", status="beratung", user="anna", expected_version=m.version
    )
    with pytest.raises(Conflict) as err:
        edits.move_measure(
            db, measure_id="ARB-01", status="umsetzung", user="bernd", expected_version=m.version
        )
    assert err.value.theirs == {"status": "beratung"}
    assert err.value.changed_by == "anna"
    assert queries.get_measure(db, "ARB-01").status == "beratung"


def test_notes_are_appended_and_never_conflict(db):
    m = queries.get_measure(db, "KJF-02")
    edits.add_note(db, measure_id="KJF-02", text="Erste", user="anna")
    edits.add_note(db, measure_id="KJF-02", text="Zweite", user="bernd")
    # a note does not bump the version, so an edit on the card still goes through
    edits.move_measure(
        db, measure_id="KJF-02", status="beratung", user="anna", expected_version=m.version
    )
    notes = queries.get_measure(db, "KJF-02").notes
    assert [(n.author, n.text) for n in notes] == [("anna", "Erste"), ("bernd", "Zweite")]


def test_export_round_trip_is_byte_identical(db, tmp_path, clock, fresh_url):
    edits.update_measure(
        db,
        measure_id="MOB-09",
        changes={
            "status": "umsetzung",
            "responsible": "Tiefbauamt",
            "lead": "gemeinsam",
            "due": "2026-06-30",
        },
        user="anna",
        note="Mit „Anführungszeichen“ und\nZeilenumbruch",
    )
    edits.update_post(
        db,
        key="buergermeister-1",
        changes={"holder": "Erika Muster", "state": "gewählt"},
        user="anna",
    )
    first = export.export_text(db, "toml")
    seed_file = tmp_path / "export.toml"
    seed_file.write_text(first, encoding="utf-8")
    fresh = open_database(fresh_url, clock=clock)
    seed_database(fresh, load_seed(seed_file))
    assert export.export_text(fresh, "toml") == first
    assert export.export_text(fresh, "json") == export.export_text(db, "json")
    csv_fresh = export.export_text(fresh, "csv")
    fresh.dispose()
    csv_first = export.export_text(db, "csv")
    assert csv_fresh == csv_first
    # and the copy says what was changed, not just the same as the source
    mob09 = next(line for line in csv_first.splitlines() if line.startswith("MOB-09"))
    assert "umsetzung" in mob09 and "Tiefbauamt" in mob09 and "2026-06-30" in mob09


def test_json_export_shape(db):
    import json

    edits.add_note(db, measure_id="ARB-01", text="  genau so  ", user="anna")
    data = json.loads(export.export_text(db, "json"))
    assert {
        "topics",
        "statuses",
        "measures",
        "committees",
        "posts",
        "holdings",
        "rules",
        "meta",
    } <= set(data)
    m = next(x for x in data["measures"] if x["id"] == "ARB-01")
    for key in (
        "id",
        "topic",
        "status",
        "title",
        "text",
        "subitems",
        "duplicates",
        "related",
        "responsible",
        "lead",
        "due",
        "notes",
    ):
        assert key in m
    assert m["notes"][0]["author"] == "anna" and m["notes"][0]["text"] == "genau so"
    assert data["topics"][0] == {"key": "ARB", "name": "Arbeit", "order": 1}


def test_newer_schema_is_refused(db):
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
            {"v": str(SCHEMA_VERSION + 1)},
        )
    with pytest.raises(SchemaError, match="Schema-Version") as err:
        open_database(db.url)
    assert "\n" not in err.value.message and "herne@" not in err.value.message
    # herne-tui is not on a package index: no "pip install -U herne-tui" that finds nothing
    assert "pip install -U" not in err.value.message
    assert "bitte die neuere herne-tui-Version installieren" in err.value.message
    assert "(in deren Quellordner: pip install .); nichts geändert" in err.value.message


def test_not_a_database_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite" * 100)
    with pytest.raises(SchemaError, match="keine lesbare"):
        open_database(str(junk))


def test_a_note_alone_never_conflicts(db):
    stale = queries.get_measure(db, "ARB-01").version
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    m = edits.update_measure(
        db,
        measure_id="ARB-01",
        changes={},
        user="bernd",
        expected_version=stale,
        note="trotzdem gespeichert",
    )
    assert [n.text for n in m.notes] == ["trotzdem gespeichert"]


def test_cards_and_last_changes_read_what_the_board_shows(db, clock):
    from herne_tui.services import users

    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.add_user(db, name="cem", partner="CDU", role="bearbeiten", user="anna")
    edits.add_note(db, measure_id="ARB-01", text="geteilt", user="anna")
    edits.add_note(db, measure_id="ARB-01", text="intern", user="anna", intern=True)
    clock.advance(minutes=5)
    edits.move_measure(db, measure_id="ARB-02", status="umgesetzt", user="anna")  # waits
    found = queries.cards(db, ["ARB-02", "ARB-01", "ZZZ-99", "ARB-01"])
    assert sorted(found) == ["ARB-01", "ARB-02"]
    assert found["ARB-01"].note_count == 1 and found["ARB-01"].title
    assert (found["ARB-02"].status, found["ARB-02"].pending) == ("offen", "umgesetzt")
    assert found["ARB-02"].confirm_by == ("CDU",)
    assert queries.cards(db, []) == {}
    edits.update_measure(db, measure_id="ARB-03", changes={"lead": "SPD"}, user="anna")
    clock.advance(minutes=5)
    edits.update_measure(db, measure_id="ARB-04", changes={"lead": "CDU"}, user="anna")
    changed = queries.last_changes(db)
    assert "ARB-05" not in changed  # never edited
    assert changed["ARB-03"] < changed["ARB-04"] == clock.now
