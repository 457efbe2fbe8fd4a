"""The coalition's procedures through Pilot: motions, positions, dissent, decisions, quick edits."""

from __future__ import annotations

from pilot import palette_results, rows, settle, started, until

from herne_tui.reports.minutes import render_minutes
from herne_tui.screens.coordination import CoordinationScreen
from herne_tui.screens.deadlines import ChecksScreen, DeadlinesScreen
from herne_tui.screens.edit_form import EditForm
from herne_tui.screens.papers import PapersScreen
from herne_tui.screens.pickers import Prompt
from herne_tui.services import papers, queries


async def fill(pilot, values: dict) -> None:
    for name, value in values.items():
        pilot.app.screen.query_one(f"#f-{name}").value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_add_joint_motion_and_see_partner_deadline(db):
    async with started(db, size=(200, 40)) as (app, pilot):
        await pilot.press("8")
        await settle(pilot)
        assert isinstance(app.screen, PapersScreen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, EditForm)
        await fill(
            pilot,
            {
                "title": "Schulstraßen einrichten",
                "meeting_date": "26.03.2026",
                "filing_deadline": "20.03.2026",
                "measure_ids": "MOB-07",
            },
        )
        assert isinstance(app.screen, PapersScreen)
        row = rows(app.screen)[0]
        assert "Schulstraßen einrichten" in row and "06.03.2026" in row  # 20.03. − 14 days
    stored = papers.list_papers(db)[0]
    assert stored.measure_ids == ("MOB-07",) and stored.kind == "gemeinsamer-antrag"


async def test_positions_show_the_consensus_state(db):
    p = papers.add_paper(
        db,
        values={
            "title": "Haushaltssatzung",
            "kind": "vorlage",
            "body": "Rat",
            "meeting_date": "2026-03-03",
        },
        user="a",
    )
    async with started(db, size=(200, 40)) as (app, pilot):
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        await fill(pilot, {"pos_SPD": "zustimmen", "pos_CDU": "ablehnen"})
        row = rows(app.screen)[0]
        assert "| Dissens |" in row and "Dissens klären" in row
        await pilot.press("p")
        await pilot.pause()
        await fill(pilot, {"pos_CDU": "zustimmen"})
        assert "gemeinsam: zustimmen" in rows(app.screen)[0]
    assert papers.list_papers(db)[0].consensus == "konsens" and p.id == 1


async def test_dissent_goes_to_the_group_and_the_decision_is_minuted(db):
    papers.add_paper(
        db,
        values={
            "title": "Videoüberwachung Willi-Pohlmann-Platz",
            "kind": "gemeinsamer-antrag",
            "body": "Rat",
        },
        user="a",
    )
    async with started(db, size=(200, 40)) as (app, pilot):
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, Prompt)
        app.screen.query_one("#answer").value = "Datenschutz ungeklärt"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        assert isinstance(app.screen, CoordinationScreen)
        assert "Datenschutz ungeklärt" in rows(app.screen)[0]
        await pilot.press("enter")
        await pilot.pause()
        await fill(
            pilot,
            {
                "decision": "einstimmig",
                "outcome": "Prüfauftrag an die Verwaltung",
                "decided_on": "05.03.2026",
                "people_SPD": "Anna A, Bert B",
                "people_CDU": "Clara C",
            },
        )
        assert "einstimmig" in rows(app.screen)[0]
    minutes = render_minutes(db, "md")
    assert "Prüfauftrag an die Verwaltung" in minutes and "Anna A, Bert B" in minutes


async def test_participant_limit_is_enforced_in_the_app(db):
    d = papers.raise_dissent(db, subject="measure:SIC-05", reason="Videoüberwachung", user="anna")
    async with started(db, size=(200, 40)) as (app, pilot):
        await pilot.press("9")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await fill(pilot, {"outcome": "x", "people_SPD": ", ".join(f"P{i}" for i in range(9))})
    assert papers.list_dissents(db)[0].state == "offen" and d.id == 1


async def open_palette(pilot) -> None:
    from textual.command import CommandPalette

    await pilot.press("ctrl+p")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, CommandPalette) and pilot.app.focused is not None,
        what="the command palette to open",
    )


async def test_quick_edits_within_three_keystrokes_of_the_palette(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        for keys, opened in (
            (("n", "o"), lambda: app.screen.query_one("#noteline").is_open),  # the note line
            (("s", "t"), lambda: app.screen.query_one("#choiceline").is_open),  # the status list
            (("d", "i"), lambda: isinstance(app.screen, Prompt)),
        ):
            await open_palette(pilot)
            await pilot.press(*keys)
            await palette_results(pilot, "".join(keys))
            await pilot.press("enter")  # third keystroke
            await settle(pilot)
            assert opened(), (keys, app.screen)
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("3")
        await settle(pilot)
        await open_palette(pilot)
        await pilot.press("n", "o")
        await palette_results(pilot, "no")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditForm)  # Nominieren
    assert queries.get_measure(db, "ARB-01").version == 1  # nothing was saved


async def test_deadlines_and_checks_screens(db):
    from herne_tui.services import edits

    edits.update_measure(db, measure_id="ARB-01", changes={"due": "2026-02-01"}, user="a")
    edits.update_seat(
        db, key="seg-geschaeftsfuehrung", changes={"nominee": "X", "nominee_party": "CDU"}, user="a"
    )
    async with started(db, size=(160, 40)) as (app, pilot):
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
        first = rows(app.screen)[0]
        assert "ARB-01" in first and "ÜBERFÄLLIG" in first
        assert any("Jahresbilanz" in r for r in rows(app.screen))
        await pilot.press("0")
        await settle(pilot)
        assert isinstance(app.screen, ChecksScreen)
        found = "\n".join(rows(app.screen))
        assert "externe Ausschreibung" in found and "Vorschlagsrecht" in found
        assert "seat:" not in found and "vorschlagsrecht" not in found  # labels, not keys
