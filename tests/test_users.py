"""Users, parties and roles (issue 14, item 3): without users everyone may do everything;
once users exist, every write is checked against the writer's role, in the CLI and the app."""

from __future__ import annotations

import pytest
from helpers import run_cli

from herne_tui.errors import InvalidInput, NotAllowed, NotFound
from herne_tui.services import access, edits, papers, queries, users


def coalition(db) -> None:
    """Anna coordinates for the SPD, Carl edits for the CDU, Lea only reads."""
    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.add_user(db, name="carl", partner="CDU", role="bearbeiten", user="anna")
    users.add_user(db, name="lea", partner="SPD", role="lesen", user="anna")


def test_without_users_everyone_may_do_everything(db):
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="wer-auch-immer")
    assert queries.get_measure(db, "ARB-01").status == "beratung"
    assert not queries.user_access(db, "wer-auch-immer").managed


def test_the_first_user_must_coordinate_and_the_last_coordinator_stays(db):
    with pytest.raises(InvalidInput, match="erste Nutzer braucht die Rolle koordination"):
        users.add_user(db, name="carl", partner="CDU", role="bearbeiten", user="carl")
    coalition(db)
    with pytest.raises(InvalidInput, match="letzte Person mit der Rolle koordination"):
        users.set_user(db, name="anna", role="bearbeiten", user="anna")
    with pytest.raises(InvalidInput, match="keine Partei der Vereinbarung"):
        users.add_user(db, name="gregor", partner="GRÜNE", role="lesen", user="anna")
    assert [(u.name, u.partner, u.role) for u in users.list_users(db)] == [
        ("anna", "SPD", "koordination"),
        ("carl", "CDU", "bearbeiten"),
        ("lea", "SPD", "lesen"),
    ]
    entries = queries.history(db, entity="user")
    assert [(e.user, e.entity_id) for e in entries] == [
        ("anna", "anna"),
        ("anna", "carl"),
        ("anna", "lea"),
    ]


def test_roles_are_enforced_in_the_write_path(db):
    coalition(db)
    with pytest.raises(NotAllowed, match="nicht in der Nutzerliste: nur lesen"):
        edits.move_measure(db, measure_id="ARB-01", status="beratung", user="fremd")
    with pytest.raises(NotAllowed, match="Rolle lesen"):
        edits.add_note(db, measure_id="ARB-01", text="Hallo", user="lea")
    edits.update_measure(db, measure_id="ARB-01", changes={"status": "beratung"}, user="carl")
    edits.add_note(db, measure_id="ARB-01", text="von Carl", user="carl")
    with pytest.raises(NotAllowed, match="Rolle koordination"):
        edits.update_seat(db, key="wfg-geschaeftsfuehrung", changes={"nominee": "X"}, user="carl")
    with pytest.raises(NotAllowed, match="Rolle koordination"):
        users.add_user(db, name="dora", partner="CDU", role="lesen", user="carl")
    with pytest.raises(NotAllowed, match="Rolle koordination"):
        edits.set_meta(db, key="review_mark", value="2026-03-02", user="carl")
    paper = papers.add_paper(
        db,
        values={"title": "Antrag", "kind": "gemeinsamer-antrag", "body": "Rat"},
        user="carl",
    )
    papers.set_position(db, paper_id=paper.id, party="CDU", position="zustimmen", user="carl")
    with pytest.raises(NotAllowed, match="nur die Position der eigenen Partei"):
        papers.set_position(db, paper_id=paper.id, party="SPD", position="ablehnen", user="carl")
    dissent = papers.raise_dissent(db, subject=f"paper:{paper.id}", reason="r", user="carl")
    decision = {
        "dissent_id": dissent.id,
        "decision": "einstimmig",
        "outcome": "geändert",
        "participants": {"SPD": ["A"], "CDU": ["C"]},
        "decided_on": "02.03.2026",
    }
    with pytest.raises(NotAllowed, match="Entscheidung der Koordinierungsgruppe"):
        papers.decide_dissent(db, user="carl", **decision)
    assert papers.decide_dissent(db, user="anna", **decision).state != "offen"
    m = queries.get_measure(db, "ARB-01")
    assert m.status == "beratung" and [n.author for n in m.notes][-1] == "carl"


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        ("dissent", "die Entscheidung der Koordinierungsgruppe"),
        ("committee", "Ausschüsse"),
        ("post", "Posten"),
        ("seat", "Sitze der Beteiligungen"),
        ("user", "die Nutzerliste"),
        ("meta", "den gemeinsamen Durchsichtsstand"),
        ("privacy", "das Entfernen von Namen (forget)"),
    ],
)
def test_an_editor_is_told_what_only_a_coordinator_changes(db, kind, what):
    coalition(db)
    with pytest.raises(NotAllowed) as refused:
        db.read(lambda s: access.authorize(s, "carl", kind))
    assert str(refused.value) == (
        f"„carl“ hat die Rolle bearbeiten: {what} ändert nur die Rolle koordination; "
        "nichts gespeichert"
    )
    assert db.read(lambda s: access.authorize(s, "anna", kind)).coordinates


