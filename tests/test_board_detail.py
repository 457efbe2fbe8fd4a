"""The detail pane beside the board (``p``, issue 16 item 1): the focused card's measure."""

from __future__ import annotations

from pilot import settle, started, until

from herne_tui.screens.board import BoardScreen
from herne_tui.services import edits, users
from herne_tui.widgets.detail import DetailPane


def pane_text(app) -> str:
    return str(app.screen.query_one("#detail-text").render())


async def test_p_shows_the_focused_card_and_follows_the_focus(db):
    edits.add_note(db, measure_id="ARB-01", text="Termin mit der Agentur steht", user="bernd")
    edits.update_measure(db, measure_id="ARB-02", changes={"responsible": "Amt 51"}, user="anna")
    async with started(db, size=(140, 40)) as (app, pilot):
        pane = app.screen.query_one(DetailPane)
        assert not pane.display
        await pilot.press("p")
        await until(
            pilot, lambda: "Termin mit der Agentur" in pane_text(app), what=lambda: pane_text(app)
        )
        assert pane.display and pane.region.width >= 40
        assert pane_text(app).startswith("ARB-01 · ")
        # the cards make room beside the pane (the row of columns scrolls sideways)
        assert app.screen.query_one("#columns").region.right <= pane.region.x
        await pilot.press("j")
        await until(pilot, lambda: pane_text(app).startswith("ARB-02"), what=lambda: pane_text(app))
        assert "Verantwortlich: Amt 51" in pane_text(app)
        assert "Amt 51" in pane_text(app).split("Verlauf:")[1]  # the history in words
        assert isinstance(app.screen, BoardScreen)  # nothing opened
        # many keys at once: the pane ends on the card focused last
        await pilot.press(*"jjjjj")
        await settle(pilot)
        focused = app.screen.focused_measure().id
        await until(pilot, lambda: pane_text(app).startswith(focused), what=lambda: pane_text(app))
        await pilot.press("p")
        await settle(pilot)
        assert not pane.display


async def test_the_pane_never_shows_another_partys_internal_note(db):
    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.add_user(db, name="carl", partner="CDU", role="bearbeiten", user="anna")
    edits.add_note(
        db, measure_id="ARB-01", text="Geheimsache Zwiebelturm", user="anna", intern=True
    )
    edits.add_note(db, measure_id="ARB-01", text="für alle sichtbar", user="anna")
    async with started(db, user="carl", size=(140, 40)) as (app, pilot):
        await pilot.press("p")
        await until(
            pilot, lambda: "für alle sichtbar" in pane_text(app), what=lambda: pane_text(app)
        )
        assert "Zwiebelturm" not in pane_text(app)


async def test_narrow_terminal_keeps_the_pane_hidden_with_a_notice(db):
    async with started(db, size=(90, 30)) as (app, pilot):
        await pilot.press("p")
        await settle(pilot)
        pane = app.screen.query_one(DetailPane)
        assert not pane.display
        notices = [n.message for n in app._notifications]
        assert any("erst ab 100 Spalten" in str(m) for m in notices), notices
        await pilot.resize_terminal(140, 40)
        await until(pilot, lambda: pane.display and pane_text(app).startswith("ARB-01"))
        await pilot.resize_terminal(90, 30)
        await until(pilot, lambda: not pane.display)


async def test_while_one_read_runs_only_the_measure_focused_last_is_read_next():
    import threading

    from textual.app import App

    release = threading.Event()
    reads: list[str] = []

    def read(measure_id: str) -> str:
        reads.append(measure_id)
        if measure_id == "A":
            release.wait(10)
        return f"Text von {measure_id}"

    class One(App):
        def compose(self):
            yield DetailPane(read, id="detail")

    app = One()
    async with app.run_test() as pilot:
        pane = app.query_one(DetailPane)
        pane.set_visible(True)
        for measure_id in ("A", "B", "C", "D"):  # the focus moves on while A is read
            pane.show(measure_id)
        await until(pilot, lambda: reads == ["A"])
        release.set()
        await until(pilot, lambda: "Text von D" in pane_text(app), what=lambda: pane_text(app))
        assert reads == ["A", "D"]  # one read at a time; B and C were never read


async def test_the_board_fits_itself_to_every_size_and_back_again(db):
    def widths() -> list[int]:
        return [column.region.width for column in app.screen.query(".column")]

    async with started(db, size=(120, 40)) as (app, pilot):
        assert widths() == [20] * 6
        await pilot.resize_terminal(150, 40)
        await until(pilot, lambda: widths() == [25] * 6, what=lambda: str(widths()))
        await pilot.resize_terminal(120, 40)  # back to a size the board had before
        await until(pilot, lambda: widths() == [20] * 6, what=lambda: str(widths()))
        await pilot.resize_terminal(150, 40)
        await until(pilot, lambda: widths() == [25] * 6, what=lambda: str(widths()))
