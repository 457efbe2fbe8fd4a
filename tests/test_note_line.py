"""The board's quick note in its line at the bottom (`n`): saved, refused, cancelled, and what
the board repaints afterwards."""

from __future__ import annotations

from helpers import held
from pilot import settle, started, until
from textual.geometry import Region
from textual.widgets import Input

from herne_tui.screens.board import BoardScreen
from herne_tui.services import edits, queries
from herne_tui.widgets.card_column import CardList
from herne_tui.widgets.footer import QuietFooter
from herne_tui.widgets.note_line import NoteLine


def board(app) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def problem(line: NoteLine) -> str:
    return str(line.query_one("#note-problem").render())


def footer_keys(app) -> set[str]:
    footer = app.screen.query_one(QuietFooter)
    return {key.key for key in footer.query("FooterKey")}


async def open_line(app, pilot) -> NoteLine:
    await pilot.press("n")
    line = app.screen.query_one(NoteLine)
    await until(pilot, lambda: line.is_open and line.query_one(Input).has_focus, what="the line")
    return line


async def test_a_note_typed_in_the_line_is_saved_and_the_board_keys_come_back(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        line = await open_line(app, pilot)
        assert "Notiz zu ARB-01" in str(line.query_one("#note-title").render())
        await pilot.press(*"Ortstermin jk", "enter")  # j and k type, they do not move
        await until(pilot, lambda: not line.is_open, what="the line to close")
        assert [n.text for n in queries.get_measure(db, "ARB-01").notes] == ["Ortstermin jk"]
        await until(
            pilot, lambda: "✎1" in board(app)._card_view(board(app).model.by_id["ARB-01"]).markers
        )
        await pilot.press("j")  # the board's keys again
        assert board(app).focused_measure().id == "ARB-02"
        await settle(pilot)
        assert "n" in footer_keys(app)  # the board's footer again, not the line's
    history = queries.history(db, entity="measure", entity_id="ARB-01")
    assert [h.field for h in history].count("note") == 1  # recorded once


async def test_esc_or_an_empty_note_close_the_line_and_save_nothing(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        line = await open_line(app, pilot)
        await pilot.press(*"verworfen", "escape")
        await until(pilot, lambda: not line.is_open, what="esc to close the line")
        line = await open_line(app, pilot)
        assert line.query_one(Input).value == ""  # the dropped text does not come back
        await pilot.press("enter")
        await until(pilot, lambda: not line.is_open, what="enter on nothing to close it")
        await pilot.press("L")  # the board's keys work again: ARB-01 moves on
        await settle(pilot)
    assert queries.get_measure(db, "ARB-01").notes == ()
    assert queries.get_measure(db, "ARB-01").status == "vorbereitung"


async def test_a_refused_note_stays_in_the_line_with_the_reason(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        line = await open_line(app, pilot)
        line.query_one(Input).value = "n" * 20_001  # over the limit: refused by the service
        await pilot.press("enter")
        await until(pilot, lambda: "zu lang" in problem(line), what="the reason")
        assert line.is_open and line.query_one(Input).value == "n" * 20_001
        assert board(app).unsaved_input()  # quitting now would ask first
        line.query_one(Input).value = "kürzer"
        await pilot.press("enter")  # another try, the same line
        await until(pilot, lambda: not line.is_open, what="the line to close")
    assert [n.text for n in queries.get_measure(db, "ARB-01").notes] == ["kürzer"]


async def test_a_slow_write_says_so_and_a_second_enter_writes_once(db, monkeypatch):
    release = held(monkeypatch, edits, "add_note")
    async with started(db, size=(120, 40)) as (app, pilot):
        line = await open_line(app, pilot)
        await pilot.press(*"einmal", "enter")
        await until(pilot, lambda: "wird gespeichert" in problem(line), what="the saving notice")
        await pilot.press("enter", "escape")  # neither writes again nor drops the note
        assert line.is_open
        release.set()
        await until(pilot, lambda: not line.is_open, what="the line to close")
        await settle(pilot)
    assert [n.text for n in queries.get_measure(db, "ARB-01").notes] == ["einmal"]


async def test_a_note_repaints_its_card_alone_and_a_move_its_columns(db, monkeypatch):
    painted: list[tuple[str, tuple[Region, ...]]] = []
    refresh = CardList.refresh

    def spy(self, *regions, **kwargs):
        painted.append((self.id or "", regions))
        return refresh(self, *regions, **kwargs)

    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("j")  # ARB-02, the second card of the first column
        await settle(pilot)
        cards = app.screen.query_one("#cards-offen", CardList)
        monkeypatch.setattr(CardList, "refresh", spy)
        # another user's note: the watcher brings it, and only that card is drawn again
        edits.add_note(db, measure_id="ARB-02", text="von nebenan", user="carl")
        await until(pilot, lambda: any(p[0] == "cards-offen" for p in painted), what="a repaint")
        await settle(pilot)
        height = cards.card_height
        whole = [p for p in painted if p[0] == "cards-offen" and not p[1]]
        assert not whole, painted  # the column was not drawn anew
        card = Region(0, height - int(cards.scroll_y), cards.size.width, height)
        assert ("cards-offen", (card,)) in painted
        assert "✎1" in board(app)._card_view(board(app).model.by_id["ARB-02"]).markers
        painted.clear()
        await pilot.press("L")  # a move: both columns get their new cards
        await until(pilot, lambda: board(app).shown["vorbereitung"], what="the move")
        await settle(pilot)
        drawn = {p[0] for p in painted if not p[1]}
        assert {"cards-offen", "cards-vorbereitung"} <= drawn


async def test_a_saved_view_without_filters_shows_every_card_again(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("slash", *"kita", "enter")
        await settle(pilot)
        assert sum(len(v) for v in board(app).shown.values()) == 6
        board(app).apply_view({"mode": "board", "filter": {}})
        await settle(pilot)
        # what the columns draw, not only the model: every card again, no filter bar
        assert sum(len(c.cards) for c in app.screen.query(CardList)) == 140
        assert not app.screen.query_one("#filterbar").has_class("-active")
        assert not board(app).filter.active()


async def test_the_footer_follows_rights_that_change_while_the_board_is_open(db):
    """QuietFooter skips only rebuilds that would show the same keys: when the user's rights
    arrive and say read-only, the editing keys leave the footer."""
    from herne_tui.domain.objects import Access

    async with started(db, size=(160, 40)) as (app, pilot):
        await until(pilot, lambda: app.access is not None, what="the user's access")
        await settle(pilot)
        assert {"s", "n", "x"} <= footer_keys(app)
        app.apply_access(Access(user="tester", managed=True))  # not in the user list
        await until(pilot, lambda: not {"s", "n", "x"} & footer_keys(app), what="the new footer")
