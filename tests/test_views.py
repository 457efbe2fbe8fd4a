"""Saved views: named filters (and the table's order and columns), per user, on F1…F9."""

from __future__ import annotations

import pytest
from pilot import palette_results, settle, started, until

from herne_tui.errors import InvalidInput, NotFound
from herne_tui.screens.board import BoardScreen
from herne_tui.screens.table import TableScreen
from herne_tui.services import queries, views


def test_views_are_per_user_sorted_and_recorded(db):
    views.save_view(db, user="anna", name="  Schule  offen ", view={"filter": {"topic": "SCH"}})
    views.save_view(db, user="anna", name="Arbeit", view={"mode": "table", "sort": "due"})
    views.save_view(db, user="bernd", name="Meins", view={})
    assert [n for n, _ in views.list_views(db, "anna")] == ["Arbeit", "Schule offen"]
    assert [n for n, _ in views.list_views(db, "bernd")] == ["Meins"]
    arbeit = dict(views.list_views(db, "anna"))["Arbeit"]
    assert arbeit["mode"] == "table" and arbeit["sort"] == "due"
    assert any(e.entity_id == "view:anna:Arbeit" for e in queries.history(db, user="anna"))
    views.delete_view(db, user="anna", name="Arbeit")
    assert [n for n, _ in views.list_views(db, "anna")] == ["Schule offen"]
    with pytest.raises(NotFound):
        views.delete_view(db, user="anna", name="Arbeit")


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "a\x1b]0;b"])
def test_bad_view_names_are_refused(db, name):
    with pytest.raises(InvalidInput):
        views.save_view(db, user="anna", name=name, view={})


def test_a_stored_view_is_data_not_code(db):
    hostile = {"mode": "rm -rf", "filter": {"topic": 5, "evil": "x"}, "columns": "id"}
    views.save_view(db, user="anna", name="x", view=hostile)
    ((_, view),) = views.list_views(db, "anna")
    assert view["mode"] == "board" and view["filter"]["topic"] == "5"
    assert "evil" not in view["filter"]


def test_a_stored_view_keeps_every_known_part_with_its_type(db):
    table = {
        "mode": "table",
        "filter": {"text": "Rad", "topic": None, "overdue_only": 1},
        "density": "compact",
        "sort": "",
        "reverse": 1,
        "columns": ["id", 7],
    }
    views.save_view(db, user="anna", name="b", view=table)
    views.save_view(db, user="anna", name="A", view={"mode": "table", "density": "riesig"})
    views.save_view(db, user="anna", name="C", view={"filter": {}, "reverse": True})
    got = dict(views.list_views(db, "anna"))
    assert list(got) == ["A", "b", "C"]  # by name, ignoring case
    assert got["b"] == {
        "mode": "table",
        "filter": {"text": "Rad", "topic": "", "lead": "", "responsible": "", "overdue_only": True},
        "density": "compact",
        "sort": "id",
        "reverse": True,
        "columns": ["id", "7"],
    }
    assert got["A"] == {
        "mode": "table",
        "filter": {"text": "", "topic": "", "lead": "", "responsible": "", "overdue_only": False},
        "sort": "id",
        "reverse": False,
        "columns": [],
    }
    assert got["C"] == {
        "mode": "board",
        "filter": {"text": "", "topic": "", "lead": "", "responsible": "", "overdue_only": False},
    }
    assert views.clean_view({"density": "normal"})["density"] == "normal"


def test_view_names_say_what_is_wrong(db):
    with pytest.raises(InvalidInput, match="^Name der Ansicht fehlt$"):
        views.check_name(" \t ")
    with pytest.raises(InvalidInput, match="^Name der Ansicht: höchstens 60 Zeichen \\(61\\)$"):
        views.check_name("x" * 61)
    with pytest.raises(InvalidInput, match="^Name der Ansicht: keine Steuerzeichen$"):
        views.check_name("a\x9fb")
    assert views.check_name("a\xa0b") == "a b"  # a no-break space is a space, not a control
    assert views.check_name("Schulweg ÄÖÜ") == "Schulweg ÄÖÜ"


async def test_f1_shows_the_first_saved_view_on_the_board_and_f2_the_table(db):
    views.save_view(db, user="tester", name="A Schule", view={"filter": {"topic": "SCH"}})
    views.save_view(
        db,
        user="tester",
        name="B Fällig",
        view={"mode": "table", "sort": "due", "reverse": True, "columns": ["id", "due"]},
    )
    async with started(db) as (app, pilot):
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.filter.topic)
        shown = [m for ms in app.screen.shown.values() for m in ms] if app.screen.shown else []
        assert app.screen.filter.topic == "SCH"
        assert all(m.topic == "SCH" for m in shown)
        await pilot.press("f2")
        await until(
            pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.sort_key == "due"
        )
        assert app.screen.columns == ("id", "due") and app.screen.reverse
        await pilot.press("f3")  # none: one line, nothing changes
        await until(
            pilot, lambda: any("Keine Ansicht 3" in str(n.message) for n in app._notifications)
        )


async def test_saving_a_view_from_the_palette_and_finding_it_there(db):
    async with started(db) as (app, pilot):
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.rows)
        await pilot.press("slash", *"kita", "enter", "o")
        await settle(pilot)
        app.ask_save_view()
        await settle(pilot)
        await pilot.press(*"Kitas", "enter")
        await until(pilot, lambda: views.list_views(db, "tester"))
        ((name, view),) = views.list_views(db, "tester")
        assert name == "Kitas" and view["filter"]["text"] == "kita" and view["sort"] == "title"
        await pilot.press("escape", "ctrl+p")
        await settle(pilot)
        await pilot.press(*"Ansicht: Kitas")
        await palette_results(pilot, "Ansicht: Kitas")
        from textual.command import CommandList

        hits = app.screen.query_one(CommandList)
        shown = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
        assert any("Ansicht: Kitas (F1)" in t for t in shown), shown
