"""What the app draws from user or seed text outside the board's cards: notices, prompt titles,
picker options, the progress screen (issue 11, the leftovers of "all user-supplied text")."""

from __future__ import annotations

from pilot import settle, started, until
from sqlalchemy.orm import Session

from herne_tui.db.models import MeasureRow, TopicRow
from herne_tui.screens.pickers import ChoicePicker

SEQUENCE = "\x1b]52;c;ZWNobyBwd25lZA==\a\x1b[2J"
SHOWN = "␛]52;c;ZWNobyBwd25lZA==␇␛[2J"


def screen(app) -> str:
    return app.export_screenshot()


def hostile_seed_text(db) -> None:
    def write(session: Session) -> None:
        measure = session.get(MeasureRow, "ARB-01")
        measure.title = "Titel" + SEQUENCE
        session.add(measure)
        topic = session.get(TopicRow, "ARB")
        topic.name = "Thema" + SEQUENCE + "[bold]fett[/bold]"
        session.add(topic)

    db.write(write)


async def test_a_notice_shows_its_text_as_typed(db):
    async with started(db) as (app, pilot):
        app.screen.notify("Nachricht" + SEQUENCE + "[bold]fett[/bold]", title="von" + SEQUENCE)
        app.notify("zweite" + SEQUENCE)
        await settle(pilot)
        shown = list(app._notifications)  # what the toasts draw (as other app tests read it)
        assert [n.message for n in shown] == [
            "Nachricht" + SHOWN + "[bold]fett[/bold]",
            "zweite" + SHOWN,
        ]
        assert shown[0].title == "von" + SHOWN
        assert not any(n.markup for n in shown)  # [bold] stays literal


async def test_the_note_line_title_shows_the_title_as_typed(db):
    hostile_seed_text(db)
    async with started(db) as (app, pilot):
        await pilot.press("n")  # note on the focused card, ARB-01
        await until(pilot, lambda: app.screen.query_one("#noteline").is_open, what="the line")
        await until(pilot, lambda: "Titel␛]52;" in screen(app), what="the prompt's title")
        assert "\x1b" not in screen(app)


async def test_picker_options_and_the_progress_screen_show_text_as_typed(db):
    hostile_seed_text(db)
    async with started(db) as (app, pilot):
        await pilot.press("t")  # the topic picker lists the topic names
        await until(pilot, lambda: "Thema␛]52;" in screen(app), what="the topic picker")
        assert "\x1b" not in screen(app) and "[bold]fett[/bold]" in screen(app)
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(ChoicePicker("Wahl" + SEQUENCE, [("a", "Option" + SEQUENCE)], "a"))
        await until(pilot, lambda: "Option␛]52;" in screen(app), what="the choice")
        assert "Wahl␛]52;" in screen(app) and "\x1b" not in screen(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("7")  # progress per topic
        await until(pilot, lambda: "Thema␛]52;" in screen(app), what="the progress screen")
        assert "\x1b" not in screen(app)


async def test_the_filter_bar_names_the_topic_as_typed(db):
    hostile_seed_text(db)
    async with started(db) as (app, pilot):
        await pilot.press("t")
        await until(pilot, lambda: "Thema␛]52;" in screen(app), what="the topic picker")
        await pilot.press("down", "enter")  # the first topic, ARB, whose name carries it
        bar = app.screen.query_one("#filterbar")
        await until(pilot, lambda: "Filter: Thema" in str(bar.render()), what="the filter bar")
        assert "Thema␛]52;" in str(bar.render()) and "\x1b" not in screen(app)
