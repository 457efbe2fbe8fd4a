"""History, weekly review, progress and the board as of a date, through Pilot."""

from __future__ import annotations

from datetime import date

from pilot import rows, settle, started

from herne_tui.db.schema import open_database
from herne_tui.reports import review
from herne_tui.screens.asof import AsOfBoardScreen
from herne_tui.screens.history import HistoryScreen
from herne_tui.screens.review import ProgressScreen, ReviewScreen
from herne_tui.services import edits


async def test_history_screen_lists_and_filters(db, clock):
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    clock.advance(days=1)
    edits.move_measure(db, measure_id="SCH-02", status="umsetzung", user="bernd")
    async with started(db, size=(140, 40)) as (app, pilot):
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        first = rows(app.screen)[:2]
        assert "SCH-02" in first[0] and "bernd" in first[0]  # newest first
        assert "ARB-01" in first[1] and "In Beratung" in first[1]
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("#answer").value = "anna"
        await pilot.press("enter")
        await settle(pilot)
        assert [r for r in rows(app.screen)] and all("anna" in r for r in rows(app.screen))
        await pilot.press("escape")
        await settle(pilot)
        assert any("bernd" in r for r in rows(app.screen))


async def test_review_mark_survives_restart(db, db_path, clock):
    edits.move_measure(db, measure_id="KJF-02", status="beratung", user="anna")
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert [c.measure.id for c in app.screen.data.status_changes] == ["KJF-02"]
        clock.advance(hours=1)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")  # the first choice: only for me
        await settle(pilot)
        assert [c.measure.id for c in app.screen.data.status_changes] == []
    reopened = open_database(str(db_path), clock=clock)
    assert review.review_mark(reopened, "tester") == clock.now
    assert review.weekly_review(reopened, user="tester").since_source == "mine"


async def test_progress_screen_shows_bars(db):
    edits.move_measure(db, measure_id="DEM-01", status="umgesetzt", user="anna")
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(app.screen, ProgressScreen)
        text = str(app.screen.query_one("#bars").render())
        line = next(row for row in text.splitlines() if row.startswith("Demokratie"))
        assert "█" in line and "1/1" in line
        assert "Tage" in str(app.screen.query_one("#term").render())


async def test_board_as_of_a_past_date(db, clock):
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")  # 2.3.
    clock.advance(days=10)
    edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="anna")
    async with started(db, size=(120, 40)) as (app, pilot):
        app.push_screen(AsOfBoardScreen(date(2026, 3, 5)))
        await settle(pilot)
        screen = app.screen
        assert [m.id for m in screen.shown["beratung"]] == ["ARB-01"]
        assert screen.shown["umgesetzt"] == []
        await pilot.press("L")  # read-only: nothing moves
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert [m.id for m in app.screen.shown["umgesetzt"]] == ["ARB-01"]
    assert [h.new for h in services_history(db) if h.field == "status"] == ["beratung", "umgesetzt"]


def services_history(db):
    from herne_tui.services import queries

    return queries.history(db, entity="measure", entity_id="ARB-01")


async def test_save_weekly_report_from_the_app(db, tmp_path):
    edits.add_note(db, measure_id="SOZ-01", text="Antrag vorbereitet", user="anna")
    target = tmp_path / "bericht.html"
    async with started(db, size=(120, 40)) as (app, pilot):
        app.save_report("weekly", str(target))
        await settle(pilot)
    html = target.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "Antrag vorbereitet" in html


async def test_board_as_of_is_read_only_and_says_so(db, clock):
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    clock.advance(days=10)
    before = [(h.field, h.new) for h in services_history(db)]
    async with started(db, size=(120, 40)) as (app, pilot):
        app.push_screen(AsOfBoardScreen(date(2026, 3, 5)))
        await settle(pilot)
        assert app.screen.title == "Stand 05.03.2026 – nur lesen"
        for key in ("s", "n", "x", "u", "L", "H"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, AsOfBoardScreen), key  # no dialog opened
        shown = [n.message for n in app._notifications]
        assert shown and all(m == "Nur lesen: Board zum Stand 05.03.2026" for m in shown)
    assert [(h.field, h.new) for h in services_history(db)] == before
    from herne_tui.services import queries

    assert queries.get_measure(db, "ARB-01").notes == ()
