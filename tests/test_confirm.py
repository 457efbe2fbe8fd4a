"""Both partners confirm (issue 14, item 6): once users exist, a change to a done status is a
proposal until a user of another partner confirms it; rejecting keeps the old status."""

from __future__ import annotations

from datetime import date

import pytest

from herne_tui.domain.boardview import markers
from herne_tui.errors import InvalidInput, NotAllowed, NotFound
from herne_tui.reports import build
from herne_tui.reports.review import weekly_review
from herne_tui.services import confirm, edits, queries, users


def two_parties(db) -> None:
    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.add_user(db, name="sven", partner="SPD", role="bearbeiten", user="anna")
    users.add_user(db, name="carl", partner="CDU", role="bearbeiten", user="anna")


def done_count(db) -> int:
    board = queries.load_board(db)
    return sum(m.status in board.done_statuses for m in board.measures)


def test_without_users_a_done_status_applies_at_once(db):
    edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="anna")
    assert queries.get_measure(db, "ARB-01").status == "umgesetzt"


def test_a_proposal_waits_is_confirmed_by_the_other_party_and_only_then_counts(db):
    two_parties(db)
    before = done_count(db)
    m = edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="sven")
    assert (m.status, m.pending, m.confirm_by) == ("offen", "umgesetzt", ("CDU",))
    assert done_count(db) == before
    card = next(x for x in queries.load_board(db).measures if x.id == "ARB-01")
    assert "⧗ Bestätigung: CDU" in markers(card, date(2026, 3, 2), frozenset())
    review = weekly_review(db)
    assert review.waiting and "ARB-01" in review.waiting[0]
    assert not [c for c in review.status_changes if c.measure.id == "ARB-01"]
    text = build.build_report(db, "weekly", "md")
    assert "## Warten auf Bestätigung (1)" in text
    waiting_line = next(line for line in text.splitlines() if "Vorschlag " in line)
    assert "ARB-01 Offen → Umgesetzt" in waiting_line  # the labels, not the status keys
    assert "offen" not in waiting_line and "umgesetzt" not in waiting_line
    assert waiting_line == (
        f"- Vorschlag {review_id(db)}: ARB-01 Offen → Umgesetzt (sven, SPD) – Bestätigung: CDU"
    )
    with pytest.raises(NotAllowed, match="nur eine andere Partei"):
        confirm.confirm(db, user="anna", proposal_id=review_id(db))
    p = confirm.confirm(db, user="carl")
    assert p.state == "bestaetigt"
    m = queries.get_measure(db, "ARB-01")
    assert (m.status, m.pending) == ("umgesetzt", "")
    assert done_count(db) == before + 1
    steps = [(e.user, e.action) for e in queries.history(db, entity_id="ARB-01")][-3:]
    assert steps == [("sven", "propose"), ("carl", "edit"), ("carl", "confirm")]
    assert "## Warten auf Bestätigung (0)" in build.build_report(db, "weekly", "md")


def review_id(db) -> int:
    return confirm.waiting(db)[0].id


def test_rejecting_keeps_the_previous_status_and_is_in_the_history(db):
    two_parties(db)
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="sven")
    edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="sven")
    p = confirm.reject(db, user="carl")
    assert p.state == "abgelehnt"
    m = queries.get_measure(db, "ARB-01")
    assert (m.status, m.pending) == ("beratung", "")
    last = queries.history(db, entity_id="ARB-01")[-1]
    assert (last.user, last.action) == ("carl", "decline")


