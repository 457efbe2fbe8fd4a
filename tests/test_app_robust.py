"""Arbitrary text in the filter and in a note never crashes the app."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pilot import make_app, settle, started

from herne_tui.domain.boardview import BoardFilter, columns
from herne_tui.services import queries

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
NASTY = [
    "[b]x[/b]",
    "(.*)+$",
    "\\",
    "ß" * 500,
    "🙂👍🏽",
    "\u202e rtl",
    "\x00\x1b[31m",
    "[/]",
    "a" * 5000,
    "%s %d {0}",
    "\t\n\r",
]


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_filter_function_accepts_any_text(text):
    board = FILTER_BOARD
    result = columns(board, BoardFilter(text=text), board_today())
    assert sum(len(v) for v in result.values()) <= len(board.measures)


FILTER_BOARD = None


def board_today():
    from datetime import date

    return date(2026, 3, 2)


def setup_module(module):
    import tempfile
    from pathlib import Path

    from herne_tui.db.schema import open_database
    from herne_tui.seeding.apply import seed_database
    from herne_tui.seeding.load import load_seed

    db = open_database(str(Path(tempfile.mkdtemp()) / "h.db"))
    seed_database(db, load_seed())
    module.FILTER_BOARD = queries.load_board(db)


async def test_nasty_text_in_filter_and_note(db):
    async with started(db, size=(80, 24)) as (app, pilot):
        await pilot.press("slash")
        for text in NASTY:
            field = app.screen.query_one("#filter")
            field.value = text
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert sum(len(v) for v in app.screen.shown.values()) == 140
        await pilot.press("enter")
        await settle(pilot)
        note = "\n".join(NASTY)
        app.screen.query_one("#note").text = note
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = queries.get_measure(db, "ARB-01").notes
    assert len(saved) == 1 and saved[0].text == note.strip()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXT)
async def test_any_text_typed_into_the_filter(db, text):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 1)
        await pilot.press("slash")
        app.screen.query_one("#filter").value = text
        await pilot.pause()
        shown = sum(len(v) for v in app.screen.shown.values())
        assert shown <= 140
        await pilot.press("escape")
        await pilot.pause()
        assert sum(len(v) for v in app.screen.shown.values()) == 140
