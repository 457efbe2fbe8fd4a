"""What the app draws from user or seed text outside the board's cards: notices, prompt titles,
picker options, the progress screen (issue 11, the leftovers of "all user-supplied text")."""

from __future__ import annotations

from pilot import palette_results, settle, started, until
from sqlalchemy import select
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


def hostile_agreement(db) -> None:
    """The seed's own names: the agreement, a partner, a status label, a panel's title."""
    import json

    from herne_tui.db.models import MetaEntry, StatusRow

    def write(session: Session) -> None:
        meta = session.get(MetaEntry, "agreement")
        agreement = json.loads(meta.value)
        agreement["name"] = "Vertrag" + SEQUENCE
        agreement["partners"] = ["SPD" + SEQUENCE, *agreement["partners"][1:]]
        agreement["screens"]["committees"]["title"] = "Gremien" + SEQUENCE
        meta.value = json.dumps(agreement)
        status = session.get(StatusRow, "offen")
        status.label = "Offen" + SEQUENCE
        measure = session.get(MeasureRow, "ARB-01")
        measure.lead = "SPD" + SEQUENCE
        session.add_all([meta, status, measure])

    db.write(write)


async def test_the_seeds_names_show_as_typed_on_every_screen(db):
    hostile_agreement(db)
    async with started(db, size=(160, 48)) as (app, pilot):
        # the board: its subtitle (the partners) and the column header (the status)
        await until(pilot, lambda: "SPD␛]52;" in screen(app), what="the partners")
        assert "Offen␛]52" in screen(app) and "\x1b" not in screen(app)
        await pilot.press("enter")  # ARB-01: its status and lead in the form's lists
        await until(pilot, lambda: "Offen␛]52;" in screen(app) and "Notiz" in screen(app))
        assert "\x1b" not in screen(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("2")  # the committees panel, titled by the seed
        await until(pilot, lambda: "Gremien␛]52;" in screen(app), what="the panel's title")
        assert "\x1b" not in screen(app)


async def test_another_users_responsible_shows_in_the_form_and_stays_as_it_was(db):
    from herne_tui.screens.board import BoardScreen
    from herne_tui.services import queries
    from herne_tui.services.edits import update_measure

    update_measure(db, measure_id="ARB-01", changes={"responsible": "Amt" + SEQUENCE}, user="x")
    async with started(db) as (app, pilot):
        await pilot.press("enter")  # the measure's form, its responsible filled in
        await until(pilot, lambda: "Amt␛]52;" in screen(app), what="the responsible's field")
        assert "\x1b" not in screen(app)
        assert not app.screen.is_dirty()  # shown visibly is not a change
        await pilot.press("escape")  # leaves without asking: nothing was typed
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), what="the board")
    assert queries.cards(db, {"ARB-01"})["ARB-01"].responsible == "Amt" + SEQUENCE


async def test_an_edit_form_shows_stored_text_visibly_and_keeps_it(db):
    from herne_tui.db.models import CommitteeRow

    def write(session: Session) -> None:
        row = session.scalars(select(CommitteeRow).order_by(CommitteeRow.position)).first()
        row.chair = "Vorsitz" + SEQUENCE
        session.add(row)

    db.write(write)
    async with started(db) as (app, pilot):
        await pilot.press("2")  # the committees panel; e edits the first row
        await until(pilot, lambda: "Vorsitz␛]52;" in screen(app), what="the panel's row")
        await pilot.press("e")
        await until(pilot, lambda: app.screen.query("Input"), what="the form")
        assert "Vorsitz␛]52;" in app.screen.query_one("#f-chair").value
        assert "\x1b" not in screen(app)
        assert app.screen.changes(show=False) == {}  # nothing typed: nothing to save


async def test_the_past_boards_notice_names_the_title_as_typed(db, clock):

    from herne_tui.screens.asof import AsOfBoardScreen

    def write(session: Session) -> None:
        measure = session.get(MeasureRow, "ARB-01")
        measure.title = "Titel [b]fett[/b]" + SEQUENCE
        session.add(measure)

    db.write(write)
    clock.advance(days=2)
    async with started(db, size=(120, 40)) as (app, pilot):
        app.push_screen(AsOfBoardScreen(clock.now.date()))
        await until(pilot, lambda: isinstance(app.screen, AsOfBoardScreen), what="the past")
        await until(pilot, lambda: app.screen.focused_measure(), what="a card in focus")
        await pilot.press("enter")  # a notice names the measure as it was
        await until(pilot, lambda: app._notifications, what="the notice")
        (notice,) = [n.message for n in app._notifications]
        assert notice.startswith("ARB-01: Titel [b]fett[/b]" + SHOWN + " – Stand am ")


