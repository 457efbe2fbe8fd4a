"""Small things a user notices: the palette finds its own labels, a focused dropdown shows its
value, the date hint names every accepted form, labels instead of internal keys (issue 12)."""

from __future__ import annotations

from pilot import palette_results, settle, started, until

from herne_tui.domain.objects import parse_date
from herne_tui.screens.edit_form import EditForm
from herne_tui.screens.measure import MeasureScreen
from herne_tui.services import papers


async def test_palette_finds_a_measure_by_its_own_label(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"gehe zu ARB-03")
        await palette_results(pilot, "gehe zu ARB-03")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.focused_measure().id == "ARB-03"


async def test_a_focused_dropdown_shows_its_value(db):
    from textual.widgets import Select
    from textual.widgets._select import SelectCurrent

    papers.add_paper(db, values={"title": "Haushalt", "kind": "vorlage", "body": "Rat"}, user="a")
    async with started(db, size=(160, 40)) as (app, pilot):
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, EditForm))
        select = app.screen.query_one("#f-pos_SPD", Select)
        select.focus()
        await pilot.pause()
        current = select.query_one(SelectCurrent)
        assert current.content_size.height >= 1, "the focused dropdown's value is hidden"
        label = current.query_one("#label")
        assert label.region.height >= 1 and str(label.render()).strip()


async def test_the_due_date_hint_names_every_accepted_form(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MeasureScreen)
        hint = str(app.screen.query_one("#due-label").render())
        for typed, form in (
            ("31.03.2026", "TT.MM.JJJJ"),
            ("31.03.26", "TT.MM.JJ"),
            ("1.3.26", "T.M.JJ"),
            ("2026-03-31", "JJJJ-MM-TT"),
        ):
            assert form in hint and parse_date(typed)
