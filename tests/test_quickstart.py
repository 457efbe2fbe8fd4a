"""The quick start reads the same board as the ORM, and steps aside when it should."""

from __future__ import annotations

import sqlite3

from herne_tui.db.quickstart import DeferredDatabase, quick_start, read_board
from herne_tui.db.schema import open_database
from herne_tui.services import edits, papers, queries, users


def test_quick_board_equals_the_orm_board(db, db_path):
    edits.update_measure(
        db,
        measure_id="ARB-01",
        changes={"status": "beratung", "lead": "CDU", "due": "2026-04-01", "responsible": "Anna"},
        user="a",
        note="eine Notiz",
    )
    papers.add_paper(db, values={"title": "x", "kind": "vorlage", "body": "Rat"}, user="a")
    edits.add_note(db, measure_id="ARB-01", text="Zweite  Notiz:\tGroße Straße", user="b")
    users.add_user(db, name="a", partner="SPD", role="koordination", user="a")
    edits.add_note(db, measure_id="ARB-01", text="nur intern", user="a", intern=True)
    quick, orm = read_board(db_path), queries.load_board(db)
    assert quick == orm
    first = next(m for m in quick.measures if m.id == "ARB-01")
    assert first.notes_text == "eine notiz\nzweite  notiz:\tgrosse strasse"  # no internal note
    assert first.note_count == 2


def test_quick_start_steps_aside(tmp_path, db, db_path):
    assert read_board(tmp_path / "missing.db") is None
    assert quick_start("postgresql+psycopg://x@y/z", read_only=False, opener=None) is None
    empty = tmp_path / "empty.db"
    open_database(str(empty)).dispose()  # schema but no seed
    assert read_board(empty) is None
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    assert read_board(db_path) is None  # an old schema needs the migration path


def test_deferred_database_opens_on_first_use(db_path, db):
    opened = []
    deferred = DeferredDatabase(lambda: opened.append(1) or db, path=db_path, read_only=False)
    assert opened == [] and deferred.read_only is False
    assert deferred.now() == db.now()
    assert queries.get_measure(deferred, "ARB-01").id == "ARB-01"
    assert opened == [1]


async def test_app_started_quickly_still_saves(db, db_path):
    from pilot import settle, started

    board, deferred = quick_start(str(db_path), read_only=False, opener=lambda: db)
    async with started(deferred, initial_board=board, size=(100, 30)) as (app, pilot):
        assert app.screen.focused_measure().id == "ARB-01"
        await pilot.press("L")
        await settle(pilot)
    assert queries.get_measure(db, "ARB-01").status == "vorbereitung"
