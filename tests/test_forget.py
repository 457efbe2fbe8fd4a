"""Forgetting a person: the name leaves every table and report; nothing else changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from herne_tui.errors import HerneError
from herne_tui.reports import build, export, review
from herne_tui.services import edits, history, privacy, queries

NAME = "Erika Mustermann"
OTHER = "Jan Beispiel"


def full_dump(path: Path) -> list[str]:
    """Every statement of an SQLite dump (all tables, history included)."""
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


@pytest.fixture
def personal(db, clock):
    """A database where NAME appears in every place a person's name can be."""
    edits.update_post(
        db,
        key="buergermeister-1",
        changes={"holder": NAME, "holder_party": "SPD", "state": "nominiert"},
        user="anna",
    )
    edits.update_seat(
        db,
        key="eh-vorstand",
        changes={"nominee": NAME},
        user="anna",
    )
    edits.update_seat(db, key="hcr-geschaeftsfuehrung", changes={"nominee": OTHER}, user="anna")
    edits.update_committee(
        db,
        key="buergerbeteiligung",
        changes={"chair": NAME, "spokespeople": {"SPD": NAME, "CDU": OTHER}},
        user="anna",
    )
    clock.advance(days=1)
    edits.update_measure(
        db,
        measure_id="ARB-01",
        changes={"responsible": NAME, "status": "beratung"},
        user=NAME,
        source=f"Brief von {NAME}",
        comment=f"mit {NAME} besprochen",
        note=f"Rückruf von {NAME} erbeten",
    )
    edits.add_note(db, measure_id="ARB-02", text="Nichts Persönliches", user=NAME)
    edits.update_measure(
        db, measure_id="ARB-03", changes={"responsible": OTHER, "due": "2026-03-01"}, user="anna"
    )
    clock.advance(days=1)
    edits.update_post(db, key="buergermeister-1", changes={"state": "gewählt"}, user="anna")
    return db


def test_forget_replaces_the_name_everywhere_and_nothing_else(personal, db_path):
    before = full_dump(db_path)
    assert sum(NAME in line for line in before) >= 10
    report = privacy.forget(personal, name=NAME, user="admin")
    after = full_dump(db_path)
    assert not [line for line in after if NAME in line]
    # the same database, with the name replaced, plus the one entry recording the forget
    added = [line for line in after if "'forget'" in line]
    assert len(added) == 1 and "privacy" in added[0]
    expected = sorted(line.replace(NAME, privacy.PLACEHOLDER) for line in before)
    assert sorted(line for line in after if "'forget'" not in line) == expected
    assert OTHER in "\n".join(after)
    changed = dict(report.changed)
    assert changed["post.holder"] == 1 and changed["seat.nominee"] == 1
    assert changed["committee.chair"] == 1 and changed["committee.spokespeople"] == 1
    assert changed["measure.responsible"] == 1
    assert changed["note.author"] == 2 and changed["note.text"] == 1
    assert changed["history.user"] == 4  # 2 fields + 2 notes written by that user
    assert report.total == sum(changed.values()) and report.wal_cleared


def test_the_raw_file_keeps_no_copy_of_the_name(personal, db_path):
    privacy.forget(personal, name=NAME, user="admin")
    personal.dispose()
    for f in db_path.parent.iterdir():
        if f.name.startswith(db_path.name):
            assert NAME.encode() not in f.read_bytes(), f.name


def test_forget_removes_the_name_from_every_report_and_export(personal, clock):
    privacy.forget(personal, name=NAME, user="admin")
    texts = [export.export_text(personal, fmt) for fmt in export.FORMATS]
    texts += [export.export_text_as_of(personal, clock.now.date(), fmt) for fmt in export.FORMATS]
    weekly = review.weekly_review(personal, since=clock.now.date().replace(day=1))
    for fmt in ("text", "md", "html"):
        texts.append(build.render_weekly(weekly, fmt))
        texts.append(build.render_annual(build.annual_report(personal, 2026), fmt))
        texts.append(build.render_midterm(build.midterm_report(personal), fmt))
    texts += [history.format_entry(e) for e in queries.history(personal)]
    assert all(NAME not in t for t in texts)
    assert privacy.PLACEHOLDER in texts[0]  # the post holder, in the export
    weekly_md = texts[6]
    assert f"von {privacy.PLACEHOLDER} erbeten" in weekly_md


