"""``enter`` on a history entry or a due date opens that measure (issue 16 item 3)."""

from __future__ import annotations

from pilot import settle, started, until

from herne_tui.screens.deadlines import DeadlinesScreen
from herne_tui.screens.history import HistoryScreen
from herne_tui.screens.measure import MeasureScreen
from herne_tui.services import edits


async def test_enter_on_a_history_entry_opens_its_measure(db):
    edits.update_measure(db, measure_id="SCH-04", changes={"responsible": "Amt 40"}, user="anna")
    async with started(db) as (app, pilot):
        await pilot.press("6")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.entries)
        assert app.screen.entries[0].entity_id == "SCH-04"  # newest first
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MeasureScreen))
        assert app.screen.measure_id == "SCH-04"


async def test_enter_on_a_due_date_opens_the_measure(db):
    edits.update_measure(db, measure_id="MOB-03", changes={"due": "2099-01-31"}, user="anna")
    async with started(db) as (app, pilot):
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DeadlinesScreen) and app.screen.items)
        row = next(i for i, x in enumerate(app.screen.items) if x.ref == "measure:MOB-03")
        from textual.widgets import DataTable

        app.screen.query_one(DataTable).move_cursor(row=row)
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MeasureScreen))
        assert app.screen.measure_id == "MOB-03"


async def test_enter_on_a_related_id_opens_that_measure(db):
    from textual.widgets import Button

    async with started(db) as (app, pilot):
        await pilot.press("enter")  # the focused card, ARB-01 ("Verwandt: MOB-17")
        await until(pilot, lambda: isinstance(app.screen, MeasureScreen) and app.screen.measure)
        first = app.screen
        await until(pilot, lambda: first.query(".related"))
        related = first.query_one(".related", Button)
        assert related.name == "MOB-17" and "MOB-17" in str(related.label)
        await pilot.press("shift+tab")  # from the status field back to the related id
        assert app.focused is related
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, MeasureScreen) and app.screen is not first
        )
        assert app.screen.measure_id == "MOB-17"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is first)
