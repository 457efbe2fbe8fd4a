"""Schema versions: the first released database keeps opening; upgrades back up first."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from db_worker import spawn
from helpers import REPO, run_cli
from sqlalchemy import text

from herne_tui.db import schema
from herne_tui.db.schema import SCHEMA_VERSION, open_database, schema_version
from herne_tui.db.store import integrity_check
from herne_tui.errors import SchemaError
from herne_tui.services import edits, queries

FIXTURES = REPO / "tests" / "fixtures"
V1 = FIXTURES / "schema-v1.db"


def _fixture_script():
    spec = importlib.util.spec_from_file_location(
        "make_v1_fixture", FIXTURES / "make_v1_fixture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _raw(path: Path, sql: str) -> list:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def v1_copy(tmp_path) -> Path:
    """A copy of the schema-1 fixture to open (the fixture itself is never opened)."""
    copy = tmp_path / "alt.db"
    shutil.copyfile(V1, copy)
    return copy


def test_the_fixture_is_a_small_first_release_database():
    assert _raw(V1, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    assert _raw(V1, "PRAGMA journal_mode") == [("delete",)]
    assert not Path(f"{V1}-wal").exists()
    assert V1.stat().st_size < 400_000
    digest = _digest(V1)
    assert integrity_check(V1) == "ok"
    assert _digest(V1) == digest and not Path(f"{V1}-wal").exists()


def test_the_first_release_database_opens_and_keeps_its_data(v1_copy, clock):
    script = _fixture_script()
    original = _digest(V1)
    db = open_database(str(v1_copy), clock=clock)
    try:
        assert schema_version(db) == SCHEMA_VERSION
        board = queries.load_board(db)
        assert len(board.measures) == 140
        by_id = {m.id: m for m in board.measures}
        arb = by_id["ARB-01"]
        assert (arb.status, arb.responsible, arb.lead, arb.due, arb.version) == (
            "beratung",
            "Wirtschaftsförderung",
            "SPD",
            date(2026, 6, 30),
            2,
        )
        sch = by_id["SCH-02"]
        assert (sch.status, sch.lead, sch.responsible, sch.version) == (
            "umsetzung",
            "CDU",
            "Fachbereich Schule",
            3,
        )
        assert (by_id["MOB-09"].status, by_id["MOB-09"].due) == ("umgesetzt", date(2026, 1, 15))
        post = next(p for p in queries.list_posts(db) if p.key == "buergermeister-1")
        assert (post.holder, post.state) == ("Erika Muster", "gewählt")
        notes = [
            (n.author, n.text)
            for mid in ("ARB-01", "SCH-02")
            for n in queries.get_measure(db, mid).notes
        ]
        assert notes == [(a, t) for a, _, t in script.NOTES]
        # the history still tells who changed what, in order
        edit_log = [
            (e.user, e.entity_id, e.field, e.new) for e in queries.history(db) if e.action == "edit"
        ]
        assert edit_log == [
            (u, key, f, v) for u, _, key, changes in script.EDITS for f, v in changes.items()
        ]
        # and work goes on: an edit against the version shown
        edits.move_measure(
            db, measure_id="ARB-01", status="umsetzung", user="dora", expected_version=arb.version
        )
    finally:
        db.dispose()
    backups = list(v1_copy.parent.glob("alt.db.v1-*.bak"))
    assert len(backups) == (1 if SCHEMA_VERSION > 1 else 0)
    assert _digest(V1) == original
    shown = run_cli("show", "ARB-01", "--db", str(v1_copy))
    assert shown.returncode == 0 and "Gespräch mit der WFG" in shown.stdout


def _temporary_migrations(monkeypatch, calls: list[int], *, broken: bool = False) -> int:
    """Register two migrations after the current version; return the new version."""
    first, second = SCHEMA_VERSION + 1, SCHEMA_VERSION + 2

    def add_column(conn) -> None:
        calls.append(first)
        conn.execute(text("ALTER TABLE measure ADD COLUMN priority INTEGER DEFAULT 0"))
        conn.execute(text("UPDATE measure SET priority = 1 WHERE status_key = 'beratung'"))

    def add_table(conn) -> None:
        calls.append(second)
        assert conn.execute(text("SELECT count(*) FROM measure WHERE priority = 1")).scalar()
        conn.execute(text("CREATE TABLE tag (key TEXT PRIMARY KEY, label TEXT)"))
        if broken:
            raise RuntimeError("kaputt")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", second)
    monkeypatch.setitem(schema.MIGRATIONS, first, add_column)
    monkeypatch.setitem(schema.MIGRATIONS, second, add_table)
    return second


def test_an_older_database_is_backed_up_and_upgraded_step_by_step(v1_copy, monkeypatch, clock):
    before = _raw(v1_copy, "SELECT id, status_key, responsible, version FROM measure")
    calls: list[int] = []
    newest = _temporary_migrations(monkeypatch, calls)
    db = open_database(str(v1_copy), clock=clock)
    try:
        assert calls == [newest - 1, newest]
        assert schema_version(db) == newest
        backup = db.migration_backup
        assert backup is not None and backup.parent == v1_copy.parent
        assert backup.name.startswith("alt.db.v1-") and backup.suffix == ".bak"
        assert queries.get_measure(db, "ARB-01").status == "beratung"
    finally:
        db.dispose()
    # the backup is the old file, whole: schema 1, same rows, healthy
    assert _raw(backup, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    assert _raw(backup, "SELECT id, status_key, responsible, version FROM measure") == before
    assert integrity_check(backup) == "ok"
    assert _raw(v1_copy, "SELECT count(*) FROM measure WHERE priority = 1") == [(1,)]
    assert _raw(v1_copy, "SELECT count(*) FROM tag") == [(0,)]
    # opening again does nothing more
    again = open_database(str(v1_copy), clock=clock)
    again.dispose()
    assert calls == [newest - 1, newest] and again.migration_backup is None
    assert len(list(v1_copy.parent.glob("*.bak"))) == 1


def test_a_failed_migration_changes_nothing_and_says_where_the_backup_is(
    db, db_path, monkeypatch, clock
):
    edits.move_measure(db, measure_id="ARB-01", status="beratung", user="anna")
    db.dispose()
    calls: list[int] = []
    newest = _temporary_migrations(monkeypatch, calls, broken=True)
    with pytest.raises(SchemaError) as err:
        open_database(str(db_path), clock=clock)
    message = err.value.message
    assert f"Schema-Version {newest}" in message and "kaputt" in message
    assert ".bak" in message and "\n" not in message
    # step 1 stays applied and recorded; step 2 was rolled back as a whole
    assert _raw(db_path, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(newest - 1),)
    ]
    assert not _raw(db_path, "SELECT name FROM sqlite_master WHERE name = 'tag'")
    monkeypatch.setitem(schema.MIGRATIONS, newest, lambda conn: calls.append(-1))
    fixed = open_database(str(db_path), clock=clock)
    try:
        assert schema_version(fixed) == newest
        assert queries.get_measure(fixed, "ARB-01").status == "beratung"
    finally:
        fixed.dispose()


def test_a_newer_database_is_refused_naming_both_versions(v1_copy):
    with sqlite3.connect(v1_copy) as conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 3),)
        )
    conn.close()
    digest = _digest(v1_copy)
    with pytest.raises(SchemaError) as err:
        open_database(str(v1_copy))
    assert f"Schema-Version {SCHEMA_VERSION + 3}" in err.value.message
    assert f"bis {SCHEMA_VERSION}" in err.value.message
    result = run_cli("list", "--db", str(v1_copy))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"Schema-Version {SCHEMA_VERSION + 3}" in result.stderr
    assert _digest(v1_copy) == digest  # refused without touching it


def test_read_only_does_not_upgrade(v1_copy, monkeypatch):
    _temporary_migrations(monkeypatch, [])
    with pytest.raises(SchemaError, match="ohne --read-only"):
        open_database(str(v1_copy), read_only=True)
    assert _raw(v1_copy, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]


def test_two_processes_upgrading_at_once_upgrade_once(db, db_path):
    db.dispose()
    with spawn("migrate", str(db_path)) as first, spawn("migrate", str(db_path)) as second:
        outs = [p.communicate(timeout=120) for p in (first, second)]
        codes = [first.returncode, second.returncode]
    assert codes == [0, 0], outs
    lines = [out.split() for out, _ in outs]
    assert all(words[:2] == ["opened", str(SCHEMA_VERSION + 1)] for words in lines), lines
    assert sorted(words[2] == "-" for words in lines) == [False, True]  # one made the backup
    columns = [r[1] for r in _raw(db_path, "PRAGMA table_info(measure)")]
    assert columns.count("extra") == 1
    assert len(list(db_path.parent.glob("*.bak"))) == 1


def test_a_foreign_sqlite_file_is_refused_and_left_alone(tmp_path):
    foreign = tmp_path / "places.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE places (url TEXT)")
    conn.close()
    digest = _digest(foreign)
    with pytest.raises(SchemaError, match="keine herne-tui-Datenbank"):
        open_database(str(foreign))
    assert _digest(foreign) == digest  # not even switched to WAL


def test_restoring_the_first_release_database_upgrades_it(db, db_path):
    result = run_cli("restore", str(V1), "--db", str(db_path), "--yes")
    assert result.returncode == 0, result.stderr
    assert "Wiederhergestellt" in result.stdout
    assert queries.get_measure(db, "SCH-02").responsible == "Fachbereich Schule"
    assert schema_version(db) == SCHEMA_VERSION
