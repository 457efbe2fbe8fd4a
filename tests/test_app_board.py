"""The board through Textual's Pilot: keys in, database and screen state out."""

from __future__ import annotations

from pilot import make_app, settle, started

from herne_tui.db.schema import open_database
from herne_tui.screens.board import BoardScreen
from herne_tui.screens.measure import MeasureScreen
from herne_tui.services import edits, queries


def board(app) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


async def test_fresh_start_focuses_first_card(db):
    async with started(db, size=(80, 24)) as (app, pilot):
        assert board(app).focused_measure().id == "ARB-01"
        assert board(app).column_index == 0


async def test_move_card_right_and_left_and_survive_restart(db, db_path, clock):
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("j", "L")  # ARB-02 → In Vorbereitung
        await settle(pilot)
        assert queries.get_measure(db, "ARB-02").status == "vorbereitung"
        assert board(app).focused_measure().id == "ARB-02"  # focus stays on the card
        await pilot.press("shift+right")
        await settle(pilot)
        assert queries.get_measure(db, "ARB-02").status == "beratung"
        await pilot.press("H")
        await settle(pilot)
        assert queries.get_measure(db, "ARB-02").status == "vorbereitung"
    fresh = open_database(str(db_path), clock=clock)
    again = make_app(fresh)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = board(again)
        assert [m.id for m in screen.shown["vorbereitung"]] == ["ARB-02"]
    history = queries.history(db, entity="measure", entity_id="ARB-02")
    assert [(h.old, h.new) for h in history if h.field == "status"] == [
        ("offen", "vorbereitung"),
        ("vorbereitung", "beratung"),
        ("beratung", "vorbereitung"),
    ]


async def test_navigation_keys(db):
    async with started(db, size=(80, 24)) as (app, pilot):
        await pilot.press("G")
        assert board(app).focused_measure().id == "DEM-01"
        await pilot.press("g", "down", "down", "k")
        assert board(app).focused_measure().id == "ARB-02"


async def test_filter_narrows_and_escape_restores(db):
    async with started(db, size=(80, 24)) as (app, pilot):
        await pilot.press("slash", *"kita")
        await pilot.pause()
        shown = {m.id for v in board(app).shown.values() for m in v}
        # the seed's measures naming Kitas: in the title, or only in the text (KJF-15),
        # spelt "KiTas" (KJF-03)
        assert shown == {"KJF-02", "KJF-03", "KJF-07", "KJF-13", "KJF-14", "KJF-15"}
        await pilot.press("escape")
        await pilot.pause()
        assert sum(len(v) for v in board(app).shown.values()) == 140


async def test_filter_by_topic_and_lead(db):
    edits.update_measure(db, measure_id="SCH-03", changes={"lead": "CDU"}, user="x")
    async with started(db, size=(100, 30)) as (app, pilot):
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # Alle, ARB, SCH
        await pilot.pause()
        shown = [m for v in board(app).shown.values() for m in v]
        assert {m.topic for m in shown} == {"SCH"} and len(shown) == 14
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#lead").value = "CDU"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [m.id for v in board(app).shown.values() for m in v] == ["SCH-03"]


async def test_open_measure_edit_and_save(db):
    async with started(db, size=(100, 40)) as (app, pilot):
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MeasureScreen)
        assert "Blumenthal" in str(app.screen.query_one("#text").render())
        app.screen.query_one("#responsible").value = "Stadtbaurat"
        app.screen.query_one("#due").value = "31.03.2026"
        app.screen.query_one("#note").text = "Gespräch mit der RVR"
        await pilot.press("ctrl+s")
        await settle(pilot)
    m = queries.get_measure(db, "ARB-01")
    assert (m.responsible, m.due.isoformat()) == ("Stadtbaurat", "2026-03-31")
    assert [(n.author, n.text) for n in m.notes] == [("tester", "Gespräch mit der RVR")]


async def test_bad_date_is_refused_inline(db):
    async with started(db, size=(100, 40)) as (app, pilot):
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#due").value = "32.13.2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "nicht" in str(app.screen.query_one("#date-error").render())
    assert queries.get_measure(db, "ARB-01").due is None
    assert queries.get_measure(db, "ARB-01").version == 1


async def test_escape_with_unsaved_changes_asks(db):
    async with started(db, size=(100, 40)) as (app, pilot):
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#responsible").value = "Jemand"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "UnsavedDialog"
        await pilot.press("escape")  # "Abbrechen": keep editing
        await pilot.pause()
        assert isinstance(app.screen, MeasureScreen)
    assert queries.get_measure(db, "ARB-01").responsible == ""


async def test_undo_reverts_own_last_change(db):
    async with started(db, size=(100, 30)) as (app, pilot):
        await pilot.press("L")
        await settle(pilot)
        assert queries.get_measure(db, "ARB-01").status == "vorbereitung"
        await pilot.press("u")
        await settle(pilot)
        assert queries.get_measure(db, "ARB-01").status == "offen"
        assert board(app).focused_measure().id == "ARB-01"
    undo = [h for h in queries.history(db, entity_id="ARB-01") if h.action == "undo"]
    assert len(undo) == 1 and undo[0].new == "offen"


async def test_fast_repeated_moves_build_on_each_other(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("L", "L", "L", "H")  # no waiting between the keys
        await settle(pilot)
        assert board(app).focused_measure().id == "ARB-01"
        assert isinstance(app.screen, BoardScreen)  # no conflict with its own saves
    assert queries.get_measure(db, "ARB-01").status == "beratung"
    moves = [(h.old, h.new) for h in queries.history(db, entity_id="ARB-01") if h.field == "status"]
    assert moves == [
        ("offen", "vorbereitung"),
        ("vorbereitung", "beratung"),
        ("beratung", "umsetzung"),
        ("umsetzung", "beratung"),
    ]


async def test_the_board_stops_at_its_edges_and_never_wraps(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        screen = board(app)
        last_column = len(screen._status_keys()) - 1
        await pilot.press("k", "up", "h", "left")  # at the first card of the first column
        assert screen.focused_measure().id == "ARB-01" and screen.column_index == 0
        await pilot.press("G", "j", "down")  # the last card stays the last
        assert screen.focused_measure().id == "DEM-01"
        await pilot.press("g")
        assert screen.focused_measure().id == "ARB-01"
        await pilot.press(*["l"] * (last_column + 2))  # past the last column: it stays there
        assert screen.column_index == last_column
        await pilot.press(*["h"] * (last_column + 2))
        assert screen.column_index == 0
        # moving the first column's card further left is refused, not wrapped to the last
        await pilot.press("H")
        await settle(pilot)
        assert queries.get_measure(db, "ARB-01").status == "offen"
        assert "Keine weitere Spalte in dieser Richtung." in [n.message for n in app._notifications]
        assert screen.focused_measure().id == "ARB-01"