async def test_a_date_typed_with_markup_or_escapes_is_refused_and_shown_as_typed(db):
    async with started(db, size=(100, 40)) as (app, pilot):
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query("#due"), what="the measure's form")
        app.screen.query_one("#due").value = "[/b]31.02." + SEQUENCE
        await pilot.press("ctrl+s")  # refused inline; the app goes on
        error = app.screen.query_one("#date-error")
        await until(pilot, lambda: "nicht lesbar" in str(error.render()), what="the error")
        assert "„[/b]31.02." + SHOWN + "“" in str(error.render())


async def test_the_help_shows_keys_from_the_keymap_as_typed(db):
    from herne_tui.screens.help import HelpScreen

    async with started(db, size=(120, 40)) as (app, pilot):
        app.keymap = {"app.quit": "ctrl+q,[/b]" + SEQUENCE}
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        table = await until(pilot, lambda: app.screen.query_one("DataTable"), what="the keys")
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["Überall", "ctrl+q / [/b]" + SHOWN, "Beenden"] in rows
        assert "\x1b" not in screen(app)


UNBALANCED = "Text[/b] [/] [bold"
"""What Rich or Textual markup would refuse (a closing tag nothing opened): drawn as markup it
stops the app with a MarkupError."""


async def test_unbalanced_markup_in_every_text_leaves_every_screen_working(db):
    import json

    from herne_tui.db.models import CommitteeRow, MetaEntry, StatusRow, TopicRow
    from herne_tui.services.edits import add_note, update_measure

    def write(session: Session) -> None:
        meta = session.get(MetaEntry, "agreement")
        agreement = json.loads(meta.value)
        agreement["partners"] = ["SPD " + UNBALANCED, *agreement["partners"][1:]]
        meta.value = json.dumps(agreement)
        session.get(MeasureRow, "ARB-01").lead = "SPD " + UNBALANCED
        session.get(MeasureRow, "ARB-01").title = "Titel " + UNBALANCED
        session.get(TopicRow, "ARB").name = "Thema " + UNBALANCED
        session.get(StatusRow, "offen").label = "Offen " + UNBALANCED
        row = session.scalars(select(CommitteeRow).order_by(CommitteeRow.position)).first()
        row.chair = "Vorsitz " + UNBALANCED

    db.write(write)
    update_measure(db, measure_id="ARB-01", changes={"responsible": "Amt " + UNBALANCED}, user="x")
    add_note(db, measure_id="ARB-01", text="Notiz " + UNBALANCED, user="x")
    async with started(db, size=(160, 48)) as (app, pilot):
        await until(pilot, lambda: "Text[/b]" in screen(app), what="the card")
        for keys in (
            ["p"],  # the detail panel beside the board
            ["enter"],  # the measure's form
            ["escape", "v"],  # the table
            ["v", "t"],  # the topic picker
            ["escape", "s"],  # the status list
            ["escape", "f"],  # the filter form, the partners to choose from
            ["escape", "2"],
            ["e"],  # a committee's edit form
            ["escape"],
            ["3"],
            ["4"],
            ["5"],
            ["6"],
            ["7"],
            ["8"],
            ["9"],
            ["0"],
            ["w"],
            ["d"],
            ["m"],
            ["question_mark"],
            ["escape", "1"],
        ):
            await pilot.press(*keys)
            await settle(pilot)
            assert app.is_running and app.return_code is None, keys
        await pilot.press("2")
        await until(pilot, lambda: "Vorsitz" in screen(app), what="the committees")


UNCLOSED = "Antrag [SPD] [$x] Budget [/ offen"
"""Brackets Rich's escape leaves alone: ``[SPD]`` and ``[$x]`` look like tags to Textual (they
vanished), and a closing tag without its ``]`` stopped the app with a MarkupError."""


