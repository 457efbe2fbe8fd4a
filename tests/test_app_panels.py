"""The personnel panels through Pilot: they open on their keys, show the rights, save edits."""

from __future__ import annotations

import pytest
from pilot import palette_results, settle, started, table_rows, until

from herne_tui.screens.committees import CommitteesScreen
from herne_tui.screens.dezernat import DezernatScreen
from herne_tui.screens.edit_form import EditForm
from herne_tui.screens.holdings import HoldingsScreen
from herne_tui.screens.posts import PostsScreen
from herne_tui.services import edits, queries


@pytest.mark.parametrize(
    "key,screen_type,expected",
    [
        ("2", CommitteesScreen, ["Ausschuss für Bürgerbeteiligung", "Bürgerbeauftragter"]),
        ("3", PostsScreen, ["Erster Bürgermeister", "Sodingen", "Eickel", "Wanne", "Herne-Mitte"]),
        ("4", DezernatScreen, ["Dezernat III", "SPD"]),
        ("5", HoldingsScreen, ["WFG", "EH", "Vorstand für Haushalt und Personal"]),
    ],
)
async def test_each_panel_opens_on_its_key(db, key, screen_type, expected):
    async with started(db, size=(160, 40)) as (app, pilot):
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen_type)
        text = "\n".join(" | ".join(r) for r in table_rows(app.screen))
        for word in expected:
            assert word in text
        await pilot.press("1")
        await settle(pilot)
        assert app.screen.focused_measure().id == "ARB-01"


async def test_posts_panel_shows_seeded_rights(db):
    async with started(db, size=(160, 40)) as (app, pilot):
        await pilot.press("3")
        await settle(pilot)
        rows = table_rows(app.screen)
        rights = {(r[0], r[1]): r[2] for r in rows}
        assert rights[("Erster Bürgermeister", "Rat der Stadt Herne")] == "SPD"
        assert rights[("Zweiter Bürgermeister", "Rat der Stadt Herne")] == "CDU"
        assert rights[("Bezirksbürgermeister", "Wanne")] == "SPD"
        assert rights[("Erster stellvertretender Bezirksbürgermeister", "Wanne")] == "CDU"


async def test_holdings_rights_and_contradiction_flagged(db):
    seat = next(s for h in queries.list_holdings(db) if h.key == "HCR" for s in h.seats)
    edits.update_seat(
        db,
        key=seat.key,
        changes={"nominee": "Max Beispiel", "nominee_party": "CDU", "state": "nominiert"},
        user="x",
    )
    async with started(db, size=(180, 40)) as (app, pilot):
        await pilot.press("5")
        await settle(pilot)
        rows = {(r[0], r[1]): r for r in table_rows(app.screen)}
        assert all(r[2] == "CDU" for k, r in rows.items() if k[0] == "WFG")
        hcr = next(r for k, r in rows.items() if k[0] == "HCR")
        assert hcr[2] == "SPD"
        assert "⚠" in hcr[-1] and "CDU" in hcr[-1] and "Ausschreibung" in hcr[-1]
        problems = str(app.screen.query_one("#problems").render())
        assert "HCR" in problems


async def test_edit_a_post_through_the_form(db):
    async with started(db, size=(160, 40)) as (app, pilot):
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EditForm)
        app.screen.query_one("#f-holder").value = "Erika Muster"
        app.screen.query_one("#f-holder_party").value = "SPD"
        app.screen.query_one("#f-state").value = "gewählt"
        app.screen.query_one("#f-state_date").value = "05.11.2025"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PostsScreen)
    post = next(p for p in queries.list_posts(db) if p.key == "buergermeister-1")
    assert (post.holder, post.state, post.state_date.isoformat()) == (
        "Erika Muster",
        "gewählt",
        "2025-11-05",
    )
    fields = {
        h.field
        for h in queries.history(db, entity="post", entity_id="buergermeister-1")
        if h.action == "edit"
    }
    assert fields == {"holder", "holder_party", "state", "state_date"}


async def test_bad_date_in_panel_form_saves_nothing(db):
    async with started(db, size=(160, 40)) as (app, pilot):
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#f-tender_date").value = "31.02.2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EditForm)
        assert "gibt es nicht" in str(app.screen.query_one("#e-tender_date").render())
    dez = next(p for p in queries.list_posts(db) if p.kind == "dezernat")
    assert dez.tender_date is None and dez.version == 1


async def test_committee_spokespeople(db):
    async with started(db, size=(160, 40)) as (app, pilot):
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        app.screen.query_one("#f-chair").value = "Petra Vorsitz"
        app.screen.query_one("#f-speaker_CDU").value = "Clara Sprecherin"
        await pilot.press("ctrl+s")
        await settle(pilot)
    c = next(c for c in queries.list_committees(db) if c.key == "buergerbeteiligung")
    assert c.chair == "Petra Vorsitz" and dict(c.spokespeople) == {"CDU": "Clara Sprecherin"}


async def test_a_partner_whose_name_is_no_identifier_gets_its_speaker_field(db):
    import json

    from herne_tui.db.models import MetaEntry

    greens = "Bündnis 90/Die Grünen"  # a space and a slash: no widget id

    def write(session) -> None:
        meta = session.get(MetaEntry, "agreement")
        agreement = json.loads(meta.value)
        agreement["partners"] = [*agreement["partners"], greens]
        meta.value = json.dumps(agreement)

    db.write(write)
    async with started(db, size=(160, 48)) as (app, pilot):
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("down", "enter")  # the form opens (it stopped the app before)
        form = await until(pilot, lambda: getattr(app.screen, "keys", None) and app.screen)
        app.screen.query_one(f"#f-{form.keys['speaker_' + greens]}").value = "Grete Grün"
        app.screen.query_one("#f-speaker_CDU").value = "Clara Sprecherin"
        await pilot.press("ctrl+s")
        await settle(pilot)
    c = next(c for c in queries.list_committees(db) if c.key == "buergerbeteiligung")
    assert dict(c.spokespeople) == {"CDU": "Clara Sprecherin", greens: "Grete Grün"}


def test_readme_key_table_matches_the_bindings():
    from helpers import REPO

    from herne_tui.app import help_sections
    from herne_tui.screens.help import key_rows

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| ") and "`" in line]
    rows = key_rows(help_sections())
    assert len(rows) > 40
    for _, keys, description in rows:
        assert any(f"`{keys}`" in line and f"| {description}" in line for line in table), (
            f"README lacks the key row {keys} → {description}"
        )


async def test_help_lists_every_key(db):
    from herne_tui.screens.help import HelpScreen

    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = table_rows(app.screen)
        keys = {r[1] for r in rows}
        assert {"H / shift+left", "L / shift+right", "/", "t", "f", "u", "ctrl+s", "1", "5"} <= keys
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_goes_to_a_measure(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"MOB-09")
        await palette_results(pilot, "MOB-09")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.focused_measure().id == "MOB-09"


async def test_palette_opens_a_panel(db):
    async with started(db, size=(120, 40)) as (app, pilot):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Beteiligungen")
        await palette_results(pilot, "Beteiligungen")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HoldingsScreen)
