"""Party-internal notes (issue 14, item 4): shown only to the author's party, never in another
party's view, shared reports, exports, minutes or the history."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli

from herne_tui.errors import InvalidInput
from herne_tui.services import edits, queries, users

SECRET = "Verhandlungslinie: erst nach der Wahl zustimmen"


def two_parties(db) -> None:
    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.add_user(db, name="carl", partner="CDU", role="bearbeiten", user="anna")


def test_internal_notes_need_a_user_list(db):
    with pytest.raises(InvalidInput, match="erst mit einer Nutzerliste"):
        edits.add_note(db, measure_id="ARB-01", text=SECRET, user="anna", intern=True)


def test_only_the_own_party_reads_an_internal_note(db):
    two_parties(db)
    mine = edits.add_note(db, measure_id="ARB-01", text=SECRET, user="anna", intern=True)
    assert [n.intern for n in mine.notes] == ["SPD"]
    edits.add_note(db, measure_id="ARB-01", text="für alle", user="carl")
    assert [n.text for n in queries.get_measure(db, "ARB-01", user="anna").notes] == [
        SECRET,
        "für alle",
    ]
    for viewer in ("carl", "", "fremd"):
        notes = queries.get_measure(db, "ARB-01", user=viewer).notes
        assert [n.text for n in notes] == ["für alle"], viewer
    board = queries.load_board(db)
    assert next(m for m in board.measures if m.id == "ARB-01").note_count == 1
    everything = json.dumps([str(e) for e in queries.history(db)], ensure_ascii=False)
    assert SECRET not in everything  # the history says only that SPD wrote one


def test_cli_reports_and_exports_leave_internal_notes_out(db_path, db):
    two_parties(db)
    base = ("--db", str(db_path))
    wrote = run_cli("set", *base, "--user", "anna", "ARB-01", "--note", SECRET, "--intern")
    assert wrote.returncode == 0, wrote.stderr
    assert SECRET in run_cli("show", *base, "--user", "anna", "ARB-01").stdout
    assert SECRET not in run_cli("show", *base, "--user", "carl", "ARB-01").stdout
    shared = run_cli("report", *base, "--user", "carl", "weekly", "--format", "md")
    assert shared.returncode == 0, shared.stderr
    assert SECRET not in shared.stdout
    assert "Ohne interne Notizen (gemeinsamer Bericht)." in shared.stdout.splitlines()
    theirs = run_cli("report", *base, "--user", "carl", "weekly", "--intern")
    assert SECRET not in theirs.stdout and "Mit internen Notizen von CDU" in theirs.stdout
    own = run_cli("report", *base, "--user", "anna", "weekly", "--intern", "--format", "md")
    assert SECRET in own.stdout
    assert "Mit internen Notizen von SPD: nur für SPD bestimmt" in own.stdout
    for kind in ("annual", "midterm", "minutes"):
        report = run_cli("report", *base, "--user", "anna", kind)
        assert report.returncode == 0 and SECRET not in report.stdout, kind
    for fmt in ("csv", "json", "toml"):
        out = run_cli("export", *base, "--format", fmt)
        assert out.returncode == 0 and SECRET not in out.stdout, fmt
        assert "1 interne Notiz(en) nicht im Export" in out.stderr
    assert run_cli("export", *base, "--format", "csv").stdout.startswith("id,")
    assert SECRET not in run_cli("history", *base).stdout


async def test_app_writes_an_internal_note_and_the_other_party_does_not_see_it(db):
    from pilot import settle, started, until
    from textual.widgets import Checkbox, Static, TextArea

    from herne_tui.screens.measure import MeasureScreen

    two_parties(db)
    async with started(db, user="anna", size=(120, 50)) as (app, pilot):
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MeasureScreen) and app.screen.measure)
        app.screen.query_one("#note", TextArea).text = SECRET
        await pilot.press("ctrl+t")
        assert app.screen.query_one("#note-intern", Checkbox).value
        await pilot.press("ctrl+s")
        await until(pilot, lambda: queries.get_measure(db, "ARB-01", user="anna").notes)
        await settle(pilot)
        shown = str(app.screen.query_one("#notes", Static).render())
        assert SECRET in shown and "anna (intern SPD):" in shown
    assert [n.intern for n in queries.get_measure(db, "ARB-01", user="anna").notes] == ["SPD"]
    async with started(db, user="carl", size=(120, 50)) as (app, pilot):
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MeasureScreen) and app.screen.measure)
        await settle(pilot)
        shown = str(app.screen.query_one("#notes", Static).render())
        assert "Notizen (0)" in shown and SECRET not in shown


async def test_board_quick_note_can_be_internal(db):
    """`n` on the board, ctrl+t in the note line: the note is SPD's own; carl never sees it."""
    from pilot import settle, started, until
    from textual.widgets import Input, Label

    from herne_tui.widgets.note_line import NoteLine

    two_parties(db)
    async with started(db, user="anna", size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: app.access is not None, what="the user's access")
        await pilot.press("n")
        line = app.screen.query_one(NoteLine)
        await until(pilot, lambda: line.is_open, what="the note line")
        shown = line.query_one("#note-intern", Label)
        assert shown.has_class("-shown") and "für alle sichtbar" in str(shown.render())
        await pilot.press("ctrl+t")
        assert "intern: nur für SPD" in str(shown.render())
        line.query_one("#note-text", Input).value = SECRET
        await pilot.press("enter")
        await until(pilot, lambda: queries.get_measure(db, "ARB-01", user="anna").notes)
        await until(pilot, lambda: not line.is_open, what="the line to close once saved")
        await settle(pilot)
    assert [(n.text, n.intern) for n in queries.get_measure(db, "ARB-01", user="anna").notes] == [
        (SECRET, "SPD")
    ]
    assert queries.get_measure(db, "ARB-01", user="carl").notes == ()
    async with started(db, user="carl", size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: app.access is not None, what="the user's access")
        await pilot.press("n")
        line = app.screen.query_one(NoteLine)
        await until(pilot, lambda: line.is_open, what="the note line")
        line.query_one("#note-text", Input).value = "für alle"
        await pilot.press("enter")
        await until(pilot, lambda: queries.get_measure(db, "ARB-01", user="carl").notes)
    assert [(n.text, n.intern) for n in queries.get_measure(db, "ARB-01", user="carl").notes] == [
        ("für alle", "")
    ]


async def test_board_quick_note_offers_no_intern_without_a_user_list(db):
    from pilot import started, until
    from textual.widgets import Input

    from herne_tui.widgets.note_line import NoteLine

    async with started(db, size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: app.access is not None, what="the user's access")
        await pilot.press("n")
        line = app.screen.query_one(NoteLine)
        await until(pilot, lambda: line.is_open, what="the note line")
        assert not line.query_one("#note-intern").has_class("-shown")
        await pilot.press("ctrl+t")
        assert not line.intern
        line.query_one("#note-text", Input).value = "geteilt"
        await pilot.press("enter")
        await until(pilot, lambda: queries.get_measure(db, "ARB-01").notes)
    assert [n.intern for n in queries.get_measure(db, "ARB-01").notes] == [""]
