"""Arbitrary text in the filter and in a note: the board shows what matches, and says so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

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
TODAY = date(2026, 3, 2)
FILTER_BOARD = None


def setup_module(module):
    import tempfile

    from herne_tui.db.schema import open_database
    from herne_tui.seeding.apply import seed_database
    from herne_tui.seeding.load import load_seed

    db = open_database(str(Path(tempfile.mkdtemp()) / "h.db"))
    seed_database(db, load_seed())
    module.FILTER_BOARD = queries.load_board(db)
    db.dispose()


def expected_ids(text: str) -> set[str]:
    """The measures whose id, title, text or sub-items contain ``text`` (any case).

    Written out field by field, not through the filter's own search text.
    """
    needle = _folded(text.strip())
    return {
        m.id
        for m in FILTER_BOARD.measures
        if any(needle in _folded(part) for part in (m.id, m.title, m.text, *m.subitems))
    }


def _folded(text: str) -> str:
    """Case and accents folded, umlauts as ae/oe/ue: an answer key of its own."""
    import unicodedata

    low = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    return "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))


def shown_ids(result) -> set[str]:
    return {m.id for v in result.values() for m in v}


# half real words from the agreement (so searches find something), half anything at all
WORDS = st.sampled_from(
    ["Kita", "SCHULE", "verkehr", " Herne ", "ARB-0", "mob-1", "Seilbahn", "ß", "2030"]
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(TEXT, WORDS))
def test_filter_function_shows_exactly_the_matching_measures(text):
    result = columns(FILTER_BOARD, BoardFilter(text=text), TODAY)
    if text.strip():
        assert shown_ids(result) == expected_ids(text)
    else:
        assert len(shown_ids(result)) == len(FILTER_BOARD.measures)


def test_filter_words_find_their_measures():
    # a few searches checked by hand against the seed
    assert shown_ids(columns(FILTER_BOARD, BoardFilter(text="seilbahn"), TODAY)) == {
        "ARB-01",
        "MOB-17",
    }
    assert shown_ids(columns(FILTER_BOARD, BoardFilter(text="(.*)+$"), TODAY)) == set()


def filter_bar(app) -> str:
    return str(app.screen.query_one("#filterbar").render())


async def test_nasty_text_in_filter_and_note(db):
    async with started(db, size=(80, 24)) as (app, pilot):
        await pilot.press("slash")
        for text in NASTY:
            field = app.screen.query_one("#filter")
            field.value = text
            await pilot.pause()
            shown = shown_ids(app.screen.shown)
            assert shown == expected_ids(text), text
            if text.strip():
                assert f"– {len(shown)} von 140 Maßnahmen" in filter_bar(app), text
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
@given(text=st.one_of(TEXT, WORDS))
async def test_any_text_typed_into_the_filter(db, text):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 1)
        await pilot.press("slash")
        app.screen.query_one("#filter").value = text
        await pilot.pause()
        shown = shown_ids(app.screen.shown)
        if text.strip():
            assert shown == expected_ids(text)
            assert f"{len(shown)} von 140 Maßnahmen" in filter_bar(app)
            assert app.screen.query_one("#empty").display == (not shown)
        else:
            assert len(shown) == 140
        await pilot.press("escape")
        await pilot.pause()
        assert sum(len(v) for v in app.screen.shown.values()) == 140