def test_a_named_proposal_is_the_one_decided_and_the_history_says_which(db):
    two_parties(db)
    users.add_user(db, name="olaf", partner=None, role="bearbeiten", user="anna")
    edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="sven")
    edits.move_measure(db, measure_id="ARB-02", status="umgesetzt", user="olaf")
    first, second = confirm.waiting(db)
    assert (first.measure_id, second.measure_id, second.party) == ("ARB-01", "ARB-02", "")
    assert (first.proposed_by, first.party, first.confirm_by) == ("sven", "SPD", ("CDU",))
    assert (first.old, first.new) == ("offen", "umgesetzt")
    proposed = queries.history(db, entity_id="ARB-01")[-1]
    assert (proposed.action, proposed.field, proposed.new) == (
        "propose",
        "proposal",
        {"id": first.id, "status": "umgesetzt"},
    )
    assert proposed.txn  # undone as one change
    with pytest.raises(InvalidInput) as twice:
        edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="carl")
    assert str(twice.value) == (
        f"ARB-01: Vorschlag {first.id} wartet noch auf Bestätigung; erst bestätigen oder "
        "zurückweisen lassen"
    )
    with pytest.raises(NotFound, match="^Maßnahme „ZZZ-99“ gibt es nicht$"):
        edits.move_measure(db, measure_id="ZZZ-99", status="umgesetzt", user="carl")
    with pytest.raises(NotAllowed) as own:
        confirm.confirm(db, user="olaf", proposal_id=second.id)
    assert str(own.value) == (
        f"Vorschlag {second.id} kam von ohne Partei: bestätigen oder zurückweisen kann nur "
        "eine andere Partei; nichts gespeichert"
    )
    with pytest.raises(NotAllowed, match=f"^Vorschlag {first.id} kam von SPD: "):
        confirm.reject(db, user="sven", proposal_id=first.id)
    assert confirm.reject(db, user="carl", proposal_id=second.id).measure_id == "ARB-02"
    assert [p.id for p in confirm.waiting(db)] == [first.id]  # the first still waits
    again = edits.move_measure(db, measure_id="ARB-02", status="umgesetzt", user="olaf")
    assert again.pending == "umgesetzt"  # a decided proposal does not block a new one
    declined = [e for e in queries.history(db, entity_id="ARB-02") if e.action == "decline"][-1]
    assert (declined.entity, declined.field, declined.new) == (
        "measure",
        "proposal",
        {"id": second.id, "status": "umgesetzt"},
    )
    confirmed = confirm.confirm(db, user="carl", proposal_id=first.id)
    assert (confirmed.id, confirmed.state) == (first.id, "bestaetigt")
    edit, decided = queries.history(db, entity_id="ARB-01")[-2:]
    assert (decided.action, decided.field, decided.new) == (
        "confirm",
        "proposal",
        {"id": first.id, "status": "umgesetzt"},
    )
    assert edit.txn == decided.txn and edit.txn  # one change in the history: undone as one
    assert [p.measure_id for p in confirm.waiting(db)] == ["ARB-02"]
    with pytest.raises(NotFound, match=f"^Vorschlag {first.id} wartet nicht \\(mehr\\)"):
        confirm.confirm(db, user="carl", proposal_id=first.id)


async def test_confirm_with_one_key_in_the_weekly_review(db):
    from pilot import settle, started, until

    two_parties(db)
    edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="sven")
    async with started(db, user="carl", size=(120, 40)) as (app, pilot):
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("j")
        await until(pilot, lambda: queries.get_measure(db, "ARB-01").status == "umgesetzt")
        notices = await until(
            pilot, lambda: [n.message for n in app._notifications if "Vorschlag" in n.message]
        )
    assert not confirm.waiting(db)
    assert any("ARB-01: Offen → Umgesetzt) bestätigt" in n for n in notices), notices


def test_cli_set_names_the_proposed_status_by_its_label(db, db_path):
    from helpers import run_cli

    two_parties(db)
    out = run_cli("set", "--db", str(db_path), "--user", "sven", "ARB-01", "--status", "umgesetzt")
    assert out.returncode == 0, out.stderr
    assert "Status „Umgesetzt“ ist vorgeschlagen" in out.stdout
    assert "herne-tui proposals confirm" in out.stdout
