"""Unsaved input is never lost: quitting asks "Speichern / Verwerfen / Abbrechen" (issue 12)."""

from __future__ import annotations

from pilot import settle, started, until

from herne_tui.screens.edit_form import EditForm
from herne_tui.screens.measure import MeasureScreen
from herne_tui.screens.unsaved import UnsavedDialog
from herne_tui.services import papers, queries


def exited(app) -> bool:
    return app.return_code is not None


async def open_measure(app, pilot) -> MeasureScreen:
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, MeasureScreen)
    return app.screen


async def asks(pilot, key: str) -> None:
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, UnsavedDialog), what="the question")
    assert not exited(pilot.app)


async def test_q_with_a_changed_measure_asks_and_saves(db):
    async with started(db, size=(100, 40)) as (app, pilot):
        screen = await open_measure(app, pilot)
        screen.query_one("#responsible").value = "Stadtbaurat"
        screen.query_one("#note").text = "Noch zu klären"
        screen.query_one("#status").focus()  # keys go to the app, not into a text field
        await asks(pilot, "q")
        labels = [str(b.label) for b in app.screen.query("Button")]
        assert labels == ["Speichern", "Verwerfen", "Abbrechen"]
        await pilot.press("s")
        await until(pilot, lambda: exited(app), what="the app to quit after saving")
    m = queries.get_measure(db, "ARB-01")
    assert m.responsible == "Stadtbaurat" and [n.text for n in m.notes] == ["Noch zu klären"]


async def test_ctrl_q_cancel_keeps_the_input_and_drop_quits_without_saving(db):
    async with started(db, size=(100, 40)) as (app, pilot):
        screen = await open_measure(app, pilot)
        screen.query_one("#responsible").value = "Jemand"
        await asks(pilot, "ctrl+q")
        await pilot.press("escape")  # Abbrechen
        await until(pilot, lambda: app.screen is screen, what="back in the measure view")
        assert screen.query_one("#responsible").value == "Jemand" and not exited(app)
        await asks(pilot, "ctrl+q")
        await pilot.press("v")  # Verwerfen
        await until(pilot, lambda: exited(app), what="the app to quit")
    assert queries.get_measure(db, "ARB-01").responsible == ""


async def test_q_without_unsaved_input_quits_at_once(db):
    async with started(db, size=(100, 40)) as (app, pilot):
        await open_measure(app, pilot)
        await pilot.press("q")
        await until(pilot, lambda: exited(app), what="the app to quit")


async def test_escape_offers_save_and_leaves_after_saving(db):
    async with started(db, size=(100, 40)) as (app, pilot):
        screen = await open_measure(app, pilot)
        screen.query_one("#responsible").value = "Stadtbaurat"
        await asks(pilot, "escape")
        await pilot.press("s")
        await until(pilot, lambda: not isinstance(app.screen, MeasureScreen | UnsavedDialog))
    assert queries.get_measure(db, "ARB-01").responsible == "Stadtbaurat"


async def test_ctrl_q_inside_the_note_line_saves_the_note(db):
    async with started(db, size=(100, 40)) as (app, pilot):
        await pilot.press("n")
        await until(pilot, lambda: app.screen.query_one("#noteline").is_open)
        await pilot.press(*"quer gedacht")  # q types into the prompt, it does not quit
        assert not exited(app)
        await asks(pilot, "ctrl+q")
        await pilot.press("s")
        await until(pilot, lambda: exited(app), what="the app to quit after saving")
    assert [n.text for n in queries.get_measure(db, "ARB-01").notes] == ["quer gedacht"]


async def test_ctrl_q_in_a_panel_form_saves_the_form(db):
    papers.add_paper(db, values={"title": "Alt", "kind": "vorlage", "body": "Rat"}, user="a")
    async with started(db, size=(160, 40)) as (app, pilot):
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EditForm))
        app.screen.query_one("#f-title").value = "Neu getippt"
        await asks(pilot, "ctrl+q")
        await pilot.press("s")
        await until(pilot, lambda: exited(app), what="the app to quit after saving")
    assert papers.list_papers(db)[0].title == "Neu getippt"


async def test_a_refused_save_keeps_the_app_open(db):
    async with started(db, size=(100, 40)) as (app, pilot):
        screen = await open_measure(app, pilot)
        screen.query_one("#due").value = "32.13.2026"
        await asks(pilot, "ctrl+q")
        await pilot.press("s")
        await until(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert not exited(app) and screen.query_one("#due").value == "32.13.2026"
        assert str(screen.query_one("#date-error").render())
