"""Undo (``u``): it reverts the user's own latest change, all of it, and nothing else."""

from __future__ import annotations

import pytest

from herne_tui.errors import HerneError
from herne_tui.services import edits, queries


def status(db, mid: str) -> str:
    return queries.get_measure(db, mid).status


def test_undo_reverts_my_change_not_a_later_one_by_someone_else(db, clock):
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    clock.advance(minutes=1)
    edits.move_measure(db, measure_id="SCH-02", status="umsetzung", user="bernd")
    assert edits.undo_last(db, user="anna") == "ARB-01: Status → offen"
    assert status(db, "ARB-01") == "offen"
    assert status(db, "SCH-02") == "umsetzung"  # bernd's change stays
    assert edits.undo_last(db, user="bernd") == "SCH-02: Status → offen"
    assert status(db, "SCH-02") == "offen"


def test_undo_steps_back_through_my_changes_one_at_a_time(db, clock):
    edits.move_measure(db, measure_id="ARB-01", status="vorbereitung", user="anna")
    clock.advance(minutes=1)
    edits.move_measure(db, measure_id="ARB-02", status="beratung", user="anna")
    clock.advance(minutes=1)
    edits.update_measure(db, measure_id="ARB-01", changes={"responsible": "Amt 1"}, user="anna")
    assert edits.undo_last(db, user="anna") == "ARB-01: Verantwortlich → —"
    assert queries.get_measure(db, "ARB-01").responsible == ""
    assert status(db, "ARB-01") == "vorbereitung"  # the older change is still there
    assert edits.undo_last(db, user="anna") == "ARB-02: Status → offen"
    assert edits.undo_last(db, user="anna") == "ARB-01: Status → offen"
    with pytest.raises(HerneError, match="Nichts rückgängig zu machen: keine eigene Änderung"):
        edits.undo_last(db, user="anna")
    # an undo is not itself undone by the next undo: the board is back at the seed
    assert (status(db, "ARB-01"), status(db, "ARB-02")) == ("offen", "offen")


def test_undo_reverts_every_field_of_one_change_and_says_so(db):
    edits.update_measure(
        db,
        measure_id="MOB-09",
        changes={"status": "umsetzung", "responsible": "Tiefbauamt", "due": "2026-06-30"},
        user="anna",
    )
    said = edits.undo_last(db, user="anna")
    assert said.startswith("MOB-09: ")
    assert set(said.removeprefix("MOB-09: ").split(", ")) == {
        "Status → offen",
        "Verantwortlich → —",
        "Fällig → —",
    }
    m = queries.get_measure(db, "MOB-09")
    assert (m.status, m.responsible, m.due) == ("offen", "", None)
    undo_rows = [
        h for h in queries.history(db, entity="measure", entity_id="MOB-09") if h.action == "undo"
    ]
    assert sorted(h.field for h in undo_rows) == ["due", "responsible", "status"]
    assert {h.user for h in undo_rows} == {"anna"}


def test_undo_refuses_when_someone_changed_the_field_since(db, clock):
    edits.update_measure(db, measure_id="ARB-01", changes={"responsible": "Anna"}, user="anna")
    clock.advance(minutes=1)
    edits.update_measure(db, measure_id="ARB-01", changes={"responsible": "Bernd"}, user="bernd")
    with pytest.raises(
        HerneError,
        match="Rückgängig nicht möglich: Verantwortlich von ARB-01 wurde seitdem geändert",
    ):
        edits.undo_last(db, user="anna")
    assert queries.get_measure(db, "ARB-01").responsible == "Bernd"  # nothing was written
    assert [h.action for h in queries.history(db, entity="measure", entity_id="ARB-01")][
        -1
    ] == "edit"


def test_undo_of_a_change_whose_other_field_was_changed_since_refuses_all(db, clock):
    edits.update_measure(
        db, measure_id="ARB-01", changes={"status": "beratung", "lead": "SPD"}, user="anna"
    )
    clock.advance(minutes=1)
    edits.update_measure(db, measure_id="ARB-01", changes={"lead": "CDU"}, user="bernd")
    with pytest.raises(HerneError, match="Federführung von ARB-01 wurde seitdem geändert"):
        edits.undo_last(db, user="anna")
    m = queries.get_measure(db, "ARB-01")
    assert (m.status, m.lead) == ("beratung", "CDU")  # all or nothing


def test_a_field_changed_back_since_counts_as_unchanged(db, clock):
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    edits.update_measure(db, measure_id="ARB-01", changes={"responsible": "X"}, user="bernd")
    # bernd's change is on another field: anna's undo still works
    assert edits.undo_last(db, user="anna") == "ARB-01: Status → offen"
    assert queries.get_measure(db, "ARB-01").responsible == "X"


def test_notes_and_others_changes_are_not_undone(db, clock):
    with pytest.raises(HerneError, match="Nichts rückgängig"):
        edits.undo_last(db, user="anna")  # the seed's rows are nobody's change
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    clock.advance(minutes=1)
    edits.add_note(db, measure_id="ARB-02", text="bleibt", user="anna")
    edits.set_meta(db, key="review_mark", value="2026-03-02", user="anna")
    assert edits.undo_last(db, user="anna") == "ARB-01: Status → offen"
    assert [n.text for n in queries.get_measure(db, "ARB-02").notes] == ["bleibt"]
    with pytest.raises(HerneError, match="Nichts rückgängig"):
        edits.undo_last(db, user="cem")  # cem changed nothing


def test_undo_of_a_post_and_a_committee(db, clock):
    edits.update_post(db, key="buergermeister-1", changes={"holder": "Erika Muster"}, user="anna")
    clock.advance(minutes=1)
    c = queries.list_committees(db)[0]
    edits.update_committee(db, key=c.key, changes={"chair": "Max Vorsitz"}, user="anna")
    assert edits.undo_last(db, user="anna") == f"{c.key}: Vorsitz → {c.chair or '—'}"
    assert next(x for x in queries.list_committees(db) if x.key == c.key).chair == c.chair
    assert edits.undo_last(db, user="anna") == "buergermeister-1: Inhaber → —"
    post = next(p for p in queries.list_posts(db) if p.key == "buergermeister-1")
    assert post.holder == ""