def test_after_forget_replay_and_undo_still_agree(personal):
    privacy.forget(personal, name=NAME, user="admin")
    snap = history.replay_all(personal)
    post = next(p for p in snap.posts if p.key == "buergermeister-1")
    assert (post.holder, post.state) == (privacy.PLACEHOLDER, "gewählt")
    assert snap.measure("ARB-01").responsible == privacy.PLACEHOLDER
    assert [n.author for n in snap.measure("ARB-02").notes] == [privacy.PLACEHOLDER]
    assert edits.undo_last(personal, user="anna").startswith("buergermeister-1")
    assert queries.list_posts(personal)[0].state == "nominiert"


def test_forget_dry_run_and_unknown_name_change_nothing(personal, db_path):
    before = full_dump(db_path)
    preview = privacy.forget(personal, name=NAME, user="admin", dry_run=True)
    assert preview.dry_run and dict(preview.changed)["post.holder"] == 1
    assert privacy.forget(personal, name="Niemand Bekanntes", user="admin").changed == ()
    assert full_dump(db_path) == before


def test_the_agreement_text_is_reported_not_changed(db):
    report = privacy.forget(db, name="Hendrik Bollmann", user="admin")
    assert report.changed == ()
    assert dict(report.untouched) == {"meta.value": 1}
    assert any("Vertragstext" in line for line in report.lines())


@pytest.mark.parametrize("name", ["", "  ", "Al", "entfernt"])
def test_unusable_names_are_refused(db, name):
    with pytest.raises(privacy.InvalidInput):
        privacy.forget(db, name=name, user="admin")


def test_cli_forget_needs_yes_without_a_terminal(personal, db_path, cli):
    refused = cli("forget", NAME, "--db", str(db_path))
    assert refused.returncode == 2
    assert "--yes" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert any(NAME in line for line in full_dump(db_path))
    done = cli("forget", NAME, "--db", str(db_path), "--yes", "--user", "admin")
    assert done.returncode == 0, done.stderr
    assert "post.holder: 1" in done.stdout and privacy.PLACEHOLDER in done.stdout
    assert not any(NAME in line for line in full_dump(db_path))
    shown = cli("history", "--db", str(db_path))
    assert "Name einer Person" in shown.stdout and NAME not in shown.stdout
    short = cli("forget", "Al", "--db", str(db_path), "--yes")
    assert short.returncode == 2 and "Name:" in short.stderr


def test_forget_finds_names_with_umlauts_inside_json_columns(db, db_path):
    from herne_tui.services import edits, queries
    from herne_tui.services.privacy import forget

    edits.update_committee(
        db,
        key="buergerbeteiligung",
        changes={
            "chair": "Jürgen Übel",
            "spokespeople": {"SPD": "Jürgen Übel", "CDU": "Ömer Ärger"},
        },
        user="anna",
    )
    forget(db, name="Jürgen Übel", user="admin")
    c = next(c for c in queries.list_committees(db) if c.key == "buergerbeteiligung")
    assert "Jürgen" not in c.chair and "Jürgen" not in str(c.spokespeople)
    assert dict(c.spokespeople)["CDU"] == "Ömer Ärger"
    raw = db_path.read_bytes()
    assert "Jürgen Übel".encode() not in raw and b"J\\u00fcrgen" not in raw


def test_undo_skips_changes_it_cannot_revert(db):
    import pytest

    from herne_tui.errors import HerneError
    from herne_tui.services import edits, papers

    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    p = papers.add_paper(db, values={"title": "T", "kind": "vorlage", "body": "Rat"}, user="anna")
    papers.set_position(db, paper_id=p.id, party="SPD", position="zustimmen", user="anna")
    assert "ARB-01" in edits.undo_last(db, user="anna")
    with pytest.raises(HerneError, match="Nichts rückgängig"):
        edits.undo_last(db, user="anna")


