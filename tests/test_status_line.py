"""The board's status choice in its list at the bottom (`s`)."""

from __future__ import annotations

from helpers import held
from pilot import settle, shown, started, until
from textual.geometry import Region
from textual.widgets import OptionList

from herne_tui.screens.board import BoardScreen
from herne_tui.services import edits, queries
from herne_tui.widgets.choice_line import ChoiceLine
from herne_tui.widgets.note_line import NoteLine


def board(app) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


async def open_list(app, pilot) -> ChoiceLine:
    await pilot.press("s")
    line = app.screen.query_one(ChoiceLine)
    await until(pilot, lambda: line.is_open, what="the status list")
    return line


async def test_s_lists_the_statuses_and_enter_moves_the_card(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("j")  # ARB-02
        line = await open_list(app, pilot)
        options = line.query_one(OptionList)
        assert options.has_focus
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[:3] == ["Offen", "In Vorbereitung", "In Beratung"]
        assert options.highlighted == 0  # the card's status, Offen
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: queries.get_measure(db, "ARB-02").status == "beratung")
        await until(pilot, lambda: [m.id for m in board(app).shown["beratung"]] == ["ARB-02"])
        assert not line.is_open
        assert board(app).focused_measure().id == "ARB-02"  # the focus follows the card
        await pilot.press("L")  # the board's keys again, counting from the new status
        await until(pilot, lambda: queries.get_measure(db, "ARB-02").status == "umsetzung")
        line = await open_list(app, pilot)
        assert line.query_one(OptionList).highlighted == 3  # In Umsetzung, where it stands


async def test_a_quick_move_after_a_choice_counts_from_the_chosen_status(db, monkeypatch):
    """`s`, a status, then at once `L`: the move builds on the choice even before it is saved."""
    release = held(monkeypatch, edits, "update_measure")
    async with started(db, size=(120, 40)) as (app, pilot):
        line = await open_list(app, pilot)
        await pilot.press("down", "down", "enter")  # In Beratung, not saved yet
        await until(pilot, lambda: not line.is_open)
        await pilot.press("L")
        release.set()
        await until(pilot, lambda: queries.get_measure(db, "ARB-01").status == "umsetzung")
        await settle(pilot)
    history = queries.history(db, entity="measure", entity_id="ARB-01")
    assert [(h.old, h.new) for h in history if h.field == "status"] == [
        ("offen", "beratung"),
        ("beratung", "umsetzung"),
    ]


async def test_esc_or_the_same_status_change_nothing(db):
    async with started(db, size=(80, 24)) as (app, pilot):
        line = await open_list(app, pilot)
        await pilot.press("down", "escape")
        await until(pilot, lambda: not line.is_open, what="esc to close the list")
        line = await open_list(app, pilot)
        await pilot.press("enter")  # Offen again: nothing to write, not even a new version
        await until(pilot, lambda: not line.is_open, what="enter to close the list")
        await pilot.press("j")
        assert board(app).focused_measure().id == "ARB-02"
        await settle(pilot)
    assert queries.get_measure(db, "ARB-01").version == 1  # nothing was written


async def test_one_line_at_a_time(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        line = await open_list(app, pilot)
        app.screen.action_note()  # e.g. from the command palette
        await settle(pilot)
        assert not app.screen.query_one(NoteLine).is_open and line.is_open
        await pilot.press("escape")
        await until(pilot, lambda: not line.is_open)


def shown_lines(app, widget, styled: bool = False) -> list:
    """What the terminal shows in the widget's rows, the whole width of the screen."""
    region = widget.region
    return shown(app, Region(0, region.y, app.screen.size.width, region.height), styled)


async def test_the_list_opened_again_after_a_resize_looks_like_a_first_one(db):
    """Opening the list again keeps its drawn lines only while its width stays the same."""
    async with started(db, size=(120, 40)) as (app, pilot):
        line = await open_list(app, pilot)
        fresh = shown_lines(app, line, styled=True)
    async with started(db, size=(80, 24)) as (app, pilot):
        line = await open_list(app, pilot)
        narrow = shown_lines(app, line, styled=True)
        await pilot.press("escape")
        await until(pilot, lambda: not line.is_open)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        line = await open_list(app, pilot)
        await settle(pilot)
        assert shown_lines(app, line, styled=True) == fresh != narrow


async def test_renamed_statuses_reach_the_list(db):
    """The list keeps its options between openings, but not past a change of the statuses."""
    from herne_tui.db.models import StatusRow

    async with started(db, size=(120, 40)) as (app, pilot):
        line = await open_list(app, pilot)
        await pilot.press("escape")
        await until(pilot, lambda: not line.is_open)

        def rename(session) -> None:
            session.get(StatusRow, "offen").label = "Noch offen"

        db.write(rename)
        board(app).reload()
        await until(pilot, lambda: board(app).model.statuses[0].label == "Noch offen")
        line = await open_list(app, pilot)
        await settle(pilot)
        rows = shown_lines(app, line)
        assert any("Noch offen" in row for row in rows), rows
        assert not any(" Offen " in row for row in rows), rows


async def test_editing_keys_on_an_empty_column_say_so(db):
    """`l` to a column without cards, then `n`, `s`, `L`: one line says why nothing happens
    (before, the keys did nothing visible: a note typed after `n` became board keys)."""
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("l")  # In Vorbereitung: empty in the seed
        await until(pilot, lambda: board(app).column_index == 1)
        for key in ("n", "s", "L"):
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            said = [n.message for n in app._notifications]
            assert said == [
                "Keine Karte ausgewählt: diese Spalte ist leer (h/l wählt eine andere)."
            ]
            assert not any(line.is_open for line in app.screen.query("BottomLine")), key
    assert queries.get_measure(db, "ARB-01").version == 1
