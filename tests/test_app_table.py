"""The table view (``v``): sorting, columns, the board's filters, the detail pane."""

from __future__ import annotations

from pilot import settle, started, until

from herne_tui.screens.table import TableScreen
from herne_tui.services import edits, queries


def table(app) -> TableScreen:
    assert isinstance(app.screen, TableScreen)
    return app.screen


def shown_ids(app) -> list[str]:
    return [m.id for m in table(app).rows]


async def test_v_toggles_between_board_and_table_with_every_measure(db):
    total = len(queries.load_board(db).measures)
    async with started(db) as (app, pilot):
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.rows)
        assert len(shown_ids(app)) == total
        assert shown_ids(app)[0] == "ARB-01"  # the agreement's order
        await pilot.press("v")
        await until(pilot, lambda: app.current_mode == "board")


async def test_sorting_by_due_date_and_reversing(db):
    edits.update_measure(db, measure_id="SCH-03", changes={"due": "01.02.2026"}, user="anna")
    edits.update_measure(db, measure_id="ARB-05", changes={"due": "01.01.2026"}, user="anna")
    async with started(db) as (app, pilot):
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.rows)
        # default columns: id, title, status, lead, responsible, due → five presses reach "due"
        await pilot.press(*"ooooo")
        await settle(pilot)
        assert table(app).sort_key == "due"
        assert shown_ids(app)[:2] == ["ARB-05", "SCH-03"]  # earliest first, undated last
        await pilot.press("O")
        await settle(pilot)
        assert shown_ids(app)[-2:] == ["SCH-03", "ARB-05"]


async def test_folded_search_narrows_the_table_and_escape_restores(db):
    async with started(db) as (app, pilot):
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.rows)
        total = len(shown_ids(app))
        await pilot.press("slash", *"suedpool", "enter")
        await settle(pilot)
        ids = shown_ids(app)
        assert ids and len(ids) < total
        assert all("Südpool" in queries.get_measure(db, i).text for i in ids)
        await pilot.press("escape")
        await settle(pilot)
        assert len(shown_ids(app)) == total


async def test_detail_pane_shows_text_and_notes_without_opening(db):
    edits.add_note(db, measure_id="ARB-01", text="Termin mit der Agentur steht", user="bernd")
    async with started(db) as (app, pilot):
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.rows)
        await pilot.press("p")
        detail = app.screen.query_one("#detail-text")

        def pane() -> str:
            return str(detail.render())

        await until(pilot, lambda: "Termin mit der Agentur" in pane(), what=pane)
        assert "ARB-01" in pane()
        await pilot.press("down")
        await until(pilot, lambda: "ARB-02" in pane(), what=pane)
        assert isinstance(app.screen, TableScreen)  # still the table, nothing opened


async def test_columns_can_be_chosen(db):
    async with started(db) as (app, pilot):
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.rows)
        await pilot.press("c")
        await settle(pilot)
        # the picker lists every column; toggle the first (ID) off and apply
        await pilot.press("space", "enter")
        await settle(pilot)
        assert "id" not in table(app).columns
        assert table(app).columns[0] == "title"


async def _open_table(app, pilot) -> None:
    await pilot.press("v")
    await until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.rows)


async def test_bulk_status_for_marked_rows_is_one_group_and_undone_as_one(db):
    async with started(db) as (app, pilot):
        await _open_table(app, pilot)
        await pilot.press("space", "down", "space", "space")  # ARB-01, ARB-03, ARB-04
        assert table(app).marked == {"ARB-01", "ARB-03", "ARB-04"}
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Offen → In Vorbereitung → In Beratung
        await until(pilot, lambda: queries.get_measure(db, "ARB-04").status == "beratung")
        assert [queries.get_measure(db, m).status for m in ("ARB-01", "ARB-03")] == [
            "beratung",
            "beratung",
        ]
        assert queries.get_measure(db, "ARB-02").status == "offen"  # not marked
        groups = {e.txn for e in queries.history(db, user="tester")}
        assert len(groups) == 1
        await until(pilot, lambda: not table(app).marked)
        await pilot.press("u")
        await until(pilot, lambda: queries.get_measure(db, "ARB-04").status == "offen")
        assert queries.get_measure(db, "ARB-01").status == "offen"


async def test_bulk_edit_with_a_card_changed_meanwhile_saves_nothing(db):
    async with started(db, watch_interval=3600) as (app, pilot):  # no live refresh here
        await _open_table(app, pilot)
        await pilot.press("space", "space")  # ARB-01, ARB-02
        edits.update_measure(db, measure_id="ARB-02", changes={"responsible": "x"}, user="bernd")
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("tab", *"Dezernat II", "ctrl+s")  # lead unchanged, responsible set
        await until(
            pilot,
            lambda: any("nichts gespeichert" in str(n.message) for n in app._notifications),
            what="the refusal",
        )
        assert queries.get_measure(db, "ARB-01").responsible == ""
        assert queries.get_measure(db, "ARB-02").responsible == "x"
        assert not queries.history(db, user="tester")
        assert table(app).marked == {"ARB-01", "ARB-02"}  # kept for another try


async def test_search_matches_are_highlighted_in_the_title(db):
    async with started(db) as (app, pilot):
        await _open_table(app, pilot)
        await pilot.press("slash", *"strasse", "enter")
        await settle(pilot)
        from textual.widgets import DataTable

        data = app.screen.query_one(DataTable)
        titles = [data.get_row_at(i)[2] for i in range(data.row_count)]
        marked = [
            t.plain[s.start : s.end] for t in titles for s in t.spans if "reverse" in str(s.style)
        ]
        assert marked and all(x.casefold() in ("straße", "strasse") for x in marked), marked


async def test_one_measure_is_counted_in_the_singular(db):
    title = queries.get_measure(db, "MOB-09").title
    async with started(db) as (app, pilot):
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, TableScreen) and app.screen.rows)
        assert table(app).sub_title.startswith(f"{len(shown_ids(app))} Maßnahmen, sortiert")
        await pilot.press("slash", *title, "enter")
        await until(pilot, lambda: shown_ids(app) == ["MOB-09"], what="only MOB-09 shown")
        assert table(app).sub_title.startswith("1 Maßnahme, sortiert nach"), table(app).sub_title
        bar = str(table(app).query_one("#filterbar").render())
        assert "· 1 Maßnahme" in bar and "1 Maßnahmen" not in bar
