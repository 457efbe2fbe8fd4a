"""Small things a user notices: the palette finds its own labels, a focused dropdown shows its
value, the date hint names every accepted form, labels instead of internal keys (issue 12)."""

from __future__ import annotations

from pilot import palette_results, settle, started, until

from herne_tui.domain.objects import parse_date
from herne_tui.screens.edit_form import EditForm
from herne_tui.screens.measure import MeasureScreen
from herne_tui.services import papers


async def test_palette_finds_a_measure_by_its_own_label(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"gehe zu ARB-03")
        await palette_results(pilot, "gehe zu ARB-03")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.focused_measure().id == "ARB-03"


async def test_a_focused_dropdown_shows_its_value(db):
    from textual.widgets import Select
    from textual.widgets._select import SelectCurrent

    papers.add_paper(db, values={"title": "Haushalt", "kind": "vorlage", "body": "Rat"}, user="a")
    async with started(db, size=(160, 40)) as (app, pilot):
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, EditForm))
        select = app.screen.query_one("#f-pos_SPD", Select)
        select.focus()
        await pilot.pause()
        current = select.query_one(SelectCurrent)
        assert current.content_size.height >= 1, "the focused dropdown's value is hidden"
        label = current.query_one("#label")
        assert label.region.height >= 1 and str(label.render()).strip()


async def test_the_due_date_hint_names_every_accepted_form(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MeasureScreen)
        hint = str(app.screen.query_one("#due-label").render())
        for typed, form in (
            ("31.03.2026", "TT.MM.JJJJ"),
            ("31.03.26", "TT.MM.JJ"),
            ("1.3.26", "T.M.JJ"),
            ("2026-03-31", "JJJJ-MM-TT"),
        ):
            assert form in hint and parse_date(typed)


async def test_history_shows_labels_not_keys_or_raw_timestamps(db, clock):
    from pilot import rows

    from herne_tui.reports import review
    from herne_tui.services import edits

    review.mark_reviewed(db, user="anna")
    review.mark_reviewed(db, user="anna", everyone=True)
    edits.update_seat(db, key="wfg-geschaeftsfuehrung", changes={"nominee": "Frau X"}, user="a")
    async with started(db, size=(200, 40)) as (app, pilot):
        await pilot.press("6")
        await settle(pilot)
        shown = "\n".join(rows(app.screen))
    when = clock.now.astimezone().strftime("%d.%m.%Y %H:%M")
    assert f"als gesehen markiert (für anna): {when}" in shown
    assert f"(für die ganze Koalition): {when}" in shown
    assert "review_mark" not in shown and clock.now.isoformat() not in shown
    assert (
        "wfg-geschaeftsfuehrung" not in shown
        and "Geschäftsführung | Vorschlag: — → Frau X" in shown
    )


async def test_the_conflict_dialog_shows_status_labels(db):
    from pilot import make_app, table_rows

    from herne_tui.screens.conflict import ConflictScreen
    from herne_tui.services import edits

    app = make_app(db, user="bernd", watch_interval=60)  # no refresh: the card is stale
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="anna")
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        cells = [c for r in table_rows(app.screen) for c in r]
        assert cells == ["Status", "Umgesetzt", "In Vorbereitung"]


async def test_papers_show_title_and_consensus_labels(db):
    from pilot import rows

    papers.add_paper(
        db,
        values={"title": "Haushalt", "kind": "vorlage", "body": "Rat", "number": "V/2026/1"},
        user="a",
    )
    async with started(db, size=(200, 40)) as (app, pilot):
        await pilot.press("8")
        await settle(pilot)
        assert "| offen |" in rows(app.screen)[0]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EditForm))
        title = str(app.screen.query_one(".title").render())
        assert "Haushalt" in title and "V/2026/1" in title and "Papier 1" not in title
