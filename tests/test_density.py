"""The compact card density: one line per card (config ``density``, ``z``, saved views)."""

from __future__ import annotations

from pilot import make_app, settle, started, until

from herne_tui.screens.board import BoardScreen
from herne_tui.services import views
from herne_tui.widgets.card_column import CardList


def first_column(app) -> CardList:
    return app.screen.query(CardList).first()


def line(cards: CardList, y: int) -> str:
    return cards.render_line(y).text


async def test_z_shows_one_line_per_card_and_back(db):
    async with started(db, size=(160, 40)) as (app, pilot):  # columns of 26: the title shows
        cards = first_column(app)
        assert "ARB-01" in line(cards, 0) and "ARB-02" not in line(cards, 1)
        await pilot.press("z")
        await settle(pilot)
        assert cards.virtual_size.height == len(cards.cards)
        assert line(cards, 0).lstrip("▌ ").startswith("ARB-01 Blumenthal")
        assert "ARB-02" in line(cards, 1)
        # the focus still moves card by card, and far down the column stays visible
        await pilot.press(*("j" * 60))
        await settle(pilot)
        assert app.screen.focused_measure().id == cards.cards[60].id
        assert cards.scroll_y <= 60 < cards.scroll_y + cards.scrollable_content_region.height
        await pilot.press("z")
        await settle(pilot)
        assert "ARB-02" not in line(cards, 1)


async def test_the_config_density_and_a_saved_view_choose_compact(db):
    app = make_app(db)
    app.density = "compact"
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.board)
        await settle(pilot)
        assert "ARB-02" in line(first_column(app), 1)
    views.save_view(db, user="tester", name="voll", view={"density": "normal"})
    async with started(db) as (app, pilot):
        app.screen.apply_view({"density": "compact", "filter": {}})
        await settle(pilot)
        assert "ARB-02" in line(first_column(app), 1)
        assert app.screen.view_state()["density"] == "compact"
        await pilot.press("f1")  # "voll": full cards again
        await until(pilot, lambda: not app.screen.compact)
