"""At 80×24 nothing a user needs is cut off (issue 12 item 12)."""

from __future__ import annotations

from pilot import settle, started, until
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from herne_tui.screens.review import ProgressScreen

SIZE = (80, 24)


def footer_keys(screen) -> dict[str, FooterKey]:
    """The footer's keys that are fully visible, by what they show."""
    return {
        k.key_display: k
        for k in screen.query(FooterKey)
        if k.region.width and k.region.right <= SIZE[0]
    }


async def test_the_board_footer_keeps_s_n_x_help_and_quit(db):
    async with started(db, size=SIZE) as (app, pilot):
        shown = footer_keys(app.screen)
        assert {"s", "n", "x", "?", "q"} <= set(shown), sorted(shown)
        everything = [k.key_display for k in app.screen.query(FooterKey)]
        assert everything.count("^p") == 1, everything


async def test_panel_tables_fit_80_columns(db):
    async with started(db, size=SIZE) as (app, pilot):
        for key in "2345":
            await pilot.press(key)
            await settle(pilot)
            table = app.screen.query_one(DataTable)
            assert table.virtual_size.width <= table.size.width, (key, table.virtual_size)


async def test_progress_lines_do_not_wrap(db):
    async with started(db, size=SIZE) as (app, pilot):
        await pilot.press("7")
        await until(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await settle(pilot)
        bars = app.screen.query_one("#bars")
        lines = bars.render().plain.splitlines()  # type: ignore[union-attr]
        topics = [line for line in lines if "erledigt" in line]
        assert topics and all(len(line) <= bars.content_size.width for line in topics)
        assert any(line.startswith("Digitalisierung und moderne Verwaltung") for line in topics)


async def test_every_screens_footer_keeps_help_and_quit(db):
    async with started(db, size=SIZE) as (app, pilot):
        for key in "w234567890d":
            await pilot.press(key)
            await settle(pilot)
            shown = footer_keys(app.screen)
            assert {"?", "q"} <= set(shown), (key, type(app.screen).__name__, sorted(shown))
        await pilot.press("1")
        await pilot.press("enter")  # the measure view
        await settle(pilot)
        assert {"?", "q"} <= set(footer_keys(app.screen))
