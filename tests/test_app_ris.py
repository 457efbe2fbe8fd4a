"""The RIS mirror in the app: the Sitzungen screen (m), a paper's view, the palette's paper
search and "RIS abgleichen"."""

from __future__ import annotations

from oparl_server import FakeRis
from pilot import palette_results, settle, started, until
from textual.widgets import DataTable, Static

from herne_tui.ris import links, queries
from herne_tui.ris.client import Politeness
from herne_tui.ris.sync import sync

FAST = Politeness(rate=0, backoff=0.001)


def cells(screen, table_id: str) -> list[str]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [" | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_meetings_screen_agenda_and_paper_view(db, httpserver):
    ris = FakeRis(httpserver.url_for(""), "1.0").standard().serve(httpserver)
    sync(db, ris.url("system"), politeness=FAST)
    links.link(db, subject="ARB-01", reference="2026/0901", user="anna")
    async with started(db) as (app, pilot):
        await pilot.press("m")
        screen = await until(
            pilot,
            lambda: (
                app.screen
                if cells(app.screen, "meetings")
                else None
                if app.screen.__class__.__name__ == "MeetingsScreen"
                else None
            ),
            what="the meetings",
        )
        assert screen.__class__.__name__ == "MeetingsScreen"
        meetings = cells(screen, "meetings")
        assert len(meetings) == 3 and "Sitzung des Rates" in meetings[2]
        assert cells(screen, "agenda")[1].startswith("1 | Fortschreibung des Klimaschutzkonzepts")
        await pilot.press("down", "down")  # the council meeting
        await until(
            pilot,
            lambda: "unverändert beschlossen" in " ".join(cells(screen, "agenda")),
            what="the council's agenda",
        )
        await pilot.press("enter", "enter")  # into the agenda, then its paper
        paper = await until(
            pilot,
            lambda: app.screen if app.screen.__class__.__name__ == "RisPaperScreen" else None,
            what="the paper view",
        )
        await settle(pilot)
        head = str(paper.query_one("#head", Static).render())
        assert "2026/0901" in head and "Fortschreibung des Klimaschutzkonzepts" in head
        assert "Verknüpfte Maßnahmen: ARB-01" in head
        steps = [
            " | ".join(str(c) for c in paper.query_one(DataTable).get_row_at(i))
            for i in range(paper.query_one(DataTable).row_count)
        ]
        assert len(steps) == 2 and "beschließend | ja | unverändert beschlossen" in steps[1]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, what="back on the meetings")
        await pilot.press("c")
        await pilot.press(*"schul", "enter")
        await until(pilot, lambda: len(cells(screen, "meetings")) == 1, what="the filter")
        assert "Sitzung des Schulausschusses" in cells(screen, "meetings")[0]


async def test_palette_finds_papers_and_syncs(db, clock, httpserver):
    ris = FakeRis(httpserver.url_for(""), "1.1").standard().serve(httpserver)
    sync(db, ris.url("system"), politeness=FAST)
    ris.paper("3")["name"] = "Bericht über die Haushaltslage, neu"
    ris.paper("3")["modified"] = "2026-03-02T12:00:00+01:00"
    clock.advance(days=1)
    async with started(db) as (app, pilot):
        await pilot.press("ctrl+p")
        await pilot.press(*"RIS abgleichen")
        await palette_results(pilot, "RIS abgleichen")
        await pilot.press("enter")
        await until(
            pilot,
            lambda: any("RIS abgeglichen" in n.message for n in app._notifications),
            what="the sync's notice",
        )
        assert next(p for p in queries.papers(db) if p.reference == "2026/0903").name.endswith(
            "neu"
        )
        await pilot.press("ctrl+p")
        await pilot.press(*"0903")
        await palette_results(pilot, "0903")
        await pilot.press("enter")
        paper = await until(
            pilot,
            lambda: app.screen if app.screen.__class__.__name__ == "RisPaperScreen" else None,
            what="the paper view",
        )
        await settle(pilot)
        assert "Haushaltslage, neu" in str(paper.query_one("#head", Static).render())


async def test_decision_shown_on_the_measure_and_taken_over_in_the_review(db, httpserver):
    from herne_tui.services import queries as board

    ris = FakeRis(httpserver.url_for(""), "1.1").standard().serve(httpserver)
    sync(db, ris.url("system"), politeness=FAST)
    links.link(db, subject="ARB-01", reference="2026/0901", user="anna")
    async with started(db) as (app, pilot):
        app.open_measure("ARB-01")

        def ris_text() -> str:
            found = app.screen.query("#ris")
            return str(found.first(Static).render()) if found else ""

        await until(
            pilot,
            lambda: "unverändert beschlossen" in ris_text(),
            what="the decision on the measure view",
        )
        text = str(app.screen.query_one("#ris", Static).render())
        assert "2026/0901" in text
        assert "Beschlossen am 10.12.2026 im Rat der Stadt: unverändert beschlossen" in text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("w")
        review = await until(
            pilot,
            lambda: (
                app.screen
                if app.screen.__class__.__name__ == "ReviewScreen" and app.screen.proposals
                else None
            ),
            what="the review's proposals",
        )
        assert review.proposals[0].measure_id == "ARB-01"
        await pilot.press("b")
        await until(
            pilot,
            lambda: board.get_measure(db, "ARB-01").status == "vorbereitung",
            what="the status taken over",
        )
        (entry,) = [
            e
            for e in board.history(db, entity="measure", entity_id="ARB-01")
            if e.field == "status"
        ]
        assert entry.source == ris.url("paper/1") and "unverändert beschlossen" in entry.comment
        await until(pilot, lambda: not review.proposals, what="the proposal gone")


