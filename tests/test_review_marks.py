"""Review marks per user, a coalition-wide one by choice; the weekly review never blocks and
does not queue recomputations (issue 12)."""

from __future__ import annotations

import threading
from datetime import timedelta

from helpers import held
from pilot import settle, started, until

from herne_tui.reports import review
from herne_tui.screens.board import BoardScreen
from herne_tui.screens.pickers import ChoicePicker
from herne_tui.screens.review import ReviewScreen
from herne_tui.services import edits, queries


def test_a_users_mark_is_their_own(db, clock):
    start = clock.now
    review.mark_reviewed(db, user="anna")
    assert review.weekly_review(db, user="anna").since == start
    assert review.weekly_review(db, user="anna").since_source == "mine"
    bernd = review.weekly_review(db, user="bernd")
    assert bernd.since_source == "default" and bernd.since == start - timedelta(days=7)


def test_the_old_global_mark_is_read_as_the_coalitions(db, clock):
    old = clock.now
    edits.set_meta(db, key="review_mark", value=old.isoformat(), user="anna")
    clock.advance(days=1)
    assert review.weekly_review(db, user="bernd").since == old
    assert review.weekly_review(db, user="bernd").since_source == "mark"
    review.mark_reviewed(db, user="bernd")
    assert review.weekly_review(db, user="bernd").since == clock.now
    assert review.weekly_review(db, user="anna").since == old


def test_a_coalition_mark_later_than_mine_wins(db, clock):
    review.mark_reviewed(db, user="anna")
    clock.advance(days=1)
    review.mark_reviewed(db, user="bernd", everyone=True)
    data = review.weekly_review(db, user="anna")
    assert (data.since, data.since_source) == (clock.now, "mark")


async def choose_mark(app, pilot, index: int) -> None:
    await pilot.press("r")
    await until(pilot, lambda: isinstance(app.screen, ChoicePicker), what="the choice")
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


async def test_r_marks_for_me_unless_the_coalition_is_chosen(db, clock):
    async with started(db, user="anna", size=(120, 40)) as (app, pilot):
        await pilot.press("w")
        await settle(pilot)
        await choose_mark(app, pilot, 0)
        meta = queries.get_meta(db)
        assert "review_mark:anna" in meta and "review_mark" not in meta
        assert "mein letzter Rückblick" in app.screen.sub_title
        clock.advance(hours=1)
        await choose_mark(app, pilot, 1)
        assert queries.get_meta(db)["review_mark"] == clock.now.isoformat()
        assert "Rückblick der Koalition" in app.screen.sub_title


async def test_repeated_brackets_do_not_queue_recomputations(db, monkeypatch):
    calls: list[int] = []
    compute = review.weekly_review

    def slow(db, **kw):
        calls.append(kw["stale_weeks"])
        threading.Event().wait(0.3)  # a big database: each computation takes a while
        return compute(db, **kw)

    monkeypatch.setattr(review, "weekly_review", slow)
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        for _ in range(10):
            await pilot.press("right_square_bracket")
        await settle(pilot)
        screen = app.screen
        assert screen.data is not None and screen.data.stale_weeks == 14
        assert "ab 14 Wochen" in screen.sub_title
        assert len(calls) <= 6, calls  # one per key press would be 11
        assert calls[-1] == 14


async def test_the_first_visit_shows_a_loading_state_and_does_not_block(db, monkeypatch):
    release = held(monkeypatch, review, "weekly_review")
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = app.screen
        await until(pilot, lambda: "berechnet" in str(screen.query_one("#state").render()))
        await pilot.press("1")  # the app still answers keys meanwhile
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), what="the board")
        release.set()
        await pilot.press("w")
        await until(pilot, lambda: screen.data is not None, what="the review")
        assert not str(screen.query_one("#state").render()).strip()


async def test_enter_on_a_review_line_opens_its_measure(db):
    from textual.widgets import OptionList

    from herne_tui.screens.measure import MeasureScreen

    edits.move_measure(db, measure_id="KJF-02", status="beratung", user="anna")
    edits.add_note(db, measure_id="SCH-04", text="Elternabend am Montag", user="anna")
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("w")
        screen = await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen)
        await until(pilot, lambda: screen.lines, what="the review's measure lines")
        lines = screen.query_one(OptionList)
        assert app.focused is lines
        # the cursor starts on the first measure line (headings are skipped) ...
        assert screen.lines[lines.highlighted_option.id] == "KJF-02"
        await pilot.press("down")  # ... and down goes to the next measure line
        assert screen.lines[lines.highlighted_option.id] == "SCH-04"
        assert "Elternabend" in str(lines.highlighted_option.prompt)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MeasureScreen))
        assert app.screen.measure_id == "SCH-04"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("up", "enter")
        await until(pilot, lambda: isinstance(app.screen, MeasureScreen))
        assert app.screen.measure_id == "KJF-02"
