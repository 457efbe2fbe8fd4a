"""100,000 notes on one measure: the measure view shows the newest page and opens fast, older
ones load on request, a move stays quick (issue 11, item 8)."""

from __future__ import annotations

import sqlite3
import time

from pilot import settle, started, until

from herne_tui.services import edits, queries

MANY = 100_000


def notes_heading(app) -> str:
    """What the measure view's notes say (empty before it is shown): cheap enough to poll."""
    found = app.screen.query("#notes")
    return str(found.first().render()) if found else ""


def many_notes(db, db_path) -> None:
    """ARB-01 with MANY notes (and their history rows), as 100,000 `set --note` would leave."""
    edits.add_note(db, measure_id="ARB-01", text="Vorlage", user="anna")
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO note (subject, author, at, text)
            SELECT subject, author, datetime(at, '+' || i || ' seconds'), 'Notiz ' || i
            FROM note, n WHERE note.text = 'Vorlage'""",
            (MANY - 1,),
        )
        columns = [r[1] for r in conn.execute("PRAGMA table_info(history)") if r[1] != "id"]
        template = ", ".join(columns).replace("txn", "txn || i")
        conn.execute(
            f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO history ({", ".join(columns)})
            SELECT {template} FROM history, n WHERE history.action = 'note'""",
            (MANY - 1,),
        )
    assert queries.get_measure(db, "ARB-01", notes_limit=1).note_count == MANY


def test_the_service_reads_the_newest_page_only(db, db_path):
    many_notes(db, db_path)
    started_at = time.monotonic()
    m = queries.get_measure(db, "ARB-01", notes_limit=queries.NOTES_PAGE)
    took = time.monotonic() - started_at
    assert m.note_count == MANY and len(m.notes) == queries.NOTES_PAGE
    assert m.notes[-1].text == f"Notiz {MANY - 1}"  # newest last, as the view lists them
    assert [n.at for n in m.notes] == sorted(n.at for n in m.notes)
    saved = edits.update_measure(
        db, measure_id="ARB-01", changes={"status": "beratung"}, user="anna"
    )
    assert len(saved.notes) == queries.NOTES_PAGE and saved.note_count == MANY
    print(f"\nnewest {queries.NOTES_PAGE} of {MANY} notes read in {took * 1000:.0f} ms")


async def test_the_measure_view_opens_fast_and_pages_older_notes(db, db_path):
    many_notes(db, db_path)
    async with started(db) as (app, pilot):
        opened = time.monotonic()
        await pilot.press("enter")  # the focused card, ARB-01
        await until(
            pilot,
            lambda: f"die neuesten 50 von {MANY}" in notes_heading(app),
            what="the measure view with its newest notes",
        )
        took = time.monotonic() - opened
        notes = str(app.screen.query_one("#notes").render())
        assert f"Notiz {MANY - 1}" in notes and f"Notiz {MANY - 50}" in notes
        assert f"Notiz {MANY - 51}\n" not in notes
        button = app.screen.query_one("#older-notes")
        assert button.display and "Ältere Notizen laden" in str(button.label)
        await settle(pilot)
        app.screen.query_one("#older-notes").press()
        await until(
            pilot,
            lambda: f"die neuesten 100 von {MANY}" in notes_heading(app),
            what="the next page of notes",
        )
        moved = time.monotonic()
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("L")  # a move on the board with 100,000 notes on the card
        await until(
            pilot,
            lambda: queries.get_measure(db, "ARB-01", notes_limit=1).status != "offen",
            what="the move saved",
        )
        move_took = time.monotonic() - moved
    print(
        f"\nmeasure view with {MANY} notes opened in {took:.2f} s; move saved in {move_took:.2f} s"
    )