def screen_named(app, name: str):
    return app.screen if app.screen.__class__.__name__ == name else None


async def test_suggestions_position_sheet_and_linking_from_the_app(db, httpserver):
    ris = FakeRis(httpserver.url_for(""), "1.1").standard().serve(httpserver)
    sync(db, ris.url("system"), politeness=FAST)
    async with started(db) as (app, pilot):
        await pilot.press("m")
        await until(pilot, lambda: screen_named(app, "MeetingsScreen"), what="the meetings")
        await settle(pilot)
        await pilot.press("g")
        screen = await until(
            pilot, lambda: screen_named(app, "SuggestionsScreen"), what="the suggestions"
        )
        await until(pilot, lambda: screen.items, what="suggestions listed")
        first = screen.items[0]
        await pilot.press("x")  # reject the first
        await until(pilot, lambda: first not in screen.items, what="the rejection")
        second = screen.items[0]
        await pilot.press("enter")  # link the next
        await until(pilot, lambda: second not in screen.items, what="the link")
        linked = next(p for p in queries.papers(db) if p.url == second.paper_url)
        assert linked.measures == (second.measure_id,)
        await pilot.press("escape")
        await until(pilot, lambda: screen_named(app, "MeetingsScreen"), what="back")
        await pilot.press("down")  # the school committee's meeting
        await pilot.press("p")
        sheet = await until(pilot, lambda: screen_named(app, "PositionsScreen"), what="the sheet")
        await settle(pilot)
        from textual.widgets import Markdown

        text = sheet.query_one(Markdown).source
        assert "Positionsblatt: Sitzung des Schulausschusses" in text
        await pilot.press("escape")
        app.open_ris_paper(ris.url("paper/3"))
        paper = await until(pilot, lambda: screen_named(app, "RisPaperScreen"), what="the paper")
        await settle(pilot)
        await pilot.press("l")
        await pilot.press(*"ARB-03", "enter")
        await until(
            pilot,
            lambda: "ARB-03" in str(paper.query_one("#head", Static).render()),
            what="the new link on the paper view",
        )
        assert next(p for p in queries.papers(db) if p.reference == "2026/0903").measures == (
            "ARB-03",
        )


async def test_motion_number_opens_the_mirrored_paper(db, httpserver):
    from herne_tui.services import papers

    ris = FakeRis(httpserver.url_for(""), "1.1").standard().serve(httpserver)
    sync(db, ris.url("system"), politeness=FAST)
    papers.add_paper(
        db,
        values={
            "title": "Schulessen",
            "kind": "eigener-antrag",
            "body": "Schulausschuss",
            "number": "2026/0902",
        },
        user="anna",
    )
    async with started(db) as (app, pilot):
        await pilot.press("8")
        await until(pilot, lambda: screen_named(app, "PapersScreen"), what="the papers panel")
        await settle(pilot)
        await pilot.press("r")
        paper = await until(pilot, lambda: screen_named(app, "RisPaperScreen"), what="the paper")
        await settle(pilot)
        assert "Mensen an Schulen" in str(paper.query_one("#head", Static).render())


async def test_the_committee_filter_names_what_was_typed_and_says_when_nothing_matches(
    db, httpserver
):
    ris = FakeRis(httpserver.url_for(""), "1.0").standard().serve(httpserver)
    sync(db, ris.url("system"), politeness=FAST)
    async with started(db) as (app, pilot):
        await pilot.press("m")
        screen = await until(pilot, lambda: screen_named(app, "MeetingsScreen"), what="meetings")
        intro = screen.query_one("#intro", Static)
        await until(pilot, lambda: "3 Sitzungen" in str(intro.render()), what="all meetings")
        await pilot.press("c")  # words of a committee's name
        field = await until(pilot, lambda: app.screen.query("Input"), what="the prompt")
        field.first().value = "schul"
        await pilot.press("enter")
        await until(pilot, lambda: "1 Sitzungen von „schul“" in str(intro.render()))
        assert len(cells(screen, "meetings")) == 1
        await pilot.press("c")
        field = await until(pilot, lambda: app.screen.query("Input"), what="the prompt")
        field.first().value = "Zoo\x1b]0;x\a"  # matches no committee; escapes shown visibly
        await pilot.press("enter")
        await until(pilot, lambda: "Keine Sitzungen von „Zoo␛]0;x␇“" in str(intro.render()))
        assert "RIS abgleichen" not in str(intro.render())  # the mirror is not empty
        assert cells(screen, "meetings") == []
