"""PostgreSQL specifics: clear errors, the writers' lock, read-only, migrations, backups.

The storage, history and concurrency tests run on PostgreSQL too (``both_backends``); this
file covers what only PostgreSQL has. Tests that need the server use ``pg_url`` /
``pg_server`` and skip without ``HERNE_TUI_TEST_PG`` (fail under ``HERNE_TUI_REQUIRE_PG=1``).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
from pathlib import Path

import pgtools
import pytest
from db_worker import spawn
from helpers import free_port, run_cli
from pilot import make_app, settle, until, watch_reports
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from herne_tui.db.schema import SCHEMA_VERSION, open_database
from herne_tui.db.snapshot import tool
from herne_tui.db.store import PG_WRITE_LOCK
from herne_tui.errors import ReadOnly, SchemaError
from herne_tui.services import edits, queries
from herne_tui.services.watch import ChangeWatcher

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install '.[test]')")

NO_PG_TOOLS = {"PATH": str(Path(sys.executable).parent)}
"""An environment in which pg_dump, pg_restore and psql cannot be found."""


def one_line(result, code: int = 2) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def with_password(url: str, password: str) -> str:
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def need_tools(*names: str) -> None:
    missing = [n for n in names if tool(n) is None]
    if missing:
        pgtools.unavailable(f"{', '.join(missing)} not on PATH (apt-get install postgresql-client)")


# -- errors are one line, never with the password ----------------------------------------------
def test_unreachable_server_is_one_line_without_the_password():
    url = f"postgresql+psycopg://anna:geheim@127.0.0.1:{free_port()}/herne"
    line = one_line(run_cli("list", "--db", url))
    assert "geheim" not in line and "anna:***@127.0.0.1" in line
    assert "nicht erreichbar" in line and "Verbindung abgelehnt" in line
    # libpq's own spelling works too and names the same database
    line = one_line(run_cli("list", "--db", url.replace("postgresql+psycopg", "postgresql")))
    assert "postgresql+psycopg://anna:***@" in line


def test_missing_driver_and_bad_urls_are_one_line():
    line = one_line(run_cli("list", "--db", "postgresql+psycopg2://a:geheim@localhost/x"))
    assert "pip install 'psycopg[binary]'" in line and "geheim" not in line
    line = one_line(run_cli("list", "--db", "postgresql+psycopg://a:geheim@localhost:port/x"))
    assert "keine gültige Datenbank-URL" in line and "geheim" not in line


def test_wrong_password_and_unknown_database(pg_url):
    line = one_line(run_cli("list", "--db", with_password(pg_url, "falsch-geheim")))
    assert "Anmeldung abgelehnt" in line and "falsch-geheim" not in line
    missing = make_url(pg_url).set(database="gibt_es_nicht").render_as_string(hide_password=False)
    line = one_line(run_cli("show", "ARB-01", "--db", missing))
    assert "„gibt_es_nicht“ gibt es auf dem Server nicht" in line


def test_an_empty_database_is_created_and_seeded_by_the_cli(pg_server):
    url = pg_server.fresh(seeded=False)
    try:
        check = one_line(run_cli("check", "--db", url))
        assert "enthält noch keine herne-tui-Daten" in check
        seeded = run_cli("seed", "--db", url)
        assert seeded.returncode == 0, seeded.stderr
        assert "140" in seeded.stdout.splitlines()[-1] or "hinzugefügt" in seeded.stdout
        listed = run_cli("list", "--db", url, "--format", "json")
        assert len(json.loads(listed.stdout)) == 140
    finally:
        pg_server.drop(url)


# -- the writers' lock, read-only --------------------------------------------------------------
def test_a_write_takes_the_lock_before_it_reads(pg_url):
    seen = []
    with psycopg.connect(libpq(pg_url), autocommit=True) as other:

        def probe(session):
            session.execute(text("SELECT 1"))  # the first statement begins the transaction
            free = other.execute(f"SELECT pg_try_advisory_lock({PG_WRITE_LOCK})").fetchone()[0]
            if free:
                other.execute(f"SELECT pg_advisory_unlock({PG_WRITE_LOCK})")
            seen.append(free)

        pg = open_database(pg_url)
        try:
            pg.write(probe)
            pg.read(probe)
        finally:
            pg.dispose()
    assert seen == [False, True]


def test_read_only_refuses_every_change(pg_url):
    viewer = open_database(pg_url, read_only=True)
    try:
        with pytest.raises(ReadOnly):
            edits.move_measure(viewer, measure_id="ARB-01", status="beratung", user="gast")
        # the server refuses too, even past the service layer
        with pytest.raises(Exception, match="read-only"), viewer.engine.begin() as conn:
            conn.execute(text("UPDATE measure SET lead = 'SPD' WHERE id = 'ARB-01'"))
        assert len(queries.load_board(viewer).measures) == 140
    finally:
        viewer.dispose()
    line = one_line(run_cli("set", "ARB-01", "--status", "beratung", "--db", pg_url, "--read-only"))
    assert "Nur-Lese-Modus" in line


# -- migrations ------------------------------------------------------------------------------------
def test_an_older_schema_is_saved_and_upgraded(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    old = open_database(pg_url)
    with old.engine.begin() as conn:  # make it a schema-1 database
        for table in ("dissent", "position", "paper"):
            conn.execute(text(f'DROP TABLE "{table}"'))
        conn.execute(text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))
    old.dispose()
    db = open_database(pg_url)
    try:
        assert {"paper", "position", "dissent"} <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            assert conn.execute(
                text("SELECT value FROM meta WHERE key = 'schema_version'")
            ).scalar() == str(SCHEMA_VERSION)
        saved = db.migration_backup
        assert saved is not None and saved.is_file() and ".v1-" in saved.name
        assert saved.parent == tmp_path / "data" / "herne-tui" / "sicherungen"
    finally:
        db.dispose()


def test_a_newer_schema_is_refused_and_left_alone(pg_url):
    db = open_database(pg_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
    db.dispose()
    with pytest.raises(SchemaError, match="Schema-Version 99"):
        open_database(pg_url)
    line = one_line(run_cli("list", "--db", pg_url))
    assert "Schema-Version 99" in line


# -- backup and restore ------------------------------------------------------------------------
BACKUP_LINE = re.compile(
    r"Sicherung (.+): (\d+(?:,\d+)? [kM]B), Schema (\d+), 140 Maßnahmen, (\d+) Notizen, "
    r"(\d+) Verlaufseinträge; (.+) \((\d+,\d+) s\)"
)


def test_backup_and_restore_with_pg_dump(pg_url, tmp_path):
    need_tools("pg_dump", "pg_restore", "psql")
    edits.add_note(open_database(pg_url), measure_id="ARB-01", text="vorher", user="anna")
    folder = tmp_path / "sicherungen"
    folder.mkdir()
    made = run_cli("backup", "--db", pg_url, str(folder))
    assert made.returncode == 0, made.stderr
    match = BACKUP_LINE.search(made.stdout)
    assert match and "pg_dump-Archiv" in match[6], made.stdout
    archive = Path(match[1])
    assert archive.parent == folder and archive.suffix == ".dump"
    assert archive.read_bytes().startswith(b"PGDMP")

    db = open_database(pg_url)
    try:
        edits.move_measure(db, measure_id="ARB-01", status="umgesetzt", user="bernd")
        with ChangeWatcher(db) as watcher:
            refused = run_cli("restore", str(archive), "--db", pg_url)  # no terminal, no --yes
            assert "--yes" in one_line(refused)
            done = run_cli("restore", str(archive), "--db", pg_url, "--yes")
            assert done.returncode == 0, done.stderr
            assert watcher.poll() is not None  # running apps notice the restore
        m = queries.get_measure(db, "ARB-01")
        assert m.status == "offen" and [n.text for n in m.notes] == ["vorher"]
        saved = Path(re.search(r"bisheriger Stand gesichert: (.+)", done.stdout)[1])
        assert saved.is_file() and ".vor-wiederherstellung-" in saved.name
        # ids go on after the restored history (sequences were restored too)
        edits.move_measure(db, measure_id="ARB-01", status="beratung", user="bernd")
        again = run_cli("restore", str(saved), "--db", pg_url, "--yes")  # back to "umgesetzt"
        assert again.returncode == 0, again.stderr
        assert queries.get_measure(db, "ARB-01").status == "umgesetzt"
    finally:
        db.dispose()


def test_without_pg_dump_the_backup_is_an_export_that_restores(pg_url, tmp_path):
    dest = tmp_path / "sicherung.json.gz"
    made = run_cli("backup", "--db", pg_url, str(dest), env=NO_PG_TOOLS)
    assert made.returncode == 0, made.stderr
    assert "pg_dump ist nicht installiert" in made.stderr
    assert "herne-tui-Export" in made.stdout
    data = json.loads(gzip.decompress(dest.read_bytes()))
    assert data["format"] == "herne-tui-dump" and data["schema_version"] == SCHEMA_VERSION
    assert len(data["tables"]["measure"]["rows"]) == 140

    db = open_database(pg_url)
    try:
        edits.update_measure(db, measure_id="SCH-01", changes={"lead": "CDU"}, user="anna")
        done = run_cli("restore", str(dest), "--db", pg_url, "--yes", env=NO_PG_TOOLS)
        assert done.returncode == 0, done.stderr
        assert queries.get_measure(db, "SCH-01").lead == ""
        edits.update_measure(db, measure_id="SCH-01", changes={"lead": "SPD"}, user="anna")
        assert queries.get_measure(db, "SCH-01").version == 2
    finally:
        db.dispose()
    # the same file also moves the database to SQLite
    target = tmp_path / "lokal.db"
    moved = run_cli("restore", str(dest), "--db", str(target), "--yes")
    assert moved.returncode == 0, moved.stderr
    local = open_database(str(target))
    try:
        assert len(queries.load_board(local).measures) == 140
        assert queries.get_measure(local, "SCH-01").lead == ""
    finally:
        local.dispose()


def test_an_sqlite_database_moves_into_postgresql(db, db_path, pg_server):
    edits.update_measure(
        db, measure_id="KJF-02", changes={"status": "umsetzung"}, user="anna", note="aus SQLite"
    )
    url = pg_server.fresh(seeded=False)
    try:
        done = run_cli("restore", str(db_path), "--db", url, "--yes")
        assert done.returncode == 0, done.stderr
        assert "bisheriger Stand" not in done.stdout  # nothing was there to keep
        pg = open_database(url)
        try:
            m = queries.get_measure(pg, "KJF-02")
            assert m.status == "umsetzung" and [n.text for n in m.notes] == ["aus SQLite"]
            assert len(queries.history(pg)) == len(queries.history(db))
            edits.add_note(pg, measure_id="KJF-02", text="weiter in PostgreSQL", user="b")
        finally:
            pg.dispose()
    finally:
        pg_server.drop(url)


def test_restore_refuses_what_is_not_a_backup(pg_url, tmp_path):
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"nothing useful" * 10)
    line = one_line(run_cli("restore", str(junk), "--db", pg_url, "--yes"))
    assert "weder ein pg_dump-Archiv" in line
    fake = tmp_path / "fake.json.gz"
    fake.write_bytes(gzip.compress(b'{"format": "etwas anderes"}'))
    assert "keine herne-tui-Sicherung" in one_line(
        run_cli("restore", str(fake), "--db", pg_url, "--yes")
    )
    assert queries.load_board(open_database(pg_url)).measures


def test_backup_while_another_process_writes(pg_url, tmp_path):
    need_tools("pg_dump", "pg_restore")
    with spawn("loop", pg_url, "bernd", "100000") as proc:
        assert proc.stdout.readline().startswith("ready")
        committed = [proc.stdout.readline().split()[3] for _ in range(20)]
        made = run_cli("backup", "--db", pg_url, str(tmp_path / "laufend.dump"))
        assert proc.poll() is None
    assert made.returncode == 0, made.stderr
    restored = open_database(pg_url)  # restore it into the same server, then compare
    try:
        done = run_cli("restore", str(tmp_path / "laufend.dump"), "--db", pg_url, "--yes")
        assert done.returncode == 0, done.stderr
        values = {e.new for e in queries.history(restored, user="bernd")}
        assert set(committed) <= values
    finally:
        restored.dispose()


# -- the app on PostgreSQL ----------------------------------------------------------------------
async def test_second_app_sees_the_first_apps_move_on_postgresql(pg_url, clock):
    one, two = open_database(pg_url, clock=clock), open_database(pg_url, clock=clock)
    first, second = make_app(one, user="anna"), make_app(two, user="bernd")
    try:
        async with first.run_test(size=(120, 40)) as p1, second.run_test(size=(120, 40)) as p2:
            for pilot, app in ((p1, first), (p2, second)):
                await until(pilot, lambda app=app: "offen" in getattr(app.screen, "shown", {}))
                await settle(pilot)
            reports = await watch_reports(p2, second)
            await p2.press("j")
            await p1.press("L")
            await until(p1, lambda: queries.get_measure(one, "ARB-01").status == "vorbereitung")
            await until(
                p2, lambda: [m.id for m in second.screen.shown["vorbereitung"]] == ["ARB-01"]
            )
            # "within a second" without timing the machine: the first poll (every 0.2 s here)
            # that noticed anna's commit brought the move on screen by itself
            assert len(reports) == 1, reports
            assert second.screen.focused_measure().id == "ARB-02"
    finally:
        one.dispose()
        two.dispose()


def test_env_var_names_the_database(pg_url):
    listed = run_cli("list", "--format", "json", env={"HERNE_TUI_DB": pg_url})
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 140
    assert os.environ.get("HERNE_TUI_DB") != pg_url


def test_an_export_is_engine_neutral_even_where_pg_dump_exists(pg_url, tmp_path):
    made = run_cli("backup", "--db", pg_url, str(tmp_path), "--format", "export")
    assert made.returncode == 0, made.stderr
    assert made.stderr == ""  # asked for, so no notice
    (dump,) = tmp_path.glob("*.json.gz")
    moved = run_cli("restore", str(dump), "--db", str(tmp_path / "lokal.db"), "--yes")
    assert moved.returncode == 0, moved.stderr
