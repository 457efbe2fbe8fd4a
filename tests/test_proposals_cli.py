"""``herne-tui proposals list|confirm|reject`` (issue 14): the weekly review's `j`/`n` from the
command line, with the same roles, the same history and one German line for every refusal."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli

from herne_tui.services import edits, queries, users


def two_parties(db) -> None:
    users.add_user(db, name="anna", partner="SPD", role="koordination", user="anna")
    users.add_user(db, name="sven", partner="SPD", role="bearbeiten", user="anna")
    users.add_user(db, name="carl", partner="CDU", role="bearbeiten", user="anna")
    users.add_user(db, name="lea", partner="CDU", role="lesen", user="anna")


@pytest.fixture
def waiting(db, db_path) -> tuple[str, ...]:
    """sven (SPD) proposed ARB-01 → umgesetzt; returns the ``--db`` arguments."""
    two_parties(db)
    m = edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="sven")
    assert m.pending == "umgesetzt"
    return ("--db", str(db_path))


def refused(result) -> str:
    """The one German line of a refusal (exit 2, no traceback)."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("herne-tui: "), lines
    assert "Traceback" not in result.stderr
    return lines[0]


def test_list_shows_what_waits_with_labels(waiting):
    table = run_cli("proposals", "list", *waiting)
    assert table.returncode == 0, table.stderr
    [line] = table.stdout.splitlines()
    assert "ARB-01" in line and "Offen → Umgesetzt" in line and "Bestätigung: CDU" in line
    assert "umgesetzt" not in line.replace("Umgesetzt", "")
    rows = json.loads(run_cli("proposals", "list", *waiting, "--json").stdout)
    assert [(r["measure"], r["old"], r["new"], r["new_label"]) for r in rows] == [
        ("ARB-01", "offen", "umgesetzt", "Umgesetzt")
    ]
    assert rows[0]["proposed_by"] == "sven" and rows[0]["confirm_by"] == ["CDU"]
    same = json.loads(run_cli("proposals", "list", *waiting, "--format", "json").stdout)
    assert same == rows


def test_confirm_applies_the_status_with_the_confirmer_as_author(waiting, db):
    pid = str(json.loads(run_cli("proposals", "list", *waiting, "--json").stdout)[0]["id"])
    done = run_cli("proposals", "confirm", pid, *waiting, "--user", "carl")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Vorschlag {pid} bestätigt: ARB-01 Offen → Umgesetzt"
    m = queries.get_measure(db, "ARB-01")
    assert (m.status, m.pending) == ("umgesetzt", "")
    steps = [(e.user, e.action) for e in queries.history(db, entity_id="ARB-01")][-3:]
    assert steps == [("sven", "propose"), ("carl", "edit"), ("carl", "confirm")]
    assert run_cli("proposals", "list", *waiting).stdout.strip() == (
        "Kein Vorschlag wartet auf Bestätigung"
    )
    assert "wartet nicht (mehr)" in refused(
        run_cli("proposals", "confirm", pid, *waiting, "--user", "carl")
    )


def test_reject_keeps_the_status(waiting, db):
    pid = str(json.loads(run_cli("proposals", "list", *waiting, "--json").stdout)[0]["id"])
    done = run_cli("proposals", "reject", pid, *waiting, "--user", "carl")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Vorschlag {pid} zurückgewiesen: ARB-01 bleibt „Offen“"
    m = queries.get_measure(db, "ARB-01")
    assert (m.status, m.pending) == ("offen", "")
    last = queries.history(db, entity_id="ARB-01")[-1]
    assert (last.user, last.action) == ("carl", "decline")


def test_refusals_are_one_german_line(waiting, db):
    pid = str(json.loads(run_cli("proposals", "list", *waiting, "--json").stdout)[0]["id"])
    own = refused(run_cli("proposals", "confirm", pid, *waiting, "--user", "anna"))
    assert "kam von SPD" in own and "nur eine andere Partei" in own
    reader = refused(run_cli("proposals", "reject", pid, *waiting, "--user", "lea"))
    assert "hat die Rolle lesen" in reader
    stranger = refused(run_cli("proposals", "confirm", pid, *waiting, "--user", "mallory"))
    assert "steht nicht in der Nutzerliste" in stranger
    unknown = refused(run_cli("proposals", "confirm", "999", *waiting, "--user", "carl"))
    assert "Vorschlag 999 wartet nicht (mehr) auf Bestätigung" in unknown
    typo = run_cli("proposals", "confirm", "ARB-01", *waiting, "--user", "carl")
    assert typo.returncode == 2 and "Traceback" not in typo.stderr  # argparse: usage, then why
    assert "Fehler: Argument ID: „ARB-01“ ist keine Vorschlagsnummer" in typo.stderr
    ro = refused(run_cli("proposals", "confirm", pid, *waiting, "--user", "carl", "--read-only"))
    assert "nur lesen" in ro.lower() or "nur-lese" in ro.lower(), ro
    assert queries.get_measure(db, "ARB-01").pending == "umgesetzt"  # nothing was decided


def test_completion_offers_the_command_and_its_sub_commands():
    from test_packaging import _bash_complete

    script = run_cli("completion", "bash").stdout
    assert _bash_complete(script, "propo") == ["proposals"]
    assert {"list", "confirm", "reject"} <= set(_bash_complete(script, "proposals", ""))
    assert _bash_complete(script, "users", "re") == ["remove"]
