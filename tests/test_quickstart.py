"""The quick start reads the same board as the ORM, and steps aside when it should."""

from __future__ import annotations

import sqlite3

from herne_tui.app import HerneApp
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


# -- the write path loads in the first pause (issue 15) ---------------------------------------
def test_quick_access_says_what_access_in_says(db, db_path):
    """The quick start's rights answer the same as the ORM's, before and after users exist."""
    deferred = DeferredDatabase(lambda: db, path=db_path, read_only=False)
    for name in ("anna", "nobody"):
        assert deferred.quick_access(name) == queries.user_access(db, name)
    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.add_user(db, name="lea", partner="CDU", role="lesen", user="anna")
    for name in ("anna", "lea", "nobody"):
        assert deferred.quick_access(name) == queries.user_access(db, name)
    assert deferred.quick_access("lea").can_edit is False
    assert deferred.quick_pending  # none of this opened the real database


def test_quick_newest_history_id_follows_other_commits(db, db_path):
    deferred = DeferredDatabase(lambda: db, path=db_path, read_only=False)
    first = deferred.quick_newest_history_id()
    assert first == read_board(db_path).history_id > 0
    assert deferred.quick_newest_history_id() == first  # nothing new
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    assert deferred.quick_newest_history_id() > first
    deferred.start()
    assert deferred.quick_newest_history_id() is None  # from now on the real database answers


async def test_a_quick_start_opens_the_database_only_in_a_pause(db, db_path, monkeypatch):
    """Keys, the rights and the watcher's polls leave the ORM unloaded; the first pause
    loads it (here: WARM_AFTER set long from the start, then short)."""
    from pilot import settle, started, until

    monkeypatch.setattr(HerneApp, "WARM_AFTER", 3600.0)  # before the app starts: no early load

    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.add_user(db, name="lea", partner="CDU", role="lesen", user="anna")
    opened = []
    board, deferred = quick_start(
        str(db_path), read_only=False, opener=lambda: opened.append(1) or db
    )
    async with started(
        deferred, user="lea", initial_board=board, size=(100, 30), watch_interval=0.05
    ) as (app, pilot):
        await until(pilot, lambda: app.read_only, what="lea's rights (role lesen)")
        for key in ("j", "j", "l", "k"):
            await pilot.press(key)
        for _ in range(5):  # several of the watcher's polls
            await pilot.pause(0.06)
        await settle(pilot)
        assert opened == [] and deferred.quick_pending
        app.WARM_AFTER = 0.0
        await until(pilot, lambda: opened == [1], what="the real database opening")


async def test_a_commit_elsewhere_opens_the_database_and_shows(db, db_path, monkeypatch):
    from pilot import started, until

    monkeypatch.setattr(HerneApp, "WARM_AFTER", 3600.0)  # only the commit may open it

    board, deferred = quick_start(str(db_path), read_only=False, opener=lambda: db)
    async with started(deferred, initial_board=board, size=(100, 30), watch_interval=0.05) as (
        app,
        pilot,
    ):
        assert deferred.quick_pending
        other = open_database(str(db_path))
        edits.move_measure(other, measure_id="ARB-02", status="beratung", user="anna")
        await until(
            pilot,
            lambda: "ARB-02" in [m.id for m in app.screen.model.shown["beratung"]],
            what="anna's move on the board",
        )
        assert not deferred.quick_pending
        other.dispose()


async def test_a_move_before_the_pause_opens_the_database_and_saves(db, db_path, monkeypatch):
    from pilot import settle, started, until

    monkeypatch.setattr(HerneApp, "WARM_AFTER", 3600.0)  # only the move may open it

    board, deferred = quick_start(str(db_path), read_only=False, opener=lambda: db)
    async with started(deferred, initial_board=board, size=(100, 30)) as (app, pilot):
        assert deferred.quick_pending
        await pilot.press("L")
        await until(pilot, lambda: not deferred.quick_pending, what="the database opening")
        await settle(pilot)
    assert queries.get_measure(db, "ARB-01").status == "vorbereitung"


def test_the_quick_board_keeps_each_label_once(db_path, db):
    """10,000 cards share a handful of statuses and topics: one string each (memory)."""
    measures = read_board(db_path).measures
    same = [m for m in measures if m.status == measures[0].status and m.topic == measures[0].topic]
    assert len(same) > 1
    assert all(m.status is same[0].status and m.topic is same[0].topic for m in same)