@pytest.mark.parametrize("word", ["offen", "SPD", "gemeinsam", "seed"])
def test_forget_refuses_vocabulary_through_the_cli(tmp_path, word):
    from helpers import run_cli

    path = tmp_path / "v.db"
    assert run_cli("--db", str(path), "seed").returncode == 0
    before = full_dump(path)
    r = run_cli("--db", str(path), "forget", word, "--yes")
    assert r.returncode == 2
    assert "kein Personenname" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert full_dump(path) == before


@pytest.mark.parametrize("word", ["offen", "In Beratung", "cdu", "seed", "SPD"])
@pytest.mark.parametrize("dry_run", [False, True])
def test_the_service_itself_refuses_vocabulary(personal, db_path, word, dry_run):
    before = full_dump(db_path)
    with pytest.raises(HerneError, match="kein Personenname"):
        privacy.forget(personal, name=word, user="anna", dry_run=dry_run)
    assert full_dump(db_path) == before


def test_cli_forget_asks_with_the_count_it_would_change(personal, db_path):
    import os
    import pty
    import subprocess
    import sys

    personal.dispose()
    expected = privacy.forget(personal, name=NAME, user="x", dry_run=True).total
    assert expected > 3
    before = full_dump(db_path)
    master, slave = pty.openpty()
    try:
        os.write(master, b"n\n")  # the answer waits in the terminal until asked
        r = subprocess.run(
            [sys.executable, "-m", "herne_tui", "forget", NAME, "--db", str(db_path)],
            stdin=slave,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(slave)
        os.close(master)
    assert f"an {expected} Stellen durch" in r.stdout, r.stdout + r.stderr
    assert r.returncode == 1 and "abgebrochen: nichts geändert" in r.stdout
    assert full_dump(db_path) == before


def test_the_report_reads_as_german_lines():
    from herne_tui.services.privacy import ForgetReport

    done = ForgetReport("[entfernt]", (("note.text", 2), ("measure.responsible", 1)), (), False)
    assert done.lines() == [
        "3 Werte ersetzt durch „[entfernt]“:",
        "  note.text: 2",
        "  measure.responsible: 1",
        "Hinweis: ältere Sicherungskopien enthalten den Namen weiterhin",
    ]
    busy = ForgetReport(
        "[entfernt]", (("note.text", 1),), (("measure.text", 4),), wal_cleared=False
    )
    assert busy.lines() == [
        "1 Werte ersetzt durch „[entfernt]“:",
        "  note.text: 1",
        "unverändert (Vertragstext): measure.text: 4",
        "Hinweis: das Schreibprotokoll (WAL) wird erst geleert, wenn kein anderes Programm die "
        "Datenbank mehr offen hat",
        "Hinweis: ältere Sicherungskopien enthalten den Namen weiterhin",
    ]
    trial = ForgetReport("[entfernt]", (("note.text", 1),), (), dry_run=True, wal_cleared=False)
    assert trial.lines() == ["1 Werte würden ersetzt durch „[entfernt]“:", "  note.text: 1"]
    assert ForgetReport("[entfernt]", (), ()).lines() == ["Name nicht gefunden: nichts geändert"]


def test_forget_records_what_it_replaced_and_a_dry_run_what_it_leaves(personal):
    preview = privacy.forget(personal, name=NAME, user="admin", dry_run=True)
    assert preview.untouched == ()  # the agreement does not name this person
    report = privacy.forget(personal, name=NAME, user="admin")
    assert report.changed == preview.changed and report.total > 0
    (entry,) = queries.history(personal, entity="privacy")
    assert (entry.action, entry.user) == ("forget", "admin")
    assert entry.new == {"ersetzt": report.total, "felder": dict(report.changed)}
    agreement = privacy.forget(personal, name="Hendrik Bollmann", user="admin", dry_run=True)
    assert dict(agreement.untouched) == {"meta.value": 1}  # named in the text: reported, kept


@pytest.mark.parametrize(
    ("word", "kind"),
    [("Arbeit", "Thema"), ("in beratung", "Status"), ("cdu", "Federführung/Partei")],
)
def test_a_refused_word_is_named_with_what_it_is(db, word, kind):
    with pytest.raises(HerneError) as refused:
        privacy.forget(db, name=word, user="anna")
    assert refused.value.message == (
        f"Name: „{word}“ ist kein Personenname, sondern {kind}; forget ersetzt nur Namen"
    )
