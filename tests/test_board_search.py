"""The board's search: matches highlighted on the cards, notes searched (issue 16 item 3)."""

from __future__ import annotations

import pytest
from pilot import settle, started, until

from herne_tui.screens.board import BoardScreen
from herne_tui.services import edits, queries, users
from herne_tui.widgets.card_column import CardList
from herne_tui.widgets.shown import MATCH


def card_lines(app, measure_id: str) -> list[list]:
    """The segments of each row of a measure's card, as the board draws them now."""
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    status, index = screen.model.find(measure_id)
    cards = screen.query_one(f"#cards-{status}", CardList)
    cards.scroll_to_card(index)
    top = index * cards.card_height - int(cards.scroll_y)
    rows = 1 if cards.card_height == 1 else cards.card_height - 1
    return [list(cards.render_line(top + row)) for row in range(rows)]


def marked(lines: list[list]) -> list[str]:
    """The texts drawn in the match style, one entry per highlighted run."""
    return [
        seg.text
        for line in lines
        for seg in line
        if seg.style is not None and seg.style.reverse and seg.style.underline
    ]


def plain(lines: list[list]) -> str:
    return "\n".join("".join(seg.text for seg in line) for line in lines)


async def test_a_folded_match_is_highlighted_on_the_card(db):
    async with started(db, size=(140, 40)) as (app, pilot):
        await pilot.press("slash", *"strasse", "enter")
        await settle(pilot)
        assert app.screen.model.find("MOB-12") is not None
        lines = card_lines(app, "MOB-12")
        assert "Fahrradstraßen" in plain(lines)
        assert marked(lines) == ["straße"]  # exactly the matched characters
        # nothing else on the card is drawn in the match style
        others = [s for line in lines for s in line if s.text != "straße"]
        assert not any(s.style and s.style.underline and s.style.reverse for s in others)
        # a new search term draws the card anew (the card cache follows the term)
        await pilot.press("escape", "slash", *"mob-12", "enter")
        await settle(pilot)
        assert marked(card_lines(app, "MOB-12")) == ["MOB-12"]
        await pilot.press("escape")
        await settle(pilot)
        assert marked(card_lines(app, "MOB-12")) == []


async def test_matches_are_highlighted_on_compact_cards_too(db):
    async with started(db, size=(160, 40)) as (app, pilot):  # room for "Fahrradstraße"
        await pilot.press("z", "slash", *"fahrradstrasse", "enter")
        await settle(pilot)
        lines = card_lines(app, "MOB-12")
        assert len(lines) == 1 and "MOB-12" in plain(lines)
        assert marked(lines) == ["Fahrradstraße"]
        assert MATCH.reverse and MATCH.underline


async def test_a_note_word_finds_the_measure(db):
    edits.add_note(db, measure_id="SCH-04", text="Ortstermin mit dem Förderverein", user="anna")
    async with started(db) as (app, pilot):
        await pilot.press("slash", *"foerderverein", "enter")
        await settle(pilot)
        shown = [m.id for items in app.screen.shown.values() for m in items]
        assert shown == ["SCH-04"]
        # a note added while the board is open is found too (the board reads that card again)
        await pilot.press("escape", "n", *"Wasserschaden im Keller", "enter")
        first = app.screen.focused_measure().id
        await until(
            pilot,
            lambda: any("Wasserschaden" in n.text for n in queries.get_measure(db, first).notes),
            what="the note saved",
        )
        await until(
            pilot,
            lambda: (
                app.screen.model.by_id[first].notes_text
                and "wasserschaden" in app.screen.model.by_id[first].notes_text
            ),
            what="the board's copy with the new note",
        )
        await pilot.press("slash", *"Wasserschaden", "enter")
        await settle(pilot)
        shown = [m.id for items in app.screen.shown.values() for m in items]
        assert shown == [first]


@pytest.mark.both_backends
async def test_another_partys_internal_note_is_never_found(db):
    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.add_user(db, name="carl", partner="CDU", role="bearbeiten", user="anna")
    edits.add_note(
        db, measure_id="ARB-02", text="Geheimsache Zwiebelturm", user="anna", intern=True
    )
    edits.add_note(db, measure_id="ARB-03", text="Zwiebelturm für alle", user="anna")
    async with started(db, user="carl") as (app, pilot):
        await pilot.press("slash", *"zwiebelturm", "enter")
        await settle(pilot)
        shown = [m.id for items in app.screen.shown.values() for m in items]
        assert shown == ["ARB-03"]  # the shared note only
        await pilot.press("escape", "slash", *"geheimsache", "enter")
        await settle(pilot)
        assert sum(len(items) for items in app.screen.shown.values()) == 0