async def test_the_measure_screen_shows_brackets_in_every_stored_text_as_typed(db):
    from herne_tui.services.edits import add_note, update_measure

    def write(session: Session) -> None:
        session.get(MeasureRow, "ARB-01").title = "Titel " + UNCLOSED

    db.write(write)
    update_measure(db, measure_id="ARB-01", changes={"responsible": "Amt " + UNCLOSED}, user="x")
    add_note(db, measure_id="ARB-01", text="Notiz " + UNCLOSED, user="anna [/b")
    async with started(db, size=(160, 48)) as (app, pilot):
        await pilot.press("enter")  # ARB-01's measure screen
        notes = await until(
            pilot, lambda: app.screen.query("#notes") and app.screen.query_one("#notes")
        )
        await until(pilot, lambda: "Notiz " in str(notes.render()), what="the notes")
        facts = str(app.screen.query_one("#facts").render())
        assert facts.startswith("ARB-01 · Titel " + UNCLOSED + "\nThema: ")
        assert "anna [/b: Notiz " + UNCLOSED in str(notes.render())
        assert "Amt " + UNCLOSED in str(app.screen.query_one("#timeline").render())
        assert app.is_running


async def test_a_ris_paper_shows_brackets_in_its_texts_as_typed(db):
    from herne_tui.db.models import RisPaperRow

    url = "https://ris.example/paper/1"

    def write(session: Session) -> None:
        session.add(RisPaperRow(url=url, reference="2026/[0001", name="Haushalt " + UNCLOSED))

    db.write(write)
    async with started(db) as (app, pilot):
        app.open_ris_paper(url)
        head = await until(
            pilot, lambda: app.screen.query("#head") and app.screen.query_one("#head")
        )
        await until(pilot, lambda: "Haushalt" in str(head.render()), what="its header")
        assert str(head.render()).startswith("2026/[0001  Haushalt " + UNCLOSED + "\nArt: ")


async def test_the_conflict_dialog_names_another_user_with_brackets_as_typed(db):
    from pilot import make_app

    from herne_tui.screens.conflict import ConflictScreen
    from herne_tui.services import edits

    app = make_app(db, user="bernd", watch_interval=60)  # no refresh: the card stays stale
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna " + UNBALANCED)
        await pilot.press("L")  # bernd moves his stale copy: the conflict dialog
        dialog = await until(pilot, lambda: isinstance(app.screen, ConflictScreen) and app.screen)
        table = dialog.query_one("DataTable")
        labels = [str(c.label) for c in table.columns.values()]
        assert labels == ["Feld", f"Jetzt (anna {UNBALANCED})", "Meine Änderung"]


async def test_the_palette_lists_hits_whose_texts_look_like_markup(db):
    from textual.command import CommandList

    from herne_tui.db.models import RisPaperRow
    from herne_tui.services import views

    def write(session: Session) -> None:
        session.get(MeasureRow, "ARB-01").title = "Titel " + UNBALANCED
        for n, name in enumerate(("Haushalt A", "Haushalt B " + UNBALANCED, "Haushalt C")):
            session.add(
                RisPaperRow(url=f"https://ris.example/p/{n}", reference=f"26/{n}", name=name)
            )

    db.write(write)
    views.save_view(db, user="tester", name="Meine " + UNBALANCED, view={})

    def hits(app) -> list[str]:
        return [str(o.prompt) for o in app.screen.query_one(CommandList).options]

    async with started(db) as (app, pilot):
        await pilot.press("ctrl+p")  # the saved view is offered at once
        await until(
            pilot,
            lambda: (
                app.screen.query(CommandList)
                and any(h.startswith(f"Ansicht: Meine {UNBALANCED} (F1)\n") for h in hits(app))
            ),
            what="the saved view",
        )
        await pilot.press(*"ARB-01")
        await palette_results(pilot, "ARB-01")
        assert any(h.startswith("Gehe zu ARB-01 – Titel " + UNBALANCED) for h in hits(app))
        await pilot.press(*["backspace"] * 6, *"Haushalt")
        await palette_results(pilot, "Haushalt")
        papers = [h.split("\n")[0] for h in hits(app) if h.startswith("Vorlage ")]
        assert len(papers) == 3 and f"Vorlage 26/1 – Haushalt B {UNBALANCED}" in papers


async def test_ctrl_c_names_the_key_that_quits(db):
    async with started(db) as (app, pilot):
        await pilot.press("ctrl+c")
        await until(pilot, lambda: app._notifications, what="the notice")
        assert [n.message for n in app._notifications] == ["Zum Beenden ctrl+q drücken"]