def test_changing_and_removing_users_is_recorded_and_keeps_a_coordinator(db):
    coalition(db)
    assert users.access_of(db, "carl").partner == "CDU" and users.access_of(db, "carl").known
    assert not users.access_of(db, "niemand").known
    changed = users.set_user(db, name=" carl ", partner="SPD", role="koordination", user="anna")
    assert (changed.partner, changed.role, changed.version) == ("SPD", "koordination", 3)
    again = users.set_user(db, name="carl", partner="SPD", user="anna")  # nothing new
    assert again.version == 3
    entries = [e for e in queries.history(db, entity="user") if e.entity_id == "carl"]
    assert (entries[0].field, entries[0].new) == ("*", {"partner": "CDU", "role": "bearbeiten"})
    assert [(e.action, e.field, e.old, e.new) for e in entries[1:]] == [
        ("user", "partner", "CDU", "SPD"),
        ("user", "role", "bearbeiten", "koordination"),
    ]
    assert entries[1].txn == entries[2].txn and entries[1].at == entries[2].at
    assert [(u.name, u.partner, u.role) for u in users.list_users(db)][1] == (
        "carl",
        "SPD",
        "koordination",
    )
    users.remove_user(db, name="anna", user="carl")  # carl coordinates too now
    with pytest.raises(InvalidInput) as last:
        users.remove_user(db, name="carl", user="carl")
    assert str(last.value) == (
        "„carl“ ist die letzte Person mit der Rolle koordination; erst eine andere Person zur "
        "Koordination machen"
    )
    users.remove_user(db, name=" lea ", user="carl")
    assert [u.name for u in users.list_users(db)] == ["carl"]
    gone = [e for e in queries.history(db, entity="user") if e.entity_id == "lea"][-1]
    assert (gone.user, gone.action, gone.field, gone.old, gone.new) == (
        "carl",
        "user",
        "*",
        {"partner": "SPD", "role": "lesen"},
        None,
    )
    assert gone.txn  # a change of its own in the history
    with pytest.raises(NotFound, match="^Nutzer „lea“ gibt es nicht"):
        users.remove_user(db, name="lea", user="carl")
    with pytest.raises(NotFound, match="^Nutzer „lea“ gibt es nicht"):
        users.set_user(db, name="lea", role="lesen", user="carl")


def test_the_only_user_left_may_be_removed(db):
    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.remove_user(db, name="anna", user="anna")
    assert users.list_users(db) == () and not users.access_of(db, "anna").managed


def test_cli_users_and_a_refused_change(db_path, db):
    base = ("--db", str(db_path))
    added = run_cli("users", "add", *base, "--user", "anna", "anna", "--partner", "SPD",
                    "--role", "koordination")  # fmt: skip
    assert added.returncode == 0, added.stderr
    refused = run_cli("set", *base, "--user", "fremd", "ARB-01", "--status", "beratung")
    assert refused.returncode == 2
    assert refused.stderr.startswith("herne-tui: „fremd“ steht nicht in der Nutzerliste")
    assert len(refused.stderr.strip().splitlines()) == 1
    listed = run_cli("users", "list", *base, "--format", "json")
    assert '"role": "koordination"' in listed.stdout
    assert queries.get_measure(db, "ARB-01").status == "offen"


async def test_an_unknown_user_gets_a_read_only_app_that_says_why(db):
    from pilot import settle, started, until

    coalition(db)
    async with started(db, user="fremd", size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: app.read_only, what="the app turning read-only")
        assert "NUR LESEN" in app.screen.title
        await pilot.press("L")  # move right: refused, nothing written
        await settle(pilot)
        shown = [n.message for n in app._notifications]
        assert any("nicht in der Nutzerliste" in m for m in shown), shown
    assert queries.get_measure(db, "ARB-01").status == "offen"


async def test_an_editor_keeps_the_writable_app(db):
    from pilot import settle, started

    coalition(db)
    async with started(db, user="carl", size=(120, 40)) as (app, pilot):
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert not app.read_only
    assert queries.get_measure(db, "ARB-01").status != "offen"
