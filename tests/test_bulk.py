"""Bulk edits: several measures in one transaction, one history group, undone as one."""

from __future__ import annotations

import pytest

from herne_tui.errors import Conflict, HerneError
from herne_tui.services import edits, queries


def test_bulk_edit_is_one_history_group_and_undone_as_one(db):
    before = {m: queries.get_measure(db, m).status for m in ("ARB-01", "ARB-02", "ARB-03")}
    saved = edits.update_measures(
        db,
        changes={m: {"status": "beratung", "lead": "gemeinsam"} for m in before},
        user="anna",
        comment="Ratsbeschluss 2026/0901",
    )
    assert [m.status for m in saved] == ["beratung"] * 3
    entries = [e for e in queries.history(db, user="anna") if e.entity == "measure"]
    assert {e.entity_id for e in entries} == set(before)
    assert len({e.txn for e in entries}) == 1  # one group
    assert all(e.comment == "Ratsbeschluss 2026/0901" for e in entries)
    what = edits.undo_last(db, user="anna")
    assert "ARB-01" in what and "ARB-03" in what
    assert {m: queries.get_measure(db, m).status for m in before} == before
    assert all(queries.get_measure(db, m).lead == "" for m in before)


def test_a_card_changed_meanwhile_saves_nothing_and_names_it(db):
    versions = {m: queries.get_measure(db, m).version for m in ("ARB-01", "ARB-02")}
    edits.update_measure(db, measure_id="ARB-02", changes={"responsible": "bernd"}, user="bernd")
    with pytest.raises(Conflict) as caught:
        edits.update_measures(
            db,
            changes={m: {"status": "umgesetzt"} for m in versions},
            user="anna",
            versions=versions,
        )
    assert caught.value.entity_id == "ARB-02"
    assert queries.get_measure(db, "ARB-01").status != "umgesetzt"  # nothing saved
    assert not [e for e in queries.history(db, user="anna")]


def test_undo_of_a_bulk_edit_refuses_when_one_row_changed_since(db):
    edits.update_measures(
        db, changes={m: {"status": "beratung"} for m in ("ARB-01", "ARB-02")}, user="anna"
    )
    edits.update_measure(db, measure_id="ARB-02", changes={"status": "umgesetzt"}, user="bernd")
    with pytest.raises(HerneError, match="ARB-02 wurde seitdem geändert"):
        edits.undo_last(db, user="anna")
    assert queries.get_measure(db, "ARB-01").status == "beratung"  # all or nothing


def test_nothing_marked_is_one_line(db):
    with pytest.raises(HerneError, match="Keine Maßnahmen markiert"):
        edits.update_measures(db, changes={}, user="anna")


def test_a_bulk_edit_returns_the_cards_with_the_own_partys_internal_notes(db):
    from herne_tui.services import users

    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.add_user(db, name="cem", partner="CDU", role="bearbeiten", user="anna")
    edits.add_note(db, measure_id="ARB-01", text="nur SPD", user="anna", intern=True)
    edits.add_note(db, measure_id="ARB-01", text="nur CDU", user="cem", intern=True)
    (saved,) = edits.update_measures(db, changes={"ARB-01": {"lead": "SPD"}}, user="anna")
    assert [n.text for n in saved.notes if n.intern] == ["nur SPD"]
