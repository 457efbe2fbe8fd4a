"""Several coordinators at once: live refresh between two apps, conflicts, read-only."""

from __future__ import annotations

from pilot import make_app, settle, started, until, watch_reports

from herne_tui.db.schema import open_database
from herne_tui.screens.conflict import ConflictScreen
from herne_tui.screens.measure import MeasureScreen
from herne_tui.services import edits, queries


async def test_second_app_sees_the_first_apps_move_within_a_second(db_path, db, clock):
    other = open_database(str(db_path), clock=clock)
    first, second = (
        make_app(db, user="anna", watch_interval=0.5),
        make_app(other, user="bernd", watch_interval=0.5),
    )
    async with first.run_test(size=(120, 40)) as p1, second.run_test(size=(120, 40)) as p2:
        await settle(p1)
        await settle(p2)
        for pilot, app in ((p1, first), (p2, second)):  # both boards are on screen
            await until(pilot, lambda app=app: app.screen.focused_measure() is not None)
        reports = await watch_reports(p2, second)
        await p2.press("j", "j")  # bernd looks at ARB-03
        assert second.screen.focused_measure().id == "ARB-03"
        await p1.press("L")  # anna moves ARB-01 (her own save may take a moment under load)
        await until(p1, lambda: queries.get_measure(db, "ARB-01").status == "vorbereitung")
        await until(
            p2,
            lambda: [m.id for m in second.screen.shown["vorbereitung"]] == ["ARB-01"],
            what=lambda: f"bernd's board {second.screen.shown['vorbereitung']}",
        )
        # "Within a second" without timing the machine: the watcher polls every 0.5 s, and
        # the one poll that brought anna's move (bernd pressed nothing) put it on screen;
        # other commits (or empty looks) on a loaded machine do not count against it.
        moves = [
            e
            for report in reports
            for e in report
            if (e.entity_id, e.field, e.new) == ("ARB-01", "status", "vorbereitung")
        ]
        assert len(moves) == 1, reports
        assert second.screen.focused_measure().id == "ARB-03"  # bernd keeps his focus


async def test_stale_move_shows_theirs_against_mine(db_path, db, clock):
    app = make_app(db, user="bernd", watch_interval=60)  # no refresh: the card is stale
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
        await pilot.press("L")  # bernd moves his stale copy
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert app.screen.conflict.theirs == {"status": "beratung"}
        assert app.screen.conflict.changed_by == "anna"
        await pilot.press("escape")  # drop mine
        await settle(pilot)
    assert queries.get_measure(db, "ARB-01").status == "beratung"


async def test_apply_mine_again_after_a_conflict(db):
    async with started(db, user="bernd", watch_interval=60, size=(120, 40)) as (app, pilot):
        edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("a")  # apply mine again on the new version
        await settle(pilot)
    m = queries.get_measure(db, "ARB-01")
    assert m.status == "vorbereitung" and m.version == 3


async def test_unsaved_edits_survive_a_refresh(db):
    async with started(db, user="bernd", watch_interval=0.2, size=(120, 40)) as (app, pilot):
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#responsible").value = "Bernds Eingabe"
        edits.add_note(db, measure_id="ARB-01", text="Annas Notiz", user="anna")
        await until(pilot, lambda: "Annas Notiz" in str(app.screen.query_one("#notes").render()))
        assert isinstance(app.screen, MeasureScreen)
        assert app.screen.query_one("#responsible").value == "Bernds Eingabe"
        await pilot.press("ctrl+s")
        await settle(pilot)
    m = queries.get_measure(db, "ARB-01")
    assert m.responsible == "Bernds Eingabe" and len(m.notes) == 1


async def test_read_only_app_changes_nothing(db_path, db, clock):
    viewer = open_database(str(db_path), clock=clock, read_only=True)
    async with started(viewer, user="gast", size=(120, 40)) as (app, pilot):
        assert "NUR LESEN" in app.title
        for key in ("L", "H", "u", "s", "n", "x"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen.focused_measure().id == "ARB-01", key
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#responsible").value = "Gast"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert queries.get_measure(db, "ARB-01").version == 1
    assert len(queries.history(db)) == len(queries.history(viewer))


async def test_a_panel_in_another_mode_is_current_when_shown_again(db_path, db, clock):
    from herne_tui.screens.committees import CommitteesScreen

    async with started(db, user="bernd", watch_interval=0.2, size=(160, 40)) as (app, pilot):
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        reports = await watch_reports(pilot, app)
        other = open_database(str(db_path), clock=clock)
        edits.update_committee(
            other, key="buergerbeteiligung", changes={"chair": "Neue Vorsitzende"}, user="anna"
        )
        # the change is noticed while the board is shown
        await until(pilot, lambda: reports, what="the watcher to notice the change")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, CommitteesScreen)
        await until(pilot, lambda: any(c.chair == "Neue Vorsitzende" for c in app.screen.items))


async def test_an_empty_database_does_not_crash_the_board(tmp_path, clock):
    empty = open_database(str(tmp_path / "empty.db"), clock=clock)  # schema, no seed
    async with started(empty, user="gast", size=(80, 24)) as (app, pilot):
        for key in ("h", "j", "k", "l", "g", "G", "enter", "L", "H", "s", "n"):
            await pilot.press(key)
        await settle(pilot)
        assert app.screen.focused_measure() is None
