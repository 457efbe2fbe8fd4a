"""A refused form stays open with the reason under the field and what was typed (issue 12)."""

from __future__ import annotations

from pilot import settle, started, until

from herne_tui.screens.coordination import CoordinationScreen
from herne_tui.screens.edit_form import EditForm
from herne_tui.screens.history import HistoryScreen
from herne_tui.screens.pickers import Prompt
from herne_tui.services import papers

NINE = ", ".join(f"Person {i}" for i in range(1, 10))


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_nine_names_for_one_party_keep_the_form_open(db):
    papers.raise_dissent(db, subject="measure:SIC-05", reason="Videoüberwachung", user="anna")
    async with started(db, size=(200, 50)) as (app, pilot):
        await pilot.press("9")
        await settle(pilot)
        assert isinstance(app.screen, CoordinationScreen)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EditForm))
        app.screen.query_one("#f-outcome").value = "Prüfauftrag"
        app.screen.query_one("#f-people_SPD").value = NINE
        app.screen.query_one("#f-people_CDU").value = "Clara C"
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EditForm), "the refused form must stay open"
        assert "höchstens 8" in shown(form, "#e-people_SPD")
        assert form.query_one("#f-people_SPD").value == NINE
        assert form.query_one("#f-outcome").value == "Prüfauftrag"
        assert form.query_one("#f-people_CDU").value == "Clara C"
        # one name fewer, and it is saved
        form.query_one("#f-people_SPD").value = NINE.rsplit(",", 1)[0]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CoordinationScreen)
    decided = papers.list_dissents(db)[0]
    assert decided.state == "entschieden" and decided.outcome == "Prüfauftrag"
    assert dict(decided.participants)["SPD"][-1] == "Person 8"


async def test_a_bad_date_in_the_history_filter_keeps_the_prompt_open(db):
    async with started(db, size=(140, 40)) as (app, pilot):
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("z")
        await until(pilot, lambda: isinstance(app.screen, Prompt))
        app.screen.query_one("#answer").value = "31.02.2026"
        await pilot.press("enter")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, Prompt), "the refused prompt must stay open"
        assert prompt.query_one("#answer").value == "31.02.2026"
        assert shown(prompt, "#problem")
        prompt.query_one("#answer").value = "01.03.2026"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "seit 01.03.2026" in shown(app.screen, "#filters")


async def test_a_form_meeting_a_newer_version_opens_again_with_the_typed_values(db):
    d = papers.raise_dissent(db, subject="measure:SIC-05", reason="Kameras", user="anna")
    async with started(db, size=(200, 50)) as (app, pilot):
        await pilot.press("9")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EditForm))
        app.screen.query_one("#f-outcome").value = "Meins"
        app.screen.query_one("#f-people_SPD").value = "Anna A"
        # someone else decides meanwhile
        papers.decide_dissent(
            db,
            dissent_id=d.id,
            decision="einstimmig",
            outcome="Theirs",
            participants={"SPD": ["Bert B"]},
            decided_on="2026-03-02",
            user="bernd",
        )
        await pilot.press("ctrl+s")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, EditForm) and "inzwischen" in shown(app.screen, "#e-form")
            ),
        )
        form = app.screen
        assert form.query_one("#f-outcome").value == "Meins"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CoordinationScreen)
    assert papers.list_dissents(db)[0].outcome == "Meins"
